#pragma once

#include "OpenAiChatDialect.h"

#include <QByteArray>
#include <QJsonObject>
#include <QString>
#include <variant>

namespace onegate {

// The legacy OpenAI Completions dialect's request side (POST /v1/completions; editor
// autocomplete such as Continue): a completions body turned into the OpenAI Chat body
// the relay takes, for providers that only chat. Providers that serve /v1/completions
// themselves get the client's own body (`native`) untouched but for the model.
//
// Contract:
// - Errors are 400 invalid_request_error ApiErrors in OpenAI's wording whose param names
//   the field ("prompt[1]") and whose code is OpenAI's (missing_required_parameter,
//   invalid_type, invalid_value).
// - `model` and `prompt` are required. The prompt (a string, or an array of one string)
//   becomes the one user message; nothing else is added, so the answer is the model's
//   reply to the prompt rather than its continuation.
// - Valid requests a chat call cannot answer keep `native` and say why in
//   `untranslatable` (a 400 for chat-only providers): several prompts (one chat call
//   gives one answer), token-array prompts, `suffix` (fill-in-the-middle), `logprobs`,
//   `n` or `best_of` above 1.
// - `max_tokens` defaults to 16, as in OpenAI's legacy API (null too). temperature,
//   top_p, stop, presence_penalty, frequency_penalty, seed and user pass through.
// - `echo` is no Chat field: OpenAiCompletionsClient prepends the prompt to the answer.
// - A streamed request always asks for the usage chunk (stream_options.include_usage in
//   the Chat body); the envelope's includeUsage says whether the client asked for it.
class OpenAiCompletionsRequestDecoder final {
public:
    static std::variant<ChatEnvelope, ApiError> decode(const QByteArray &body);

    // The prompt as one text: the string, or the only string of an array; empty for
    // anything else.
    static QString promptText(const QJsonObject &request);
};

} // namespace onegate
