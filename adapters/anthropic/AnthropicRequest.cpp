#include "AnthropicRequest.h"

#include "AnthropicToolIds.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace onegate::anthropic {

using namespace canonical;
using namespace Qt::StringLiterals;

namespace {

QJsonObject textBlock(const QString &text, const QJsonObject &cacheControl = {})
{
    QJsonObject block{{"type"_L1, "text"_L1}, {"text"_L1, text}};
    if (!cacheControl.isEmpty())
        block.insert("cache_control"_L1, cacheControl);
    return block;
}

QJsonObject imageBlock(const Image &image, const QJsonObject &cacheControl)
{
    const QJsonObject source = image.isInline()
                                   ? QJsonObject{{"type"_L1, "base64"_L1},
                                                 {"media_type"_L1, image.mimeType},
                                                 {"data"_L1, QString::fromLatin1(image.base64)}}
                                   : QJsonObject{{"type"_L1, "url"_L1}, {"url"_L1, image.url}};
    QJsonObject block{{"type"_L1, "image"_L1}, {"source"_L1, source}};
    if (!cacheControl.isEmpty())
        block.insert("cache_control"_L1, cacheControl);
    return block;
}

// Text and image parts as content blocks. Empty text parts are dropped: Anthropic
// rejects empty text blocks, and they carry nothing.
QJsonArray contentBlocks(const QList<ContentPart> &parts)
{
    QJsonArray blocks;
    for (const ContentPart &part : parts) {
        if (part.type == ContentPart::Type::Image)
            blocks.append(imageBlock(part.image, part.cacheControl));
        else if (!part.text.isEmpty())
            blocks.append(textBlock(part.text, part.cacheControl));
    }
    return blocks;
}

// OpenAI carries tool arguments as JSON text, Anthropic wants an object. Gateway choice
// for text that is no JSON object (a model's broken output replayed from another
// provider): keep it, wrapped as {"_raw_arguments": text}, rather than lose it or fail
// the whole conversation; an empty string is the empty object.
QJsonObject toolInput(const QString &arguments)
{
    if (arguments.trimmed().isEmpty())
        return {};
    QJsonParseError error{};
    const QJsonDocument doc = QJsonDocument::fromJson(arguments.toUtf8(), &error);
    if (error.error == QJsonParseError::NoError && doc.isObject())
        return doc.object();
    return QJsonObject{{"_raw_arguments"_L1, arguments}};
}

QJsonArray assistantBlocks(const Message &message)
{
    QJsonArray blocks;
    // Thinking first, unchanged: Anthropic verifies the signatures of the turn's blocks.
    // Reasoning text without a signature (another provider's) cannot be sent back.
    for (const Reasoning &reasoning : message.reasoning) {
        if (!reasoning.redactedData.isEmpty())
            blocks.append(QJsonObject{{"type"_L1, "redacted_thinking"_L1},
                                      {"data"_L1, reasoning.redactedData}});
        else if (!reasoning.signature.isEmpty())
            blocks.append(QJsonObject{{"type"_L1, "thinking"_L1},
                                      {"thinking"_L1, reasoning.text},
                                      {"signature"_L1, reasoning.signature}});
    }
    const QJsonArray content = contentBlocks(message.content);
    for (const QJsonValue &block : content)
        blocks.append(block);
    if (content.isEmpty() && !message.refusal.isEmpty())
        blocks.append(textBlock(message.refusal));
    for (const ToolCall &call : message.toolCalls) {
        blocks.append(QJsonObject{{"type"_L1, "tool_use"_L1},
                                  {"id"_L1, toAnthropicToolId(call.id)},
                                  {"name"_L1, call.name},
                                  {"input"_L1, toolInput(call.arguments)}});
    }
    return blocks;
}

QJsonObject toolResultBlock(const Message &message)
{
    QJsonObject block{{"type"_L1, "tool_result"_L1},
                      {"tool_use_id"_L1, toAnthropicToolId(message.toolCallId)}};
    bool textOnly = true;
    QJsonObject cacheControl;
    for (const ContentPart &part : message.content) {
        textOnly = textOnly && part.type == ContentPart::Type::Text;
        if (!part.cacheControl.isEmpty())
            cacheControl = part.cacheControl;
    }
    if (textOnly) {
        // A plain string, as the SDKs send it; an empty result needs no content at all.
        const QString text = message.text();
        if (!text.isEmpty())
            block.insert("content"_L1, text);
        if (!cacheControl.isEmpty())
            block.insert("cache_control"_L1, cacheControl);
    } else {
        block.insert("content"_L1, contentBlocks(message.content));
    }
    return block;
}

// Messages with their Anthropic role, consecutive same-role ones merged.
class TurnList final {
public:
    void append(const QString &role, const QJsonArray &blocks)
    {
        if (blocks.isEmpty())
            return;
        if (m_turns.isEmpty() || m_turns.constLast().role != role) {
            m_turns.append({role, blocks});
            return;
        }
        QJsonArray &last = m_turns.last().blocks;
        for (const QJsonValue &block : blocks)
            last.append(block);
    }

