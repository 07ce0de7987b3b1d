#pragma once

#include <QJsonObject>

namespace onegate {

// A local count of a Messages request's input tokens, for providers that cannot count
// them (count_tokens to a non-Anthropic route, and message_start's input_tokens before an
// OpenAI-format stream reports the real count at its end).
//
// It is deliberately an over-estimate, never an under-estimate on the recorded fixtures
// (tests/dialects): clients use it to decide when a conversation is too long, and an
// early compaction is cheaper than a refused request. The rules (README "count_tokens"):
// - text (system, messages, tool results, thinking, tool inputs): one token per 3 UTF-8
//   bytes, rounded up, per piece; CJK text is ~1 token per character, which is also 3
//   bytes, so the rule holds across scripts;
// - tool definitions (compact JSON): one token per 1.4 bytes, since schemas tokenise
//   densely; any tools at all: +400 for the tool-use system prompt Anthropic adds (346
//   documented for current models, up to ~400 seen in the recorded requests);
// - each image: 1,600 tokens (Anthropic's own ceiling for an image, ~1.15 megapixels);
// - each document: its text as above, or 1,600 per base64 page-equivalent of 100 KiB;
// - each message +4, the request +8.
class AnthropicTokenEstimate final {
public:
    static qint64 inputTokens(const QJsonObject &messagesRequest);
};

} // namespace onegate
