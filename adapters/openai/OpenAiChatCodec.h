#pragma once

#include "core/ApiError.h"
#include "core/Canonical.h"

#include <QJsonArray>
#include <QJsonObject>
#include <variant>

namespace onegate {

// OpenAI Chat Completions <-> the canonical model, for providers that do not speak it.
//
// Gateway choices for what OpenAI Chat has no field for (the ones most clients read):
// - reasoning text is `reasoning_content` (DeepSeek's name) on messages and deltas;
// - reasoning blocks with their opaque signatures are `thinking_blocks`
//   ([{type:"thinking",thinking,signature} | {type:"redacted_thinking",data}]) and are
//   accepted back on assistant messages, so the next turn can return them unchanged;
// - Gemini's thought signature on a tool call is
//   `tool_calls[].extra_content.google.thought_signature` (Google's own compat layer).

// Decodes a client's chat request. Errors are 400s naming the offending field; n > 1 is
// one of them (a translated provider answers one choice per call).
std::variant<canonical::Request, ApiError> decodeOpenAiChatRequest(const QJsonObject &body);

// Encodes a whole answer as an OpenAI chat.completion object.
QJsonObject encodeOpenAiChatResponse(const canonical::Response &response);

// OpenAI's usage object (total = prompt + completion), with details when known.
QJsonObject encodeOpenAiUsage(const TokenUsage &usage);

// One tool call as OpenAI carries it ({id,type,function{name,arguments}}).
QJsonObject encodeOpenAiToolCall(const canonical::ToolCall &call);
// Signed or redacted reasoning blocks as `thinking_blocks`; plain reasoning text has none.
QJsonArray encodeOpenAiThinkingBlocks(const QList<canonical::Reasoning> &reasoning);

// A random "chatcmpl-..." id for answers whose provider gave none.
QString newCompletionId();

} // namespace onegate
