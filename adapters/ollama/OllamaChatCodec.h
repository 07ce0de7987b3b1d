#pragma once

#include "core/ApiError.h"
#include "core/Canonical.h"

#include <QJsonObject>
#include <optional>
#include <variant>

// The canonical chat model <-> Ollama's native /api/chat JSON.
//
// Gateway choices (OneGate's answers where OpenAI and Ollama do not line up):
// - An http(s) image URL is refused with a 400: /api/chat takes only inline base64
//   images, and fetching URLs on the client's behalf is out of scope (and would let any
//   client make the gateway fetch arbitrary hosts). Data URLs go in `images`.
// - Sampling options the client did not set are not sent, so the model's Modelfile
//   defaults apply (Ollama's own /v1 layer forces temperature and top_p to 1.0 instead).
// - `reasoning_effort` maps to `think`: none -> false, minimal/low -> "low", medium ->
//   "medium", high/xhigh -> "high" (Ollama's /v1 layer passes low/medium/high the same
//   way); a thinking budget without an effort (`thinking.budget_tokens`) turns thinking
//   on (`think: true`), a zero budget off. Nothing asked: `think` is not sent.
// - `response_format` json_object -> `format: "json"`, json_schema -> `format: <schema>`.
// - Ollama has no tool_choice: "none" sends no tools; a named function sends only that
//   tool; "required" cannot be enforced and sends every tool.
// - Tool calls carry no id on Ollama: each gets a fresh "call_..." id. Arguments arrive as
//   objects and leave as compact JSON text; earlier assistant calls must carry a JSON
//   object (or nothing) as arguments, anything else is a 400 as on Ollama's /v1 layer.
// - Finish reasons: `done_reason` "length" -> length; any tool call in the answer ->
//   tool_calls (Ollama's /v1 layer does the same rewrite); anything else (stop, load,
//   unload, absent on older builds) -> stop.
// - Durations (nanoseconds) are not put into the OpenAI answer: OpenAI has no field for
//   them and clients would read them as some other unit. Usage is prompt_eval_count /
//   eval_count (NOTES.md section 5).
namespace onegate::ollama {

// The /api/chat request body for `request`, or a 400 naming what cannot be expressed.
std::variant<QJsonObject, ApiError> encodeChatRequest(const canonical::Request &request,
                                                      const QString &model, bool stream);

// One /api/chat answer object: the whole non-stream answer, or one line of a stream.
struct ChatChunk {
    QString model;
    qint64 created = 0;  // seconds since the epoch; 0 when created_at is missing
    QString content;
    QString thinking;
    QList<canonical::ToolCall> toolCalls;  // ids generated when Ollama sent none
    bool done = false;
    QString doneReason;
    TokenUsage usage;    // known only on the done object
    bool isError = false;
    QString errorMessage;
};

// Reads one answer object. Returns nullopt when it is not an Ollama chat answer at all.
std::optional<ChatChunk> decodeChatChunk(const QJsonObject &object);

// The OpenAI finish_reason for a finished answer (see above).
QString finishReason(const QString &doneReason, bool hadToolCalls);

// An Ollama error ({"error":"<string>"}) as the client should see it: the string as the
// message; type invalid_request_error (400), not_found_error (404, code model_not_found
// when it is the model that is missing) or api_error (anything else), as Ollama's own
// /v1 layer does (NOTES.md section 6).
ApiError errorFromOllama(int status, const QString &message);

// A random "call_..." id for a tool call Ollama sent without one.
QString newToolCallId();

} // namespace onegate::ollama
