#pragma once

#include "core/ApiError.h"
#include "core/ProviderAdapter.h"

#include <QByteArray>
#include <QJsonArray>
#include <QJsonObject>
#include <QString>
#include <optional>
#include <variant>

namespace onegate {

// Renders what the relay produces (OpenAI Chat, with OneGate's `reasoning_content` and
// `thinking_blocks` extensions) as the OpenAI Responses API's `response` object, for the
// /v1/responses front door. Stateless; the stream counterpart is
// OpenAiResponsesStreamEncoder, which builds its items with the same functions so a
// streamed answer ends in the object a non-stream client gets.
//
// Contract:
// - response() takes one whole chat.completion body and gives a `response` object, or
//   a 502 ApiError when the body is not a chat completion with a choice. Output items
//   come in the order the Responses API uses: reasoning, message, function calls.
//   - Reasoning is the model's own text, not a summary, so it goes where OpenAI puts
//     raw reasoning (gpt-oss): `content: [{type: "reasoning_text"}]` with `summary: []`.
//     One item per reasoning block; a signed block (Anthropic's thinking) carries its
//     signature in `encrypted_content`; a redacted block is an item with no `content`
//     and its data in `encrypted_content`. Clients send these items back as they are.
//   - The message has an output_text part and/or a refusal part; no message when the
//     answer has neither (a tool-call-only answer).
//   - function_call items: call_id is the chat tool call's id, arguments as sent.
//   - status "completed"; "incomplete" with incomplete_details.reason
//     "max_output_tokens" (finish "length") or "content_filter", the last item then
//     "incomplete" too.
//   - `model` is `requestedModel` (the client's name; empty: the completion's). The
//     fields that echo the request come from `request`, the client's own Responses
//     body, with the API's defaults (requestEcho()); OneGate stores nothing, so
//     `store` is false and `previous_response_id` null.
//   - Ids: "resp_", "msg_", "rs_", "fc_" + the completion id without "chatcmpl-"
//     (itemId()); usage in the Responses shape, null when the provider reported none.
// - errorBody() is OpenAI's error shape ({"error":{message,type,param,code}}), which is
//   what the Responses API answers errors with too.
class OpenAiResponsesAnswerEncoder final {
public:
    static std::variant<QJsonObject, ApiError> response(const QJsonObject &completion,
                                                        const QString &requestedModel,
                                                        const QJsonObject &request = {});

    // The response fields that echo the request (instructions, tools, tool_choice,
    // temperature, ...), from the client's body or the API's defaults.
    static QJsonObject requestEcho(const QJsonObject &request);
    // A response object without status, output or usage: id, object, created_at, model
    // and the echo.
    static QJsonObject responseShell(const QString &responseId, qint64 createdAt,
                                     const QString &model, const QJsonObject &echo);

    // finish_reason -> incomplete_details.reason; empty when the response is complete.
    static QString incompleteReason(const QString &finishReason);
    // The Responses usage object; null when the provider reported none.
    static QJsonValue usage(const TokenUsage &usage);

    // The completion id without "chatcmpl-", limited to [A-Za-z0-9_-]; a random tail
    // when there is nothing to derive from.
    static QString idTail(const QString &completionId);
    // prefix + tail, then "_N" for the N-th (N >= 1) item of the same kind.
    static QString itemId(const QString &prefix, const QString &tail, int ordinal);

    // The output items, complete (as output_item.done and the final output carry them).
    // `opaque` is a thinking block's signature, or a redacted block's data: it goes out
    // as encrypted_content, marked as OneGate's (sealedThinking), so that the client's
    // echo of it can be given back to the provider as that block.
    static QJsonObject reasoningItem(const QString &id, const QString &text,
                                     const QString &opaque, bool redacted);
    // A provider's thinking signature (or redacted data) as encrypted_content, and back:
    // nullopt for encrypted_content OneGate did not make (OpenAI's own, from a
    // conversation begun elsewhere), which no other provider could verify.
    static QString sealedThinking(const QString &opaque);
    static std::optional<QString> unsealedThinking(const QString &encryptedContent);
    static QJsonObject messageItem(const QString &id, const QString &status,
                                   const QJsonArray &content);
    static QJsonObject outputTextPart(const QString &text);
    static QJsonObject refusalPart(const QString &refusal);
    // `name` is the Chat function name; a flattened namespace function of `request` (the
    // client's body) comes back as its own name plus `namespace`.
    static QJsonObject functionCallItem(const QString &id, const QString &callId,
                                        const QString &name, const QString &arguments,
                                        const QString &status, const QJsonObject &request);

    // The `error` of a failed response: {code, message} (see the .cpp for the codes).
    static QJsonObject responseError(const ApiError &error);
    static QByteArray errorBody(const ApiError &error);
};

} // namespace onegate
