#pragma once

#include "core/ApiError.h"

#include <QByteArray>
#include <QJsonObject>
#include <QString>
#include <optional>
#include <variant>

namespace onegate {

// A chat request as the router and the relay need it, whatever dialect it came in.
struct ChatEnvelope {
    QJsonObject body;  // OpenAI Chat body: passed through to same-dialect providers
    QString model;     // as the client asked for it
    bool stream = false;
    bool includeUsage = false;  // the client asked for the usage chunk
    // Dialects other than OpenAI Chat: the client's own body, for providers that speak
    // it; and why `body` could not be made from it, when it could not (only such
    // providers can then serve the request).
    QJsonObject native;
    std::optional<ApiError> untranslatable;
    // Ollama's "load the model" call (an /api/generate with an empty prompt, an /api/chat
    // with no messages): nothing to ask a provider, `body` is empty; answered at once.
    bool loadOnly = false;
};

// The OpenAI Chat Completions dialect at the front door: what a valid request body is
// (errors name the field, in OpenAI's shape) and how errors are rendered back. The body
// stays the client's own: providers that speak this dialect get it untouched but for the
// model name; translating adapters decode it into the canonical model themselves.
class OpenAiChatDialect final {
public:
    static std::variant<ChatEnvelope, ApiError> decode(const QByteArray &body);
    static QByteArray errorBody(const ApiError &error);
};

} // namespace onegate
