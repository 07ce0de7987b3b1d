#include "OpenAiEmbeddingsCodec.h"

#include "OpenAiAdapter.h"
#include "core/EmbeddingVectors.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace onegate {

using namespace Qt::StringLiterals;

std::variant<UpstreamRequest, ApiError>
OpenAiEmbeddingsCodec::chatRequest(const ChatCall &call) const
{
    UpstreamRequest request;
    request.url = openAiEndpoint(*call.provider, u"/embeddings");
    request.body = openAiPassThroughBody(call, false);
    request.headers = {
        {"Content-Type"_ba, "application/json"_ba},
        {"Accept"_ba, "application/json"_ba},
    };
    addOpenAiHeaders(request, *call.provider, call.apiKey);
    return request;
}

std::unique_ptr<ChatStreamDecoder> OpenAiEmbeddingsCodec::streamDecoder(const ChatCall &) const
{
    return nullptr;
}

ChatResult OpenAiEmbeddingsCodec::decodeChat(const ChatCall &, const QByteArray &body) const
{
    ChatResult result;
    QJsonParseError parseError{};
    const QJsonDocument doc = QJsonDocument::fromJson(body, &parseError);
    if (!doc.isObject()) {
        result.error = badEmbeddingsAnswer(
            u"the provider answered with invalid JSON: %1"_s.arg(parseError.errorString()));
        return result;
    }
    if (!doc.object().value("data"_L1).isArray()) {
        result.error =
            badEmbeddingsAnswer(u"the provider's answer is not an OpenAI embeddings list"_s);
        return result;
    }
    result.body = body;
    result.usage = tokenUsageFromOpenAi(doc.object().value("usage"_L1).toObject());
    return result;
}

ApiError OpenAiEmbeddingsCodec::mapError(int status, const QByteArray &body,
                                         const QByteArray &contentType) const
{
    return openAiUpstreamError(status, body, contentType);
}

} // namespace onegate
