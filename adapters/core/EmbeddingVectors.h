#pragma once

#include "ApiError.h"

#include <QByteArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QString>
#include <QStringList>
#include <functional>
#include <optional>
#include <variant>

// What the embeddings codecs of the translating kinds (gemini, ollama) share: reading an
// OpenAI embeddings request (ChatCall::body, already checked at the front door) and
// writing OpenAI's embeddings answer from the vectors a provider sent.
namespace onegate {

// One vector as the provider sent it. JSON numbers are doubles and are kept so: a float
// answer then repeats the provider's digits instead of float32 noise.
using EmbeddingVector = QList<double>;

// The texts of a request's `input` (one string, or an array of strings), in order;
// nullopt when the input is token ids ([int] or [[int]]), which only a provider with
// OpenAI's tokenizers can read.
std::optional<QStringList> embeddingTexts(const QJsonValue &input);

// The 400 for token-id input to a provider that takes text only; `provider` names its
// API in the message ("Gemini", "Ollama").
ApiError embeddingTokensRefused(const QString &provider);

// The request's `dimensions`, or 0 when the client did not set it.
qint64 embeddingDimensions(const QJsonObject &request);

// Whether the client asked for encoding_format "base64" (otherwise floats).
bool embeddingsWantBase64(const QJsonObject &request);

// A provider's vector (a JSON array of numbers); nullopt when it is anything else.
std::optional<EmbeddingVector> embeddingVectorFromJson(const QJsonValue &values);

// A vector as OpenAI sends it for encoding_format "base64", and as the official SDKs
// decode it: each value as an IEEE 754 float32, little-endian, the bytes in base64.
QByteArray embeddingToBase64(const EmbeddingVector &vector);

// OpenAI's embeddings answer: {"object":"list","data":[{"object":"embedding","index":i,
// "embedding":[...] or "<base64>"}...],"model":...,"usage":{"prompt_tokens":N,
// "total_tokens":N}}, the vectors in input order (embeddings have no output tokens, so
// total = prompt).
QByteArray openAiEmbeddingsBody(const QList<EmbeddingVector> &vectors, const QString &model,
                                qint64 promptTokens, bool base64);

// The 502 for a provider answer that is not the embeddings answer expected of it.
ApiError badEmbeddingsAnswer(const QString &message);

// A translating provider's answer read: its JSON object and one vector per input of
// `request`, taken from the array under `listKey` (each item through `vectorOf`, which
// gives the item's array of numbers). Otherwise a 502 saying it is not `answerName`.
struct EmbeddingsAnswer {
    QJsonObject object;
    QList<EmbeddingVector> vectors;
};
std::variant<EmbeddingsAnswer, ApiError> readEmbeddingsAnswer(const QByteArray &body, const QJsonObject &request,
                                                              QLatin1String listKey,
                                                              const std::function<QJsonValue(const QJsonValue &)> &vectorOf,
                                                              const QString &answerName);

} // namespace onegate
