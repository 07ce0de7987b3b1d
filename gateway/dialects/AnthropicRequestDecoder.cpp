#include "AnthropicRequestDecoder.h"

#include "anthropic/AnthropicToolIds.h"
#include "RequestBody.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>
#include <optional>

// Gateway choices where Anthropic Messages and OpenAI Chat differ:
// - `system` (string or text blocks) becomes a leading system message; blocks stay text
//   parts with their cache_control, which the anthropic adapter reads back (and other
//   providers ignore). A `role: "system"` message inside `messages` (Claude Code sends one
//   for models it does not know) becomes a system message where it stands.
// - A user turn's tool_result blocks become one `tool` message each, in order, ahead of
//   the turn's other content (OpenAI wants tool messages right after the assistant's
//   tool_calls; Anthropic puts tool_result blocks first anyway). Their text blocks are
//   joined with "\n". OpenAI tool messages carry text only, so images inside a
//   tool_result ride in the user message that follows the tool messages, ahead of the
//   turn's own content. is_error has no OpenAI field: the text is prefixed with
//   "Error: ", which every model reads as intended.
// - tool_use.input becomes compact JSON `arguments`; ids go through fromAnthropicToolId.
// - Signed thinking and redacted_thinking blocks become `thinking_blocks`.
// - `thinking` {enabled, budget_tokens}: reasoning_effort by budget (<= 2048 low, <= 8192
//   medium, else high) and the budget kept as `thinking.budget_tokens`, which the
//   adapters read; {adaptive}: reasoning_effort from output_config.effort (Anthropic's
//   default "high" when absent); output_config.effort alone sets reasoning_effort too;
//   {disabled}: nothing. Effort "max" is OpenAI's "xhigh".
// - top_k stays `top_k` (not an OpenAI field, but vLLM, llama.cpp and other compatible
//   servers take it; the translating adapters read it).
// - max_tokens stays `max_tokens` (not max_completion_tokens): every OpenAI-compatible
//   server knows it and the adapters read both.
// - Unknown content block types are refused (400 naming the block) rather than dropped,
//   except server tool blocks, which only Anthropic can replay and are skipped.

namespace onegate {

namespace {

using namespace Qt::StringLiterals;

class Decoder final {
public:
    std::variant<ChatEnvelope, ApiError> decode(const QByteArray &bytes);
    bool translate(const QJsonObject &in, const QJsonArray &messages);

private:
    // Valid Anthropic that the OpenAI Chat body cannot express: only a provider that
    // speaks Anthropic can take the request.
    bool unsupported(const QString &path, const QString &what)
    {
        fail(path, what);
        m_untranslatable = true;
        return false;
    }
    bool fail(const QString &path, const QString &what)
    {
        if (!m_error)
            m_error = ApiError::invalidRequest(path + u": "_s + what, path);
        return false;
    }

    bool decodeSystem(const QJsonValue &value, const QString &path);
    bool decodeMessage(const QJsonValue &value, const QString &path);
    bool decodeUser(const QJsonArray &blocks, const QString &path);
    bool decodeAssistant(const QJsonArray &blocks, const QString &path);
    std::optional<QJsonArray> textParts(const QJsonValue &content, const QString &path);
    std::optional<QJsonObject> imagePart(const QJsonObject &block, const QString &path);
    bool decodeToolResult(const QJsonObject &block, const QString &path, QJsonArray &images);
    bool decodeTools(const QJsonValue &value);
    bool decodeToolChoice(const QJsonValue &value);
    bool decodeOptions(const QJsonObject &in);
    bool decodeThinking(const QJsonObject &in);

