#pragma once

#include "ClientDialect.h"

#include <QString>

namespace onegate {

// The Anthropic Messages API's client side (/v1/messages): the relay's OpenAI Chat
// answers, streams and errors in Anthropic's shapes (AnthropicAnswerEncoder,
// AnthropicStreamEncoder); `ping` keeps a silent stream open. Errors use Anthropic's
// types for the status and keep the message as the provider worded it (Claude Code
// decides whether to retry from that wording).
class AnthropicMessagesClient final : public ClientDialect {
public:
    // `model`: the client's own model name, echoed in answers. `inputTokens`: the local
    // estimate for message_start (OpenAI streams tell the real count only at the end).
    AnthropicMessagesClient(QString model, qint64 inputTokens);

    WireDialect wire() const override { return WireDialect::AnthropicMessages; }
    std::unique_ptr<ChatStreamSink> streamTranslator(StreamOutlet outlet) const override;
    std::variant<QByteArray, ApiError> answer(const QByteArray &completion) const override;
    void sendError(QHttpServerResponder &responder, const ApiError &error, const HeaderPairs &headers = {}) const override;
    QByteArray streamError(const ApiError &error) const override;
    QByteArray keepAlive() const override;

    // The error body Anthropic clients parse: a provider's own Anthropic body as it was,
    // anything else rendered.
    static QByteArray errorBody(const ApiError &error);

private:
    QString m_model;
    qint64 m_inputTokens;
};

} // namespace onegate
