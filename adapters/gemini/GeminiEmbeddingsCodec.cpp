#include "GeminiEmbeddingsCodec.h"

#include "GeminiAdapter.h"
#include "core/EmbeddingVectors.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace onegate {

using namespace Qt::StringLiterals;

std::variant<UpstreamRequest, ApiError>
GeminiEmbeddingsCodec::chatRequest(const ChatCall &call) const
{
    const std::optional<QStringList> texts = embeddingTexts(call.body.value("input"_L1));
    if (!texts)
        return embeddingTokensRefused(u"Gemini"_s);
    // Every request of a batch must name the batch's own model.
    const QString resource = u"models/"_s + call.upstreamModel;
    const qint64 dimensions = embeddingDimensions(call.body);
    QJsonArray requests;
    for (const QString &text : *texts) {
        QJsonObject one{
            {"model"_L1, resource},
            {"content"_L1, QJsonObject{{"parts"_L1, QJsonArray{QJsonObject{{"text"_L1, text}}}}}},
        };
        if (dimensions > 0)
            one.insert("outputDimensionality"_L1, dimensions);
        requests.append(one);
    }

    const QString model = QString::fromLatin1(QUrl::toPercentEncoding(call.upstreamModel));
    UpstreamRequest request;
    request.url =
        geminiEndpoint(*call.provider, u"/v1beta/models/%1:batchEmbedContents"_s.arg(model));
    request.body =
        QJsonDocument(QJsonObject{{"requests"_L1, requests}}).toJson(QJsonDocument::Compact);
    request.headers.append({"Content-Type"_ba, "application/json"_ba});
    addGeminiHeaders(request, *call.provider, call.apiKey, false);
    return request;
}

std::unique_ptr<ChatStreamDecoder> GeminiEmbeddingsCodec::streamDecoder(const ChatCall &) const
{
    return nullptr;
}

ChatResult GeminiEmbeddingsCodec::decodeChat(const ChatCall &call, const QByteArray &body) const
{
    ChatResult result;
    auto answer = readEmbeddingsAnswer(
        body, call.body, "embeddings"_L1, [](const QJsonValue &item) { return item.toObject().value("values"_L1); },
        u"a Gemini batchEmbedContents answer"_s);
    if (ApiError *error = std::get_if<ApiError>(&answer)) {
        result.error = *error;
        return result;
    }
    const QList<EmbeddingVector> &vectors = std::get<EmbeddingsAnswer>(answer).vectors;
    // No token count in Gemini's answer: 0 in the body, unknown in the record.
    result.body =
        openAiEmbeddingsBody(vectors, call.upstreamModel, 0, embeddingsWantBase64(call.body));
    return result;
}

ApiError GeminiEmbeddingsCodec::mapError(int status, const QByteArray &body,
                                         const QByteArray &) const
{
    return geminiUpstreamError(status, body);
}

} // namespace onegate
