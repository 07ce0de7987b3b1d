#pragma once

#include "ClientDialect.h"

#include <QJsonObject>
#include <QString>
#include <memory>

namespace onegate {

// The legacy OpenAI Completions API's client side (/v1/completions): the relay's OpenAI
// Chat answers and streams as text_completion objects (OpenAiCompletionsStreamEncoder
// for streams). `echo` puts the prompt before the answer text. Errors are OpenAI's
// shape, rendered by OpenAiChatClient; a provider's own OpenAI body (Chat, Responses or
// Completions: one error shape) is relayed as it was. No keep-alive event.
class OpenAiCompletionsClient final : public ClientDialect {
public:
    // `model`: the client's own model name, echoed in answers. `request`: the client's
    // completions body (prompt, echo, stream_options).
    OpenAiCompletionsClient(QString model, const QJsonObject &request);

    WireDialect wire() const override { return WireDialect::OpenAiCompletions; }
    std::unique_ptr<ChatStreamSink> streamTranslator(StreamOutlet outlet) const override;
    std::variant<QByteArray, ApiError> answer(const QByteArray &completion) const override;
    void sendError(QHttpServerResponder &responder, const ApiError &error,
                   const HeaderPairs &headers = {}) const override;
    QByteArray streamError(const ApiError &error) const override;

    // "cmpl-" and the tail of a chat completion id (a random one when it has none).
    static QString completionId(const QString &chatId);
    // "stop", "length" or "content_filter": what Completions clients know; a tool call
    // finish is "stop". Empty stays empty (null).
    static QString finishReason(const QString &chatReason);

private:
    QString m_model;
    QString m_echo;
    bool m_includeUsage = false;
    OpenAiChatClient m_chat;
};

} // namespace onegate
