#pragma once

#include "core/ApiError.h"
#include "OpenAiChatDialect.h"

#include <QByteArray>
#include <QHash>
#include <QJsonObject>
#include <QString>
#include <variant>

namespace onegate {

// The OpenAI Responses dialect's request side: a POST /v1/responses body turned into the
// OpenAI Chat Completions body the relay takes, for providers that do not serve the
// Responses API themselves (those get the client's own body, `native`, untouched).
//
// Contract:
// - Errors are 400 invalid_request_error ApiErrors in OpenAI's wording ("Missing required
//   parameter: 'input[2].call_id'.") whose param is the field path as OpenAI names it
//   ("input[2].content[0].type", "tools[1].tools[0].name") and whose code is OpenAI's
//   (missing_required_parameter, invalid_type, invalid_value, unsupported_parameter).
// - OneGate is stateless. `previous_response_id`, `conversation`, `prompt` (stored
//   templates), `background: true`, `item_reference` input items and an explicit
//   `store: true` are refused with a 400 that says so, for every provider. `store`
//   absent is fine: the official SDKs leave it out (OpenAI's own default is true), and
//   refusing that would refuse almost every client; Codex sends `store: false` with the
//   whole history. An explicit `store: true` is refused because the client then relies
//   on the answer being kept (a later GET, previous_response_id, evals), which OneGate
//   cannot honour; better a clear error now than a 404 on the follow-up.
// - Valid Responses input that Chat cannot express (input_file parts, images by
//   file_id, client tool calls other than functions, compaction items, hosted-tool
//   tool_choice, ...) is no error: the envelope keeps `native` and says why in
//   `untranslatable`, so only a provider that serves /v1/responses can take it.
// - Unknown top-level fields (include, metadata, truncation, service_tier,
//   prompt_cache_key, max_tool_calls, top_logprobs, stream_options, ...) are ignored;
//   hosted tools (web_search*, file_search, computer_use*, code_interpreter, mcp,
//   image_generation, local_shell, shell, apply_patch, ...) and `custom` (free-form)
//   tools are dropped, and so are hosted tool call items in the history and `reasoning`
//   items (their encrypted_content only OpenAI can read).
// - The envelope's includeUsage is true when streaming (the body then carries
//   stream_options.include_usage), so the Responses answer always has usage.
//
// Namespace tools ({type:"namespace", name, description, tools:[functions]}, what Codex
// sends for MCP servers) become plain Chat functions named by flatToolName: Codex's own
// flat name, `<namespace>__<function>` with stray underscores around the "__" trimmed
// ("mcp__fs__" + "read" -> "mcp__fs__read"), so a model sees the names Codex itself
// shows models it cannot give namespaces to. Namespace names contain "__" themselves, so
// the way back never splits the string: splitToolName looks the name up among the
// functions the request declared (and the namespaced calls in its history). A Responses
// answer then carries `name` = the function's own name and `namespace` = the namespace,
// the shape Codex dispatches on.
//
// The .cpp lists the gateway choices made where the two APIs differ.
class OpenAiResponsesRequestDecoder final {
public:
    static std::variant<ChatEnvelope, ApiError> decode(const QByteArray &body);

    // A function as the Responses client named it.
    struct ToolName {
        QString ns;    // the namespace tool's name; empty for a top-level function
        QString name;  // the function's own name
        friend bool operator==(const ToolName &, const ToolName &) = default;
    };

    // The Chat function name for function `name` inside namespace `ns`. Names longer than
    // OpenAI's limit of 64 characters keep their first 55 and end in "_" and 8 hex digits
    // of their SHA-256, the same for every request, so history and tools agree.
    static QString flatToolName(const QString &ns, const QString &name);

    // Every namespaced function of a Responses request body (its `tools` and the
    // function_call items of its `input`), by Chat name.
    static QHash<QString, ToolName> namespacedToolNames(const QJsonObject &request);

    // Which of the request's functions a Chat function name stands for: {namespace, name}
    // for a flattened one, {"", chatName} for anything else.
    static ToolName splitToolName(const QString &chatName, const QJsonObject &request);
};

} // namespace onegate