    QJsonObject m_out;
    QJsonArray m_messages;
    bool m_hasTools = false;
    std::optional<ApiError> m_error;
    bool m_untranslatable = false;
};

bool isServerToolBlock(const QString &type)
{
    return type == "server_tool_use"_L1 || type == "mcp_tool_use"_L1 ||
           (type.endsWith("_tool_result"_L1) && type != "tool_result"_L1);
}

// One content value as OpenAI wants it: a plain string when it is text without
// cache_control in a single part, else the parts.
QJsonValue contentValue(const QJsonArray &parts)
{
    if (parts.size() == 1) {
        const QJsonObject part = parts.first().toObject();
        if (part.value("type"_L1).toString() == "text"_L1 && !part.contains("cache_control"_L1))
            return part.value("text"_L1);
    }
    return parts;
}

QJsonObject textPart(const QString &text, const QJsonValue &cacheControl)
{
    QJsonObject part{{"type"_L1, "text"_L1}, {"text"_L1, text}};
    if (cacheControl.isObject())
        part.insert("cache_control"_L1, cacheControl);
    return part;
}

QString typeOf(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::Null: return u"null"_s;
    case QJsonValue::Bool: return u"a boolean"_s;
    case QJsonValue::Double: return u"a number"_s;
    case QJsonValue::String: return u"a string"_s;
    case QJsonValue::Array: return u"a list"_s;
    case QJsonValue::Object: return u"an object"_s;
    case QJsonValue::Undefined: break;
    }
    return u"missing"_s;
}

// Text blocks only (system, role "system" messages): as text parts, or a string.
std::optional<QJsonArray> Decoder::textParts(const QJsonValue &content, const QString &path)
{
    if (content.isString())
        return QJsonArray{textPart(content.toString(), {})};
    if (!content.isArray()) {
        fail(path, u"Input should be a valid string or a list of text blocks"_s);
        return std::nullopt;
    }
    QJsonArray parts;
    const QJsonArray blocks = content.toArray();
    for (qsizetype i = 0; i < blocks.size(); ++i) {
        const QString blockPath = u"%1.%2"_s.arg(path).arg(i);
        const QJsonObject block = blocks.at(i).toObject();
        if (!blocks.at(i).isObject() || block.value("type"_L1).toString() != "text"_L1) {
            fail(blockPath, u"Input should be a text block"_s);
            return std::nullopt;
        }
        if (!block.value("text"_L1).isString()) {
            fail(blockPath + u".text"_s, u"Input should be a valid string"_s);
            return std::nullopt;
        }
        parts.append(textPart(block.value("text"_L1).toString(), block.value("cache_control"_L1)));
    }
    return parts;
}

bool Decoder::decodeSystem(const QJsonValue &value, const QString &path)
{
    const auto parts = textParts(value, path);
    if (!parts)
        return false;
    if (!parts->isEmpty())
        m_messages.append(QJsonObject{{"role"_L1, "system"_L1}, {"content"_L1, contentValue(*parts)}});
    return true;
}

std::optional<QJsonObject> Decoder::imagePart(const QJsonObject &block, const QString &path)
{
    const QJsonObject source = block.value("source"_L1).toObject();
    const QString type = source.value("type"_L1).toString();
    QString url;
    if (type == "base64"_L1) {
        const QString mediaType = source.value("media_type"_L1).toString();
        const QString data = source.value("data"_L1).toString();
        if (mediaType.isEmpty() || data.isEmpty()) {
            fail(path + u".source"_s, u"a base64 image source needs media_type and data"_s);
            return std::nullopt;
        }
        url = u"data:%1;base64,%2"_s.arg(mediaType, data);
    } else if (type == "url"_L1) {
        url = source.value("url"_L1).toString();
        if (url.isEmpty()) {
            fail(path + u".source.url"_s, u"Field required"_s);
            return std::nullopt;
        }
    } else {
        unsupported(path + u".source.type"_s,
             u"image source type '%1' is not supported for this provider; use base64 or url"_s.arg(type));
        return std::nullopt;
    }
    QJsonObject part{{"type"_L1, "image_url"_L1}, {"image_url"_L1, QJsonObject{{"url"_L1, url}}}};
    if (block.value("cache_control"_L1).isObject())
        part.insert("cache_control"_L1, block.value("cache_control"_L1));
    return part;
}

bool Decoder::decodeToolResult(const QJsonObject &block, const QString &path, QJsonArray &images)
{
    const QString id = block.value("tool_use_id"_L1).toString();
    if (id.isEmpty())
        return fail(path + u".tool_use_id"_s, u"Field required"_s);
    QStringList texts;
    const QJsonValue content = block.value("content"_L1);
    if (content.isString()) {
        texts.append(content.toString());
    } else if (content.isArray()) {
        const QJsonArray blocks = content.toArray();
        for (qsizetype i = 0; i < blocks.size(); ++i) {
            const QString blockPath = u"%1.content.%2"_s.arg(path).arg(i);
            const QJsonObject inner = blocks.at(i).toObject();
            const QString type = inner.value("type"_L1).toString();
            if (type == "text"_L1) {
                texts.append(inner.value("text"_L1).toString());
            } else if (type == "image"_L1) {
                const auto image = imagePart(inner, blockPath);
                if (!image)
                    return false;
                images.append(*image);
            } else {
                return unsupported(blockPath + u".type"_s,
                            u"block type '%1' inside a tool_result is not supported for this provider"_s.arg(type));
            }
        }
    } else if (!content.isUndefined() && !content.isNull()) {
        return fail(path + u".content"_s, u"Input should be a valid string or a list of blocks"_s);
    }
    QString text = texts.join(u'\n');
    if (block.value("is_error"_L1).toBool())
        text.prepend(u"Error: "_s);
    const QJsonValue cacheControl = block.value("cache_control"_L1);
    m_messages.append(QJsonObject{
        {"role"_L1, "tool"_L1},
        {"tool_call_id"_L1, anthropic::fromAnthropicToolId(id)},
        {"content"_L1, cacheControl.isObject() ? QJsonValue(QJsonArray{textPart(text, cacheControl)})
                                               : QJsonValue(text)}});
    return true;
}

bool Decoder::decodeUser(const QJsonArray &blocks, const QString &path)
{
    QJsonArray parts;   // the turn's own text and images
    QJsonArray images;  // images from tool results
    for (qsizetype i = 0; i < blocks.size(); ++i) {
        const QString blockPath = u"%1.%2"_s.arg(path).arg(i);
        if (!blocks.at(i).isObject())
            return fail(blockPath, u"Input should be a valid dictionary"_s);
        const QJsonObject block = blocks.at(i).toObject();
        const QString type = block.value("type"_L1).toString();
        if (type == "text"_L1) {
            if (!block.value("text"_L1).isString())
                return fail(blockPath + u".text"_s, u"Input should be a valid string"_s);
            parts.append(textPart(block.value("text"_L1).toString(), block.value("cache_control"_L1)));
        } else if (type == "image"_L1) {
            const auto image = imagePart(block, blockPath);
            if (!image)
                return false;
            parts.append(*image);
        } else if (type == "tool_result"_L1) {
            if (!decodeToolResult(block, blockPath, images))
                return false;
        } else if (!isServerToolBlock(type)) {
            return unsupported(blockPath + u".type"_s,
                        u"block type '%1' is not supported in user messages for this provider"_s.arg(type));
        }
    }
    for (const QJsonValue &part : std::as_const(parts))
        images.append(part);
    if (!images.isEmpty())
        m_messages.append(QJsonObject{{"role"_L1, "user"_L1}, {"content"_L1, contentValue(images)}});
    return true;
}

bool Decoder::decodeAssistant(const QJsonArray &blocks, const QString &path)
{
    QJsonArray parts;
    QJsonArray toolCalls;
    QJsonArray thinking;
    for (qsizetype i = 0; i < blocks.size(); ++i) {
        const QString blockPath = u"%1.%2"_s.arg(path).arg(i);
        if (!blocks.at(i).isObject())
            return fail(blockPath, u"Input should be a valid dictionary"_s);
        const QJsonObject block = blocks.at(i).toObject();
        const QString type = block.value("type"_L1).toString();
        if (type == "text"_L1) {
            if (!block.value("text"_L1).isString())
                return fail(blockPath + u".text"_s, u"Input should be a valid string"_s);
            parts.append(textPart(block.value("text"_L1).toString(), block.value("cache_control"_L1)));
        } else if (type == "tool_use"_L1) {
            const QString id = block.value("id"_L1).toString();
            const QString name = block.value("name"_L1).toString();
            if (id.isEmpty())
                return fail(blockPath + u".id"_s, u"Field required"_s);
            if (name.isEmpty())
                return fail(blockPath + u".name"_s, u"Field required"_s);
            const QJsonValue input = block.value("input"_L1);
            if (!input.isUndefined() && !input.isNull() && !input.isObject())
                return fail(blockPath + u".input"_s, u"Input should be a valid dictionary"_s);
            toolCalls.append(QJsonObject{
                {"id"_L1, anthropic::fromAnthropicToolId(id)},
                {"type"_L1, "function"_L1},
                {"function"_L1,
                 QJsonObject{{"name"_L1, name},
                             {"arguments"_L1, QString::fromUtf8(QJsonDocument(input.toObject())
                                                                    .toJson(QJsonDocument::Compact))}}}});
        } else if (type == "thinking"_L1) {
            thinking.append(QJsonObject{{"type"_L1, "thinking"_L1},
                                        {"thinking"_L1, block.value("thinking"_L1).toString()},
                                        {"signature"_L1, block.value("signature"_L1).toString()}});
        } else if (type == "redacted_thinking"_L1) {
            thinking.append(QJsonObject{{"type"_L1, "redacted_thinking"_L1},
                                        {"data"_L1, block.value("data"_L1).toString()}});
        } else if (!isServerToolBlock(type)) {
            return unsupported(blockPath + u".type"_s,
                        u"block type '%1' is not supported in assistant messages for this provider"_s.arg(type));
        }
    }
    QJsonObject message{{"role"_L1, "assistant"_L1}};
    // Several text blocks stay parts (Anthropic keeps their boundaries); one reads as a string.
    message.insert("content"_L1, parts.isEmpty() ? QJsonValue(QJsonValue::Null) : contentValue(parts));
    if (!toolCalls.isEmpty())
        message.insert("tool_calls"_L1, toolCalls);
    if (!thinking.isEmpty())
        message.insert("thinking_blocks"_L1, thinking);
    if (parts.isEmpty() && toolCalls.isEmpty() && thinking.isEmpty())
        return true;  // nothing left to send (server tool blocks only)
    m_messages.append(message);
    return true;
}

bool Decoder::decodeMessage(const QJsonValue &value, const QString &path)
{
    if (!value.isObject())
        return fail(path, u"Input should be a valid dictionary"_s);
    const QJsonObject object = value.toObject();
    const QString role = object.value("role"_L1).toString();
    const QJsonValue content = object.value("content"_L1);
    const QString contentPath = path + u".content"_s;
    if (role == "system"_L1)
        return decodeSystem(content, contentPath);
    if (role != "user"_L1 && role != "assistant"_L1)
        return fail(path + u".role"_s, u"Input should be 'user' or 'assistant'"_s);
    QJsonArray blocks;
    if (content.isString())
        blocks.append(QJsonObject{{"type"_L1, "text"_L1}, {"text"_L1, content.toString()}});
    else if (content.isArray())
        blocks = content.toArray();
    else
        return fail(contentPath, u"Input should be a valid string or a list of content blocks, not %1"_s
                                     .arg(typeOf(content)));
    return role == "user"_L1 ? decodeUser(blocks, contentPath) : decodeAssistant(blocks, contentPath);
}

bool Decoder::decodeTools(const QJsonValue &value)
{
    if (value.isUndefined() || value.isNull())
        return true;
    if (!value.isArray())
        return fail(u"tools"_s, u"Input should be a valid list"_s);
    QJsonArray tools;
    const QJsonArray list = value.toArray();
    for (qsizetype i = 0; i < list.size(); ++i) {
        const QString path = u"tools.%1"_s.arg(i);
        if (!list.at(i).isObject())
            return fail(path, u"Input should be a valid dictionary"_s);
        const QJsonObject tool = list.at(i).toObject();
        const QString type = tool.value("type"_L1).toString();
        // Server tools (web_search_*, bash_*, text_editor_*, ...) run at Anthropic or need
        // its built-in schemas: another provider cannot honour them, so they are left out.
        // defer_loading (tool search) has no counterpart: such tools are simply offered.
        if (!type.isEmpty() && type != "custom"_L1)
            continue;
        const QString name = tool.value("name"_L1).toString();
        if (name.isEmpty())
            return fail(path + u".name"_s, u"Field required"_s);
        const QJsonValue schema = tool.value("input_schema"_L1);
        if (!schema.isObject())
            return fail(path + u".input_schema"_s, u"Field required"_s);
        QJsonObject function{{"name"_L1, name}, {"parameters"_L1, schema}};
        if (tool.value("description"_L1).isString())
            function.insert("description"_L1, tool.value("description"_L1));
        tools.append(QJsonObject{{"type"_L1, "function"_L1}, {"function"_L1, function}});
    }
    m_hasTools = !tools.isEmpty();
    if (m_hasTools)
        m_out.insert("tools"_L1, tools);
    return true;
}

bool Decoder::decodeToolChoice(const QJsonValue &value)
{
    if (value.isUndefined() || value.isNull())
        return true;
    if (!value.isObject())
        return fail(u"tool_choice"_s, u"Input should be a valid dictionary"_s);
    const QJsonObject choice = value.toObject();
    const QString type = choice.value("type"_L1).toString();
    QJsonValue out;
    if (type == "auto"_L1) {
        out = u"auto"_s;
    } else if (type == "any"_L1) {
        out = u"required"_s;
    } else if (type == "none"_L1) {
        out = u"none"_s;
    } else if (type == "tool"_L1) {
        const QString name = choice.value("name"_L1).toString();
        if (name.isEmpty())
            return fail(u"tool_choice.name"_s, u"Field required"_s);
        out = QJsonObject{{"type"_L1, "function"_L1}, {"function"_L1, QJsonObject{{"name"_L1, name}}}};
    } else {
        return fail(u"tool_choice.type"_s,
                    u"Input tag '%1' does not match any of the expected tags: 'auto', 'any', 'tool', 'none'"_s
                        .arg(type));
    }
    // OpenAI refuses tool_choice without tools (all of them may have been server tools).
    if (!m_hasTools)
        return true;
    m_out.insert("tool_choice"_L1, out);
    if (choice.value("disable_parallel_tool_use"_L1).toBool() && type != "none"_L1)
        m_out.insert("parallel_tool_calls"_L1, false);
    return true;
}

QString effortForBudget(qint64 budget)
{
    if (budget <= 2048)
        return u"low"_s;
    if (budget <= 8192)
        return u"medium"_s;
    return u"high"_s;
}

bool Decoder::decodeThinking(const QJsonObject &in)
{
    const QJsonValue thinkingValue = in.value("thinking"_L1);
    const QJsonValue configValue = in.value("output_config"_L1);
    if (!configValue.isUndefined() && !configValue.isNull() && !configValue.isObject())
        return fail(u"output_config"_s, u"Input should be a valid dictionary"_s);
    const QJsonValue effortValue = configValue.toObject().value("effort"_L1);
    QString effort;
    if (!effortValue.isUndefined() && !effortValue.isNull()) {
        const QString given = effortValue.toString();
        if (given == "low"_L1 || given == "medium"_L1 || given == "high"_L1)
            effort = given;
        else if (given == "max"_L1)
            effort = u"xhigh"_s;
        else
            return fail(u"output_config.effort"_s,
                        u"Input should be 'low', 'medium', 'high' or 'max'"_s);
    }
    if (thinkingValue.isUndefined() || thinkingValue.isNull()) {
        if (!effort.isEmpty())
            m_out.insert("reasoning_effort"_L1, effort);
        return true;
    }
    if (!thinkingValue.isObject())
        return fail(u"thinking"_s, u"Input should be a valid dictionary"_s);
    const QJsonObject thinking = thinkingValue.toObject();
    const QString type = thinking.value("type"_L1).toString();
    if (type == "enabled"_L1) {
        const QJsonValue budget = thinking.value("budget_tokens"_L1);
        if (!budget.isDouble() || budget.toDouble() != double(budget.toInteger()))
            return fail(u"thinking.enabled.budget_tokens"_s, u"Field required (an integer)"_s);
        m_out.insert("reasoning_effort"_L1, effort.isEmpty() ? effortForBudget(budget.toInteger()) : effort);
        m_out.insert("thinking"_L1, QJsonObject{{"type"_L1, "enabled"_L1}, {"budget_tokens"_L1, budget.toInteger()}});
    } else if (type == "adaptive"_L1) {
        // Anthropic's default effort is "high".
        m_out.insert("reasoning_effort"_L1, effort.isEmpty() ? u"high"_s : effort);
    } else if (type != "disabled"_L1) {
        return fail(u"thinking.type"_s,
                    u"Input tag '%1' does not match any of the expected tags: 'enabled', 'disabled', 'adaptive'"_s
                        .arg(type));
    }
    return true;
}

bool Decoder::decodeOptions(const QJsonObject &in)
{
    const QJsonValue maxTokens = in.value("max_tokens"_L1);
    if (maxTokens.isUndefined() || maxTokens.isNull())
        return fail(u"max_tokens"_s, u"Field required"_s);
    if (!maxTokens.isDouble() || maxTokens.toDouble() != double(maxTokens.toInteger()))
        return fail(u"max_tokens"_s, u"Input should be a valid integer"_s);
    m_out.insert("max_tokens"_L1, maxTokens.toInteger());

    for (const char *name : {"temperature", "top_p"}) {
        const QJsonValue value = in.value(QLatin1String(name));
        if (value.isUndefined() || value.isNull())
            continue;
        if (!value.isDouble())
            return fail(QString::fromLatin1(name), u"Input should be a valid number"_s);
        m_out.insert(QLatin1String(name), value);
    }
    const QJsonValue topK = in.value("top_k"_L1);
    if (!topK.isUndefined() && !topK.isNull()) {
        if (!topK.isDouble() || topK.toDouble() != double(topK.toInteger()))
            return fail(u"top_k"_s, u"Input should be a valid integer"_s);
        m_out.insert("top_k"_L1, topK.toInteger());
    }
    const QJsonValue stop = in.value("stop_sequences"_L1);
    if (!stop.isUndefined() && !stop.isNull()) {
        if (!stop.isArray())
            return fail(u"stop_sequences"_s, u"Input should be a valid list"_s);
        for (qsizetype i = 0; i < stop.toArray().size(); ++i) {
            if (!stop.toArray().at(i).isString())
                return fail(u"stop_sequences.%1"_s.arg(i), u"Input should be a valid string"_s);
        }
        if (!stop.toArray().isEmpty())
            m_out.insert("stop"_L1, stop);
    }
    const QJsonValue metadata = in.value("metadata"_L1);
    if (!metadata.isUndefined() && !metadata.isNull() && !metadata.isObject())
        return fail(u"metadata"_s, u"Input should be a valid dictionary"_s);
    const QString user = metadata.toObject().value("user_id"_L1).toString();
    if (!user.isEmpty())
        m_out.insert("user"_L1, user);
    return decodeThinking(in);
}

bool Decoder::translate(const QJsonObject &in, const QJsonArray &list)
{
    if (!decodeOptions(in))
        return false;
    const QJsonValue system = in.value("system"_L1);
    if (!system.isUndefined() && !system.isNull() && !decodeSystem(system, u"system"_s))
        return false;
    for (qsizetype i = 0; i < list.size(); ++i) {
        if (!decodeMessage(list.at(i), u"messages.%1"_s.arg(i)))
            return false;
    }
    m_out.insert("messages"_L1, m_messages);
    return decodeTools(in.value("tools"_L1)) && decodeToolChoice(in.value("tool_choice"_L1));
}

std::variant<ChatEnvelope, ApiError> Decoder::decode(const QByteArray &bytes)
{
    const auto object = requestObject(bytes, u"There was an error parsing the body of your request: %1 at offset %2"_s);
    if (const ApiError *error = std::get_if<ApiError>(&object))
        return *error;
    const QJsonObject in = std::get<QJsonObject>(object);

    ChatEnvelope envelope;
    const QJsonValue model = in.value("model"_L1);
    if (model.isUndefined() || model.isNull())
        fail(u"model"_s, u"Field required"_s);
    else if (!model.isString() || model.toString().isEmpty())
        fail(u"model"_s, u"Input should be a non-empty string"_s);
    if (m_error)
        return *m_error;
    envelope.model = model.toString();
    m_out.insert("model"_L1, envelope.model);

    const QJsonValue stream = in.value("stream"_L1);
    if (!stream.isUndefined() && !stream.isNull() && !stream.isBool())
        return ApiError::invalidRequest(u"stream: Input should be a valid boolean"_s, u"stream"_s);
    envelope.stream = stream.toBool(false);

    const QJsonValue messages = in.value("messages"_L1);
    if (messages.isUndefined() || messages.isNull())
        fail(u"messages"_s, u"Field required"_s);
    else if (!messages.isArray())
        fail(u"messages"_s, u"Input should be a valid list"_s);
    else if (messages.toArray().isEmpty())
        fail(u"messages"_s, u"at least one message is required"_s);
    if (m_error)
        return *m_error;
    envelope.native = in;

    // What the translation cannot express is no error for a provider that speaks
    // Anthropic: it takes the body as it is.
    if (!translate(in, messages.toArray())) {
        if (!m_untranslatable)
            return *m_error;
        envelope.untranslatable = m_error;
        envelope.includeUsage = envelope.stream;
        return envelope;
    }
    if (envelope.stream) {
        m_out.insert("stream"_L1, true);
        m_out.insert("stream_options"_L1, QJsonObject{{"include_usage"_L1, true}});
    }
    envelope.includeUsage = envelope.stream;
    envelope.body = m_out;
    return envelope;
}

} // namespace

std::variant<ChatEnvelope, ApiError> AnthropicRequestDecoder::decode(const QByteArray &body)
{
    return Decoder().decode(body);
}

} // namespace onegate
