#include "OllamaEmbeddingsCodec.h"

#include "OllamaAdapter.h"
#include "core/EmbeddingVectors.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace onegate {

using namespace Qt::StringLiterals;

std::variant<UpstreamRequest, ApiError>
OllamaEmbeddingsCodec::chatRequest(const ChatCall &call) const
{
    const QJsonValue input = call.body.value("input"_L1);
    if (!embeddingTexts(input))
        return embeddingTokensRefused(u"Ollama"_s);
    // One string or an array of strings, as the client sent it: /api/embed takes both.
    QJsonObject body{{"model"_L1, call.upstreamModel}, {"input"_L1, input}, {"truncate"_L1, true}};
    if (const qint64 dimensions = embeddingDimensions(call.body); dimensions > 0)
        body.insert("dimensions"_L1, dimensions);

    UpstreamRequest request =
        ollamaRequest(*call.provider, call.apiKey, u"/api/embed", "application/json"_ba);
    request.headers.prepend({"Content-Type"_ba, "application/json"_ba});
    request.body = QJsonDocument(body).toJson(QJsonDocument::Compact);
    return request;
}

std::unique_ptr<ChatStreamDecoder> OllamaEmbeddingsCodec::streamDecoder(const ChatCall &) const
{
    return nullptr;
}

ChatResult OllamaEmbeddingsCodec::decodeChat(const ChatCall &call, const QByteArray &body) const
{
    ChatResult result;
    auto read = readEmbeddingsAnswer(
        body, call.body, "embeddings"_L1, [](const QJsonValue &item) { return item; },
        u"an Ollama /api/embed answer"_s);
    if (ApiError *error = std::get_if<ApiError>(&read)) {
        result.error = *error;
        return result;
    }
    const QJsonObject &answer = std::get<EmbeddingsAnswer>(read).object;
    const QList<EmbeddingVector> &vectors = std::get<EmbeddingsAnswer>(read).vectors;
    const QJsonValue promptTokens = answer.value("prompt_eval_count"_L1);
    result.usage.known = promptTokens.isDouble();
    result.usage.prompt = promptTokens.toInteger();
    const QString model = answer.value("model"_L1).toString();
    result.body = openAiEmbeddingsBody(vectors, model.isEmpty() ? call.upstreamModel : model,
                                       result.usage.prompt, embeddingsWantBase64(call.body));
    return result;
}

ApiError OllamaEmbeddingsCodec::mapError(int status, const QByteArray &body,
                                         const QByteArray &) const
{
    return ollamaUpstreamError(status, body);
}

} // namespace onegate
