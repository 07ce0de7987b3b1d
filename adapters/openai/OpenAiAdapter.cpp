#include "OpenAiAdapter.h"

#include "OpenAiCompletionsCodec.h"
#include "OpenAiEmbeddingsCodec.h"
#include "OpenAiResponsesCodec.h"
#include "OpenAiStreamDecoder.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace onegate {


QUrl openAiEndpoint(const ProviderSettings &provider, QStringView path)
{
    QUrl url = provider.baseUrl;
    url.setPath(url.path() + path);
    return url;
}

void addOpenAiHeaders(UpstreamRequest &request, const ProviderSettings &provider, const QByteArray &apiKey)
{
    if (!apiKey.isEmpty())
        request.headers.append({QByteArrayLiteral("Authorization"), "Bearer " + apiKey});
    request.headers.append(provider.extraHeaders);
}

QByteArray openAiPassThroughBody(const ChatCall &call, bool askForUsage)
{
    QJsonObject body = call.body;
    body.insert(QLatin1String("model"), call.upstreamModel);
    if (call.stream && askForUsage) {
        // Always ask for usage so every streamed request is recorded; the decoder
        // drops the extra chunk again when the client did not ask for it.
        QJsonObject options = body.value(QLatin1String("stream_options")).toObject();
        options.insert(QLatin1String("include_usage"), true);
        body.insert(QLatin1String("stream_options"), options);
    }
    return QJsonDocument(body).toJson(QJsonDocument::Compact);
}

std::variant<UpstreamRequest, ApiError> OpenAiAdapter::chatRequest(const ChatCall &call) const
{
    UpstreamRequest request;
    request.url = openAiEndpoint(*call.provider, u"/chat/completions");
    request.body = openAiPassThroughBody(call);
    request.headers = {
        {QByteArrayLiteral("Content-Type"), QByteArrayLiteral("application/json")},
        {QByteArrayLiteral("Accept"), call.stream ? QByteArrayLiteral("text/event-stream")
                                                  : QByteArrayLiteral("application/json")},
    };
    addOpenAiHeaders(request, *call.provider, call.apiKey);
    return request;
}

std::unique_ptr<ChatStreamDecoder> OpenAiAdapter::streamDecoder(const ChatCall &call) const
{
    return std::make_unique<OpenAiStreamDecoder>(call.clientWantsUsage);
}

ChatResult OpenAiAdapter::decodeChat(const ChatCall &, const QByteArray &body) const
{
    ChatResult result;
    QJsonParseError parseError{};
    const QJsonDocument doc = QJsonDocument::fromJson(body, &parseError);
    if (!doc.isObject()) {
        result.error = ApiError::make(502, QStringLiteral("upstream_error"), QStringLiteral("bad_upstream_response"),
                                      QStringLiteral("the provider answered with invalid JSON: %1")
                                          .arg(parseError.errorString()),
                                      true);
        return result;
    }
    result.body = body;
    result.usage = tokenUsageFromOpenAi(doc.object().value(QLatin1String("usage")).toObject());
    return result;
}

ApiError OpenAiAdapter::mapError(int status, const QByteArray &body,
                                 const QByteArray &contentType) const
{
    return openAiUpstreamError(status, body, contentType);
}

const ChatCodec *OpenAiAdapter::nativeCodec(WireDialect dialect, const ProviderSettings &provider) const
{
    static const OpenAiResponsesCodec responses;
    static const OpenAiCompletionsCodec completions;
    if (dialect == WireDialect::OpenAiCompletions)
        return &completions;
    return dialect == WireDialect::OpenAiResponses && provider.servesResponses ? &responses : nullptr;
}

const ChatCodec *OpenAiAdapter::embeddingsCodec(const ProviderSettings &) const
{
    static const OpenAiEmbeddingsCodec embeddings;
    return &embeddings;
}

ApiError openAiUpstreamError(int status, const QByteArray &body, const QByteArray &contentType)
{
    const bool retryable = status == 429 || status >= 500;
    const QJsonDocument doc = QJsonDocument::fromJson(body);
    if (doc.isObject() && doc.object().contains(QLatin1String("error"))) {
        ApiError error = ApiError::make(status, {}, {}, {}, retryable);
        const QJsonValue inner = doc.object().value(QLatin1String("error"));
        error.message = inner.isObject() ? inner.toObject().value(QLatin1String("message")).toString()
                                         : inner.toString();
        error.type = inner.toObject().value(QLatin1String("type")).toString();
        error.code = inner.toObject().value(QLatin1String("code")).toVariant().toString();
        error.upstreamBody = body;
        error.upstreamContentType = contentType.isEmpty() ? QByteArrayLiteral("application/json")
                                                          : contentType;
        return error;
    }
    // Not OpenAI-shaped (a proxy's HTML page, a bare string): describe it in our shape.
    const QString snippet = QString::fromUtf8(body.left(300)).simplified();
    return ApiError::make(status, status >= 500 ? QStringLiteral("upstream_error")
                                                : QStringLiteral("invalid_request_error"),
                          {},
                          snippet.isEmpty()
                              ? QStringLiteral("the provider answered HTTP %1").arg(status)
                              : QStringLiteral("the provider answered HTTP %1: %2").arg(status).arg(snippet),
                          retryable);
}

UpstreamRequest OpenAiAdapter::modelListRequest(const ProviderSettings &provider,
                                                const QByteArray &apiKey) const
{
    UpstreamRequest request;
    request.method = QByteArrayLiteral("GET");
    request.url = openAiEndpoint(provider, u"/models");
    request.headers = {{QByteArrayLiteral("Accept"), QByteArrayLiteral("application/json")}};
    addOpenAiHeaders(request, provider, apiKey);
    return request;
}

ModelListResult OpenAiAdapter::decodeModelList(const QByteArray &body) const
{
    ModelListResult result;
    const QJsonDocument doc = QJsonDocument::fromJson(body);
    if (!doc.isObject() || !doc.object().value(QLatin1String("data")).isArray()) {
        result.error = ApiError::make(502, QStringLiteral("upstream_error"), QStringLiteral("bad_upstream_response"),
                                      QStringLiteral("the provider's model list is not an OpenAI list"));
        return result;
    }
    const QJsonArray data = doc.object().value(QLatin1String("data")).toArray();
    for (const QJsonValue &entry : data) {
        const QString id = entry.toObject().value(QLatin1String("id")).toString();
        if (!id.isEmpty())
            result.models.append(id);
    }
    return result;
}

} // namespace onegate