    QJsonArray toJson() const
    {
        QJsonArray messages;
        for (const Turn &turn : m_turns) {
            // One plain text block reads best as a string (the SDKs' own shape).
            const QJsonObject first = turn.blocks.first().toObject();
            const bool plain = turn.blocks.size() == 1 &&
                               first.value("type"_L1).toString() == "text"_L1 &&
                               !first.contains("cache_control"_L1);
            messages.append(QJsonObject{
                {"role"_L1, turn.role},
                {"content"_L1, plain ? first.value("text"_L1) : QJsonValue(turn.blocks)}});
        }
        return messages;
    }

private:
    struct Turn {
        QString role;
        QJsonArray blocks;
    };
    QList<Turn> m_turns;
};

// The top-level system prompt: every system/developer message, wherever it stood.
std::optional<QJsonValue> systemPrompt(const QList<Message> &messages)
{
    QStringList texts;
    QJsonArray blocks;
    bool cached = false;
    for (const Message &message : messages) {
        if (message.role != Message::Role::System)
            continue;
        for (const ContentPart &part : message.content) {
            if (part.type != ContentPart::Type::Text || part.text.isEmpty())
                continue;
            cached = cached || !part.cacheControl.isEmpty();
            blocks.append(textBlock(part.text, part.cacheControl));
        }
        const QString text = message.text();
        if (!text.isEmpty())
            texts.append(text);
    }
    if (texts.isEmpty())
        return std::nullopt;
    // Blocks only when needed: cache_control can only ride on a block.
    return cached ? QJsonValue(blocks) : QJsonValue(texts.join(u'\n'));
}

QJsonArray toolDefinitions(const QList<Tool> &tools)
{
    QJsonArray out;
    for (const Tool &tool : tools) {
        // OpenAI lets a function omit its parameters; Anthropic requires an object schema.
        const QJsonObject schema =
            tool.parameters.isEmpty()
                ? QJsonObject{{"type"_L1, "object"_L1}, {"properties"_L1, QJsonObject()}}
                : tool.parameters;
        QJsonObject definition{{"name"_L1, tool.name}, {"input_schema"_L1, schema}};
        if (!tool.description.isEmpty())
            definition.insert("description"_L1, tool.description);
        out.append(definition);
    }
    return out;
}

std::optional<QJsonObject> toolChoice(const Request &request)
{
    const bool serial = request.parallelToolCalls == false;
    if (!request.toolChoice && !serial)
        return std::nullopt;
    const ToolChoice choice = request.toolChoice.value_or(ToolChoice{});
    QJsonObject out;
    switch (choice.mode) {
    case ToolChoice::Mode::Auto:
        out.insert("type"_L1, "auto"_L1);
        break;
    case ToolChoice::Mode::None:
        return QJsonObject{{"type"_L1, "none"_L1}};
    case ToolChoice::Mode::Required:
        out.insert("type"_L1, "any"_L1);
        break;
    case ToolChoice::Mode::Function:
        out.insert("type"_L1, "tool"_L1);
        out.insert("name"_L1, choice.function);
        break;
    }
    if (serial)
        out.insert("disable_parallel_tool_use"_L1, true);
    return out;
}

} // namespace

std::optional<qint64> thinkingBudgetForEffort(const QString &effort)
{
    // Gateway choice: 1024 is Anthropic's minimum, 16000 the docs' own example budget;
    // the steps between roughly double, like OpenAI's effort levels.
    if (effort.isEmpty() || effort == "none"_L1)
        return std::nullopt;
    if (effort == "minimal"_L1)
        return kMinThinkingBudget;
    if (effort == "low"_L1)
        return 2048;
    if (effort == "medium"_L1)
        return 8192;
    if (effort == "high"_L1)
        return 16384;
    if (effort == "xhigh"_L1)
        return 32768;
    return -1;
}

