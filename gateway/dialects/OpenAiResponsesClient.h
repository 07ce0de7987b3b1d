#pragma once

#include "ClientDialect.h"
#include "OpenAiResponsesStreamEncoder.h"

#include <QJsonObject>
#include <QString>
#include <memory>

namespace onegate {

// The OpenAI Responses API's client side (/v1/responses; Codex, the openai SDKs'
// responses.create): the relay's OpenAI Chat answers, streams and errors in the
// Responses shapes (OpenAiResponsesAnswerEncoder, OpenAiResponsesStreamEncoder).
// HTTP errors use OpenAI's error shape, which the Responses API shares with Chat, so a
// provider's own OpenAI body (Chat or Responses) is relayed as it was. A stream that
// fails after it began ends with response.failed, numbered after the last event the
// stream's translator sent. The Responses API has no keep-alive event: none is sent.
class OpenAiResponsesClient final : public ClientDialect {
public:
    // `model`: the client's own model name, echoed in answers. `request`: the client's
    // Responses body, whose instructions, tools, tool_choice, temperature, ... the
    // response objects echo.
    OpenAiResponsesClient(QString model, QJsonObject request);

    WireDialect wire() const override { return WireDialect::OpenAiResponses; }
    std::unique_ptr<ChatStreamSink> streamTranslator(StreamOutlet outlet) const override;
    std::variant<QByteArray, ApiError> answer(const QByteArray &completion) const override;
    void sendError(QHttpServerResponder &responder, const ApiError &error,
                   const HeaderPairs &headers = {}) const override;
    QByteArray streamError(const ApiError &error) const override;
    // A Responses provider's own events: a failure after them continues their sequence
    // numbers, names their response and keeps the items they completed.
    void nativeFrameSent(const QByteArray &frame) const override;

    // The error body Responses clients parse: a provider's own OpenAI-shaped body (Chat
    // or Responses) as it was, anything else rendered in OpenAI's shape.
    static QByteArray errorBody(const ApiError &error);

private:
    OpenAiResponsesStreamEncoder::Options m_options;
    // The latest translator's progress: a failure the relay ends the stream with
    // continues what that translator sent (each attempt gets a translator of its own;
    // only the last one's events can have reached the client).
    mutable std::shared_ptr<OpenAiResponsesStreamEncoder::Progress> m_progress;
};

} // namespace onegate
