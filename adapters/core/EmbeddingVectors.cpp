#include "EmbeddingVectors.h"

#include <QJsonParseError>

#include <QJsonArray>
#include <QJsonDocument>
#include <QtEndian>
#include <bit>

namespace onegate {

using namespace Qt::StringLiterals;

std::optional<QStringList> embeddingTexts(const QJsonValue &input)
{
    if (input.isString())
        return QStringList{input.toString()};
    QStringList texts;
    const QJsonArray items = input.toArray();
    texts.reserve(items.size());
    for (const QJsonValue &item : items) {
        // The front door lets no mixed arrays through: a non-string is token ids.
        if (!item.isString())
            return std::nullopt;
        texts.append(item.toString());
    }
    return texts;
}

ApiError embeddingTokensRefused(const QString &provider)
{
    ApiError error = ApiError::invalidRequest(
        u"%1 takes text only: 'input' must be a string or an array of strings, not token ids"_s.arg(
            provider),
        u"input"_s);
    error.code = u"invalid_value"_s;
    return error;
}

qint64 embeddingDimensions(const QJsonObject &request)
{
    const QJsonValue dimensions = request.value("dimensions"_L1);
    return dimensions.isDouble() ? qMax<qint64>(0, dimensions.toInteger()) : 0;
}

bool embeddingsWantBase64(const QJsonObject &request)
{
    return request.value("encoding_format"_L1).toString() == "base64"_L1;
}

std::optional<EmbeddingVector> embeddingVectorFromJson(const QJsonValue &values)
{
    if (!values.isArray())
        return std::nullopt;
    const QJsonArray array = values.toArray();
    EmbeddingVector vector;
    vector.reserve(array.size());
    for (const QJsonValue &value : array) {
        if (!value.isDouble())
            return std::nullopt;
        vector.append(value.toDouble());
    }
    return vector;
}

QByteArray embeddingToBase64(const EmbeddingVector &vector)
{
    QByteArray bytes(vector.size() * qsizetype(sizeof(quint32)), Qt::Uninitialized);
    char *out = bytes.data();
    for (const double value : vector) {
        qToLittleEndian(std::bit_cast<quint32>(static_cast<float>(value)), out);
        out += sizeof(quint32);
    }
    return bytes.toBase64();
}

QByteArray openAiEmbeddingsBody(const QList<EmbeddingVector> &vectors, const QString &model,
                                qint64 promptTokens, bool base64)
{
    QJsonArray data;
    for (qsizetype i = 0; i < vectors.size(); ++i) {
        QJsonValue embedding;
        if (base64) {
            embedding = QString::fromLatin1(embeddingToBase64(vectors.at(i)));
        } else {
            QJsonArray values;
            for (const double value : vectors.at(i))
                values.append(value);
            embedding = values;
        }
        data.append(QJsonObject{
            {"object"_L1, "embedding"_L1}, {"index"_L1, i}, {"embedding"_L1, embedding}});
    }
    const QJsonObject body{
        {"object"_L1, "list"_L1},
        {"data"_L1, data},
        {"model"_L1, model},
        {"usage"_L1,
         QJsonObject{{"prompt_tokens"_L1, promptTokens}, {"total_tokens"_L1, promptTokens}}},
    };
    return QJsonDocument(body).toJson(QJsonDocument::Compact);
}

ApiError badEmbeddingsAnswer(const QString &message)
{
    return ApiError::make(502, u"upstream_error"_s, u"bad_upstream_response"_s, message, true);
}

std::variant<EmbeddingsAnswer, ApiError> readEmbeddingsAnswer(const QByteArray &body, const QJsonObject &request,
                                                              QLatin1String listKey,
                                                              const std::function<QJsonValue(const QJsonValue &)> &vectorOf,
                                                              const QString &answerName)
{
    QJsonParseError parseError{};
    const QJsonDocument doc = QJsonDocument::fromJson(body, &parseError);
    if (!doc.isObject())
        return badEmbeddingsAnswer(QStringLiteral("the provider answered with invalid JSON: %1").arg(parseError.errorString()));
    EmbeddingsAnswer answer{doc.object(), {}};
    const QJsonValue list = answer.object.value(listKey);
    for (const QJsonValue &item : list.toArray()) {
        std::optional<EmbeddingVector> vector = embeddingVectorFromJson(vectorOf(item));
        if (!vector)
            return badEmbeddingsAnswer(QStringLiteral("the provider's answer is not %1: an embedding is not a list of numbers").arg(answerName));
        answer.vectors.append(std::move(*vector));
    }
    const qsizetype inputs = embeddingTexts(request.value(QLatin1String("input"))).value_or(QStringList()).size();
    if (!list.isArray() || answer.vectors.size() != inputs)
        return badEmbeddingsAnswer(QStringLiteral("the provider's answer is not %1 with one embedding per input").arg(answerName));
    return answer;
}

} // namespace onegate
