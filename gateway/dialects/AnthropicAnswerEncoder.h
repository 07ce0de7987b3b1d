#pragma once

#include "core/ApiError.h"
#include "core/ProviderAdapter.h"

#include <QByteArray>
#include <QJsonObject>
#include <QString>
#include <variant>

namespace onegate {

// Renders what the relay produces (OpenAI Chat, with OneGate's `reasoning_content` and
// `thinking_blocks` extensions) in the shape of Anthropic's Messages API, for the
// /v1/messages front door. Stateless; the stream counterpart is AnthropicStreamEncoder.
//
// Contract:
// - message() takes one whole chat.completion body and gives an Anthropic `message`
//   object, or a 502 ApiError when the body is not a chat completion with a choice.
//   Content blocks come in the order Anthropic uses: thinking / redacted_thinking, text,
//   tool_use. `requestedModel` is echoed as `model` (the client's own name, not the
//   provider's); empty falls back to the completion's model. `matchedStopSequence`,
//   when the caller knows which stop sequence ended the answer, turns a "stop" finish
//   into stop_reason "stop_sequence" with that sequence.
// - error() gives {"type":"error","error":{"type":...,"message":...}} with Anthropic's
//   error type for the status and the message exactly as the error carries it (Claude
//   Code decides whether to retry from the upstream's own wording).
class AnthropicAnswerEncoder final {
public:
    static std::variant<QJsonObject, ApiError> message(const QJsonObject &completion,
                                                       const QString &requestedModel,
                                                       const QString &matchedStopSequence = {});

    // OpenAI finish_reason -> Anthropic stop_reason (unknown reasons read as end_turn).
    static QString stopReason(const QString &finishReason, const QString &matchedStopSequence = {});

    // Anthropic's usage object from OneGate's token counts (see the .cpp for the sums).
    static QJsonObject usage(const TokenUsage &usage);

    // "msg_" + the completion id without its "chatcmpl-" (or "msg_") prefix, limited to the
    // characters Anthropic ids use; a random id when there is nothing to derive from.
    static QString messageId(const QString &completionId);

    static QString errorType(int httpStatus);
    static QJsonObject error(const ApiError &error);
    static QByteArray errorBody(const ApiError &error);
};

} // namespace onegate
