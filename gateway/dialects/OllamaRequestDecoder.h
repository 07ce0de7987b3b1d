#pragma once

#include "OpenAiChatDialect.h"

#include <QByteArray>
#include <variant>

namespace onegate {

// The Ollama API's request side (POST /api/chat and /api/generate on the Ollama-compatible
// surface): an Ollama body turned into the OpenAI Chat body every adapter takes. No
// provider speaks this dialect natively, so `body` is always the translation; `native`
// keeps the client's own body, `untranslatable` is never set.
//
// Contract:
// - Errors are 400 invalid_request_error ApiErrors whose message names the field and whose
//   param is its path ("messages[2].images[0]", "options.temperature"); OllamaChatClient
//   renders them as Ollama's {"error": message}.
// - `model` is required. `stream` defaults to true, as Ollama's does (null too). A stream
//   always asks the relay for usage (stream_options.include_usage in the body,
//   includeUsage in the envelope): Ollama's last line carries the token counts.
// - /api/chat messages: system, user, assistant and tool; `content` is a string. `images`
//   (base64, on user messages) become image_url parts with data: URLs whose type is read
//   from the bytes (PNG, JPEG, GIF, WebP; anything else is a 400; a data: URL is taken as
//   it is). `thinking` on an assistant message becomes `reasoning_content` (what the
//   adapters read back as context). `tool_calls` [{function:{name, arguments}}] become
//   OpenAI calls with JSON-text arguments and the call's own `id`, or "call_<n>" (n
//   counting the conversation's calls from 0). A tool message answers `tool_call_id` when
//   it has one (newer Ollama clients send it); otherwise the first unanswered call named
//   `tool_name` (or `name`) of the latest assistant turn that has one, so parallel results
//   pair with their calls in order; with no name (or one no open call has), the first
//   unanswered call of the latest turn with one. A tool message with no call left to
//   answer is a 400.
// - /api/generate: `system` becomes a leading system message, `prompt` and `images` the
//   user message. `suffix` (fill-in-the-middle) is a 400 pointing at /v1/completions, which
//   takes it. `raw`, `template` and `context` are ignored (no chat call can honour them).
// - `tools` pass through (OpenAI's function tool shape, which Ollama uses). `format`:
//   "json" -> response_format json_object, a schema object -> json_schema {name
//   "response", schema}. `think`: true -> reasoning_effort "medium", false -> "none",
//   "low" | "medium" | "high" as they are.
// - `options`: temperature, top_p, seed, stop (string or list), presence_penalty and
//   frequency_penalty keep their names; num_predict > 0 is max_tokens (-1, -2 and 0 mean
//   "no limit": nothing is sent); top_k and every runtime option (num_ctx, num_gpu,
//   repeat_penalty, mirostat, ...) are dropped: they tune Ollama's own runner. Options
//   that are kept are type-checked. `keep_alive` is ignored.
// - Ollama's "load the model" calls (an /api/generate with an empty prompt, an /api/chat
//   with no messages) decode to an envelope with `loadOnly` set and an empty `body`: there
//   is nothing to ask a provider, and the caller answers at once (HTTP 200, one JSON
//   object with done_reason "load", streamed or not, as Ollama does). The rest of such a
//   body is still checked. keep_alive 0 (Ollama's "unload") is the same call here.
class OllamaRequestDecoder final {
public:
    static std::variant<ChatEnvelope, ApiError> decodeChat(const QByteArray &body);
    static std::variant<ChatEnvelope, ApiError> decodeGenerate(const QByteArray &body);
};

} // namespace onegate
