#pragma once

#include "core/ApiError.h"
#include "core/Canonical.h"

#include <QJsonObject>
#include <variant>

// The canonical request -> a Gemini GenerateContentRequest (v1beta, camelCase fields).
//
// Gateway choices (NOTES.md "gateway choice" points and what Gemini leaves open):
// - system and developer messages, wherever they stand, become systemInstruction, one
//   text part per message in order (Gemini reads the parts as one instruction);
// - roles user / model; a tool result is a functionResponse part in a `user` turn
//   (Gemini's current docs; the older cookbook's `function` role is accepted too), so
//   results of parallel calls and a following user message merge into one turn, as do
//   all consecutive same-role turns;
// - functionResponse.response must be an object: a result that is a JSON object goes as
//   is, anything else as {"content": "<the text>"};
// - earlier reasoning text is not sent back (Gemini ignores thought text it is given);
//   the thought signature goes back on the functionCall part it came with;
// - tool call arguments that are not a JSON object are a 400 (Gemini's args is an
//   object; empty arguments are {});
// - images: data: URLs -> inlineData; https URLs -> fileData {fileUri, mimeType} (Gemini
//   fetches public and signed https URLs itself; the MIME type, which fileData needs, is
//   guessed from the file extension, image/jpeg otherwise); plain http URLs -> 400;
// - tool_choice auto/none/required/{function} -> functionCallingConfig AUTO / NONE /
//   ANY / ANY with allowedFunctionNames; parallel_tool_calls has no Gemini switch and is
//   dropped;
// - reasoning: an explicit budget (`thinking.budget_tokens`) is thinkingBudget as given;
//   reasoning_effort none -> 0, minimal/low -> 1024, medium -> 8192, high -> 24576 (the
//   mapping of Google's own OpenAI layer), any other effort -> -1 (dynamic).
//   includeThoughts is true whenever thinking is asked for and not off, so the thought
//   summaries reach the client as reasoning_content; without either field no
//   thinkingConfig is sent and the model's default applies;
// - presence/frequency penalties are sent only when non-zero (several Gemini models
//   refuse the fields outright, and 0 is their default anyway); `user` is dropped.
namespace onegate::gemini {

// The request body, or a 400 naming the field that Gemini cannot take.
std::variant<QJsonObject, ApiError> buildRequest(const canonical::Request &request);

// An OpenAI (JSON Schema) tool or response schema as Gemini's Schema, a subset of
// OpenAPI 3.0 that answers any other keyword with 400 "Unknown name". Kept: type,
// format (only enum/date-time for strings, float/double, int32/int64), title,
// description, nullable, enum (strings only), items, properties, required (only names
// that are properties), min/maxItems, min/maxProperties, min/maxLength, pattern,
// minimum, maximum, anyOf, propertyOrdering, default, example. Rewritten: a type list
// with "null" -> the type plus nullable; oneOf -> anyOf; a string const -> enum; local
// $ref (#/$defs/..., #/definitions/...) inlined up to a fixed depth. Everything else
// ($schema, additionalProperties, strict, $defs, allOf, not, exclusiveMinimum, ...) is
// dropped, and so is an empty `properties`.
QJsonObject toSchema(const QJsonObject &schema);

} // namespace onegate::gemini
