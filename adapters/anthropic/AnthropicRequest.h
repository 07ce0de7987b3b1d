#pragma once

#include "core/ApiError.h"
#include "core/Canonical.h"

#include <QJsonArray>
#include <QJsonObject>
#include <variant>

namespace onegate::anthropic {

// The Messages API version this adapter speaks (sent as `anthropic-version`).
inline const QByteArray kApiVersion = QByteArrayLiteral("2023-06-01");

// max_tokens is required by Anthropic but optional in OpenAI Chat. 4096 is the largest
// output every Claude model accepts (the Claude 3 family caps there), so a client that
// names no limit never gets a 400 for it, whatever model the route picks.
constexpr qint64 kDefaultMaxTokens = 4096;
// Anthropic's smallest thinking budget.
constexpr qint64 kMinThinkingBudget = 1024;

// The thinking budget for an OpenAI `reasoning_effort`: nullopt for "" and "none" (no
// thinking), -1 for a value this gateway does not know.
std::optional<qint64> thinkingBudgetForEffort(const QString &effort);

// A streamed answer hands a client the thinking text as `reasoning_content` deltas and
// the signature in a `thinking_blocks` delta whose text is empty. A client that returns
// both gets them joined again here (`rawMessages` is the body's "messages", in the order
// the codec decoded them), since Anthropic checks each signature against its text. Only
// an unambiguous case is joined: one signed block, with empty text.
void joinStreamedThinking(const QJsonArray &rawMessages, canonical::Request &request);

// A canonical request as a Messages API body for `model`. Rules (NOTES.md section 3):
// system/developer messages are hoisted from anywhere and joined with "\n" (text blocks
// instead when the client set cache_control); consecutive messages of one role merge, so
// all tool results of a turn land in the one user message after it; tool ids go through
// toAnthropicToolId; signed thinking blocks go back first in their assistant turn.
std::variant<QJsonObject, ApiError> buildMessagesBody(const canonical::Request &request,
                                                      const QString &model, bool stream);

} // namespace onegate::anthropic
