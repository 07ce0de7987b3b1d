#include "OpenAiCompletionsCodec.h"

#include "OpenAiAdapter.h"
#include "OpenAiStreamDecoder.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace onegate {

std::variant<UpstreamRequest, ApiError> OpenAiCompletionsCodec::chatRequest(const ChatCall &call) const
{
    ChatCall native = call;
    native.body = call.nativeBody;
    UpstreamRequest request;
    request.url = openAiEndpoint(*call.provider, u"/completions");
    request.body = openAiPassThroughBody(native);
    request.headers = {
        {QByteArrayLiteral("Content-Type"), QByteArrayLiteral("application/json")},
        {QByteArrayLiteral("Accept"),
         call.stream ? QByteArrayLiteral("text/event-stream") : QByteArrayLiteral("application/json")},
    };
    addOpenAiHeaders(request, *call.provider, call.apiKey);
    return request;
}

std::unique_ptr<ChatStreamDecoder> OpenAiCompletionsCodec::streamDecoder(const ChatCall &call) const
{
    // Completion chunks frame like chat chunks: choices, then a usage-only chunk.
    return std::make_unique<OpenAiStreamDecoder>(call.clientWantsUsage);
}

ChatResult OpenAiCompletionsCodec::decodeChat(const ChatCall &, const QByteArray &body) const
{
    ChatResult result;
    const QJsonDocument doc = QJsonDocument::fromJson(body);
    if (!doc.isObject()) {
        result.error = ApiError::make(502, QStringLiteral("upstream_error"), QStringLiteral("bad_upstream_response"),
                                      QStringLiteral("the provider answered with invalid JSON"), true);
        return result;
    }
    result.body = body;
    result.usage = tokenUsageFromOpenAi(doc.object().value(QLatin1String("usage")).toObject());
    return result;
}

ApiError OpenAiCompletionsCodec::mapError(int status, const QByteArray &body, const QByteArray &contentType) const
{
    return openAiUpstreamError(status, body, contentType);
}

} // namespace onegate
