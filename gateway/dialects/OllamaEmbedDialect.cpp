#include "OllamaEmbedDialect.h"

#include "OllamaErrors.h"
#include "RequestBody.h"

#include <QByteArrayView>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>
#include <cstring>

namespace onegate {

namespace {

using namespace Qt::StringLiterals;

ApiError invalid(const QString &param, const QString &message)
{
    return ApiError::invalidRequest(message, param);
}

// The vector of an OpenAI embedding item: floats, or little-endian float32 in base64.
QJsonArray vectorOf(const QJsonValue &embedding)
{
    if (embedding.isArray())
        return embedding.toArray();
    const QByteArray bytes = QByteArray::fromBase64(embedding.toString().toLatin1());
    QJsonArray values;
    for (qsizetype at = 0; at + 4 <= bytes.size(); at += 4) {
        float value = 0;
        std::memcpy(&value, bytes.constData() + at, 4);  // x86 and ARM are little-endian
        values.append(double(value));
    }
    return values;
}

} // namespace

std::variant<ChatEnvelope, ApiError> OllamaEmbedRequestDecoder::decode(const QByteArray &bytes, Form form)
{
    const auto object = requestObject(bytes, ollamaUnparsable());
    if (const ApiError *error = std::get_if<ApiError>(&object))
        return *error;
    const QJsonObject in = std::get<QJsonObject>(object);
    const QString model = in.value("model"_L1).toString();
    if (model.isEmpty())
        return invalid(u"model"_s, u"model is required"_s);

    QJsonObject out{{"model"_L1, model}, {"encoding_format"_L1, "float"_L1}};
    const QLatin1String inputKey = form == Form::Embed ? "input"_L1 : "prompt"_L1;
    const QJsonValue input = in.value(inputKey);
    if (input.isString() && !input.toString().isEmpty()) {
        out.insert("input"_L1, input);
    } else if (form == Form::Embed && input.isArray() && !input.toArray().isEmpty()) {
        for (const QJsonValue &item : input.toArray()) {
            if (!item.isString() || item.toString().isEmpty())
                return invalid(inputKey, u"input must be a non-empty string or an array of non-empty strings"_s);
        }
        out.insert("input"_L1, input);
    } else {
        return invalid(inputKey, form == Form::Embed ? u"input must be a non-empty string or an array of non-empty strings"_s
                                                     : u"prompt must be a non-empty string"_s);
    }
    const QJsonValue dimensions = in.value("dimensions"_L1);
    if (!dimensions.isUndefined() && !dimensions.isNull()) {
        if (!dimensions.isDouble() || dimensions.toDouble() < 1 || dimensions.toDouble() != double(dimensions.toInteger()))
            return invalid(u"dimensions"_s, u"dimensions must be a positive integer"_s);
        out.insert("dimensions"_L1, dimensions);
    }
    // truncate, options and keep_alive tune a local runner; providers truncate or refuse
    // by their own rules.
    ChatEnvelope envelope;
    envelope.model = model;
    envelope.body = out;
    envelope.native = in;
    return envelope;
}

OllamaEmbedClient::OllamaEmbedClient(QString model, OllamaEmbedRequestDecoder::Form form)
    : m_model(std::move(model))
    , m_form(form)
{
    m_clock.start();
}

std::variant<QByteArray, ApiError> OllamaEmbedClient::answer(const QByteArray &embeddings) const
{
    const QJsonObject list = QJsonDocument::fromJson(embeddings).object();
    const QJsonArray data = list.value("data"_L1).toArray();
    if (data.isEmpty())
        return ApiError::make(502, u"upstream_error"_s, u"bad_upstream_response"_s, u"the provider sent no embeddings"_s);
    QList<QJsonArray> vectors(data.size());
    for (const QJsonValue &item : data) {
        const qsizetype index = item.toObject().value("index"_L1).toInteger(-1);
        if (index < 0 || index >= vectors.size())
            return ApiError::make(502, u"upstream_error"_s, u"bad_upstream_response"_s, u"the provider's embeddings are not numbered 0..n-1"_s);
        vectors[index] = vectorOf(item.toObject().value("embedding"_L1));
    }
    if (m_form == OllamaEmbedRequestDecoder::Form::LegacyEmbeddings)
        return QJsonDocument(QJsonObject{{"embedding"_L1, vectors.first()}}).toJson(QJsonDocument::Compact);
    QJsonArray all;
    for (const QJsonArray &vector : vectors)
        all.append(vector);
    const qint64 promptTokens = list.value("usage"_L1).toObject().value("prompt_tokens"_L1).toInteger();
    return QJsonDocument(QJsonObject{{"model"_L1, m_model},
                                     {"embeddings"_L1, all},
                                     {"total_duration"_L1, m_clock.nsecsElapsed()},
                                     {"load_duration"_L1, 0},
                                     {"prompt_eval_count"_L1, promptTokens}})
        .toJson(QJsonDocument::Compact);
}

void OllamaEmbedClient::sendError(QHttpServerResponder &responder, const ApiError &error, const HeaderPairs &headers) const
{
    sendOllamaError(responder, error, headers);
}

QByteArray OllamaEmbedClient::streamError(const ApiError &error) const
{
    return ollamaErrorLine(error);
}

} // namespace onegate
