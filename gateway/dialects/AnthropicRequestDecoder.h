#pragma once

#include "core/ApiError.h"
#include "OpenAiChatDialect.h"

#include <QByteArray>
#include <variant>

namespace onegate {

// The Anthropic Messages dialect's request side: a /v1/messages body turned into the
// OpenAI Chat body the relay takes (with OneGate's extensions: `thinking_blocks`,
// `reasoning_effort`, `thinking.budget_tokens`, `cache_control` on content parts), for
// providers that do not speak Anthropic. It is the inverse of the anthropic adapter's
// buildMessagesBody: tool ids go back through fromAnthropicToolId, so an id the adapter
// encoded for Anthropic is the client's own id again.
//
// Contract:
// - Errors are 400 invalid_request_error ApiErrors whose message starts with the field
//   path in Anthropic's style ("max_tokens: Field required", "messages.1.content.0.type:
//   ..."), and whose param is that path.
// - Unknown top-level fields (context_management, container, mcp_servers, service_tier,
//   betas...) are ignored; server tools (a `type` other than "custom") are skipped, and so
//   are server tool blocks in the history (server_tool_use, *_tool_result other than
//   tool_result), which only Anthropic can replay.
// - The envelope's includeUsage is true when streaming (the body then carries
//   stream_options.include_usage), so the Anthropic answer always has usage.
// The .cpp lists the gateway choices made where the two APIs differ.
class AnthropicRequestDecoder final {
public:
    static std::variant<ChatEnvelope, ApiError> decode(const QByteArray &body);
};

} // namespace onegate
