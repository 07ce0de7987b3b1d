#include "OllamaAdapter.h"

#include "OllamaChatCodec.h"
#include "OllamaEmbeddingsCodec.h"
#include "OllamaStreamDecoder.h"
#include "openai/OpenAiChatCodec.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace onegate {

namespace {

QUrl endpoint(const ProviderSettings &provider, QStringView path)
{
    // The origin normally; a path prefix (Ollama behind a reverse proxy) is kept.
    QUrl url = provider.baseUrl;
    QString base = url.path();
    while (base.endsWith(QLatin1Char('/')))
        base.chop(1);
    url.setPath(base + path);
    return url;
}

ApiError badResponse(const QString &message)
{
    return ApiError::make(502, QStringLiteral("upstream_error"), QStringLiteral("bad_upstream_response"), message,
                          true);
}

QString modelFor(const ChatCall &call, const QString &reported)
{
    return reported.isEmpty() ? call.upstreamModel : reported;
}

} // namespace

UpstreamRequest ollamaRequest(const ProviderSettings &provider, const QByteArray &apiKey, QStringView path,
                              const QByteArray &accept)
{
    UpstreamRequest request;
    request.url = endpoint(provider, path);
    request.headers = {{QByteArrayLiteral("Accept"), accept}};
    if (!apiKey.isEmpty())
        request.headers.append({QByteArrayLiteral("Authorization"), "Bearer " + apiKey});
    request.headers.append(provider.extraHeaders);
    return request;
}

std::variant<UpstreamRequest, ApiError> OllamaAdapter::chatRequest(const ChatCall &call) const
{
    auto decoded = decodeOpenAiChatRequest(call.body);
    if (const ApiError *error = std::get_if<ApiError>(&decoded))
        return *error;
    auto body = ollama::encodeChatRequest(std::get<canonical::Request>(decoded), call.upstreamModel, call.stream);
    if (const ApiError *error = std::get_if<ApiError>(&body))
        return *error;
    UpstreamRequest request =
        ollamaRequest(*call.provider, call.apiKey, u"/api/chat",
                      call.stream ? QByteArrayLiteral("application/x-ndjson") : QByteArrayLiteral("application/json"));
    request.headers.prepend({QByteArrayLiteral("Content-Type"), QByteArrayLiteral("application/json")});
    request.body = QJsonDocument(std::get<QJsonObject>(body)).toJson(QJsonDocument::Compact);
    return request;
}

std::unique_ptr<ChatStreamDecoder> OllamaAdapter::streamDecoder(const ChatCall &call) const
{
    return std::make_unique<OllamaStreamDecoder>(call.upstreamModel, call.clientWantsUsage);
}

ChatResult OllamaAdapter::decodeChat(const ChatCall &call, const QByteArray &body) const
{
    ChatResult result;
    QJsonParseError parseError{};
    const QJsonDocument doc = QJsonDocument::fromJson(body, &parseError);
    if (!doc.isObject()) {
        result.error = badResponse(QStringLiteral("the provider answered with invalid JSON: %1").arg(parseError.errorString()));
        return result;
    }
    const auto chunk = ollama::decodeChatChunk(doc.object());
    if (!chunk) {
        result.error = badResponse(QStringLiteral("the provider's answer is not an Ollama chat response"));
        return result;
    }
    if (chunk->isError) {
        result.error = ollama::errorFromOllama(502, chunk->errorMessage);
        return result;
    }
    canonical::Response response;
    response.model = modelFor(call, chunk->model);
    response.created = chunk->created;
    response.text = chunk->content;
    if (!chunk->thinking.isEmpty())
        response.reasoning.append(canonical::Reasoning{chunk->thinking, {}, {}});
    response.toolCalls = chunk->toolCalls;
    response.finishReason = ollama::finishReason(chunk->doneReason, !chunk->toolCalls.isEmpty());
    response.usage = chunk->usage;
    result.usage = chunk->usage;
    result.body = QJsonDocument(encodeOpenAiChatResponse(response)).toJson(QJsonDocument::Compact);
    return result;
}

ApiError OllamaAdapter::mapError(int status, const QByteArray &body, const QByteArray &) const
{
    return ollamaUpstreamError(status, body);
}

const ChatCodec *OllamaAdapter::embeddingsCodec(const ProviderSettings &) const
{
    static const OllamaEmbeddingsCodec embeddings;
    return &embeddings;
}

ApiError ollamaUpstreamError(int status, const QByteArray &body)
{
    const QJsonObject object = QJsonDocument::fromJson(body).object();
    if (object.contains(QLatin1String("error"))) {
        const auto chunk = ollama::decodeChatChunk(object);
        return ollama::errorFromOllama(status, chunk->errorMessage);
    }
    // Not Ollama's shape (a proxy's page, Go's plain "404 page not found"): describe it.
    const QString snippet = QString::fromUtf8(body.left(300)).simplified();
    return ollama::errorFromOllama(
        status, snippet.isEmpty() ? QString() : QStringLiteral("the provider answered HTTP %1: %2").arg(status).arg(snippet));
}

UpstreamRequest OllamaAdapter::modelListRequest(const ProviderSettings &provider, const QByteArray &apiKey) const
{
    UpstreamRequest request = ollamaRequest(provider, apiKey, u"/api/tags", QByteArrayLiteral("application/json"));
    request.method = QByteArrayLiteral("GET");
    return request;
}

ModelListResult OllamaAdapter::decodeModelList(const QByteArray &body) const
{
    ModelListResult result;
    const QJsonObject object = QJsonDocument::fromJson(body).object();
    if (!object.value(QLatin1String("models")).isArray()) {
        result.error = ApiError::make(502, QStringLiteral("upstream_error"), QStringLiteral("bad_upstream_response"),
                                      QStringLiteral("the provider's model list is not an Ollama /api/tags answer"));
        return result;
    }
    for (const QJsonValue &entry : object.value(QLatin1String("models")).toArray()) {
        const QString name = entry.toObject().value(QLatin1String("name")).toString();
        if (!name.isEmpty())
            result.models.append(name);
    }
    return result;
}

} // namespace onegate