void joinStreamedThinking(const QJsonArray &rawMessages, Request &request)
{
    for (qsizetype i = 0; i < rawMessages.size() && i < request.messages.size(); ++i) {
        Message &message = request.messages[i];
        const QString text = rawMessages.at(i).toObject().value("reasoning_content"_L1).toString();
        if (message.role != Message::Role::Assistant || text.isEmpty())
            continue;
        QList<Reasoning *> signedBlocks;
        for (Reasoning &reasoning : message.reasoning) {
            if (!reasoning.signature.isEmpty())
                signedBlocks.append(&reasoning);
        }
        if (signedBlocks.size() == 1 && signedBlocks.constFirst()->text.isEmpty())
            signedBlocks.constFirst()->text = text;
    }
}

namespace {

// Thinking: the client's explicit budget goes through as given (Anthropic judges it);
// one derived from reasoning_effort is fitted under the client's max_tokens, and dropped
// when it would fall below Anthropic's minimum.
std::variant<std::optional<qint64>, ApiError> thinkingBudget(const Request &request)
{
    if (request.reasoningBudget)
        return request.reasoningBudget;
    std::optional<qint64> budget = thinkingBudgetForEffort(request.reasoningEffort);
    if (budget && *budget < 0)
        return ApiError::invalidRequest(
            u"reasoning_effort '%1' is not supported; use none, minimal, low, medium, high or xhigh"_s
                .arg(request.reasoningEffort),
            u"reasoning_effort"_s);
    if (budget && request.maxTokens && *budget >= *request.maxTokens) {
        budget = *request.maxTokens - 1;
        if (*budget < kMinThinkingBudget)
            budget.reset();
    }
    return budget;
}

} // namespace

std::variant<QJsonObject, ApiError> buildMessagesBody(const Request &request, const QString &model,
                                                      bool stream)
{
    const auto thinking = thinkingBudget(request);
    if (const ApiError *error = std::get_if<ApiError>(&thinking))
        return *error;
    const std::optional<qint64> budget = std::get<std::optional<qint64>>(thinking);
    // max_tokens counts thinking too, so a default leaves the usual room for the answer.
    const qint64 maxTokens = request.maxTokens.value_or(kDefaultMaxTokens + (budget ? *budget : 0));

    QJsonObject body{{"model"_L1, model}, {"max_tokens"_L1, maxTokens}};
    if (const auto system = systemPrompt(request.messages))
        body.insert("system"_L1, *system);

    TurnList turns;
    for (const Message &message : request.messages) {
        switch (message.role) {
        case Message::Role::System:
            break;
        case Message::Role::User:
            turns.append(u"user"_s, contentBlocks(message.content));
            break;
        case Message::Role::Assistant:
            turns.append(u"assistant"_s, assistantBlocks(message));
            break;
        case Message::Role::Tool:
            turns.append(u"user"_s, QJsonArray{toolResultBlock(message)});
            break;
        }
    }
    body.insert("messages"_L1, turns.toJson());

    if (!request.tools.isEmpty()) {
        body.insert("tools"_L1, toolDefinitions(request.tools));
        if (const auto choice = toolChoice(request))
            body.insert("tool_choice"_L1, *choice);
    }
    if (budget) {
        body.insert("thinking"_L1,
                    QJsonObject{{"type"_L1, "enabled"_L1}, {"budget_tokens"_L1, *budget}});
    } else {
        // Sampling knobs are refused with thinking on. OpenAI's temperature runs to 2,
        // Anthropic's to 1: capped, as Anthropic's own OpenAI layer does.
        if (request.temperature)
            body.insert("temperature"_L1, qBound(0.0, *request.temperature, 1.0));
        if (request.topP)
            body.insert("top_p"_L1, *request.topP);
        if (request.topK)
            body.insert("top_k"_L1, *request.topK);
    }
    if (!request.stop.isEmpty())
        body.insert("stop_sequences"_L1, QJsonArray::fromStringList(request.stop));
    if (!request.user.isEmpty())
        body.insert("metadata"_L1, QJsonObject{{"user_id"_L1, request.user}});
    if (stream)
        body.insert("stream"_L1, true);
    return body;
}

} // namespace onegate::anthropic
