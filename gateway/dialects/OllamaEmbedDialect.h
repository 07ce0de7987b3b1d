#pragma once

#include "ClientDialect.h"
#include "OpenAiChatDialect.h"

#include <QByteArray>
#include <QElapsedTimer>
#include <QString>
#include <variant>

namespace onegate {

// Ollama's embeddings endpoints on the Ollama-compatible surface, as OpenAI embeddings
// calls: POST /api/embed {model, input: string | [string], dimensions?, truncate?} and the
// older POST /api/embeddings {model, prompt}. The envelope's body is the OpenAI request
// every provider's embeddings codec takes (floats, so the answer can be re-shaped).
class OllamaEmbedRequestDecoder final {
public:
    enum class Form { Embed, LegacyEmbeddings };
    static std::variant<ChatEnvelope, ApiError> decode(const QByteArray &body, Form form);
};

// The client side: an OpenAI embeddings answer as Ollama's ({"model","embeddings":[[..]],
// "total_duration","load_duration","prompt_eval_count"}, or {"embedding":[..]} for the
// older form); errors as Ollama's {"error": "..."}.
class OllamaEmbedClient final : public ClientDialect {
public:
    OllamaEmbedClient(QString model, OllamaEmbedRequestDecoder::Form form);

    WireDialect wire() const override { return WireDialect::OllamaApi; }
    std::unique_ptr<ChatStreamSink> streamTranslator(StreamOutlet) const override { return nullptr; }
    std::variant<QByteArray, ApiError> answer(const QByteArray &embeddings) const override;
    void sendError(QHttpServerResponder &responder, const ApiError &error,
                   const HeaderPairs &headers = {}) const override;
    QByteArray streamError(const ApiError &error) const override;

private:
    QString m_model;
    OllamaEmbedRequestDecoder::Form m_form;
    QElapsedTimer m_clock;  // since the request came in: Ollama's total_duration
};

} // namespace onegate
