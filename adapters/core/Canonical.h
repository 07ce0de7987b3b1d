#pragma once

#include "ProviderAdapter.h"

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <optional>

// The canonical chat model (DESIGN.md section 2): what every inbound dialect decodes
// into and every translating adapter builds its provider request from, and what every
// provider answer decodes back into before it is encoded in the client's dialect.
// Small value types; no QJsonObject trees except where a field is a schema or opaque.
namespace onegate::canonical {

struct Image {
    QString url;        // http(s) URL; empty when the image is inline
    QString mimeType;   // inline images: e.g. image/png
    QByteArray base64;  // inline images: base64 text as received, never decoded here
    QString detail;     // OpenAI "detail" hint, kept when present
    bool isInline() const { return url.isEmpty(); }
};

struct ContentPart {
    enum class Type { Text, Image };
    Type type = Type::Text;
    QString text;
    Image image;
    QJsonObject cacheControl;  // Anthropic cache_control, passed through when present
};

// A reasoning ("thinking") block. Anthropic signatures and redacted blocks and Gemini
// thought signatures are opaque: they go back to the provider unchanged next turn.
struct Reasoning {
    QString text;
    QString signature;     // Anthropic thinking signature
    QString redactedData;  // Anthropic redacted_thinking data (text empty then)
};

struct ToolCall {
    QString id;
    QString name;
    QString arguments;         // JSON text, as OpenAI carries it
    QString thoughtSignature;  // Gemini: sent back on the functionCall part
};

struct Message {
    enum class Role { System, User, Assistant, Tool };
    Role role = Role::User;
    QList<ContentPart> content;
    QList<ToolCall> toolCalls;   // assistant
    QList<Reasoning> reasoning;  // assistant, earlier turns' thinking to send back
    QString toolCallId;          // tool result: which call it answers
    QString name;                // tool result: the function's name when known
    QString refusal;             // assistant refusal text (OpenAI)

    // The text parts joined (for providers that take a plain string).
    QString text() const;
};

struct Tool {
    QString name;
    QString description;
    QJsonObject parameters;  // JSON schema
    bool strict = false;
};

struct ToolChoice {
    enum class Mode { Auto, None, Required, Function };
    Mode mode = Mode::Auto;
    QString function;  // Mode::Function
};

struct Request {
    QString model;
    QList<Message> messages;
    QList<Tool> tools;
    std::optional<ToolChoice> toolChoice;
    std::optional<bool> parallelToolCalls;
    std::optional<qint64> maxTokens;
    std::optional<double> temperature;
    std::optional<double> topP;
    std::optional<qint64> topK;
    std::optional<qint64> seed;
    std::optional<double> presencePenalty;
    std::optional<double> frequencyPenalty;
    QStringList stop;
    QJsonObject responseFormat;  // OpenAI response_format, as sent
    QString reasoningEffort;     // "low" | "medium" | "high" (and provider extensions)
    std::optional<qint64> reasoningBudget;  // thinking tokens, when the client says
    QString user;
    bool stream = false;
    bool includeUsage = false;
};

// OpenAI's finish_reason vocabulary is the canonical one.
namespace finish {
inline const QString Stop = QStringLiteral("stop");
inline const QString Length = QStringLiteral("length");
inline const QString ToolCalls = QStringLiteral("tool_calls");
inline const QString ContentFilter = QStringLiteral("content_filter");
} // namespace finish

struct Response {
    QString id;
    QString model;
    qint64 created = 0;  // seconds since the epoch
    QString text;
    QList<Reasoning> reasoning;
    QList<ToolCall> toolCalls;
    QString refusal;
    QString finishReason;
    TokenUsage usage;
    QJsonObject extra;  // provider fields worth keeping (e.g. Azure content filter results)
};

// One step of a streamed answer, in the order a provider produced it.
struct StreamEvent {
    enum class Kind {
        Start,             // id, model, created
        TextDelta,         // text
        ReasoningDelta,    // text
        ReasoningSignature,  // text = signature (or redacted data with `redacted`)
        ToolCallStart,     // index, id, name (arguments may already hold a first piece)
        ToolCallDelta,     // index, arguments fragment
        Finish,            // finishReason
        Usage,             // usage (cumulative: the last one wins)
    };
    Kind kind = Kind::TextDelta;
    QString id;
    QString model;
    qint64 created = 0;
    QString text;
    int index = 0;  // tool call index among tool calls only (0, 1, ...)
    QString name;
    QString arguments;
    QString thoughtSignature;
    bool redacted = false;
    QString finishReason;
    TokenUsage usage;
};

} // namespace onegate::canonical
