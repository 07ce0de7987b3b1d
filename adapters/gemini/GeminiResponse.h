#pragma once

#include "core/ApiError.h"
#include "core/Canonical.h"

#include <QJsonObject>
#include <QList>
#include <variant>

// Reading Gemini answers: one GenerateContentResponse object (a whole answer, or one
// stream chunk that holds only the new parts), finish reasons, usage and errors.
//
// Gateway choices:
// - tool call ids: Gemini has none, so each functionCall gets "call_" + 24 random
//   letters and digits (OpenAI's look, unique per call; the id only has to match the
//   tool result the client sends back, and the function name travels with it);
// - finish reasons follow NOTES.md section 2 (Portkey's map), with RECITATION as
//   content_filter: Gemini withholds the recited text, so "stop" would pass a cut answer
//   off as complete. STOP (or none) with a functionCall part is tool_calls;
// - a blocked prompt (promptFeedback and no candidate, HTTP 200) is an answer with empty
//   content and finish_reason content_filter, never an empty choices array or an error;
//   an answer with neither candidates nor promptFeedback is a 502;
// - usage: prompt = promptTokenCount (cached included), cached = cachedContentTokenCount,
//   completion = candidatesTokenCount + thoughtsTokenCount (so prompt + completion =
//   totalTokenCount, as OpenAI's completion includes reasoning), reasoning =
//   thoughtsTokenCount;
// - answer id "chatcmpl-" + responseId when Gemini gives one; model = modelVersion;
// - only candidates[0] is read (OpenAI clients get one choice); text parts carrying a
//   thoughtSignature lose it (canonical keeps signatures on tool calls only); parts other
//   than text, thought and functionCall are skipped.
namespace onegate::gemini {

// One piece of model output, in the order Gemini produced it.
struct Piece {
    enum class Kind { Text, Thought, ToolCall };
    Kind kind = Kind::Text;
    QString text;             // Text and Thought
    canonical::ToolCall call; // ToolCall: generated id, compact JSON arguments, signature
};

struct Chunk {
    QString responseId;
    QString modelVersion;
    QList<Piece> pieces;  // of candidates[0]
    QString finishReason; // Gemini's own value; empty when this chunk has none
    bool hasCandidate = false;
    bool promptBlocked = false; // promptFeedback with no candidate
    TokenUsage usage;           // `known` only when the chunk has usageMetadata
};

Chunk parseChunk(const QJsonObject &response);

// Gemini's finishReason in OpenAI's vocabulary.
QString openAiFinishReason(const QString &geminiReason, bool hasToolCalls);

TokenUsage usageFromGemini(const QJsonObject &usageMetadata);

// The error object of a Gemini error body ({"error":{code,message,status,details}}) as
// the client sees it: a bad key (400 with ErrorInfo API_KEY_INVALID) is a 401, a missing
// model 404 model_not_found, RESOURCE_EXHAUSTED 429 rate_limit_exceeded, 5xx server_error.
// Only error.message is kept: the details may quote the key itself.
ApiError apiErrorFromGemini(int httpStatus, const QJsonObject &error);

// The "error" object in a Gemini body (also inside the one-element array Gemini sends
// from some endpoints); empty when there is none.
QJsonObject errorObjectOf(const QByteArray &body);

QString newToolCallId();

// A whole non-streamed answer.
std::variant<canonical::Response, ApiError> decodeResponse(const QJsonObject &response,
                                                           const QString &fallbackModel);

} // namespace onegate::gemini
