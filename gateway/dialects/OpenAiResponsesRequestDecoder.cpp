#include "OpenAiResponsesRequestDecoder.h"

#include "OpenAiFieldTypes.h"
#include "OpenAiResponsesAnswerEncoder.h"
#include "RequestBody.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QSet>
#include <optional>
#include <utility>

// Gateway choices where OpenAI Responses and OpenAI Chat Completions differ:
// - `instructions` becomes a leading `system` message; `system` and `developer` message
//   items stay what they are, where they stand (every translating adapter treats
//   developer as system; OpenAI takes both).
// - Message items: input_text and output_text parts are text parts in any role (history
//   from other tools mixes them up); refusal parts become the assistant message's
//   `refusal`; input_image becomes an image_url part (image_url and detail kept) in user
//   messages only, as Chat has images nowhere else. A single text part is sent as a plain
//   string. Item ids, `status` and `phase` are dropped.
// - function_call items become `tool_calls` on an assistant message: consecutive calls
//   share one, which also takes the assistant text message right before them (reasoning
//   items in between are dropped first), as Chat wants one assistant turn per step.
//   `call_id` is the tool call id; `arguments` stay the client's string (an object is
//   accepted and made compact JSON). A `namespace` makes the name flatToolName's.
// - function_call_output items become `tool` messages. Text parts are joined with "\n";
//   Chat tool messages carry text only, so images ride in one user message after the run
//   of tool messages (Chat wants every tool message right after its assistant turn).
// - `reasoning` items that OneGate made from a provider's thinking blocks (their
//   encrypted_content is sealed, OpenAiResponsesAnswerEncoder::sealedThinking) go back as
//   those blocks: `thinking_blocks` (and the text as `reasoning_content`) on the next
//   assistant message, so a provider that signs its thinking (Anthropic, with tool use)
//   gets it back unchanged. Other reasoning items are dropped: OpenAI's encrypted_content
//   is only for OpenAI. Reasoning not followed by an assistant turn is dropped. Hosted tool call
//   items (web_search_call, file_search_call, image_generation_call,
//   code_interpreter_call, mcp_*) are dropped too: the hosted tools they belong to are.
//   Client tool items other than functions (custom, local_shell, shell, apply_patch,
//   computer) and compaction items have no Chat form that keeps their meaning:
//   untranslatable.
// - tools: function tools map one to one. `strict` is sent only when the client set it:
//   Responses defaults it to true, Chat to false, and a schema that is not strict-ready
//   would turn a working request into a 400 upstream. `defer_loading` is ignored (the
//   tool is simply offered). Functions in namespace tools are flattened (see the header).
// - tool_choice: the strings pass; {type:"function",name} becomes Chat's form;
//   {type:"allowed_tools",mode,tools} keeps only the allowed functions in `tools` with
//   `mode` as tool_choice (the same choice, in a form every adapter reads); a forced
//   hosted or custom tool is untranslatable. With no Chat tools left, tool_choice and
//   parallel_tool_calls are left out (OpenAI refuses them without tools), unless the
//   client required a call: untranslatable.
// - max_output_tokens becomes `max_completion_tokens`: it has the same meaning (visible
//   and reasoning tokens), OpenAI and Azure refuse `max_tokens` for reasoning models (what
//   Responses clients mostly ask for), and every adapter reads it. A server that only
//   knows max_tokens ignores it: no cap, rather than a refused request.
// - reasoning.effort is `reasoning_effort`, values unchanged ("minimal" too, not "low"):
//   OpenAI Chat takes the same set, and the translating adapters (anthropic, gemini,
//   ollama) map "minimal" themselves. reasoning.summary has no Chat counterpart and is
//   ignored.
// - text.format json_schema {name, schema, description, strict} is response_format
//   {type:"json_schema", json_schema:{...}}; json_object is response_format json_object;
//   text is Chat's default and sends nothing. text.verbosity is Chat's `verbosity`.
// - `user` stays `user`; `safety_identifier` becomes `user` when there is none (the field
//   every adapter and compatible server reads). metadata is not forwarded.

namespace onegate {

namespace {

using namespace Qt::StringLiterals;

constexpr qsizetype kMaxToolName = 64;  // OpenAI's limit for function names

using openAiFields::isInteger;
using openAiFields::present;
using openAiFields::typeOf;

// 'a', 'b' and 'c'
QString quoted(const QStringList &values)
{
    QStringList parts;
    for (const QString &value : values)
        parts.append(u"'%1'"_s.arg(value));
    if (parts.size() < 2)
        return parts.join(QString());
    const QString last = parts.takeLast();
    return parts.join(u", "_s) + u" and "_s + last;
}

// One content value as Chat wants it: a plain string for one text part, else the parts.
QJsonValue contentValue(const QJsonArray &parts)
{
    if (parts.isEmpty())
        return u""_s;
    if (parts.size() == 1 && parts.first().toObject().value("type"_L1).toString() == "text"_L1)
        return parts.first().toObject().value("text"_L1);
    return parts;
}

QJsonObject textPart(const QString &text)
{
    return QJsonObject{{"type"_L1, "text"_L1}, {"text"_L1, text}};
}

// Hosted tool calls in a history: OpenAI ran them; their tools are dropped, and so are
// they (what they found is in the assistant text that follows).
bool isHostedCallItem(const QString &type)
{
    static const QSet<QString> hosted{u"web_search_call"_s,     u"file_search_call"_s,
                                      u"image_generation_call"_s, u"code_interpreter_call"_s,
                                      u"mcp_list_tools"_s,      u"mcp_call"_s,
                                      u"mcp_approval_request"_s, u"mcp_approval_response"_s};
    return hosted.contains(type);
}

class Decoder final {
public:
    std::variant<ChatEnvelope, ApiError> decode(const QByteArray &bytes);

private:
    bool fail(const QString &param, const QString &message, const QString &code)
    {
        if (!m_error) {
            m_error = ApiError::invalidRequest(message, param);
            m_error->code = code;
        }
        return false;
    }
    bool missing(const QString &param)
    {
        return fail(param, u"Missing required parameter: '%1'."_s.arg(param), u"missing_required_parameter"_s);
    }
    bool invalidType(const QString &param, const QString &expected, const QJsonValue &got)
    {
        return fail(param,
                    u"Invalid type for '%1': expected %2, but got %3 instead."_s.arg(param, expected, typeOf(got)),
                    u"invalid_type"_s);
    }
    bool invalidValue(const QString &param, const QString &value, const QStringList &supported)
    {
        return fail(param,
                    u"Invalid value for '%1': '%2'. Supported values are: %3."_s.arg(param, value, quoted(supported)),
                    u"invalid_value"_s);
    }
    bool stateless(const QString &param, const QString &message)
    {
        return fail(param, message, u"unsupported_parameter"_s);
    }
    // Valid Responses input that Chat cannot express: only a provider that serves the
    // Responses API can take the request.
    bool untranslatable(const QString &param, const QString &what)
    {
        fail(param, u"'%1': %2"_s.arg(param, what), u"unsupported_value"_s);
        m_untranslatable = true;
        return false;
    }

    bool checkStateless(const QJsonObject &in);
    bool translate(const QJsonObject &in);
    bool decodeOptions(const QJsonObject &in);
    bool decodeReasoning(const QJsonValue &value);
    bool decodeText(const QJsonValue &value);
    bool decodeInstructions(const QJsonValue &value);
    bool decodeInput(const QJsonValue &value);
    bool decodeItem(const QJsonValue &value, const QString &path);
    bool decodeMessage(const QJsonObject &item, const QString &path);
    bool decodeFunctionCall(const QJsonObject &item, const QString &path);
    bool decodeFunctionCallOutput(const QJsonObject &item, const QString &path);
    bool decodeTools(const QJsonValue &value);
    bool decodeFunction(const QJsonObject &tool, const QString &path, const QString &ns);
    bool decodeToolChoice(const QJsonValue &value);
    bool decodeAllowedTools(const QJsonObject &choice);
    std::optional<QString> optionalString(const QJsonObject &object, QLatin1String key, const QString &path);

    void decodeReasoningItem(const QJsonObject &item);
    QJsonObject withThinking(QJsonObject assistant);
    void append(const QJsonObject &message);
    void flushToolImages();

    QJsonObject m_out;
    QJsonArray m_messages;
    QJsonArray m_toolImages;  // images from function_call_output items, for a user message
    QJsonArray m_thinking;    // thinking blocks from reasoning items, for the next assistant turn
    QString m_thinkingText;
    QJsonArray m_tools;
    QSet<QString> m_toolNames;  // Chat names of the tools so far
    QSet<QString> m_flattened;  // those of namespace functions
    std::optional<ApiError> m_error;
    bool m_untranslatable = false;
};

// A string field that may be absent or null (empty then); nullopt after a type error.
std::optional<QString> Decoder::optionalString(const QJsonObject &object, QLatin1String key,
                                               const QString &path)
{
    const QJsonValue value = object.value(key);
    if (!present(value))
        return QString();
    if (!value.isString()) {
        invalidType(path, u"a string"_s, value);
        return std::nullopt;
    }
    return value.toString();
}

void Decoder::flushToolImages()
{
    if (m_toolImages.isEmpty())
        return;
    m_messages.append(QJsonObject{{"role"_L1, "user"_L1}, {"content"_L1, m_toolImages}});
    m_toolImages = QJsonArray();
}

void Decoder::decodeReasoningItem(const QJsonObject &item)
{
    const auto opaque = OpenAiResponsesAnswerEncoder::unsealedThinking(item.value("encrypted_content"_L1).toString());
    if (!opaque)
        return;
    const QJsonValue content = item.value("content"_L1);
    if (!content.isArray()) {
        // OneGate writes a redacted block without content (reasoningItem).
        m_thinking.append(QJsonObject{{"type"_L1, "redacted_thinking"_L1}, {"data"_L1, *opaque}});
        return;
    }
    QString text;
    for (const QJsonValue &part : content.toArray()) {
        if (part["type"_L1].toString() == "reasoning_text"_L1)
            text += part["text"_L1].toString();
    }
    m_thinking.append(QJsonObject{{"type"_L1, "thinking"_L1}, {"thinking"_L1, text}, {"signature"_L1, *opaque}});
    m_thinkingText += text;
}

QJsonObject Decoder::withThinking(QJsonObject assistant)
{
    if (m_thinking.isEmpty())
        return assistant;
    QJsonArray blocks = assistant.value("thinking_blocks"_L1).toArray();
    for (const QJsonValue &block : std::exchange(m_thinking, {}))
        blocks.append(block);
    assistant.insert("thinking_blocks"_L1, blocks);
    const QString text = assistant.value("reasoning_content"_L1).toString() + std::exchange(m_thinkingText, {});
    assistant.insert("reasoning_content"_L1, text);
    return assistant;
}

void Decoder::append(const QJsonObject &message)
{
    const QString role = message.value("role"_L1).toString();
    if (role != "tool"_L1)
        flushToolImages();
    if (role == "assistant"_L1) {
        m_messages.append(withThinking(message));
        return;
    }
    m_thinking = {};  // reasoning that no assistant turn followed
    m_thinkingText.clear();
    m_messages.append(message);
}

bool Decoder::checkStateless(const QJsonObject &in)
{
    const QString whole = u"send the whole conversation in 'input' on every request"_s;
    if (present(in.value("previous_response_id"_L1)))
        return stateless(u"previous_response_id"_s,
                         u"OneGate is stateless and keeps no responses, so 'previous_response_id' cannot be "
                         u"continued: leave it out, set 'store' to false and %1."_s.arg(whole));
    if (present(in.value("conversation"_L1)))
        return stateless(u"conversation"_s,
                         u"OneGate is stateless and keeps no conversations: leave out 'conversation' and %1."_s
                             .arg(whole));
    const QJsonValue store = in.value("store"_L1);
    if (present(store) && !store.isBool())
        return invalidType(u"store"_s, u"a boolean"_s, store);
    if (store.toBool(false))
        return stateless(u"store"_s,
                         u"OneGate is stateless and does not store responses: set 'store' to false (or leave "
                         u"it out) and %1."_s.arg(whole));
    const QJsonValue background = in.value("background"_L1);
    if (present(background) && !background.isBool())
        return invalidType(u"background"_s, u"a boolean"_s, background);
    if (background.toBool(false))
        return stateless(u"background"_s,
                         u"Background responses are not supported: OneGate answers while the request is open "
                         u"and keeps nothing to poll afterwards. Leave out 'background' (stream long answers)."_s);
    if (present(in.value("prompt"_L1)))
        return stateless(u"prompt"_s,
                         u"Stored prompt templates are not supported (OneGate is stateless and cannot fetch "
                         u"them): leave out 'prompt' and send the instructions and input themselves."_s);
    return true;
}

bool Decoder::decodeInstructions(const QJsonValue &value)
{
    if (!present(value))
        return true;
    if (!value.isString())
        return invalidType(u"instructions"_s, u"a string"_s, value);
    if (!value.toString().isEmpty())
        append(QJsonObject{{"role"_L1, "system"_L1}, {"content"_L1, value.toString()}});
    return true;
}

bool Decoder::decodeMessage(const QJsonObject &item, const QString &path)
{
    const QJsonValue roleValue = item.value("role"_L1);
    if (!present(roleValue))
        return missing(path + u".role"_s);
    const QString role = roleValue.toString();
    static const QStringList roles{u"user"_s, u"assistant"_s, u"system"_s, u"developer"_s};
    if (!roles.contains(role))
        return invalidValue(path + u".role"_s, roleValue.isString() ? role : typeOf(roleValue), roles);

    const QString contentPath = path + u".content"_s;
    const QJsonValue content = item.value("content"_L1);
    QJsonArray parts;
    QString refusal;
    if (content.isString()) {
        parts.append(textPart(content.toString()));
    } else if (content.isArray()) {
        const QJsonArray list = content.toArray();
        for (qsizetype j = 0; j < list.size(); ++j) {
            const QString partPath = u"%1[%2]"_s.arg(contentPath).arg(j);
            if (!list.at(j).isObject())
                return invalidType(partPath, u"an object"_s, list.at(j));
            const QJsonObject part = list.at(j).toObject();
            const QJsonValue typeValue = part.value("type"_L1);
            if (!present(typeValue))
                return missing(partPath + u".type"_s);
            const QString type = typeValue.toString();
            if (type == "input_text"_L1 || type == "output_text"_L1) {
                const QJsonValue text = part.value("text"_L1);
                if (!text.isString())
                    return present(text) ? invalidType(partPath + u".text"_s, u"a string"_s, text)
                                         : missing(partPath + u".text"_s);
                parts.append(textPart(text.toString()));
            } else if (type == "refusal"_L1 && role == "assistant"_L1) {
                const QJsonValue text = part.value("refusal"_L1);
                if (!text.isString())
                    return present(text) ? invalidType(partPath + u".refusal"_s, u"a string"_s, text)
                                         : missing(partPath + u".refusal"_s);
                refusal += text.toString();
            } else if (type == "input_image"_L1 && role == "user"_L1) {
                const QJsonValue url = part.value("image_url"_L1);
                if (!present(url)) {
                    if (present(part.value("file_id"_L1)))
                        return untranslatable(partPath + u".file_id"_s,
                                              u"images by file_id are not supported for this provider (only "
                                              u"OpenAI can read its files); send the image as an image_url "
                                              u"(a data: URL or https)"_s);
                    return missing(partPath + u".image_url"_s);
                }
                if (!url.isString())
                    return invalidType(partPath + u".image_url"_s, u"a string"_s, url);
                QJsonObject image{{"url"_L1, url.toString()}};
                if (part.value("detail"_L1).isString())
                    image.insert("detail"_L1, part.value("detail"_L1));
                parts.append(QJsonObject{{"type"_L1, "image_url"_L1}, {"image_url"_L1, image}});
            } else if (type == "input_file"_L1) {
                return untranslatable(partPath + u".type"_s,
                                      u"input_file parts are not supported for this provider; send the file's "
                                      u"text as input_text"_s);
            } else {
                return untranslatable(partPath + u".type"_s,
                                      u"content type '%1' in %2 messages is not supported for this provider"_s
                                          .arg(type, role));
            }
        }
    } else if (!present(content)) {
        return missing(contentPath);
    } else {
        return invalidType(contentPath, u"a string or an array of content parts"_s, content);
    }

    if (role != "assistant"_L1) {
        if (!parts.isEmpty())
            append(QJsonObject{{"role"_L1, role}, {"content"_L1, contentValue(parts)}});
        return true;
    }
    if (parts.isEmpty() && refusal.isEmpty())
        return true;  // nothing said
    QJsonObject message{{"role"_L1, "assistant"_L1},
                        {"content"_L1, parts.isEmpty() ? QJsonValue(QJsonValue::Null) : contentValue(parts)}};
    if (!refusal.isEmpty())
        message.insert("refusal"_L1, refusal);
    append(message);
    return true;
}

bool Decoder::decodeFunctionCall(const QJsonObject &item, const QString &path)
{
    const auto callId = optionalString(item, "call_id"_L1, path + u".call_id"_s);
    const auto name = optionalString(item, "name"_L1, path + u".name"_s);
    const auto ns = optionalString(item, "namespace"_L1, path + u".namespace"_s);
    if (!callId || !name || !ns)
        return false;
    if (callId->isEmpty())
        return missing(path + u".call_id"_s);
    if (name->isEmpty())
        return missing(path + u".name"_s);
    const QJsonValue arguments = item.value("arguments"_L1);
    QString text;
    if (arguments.isString())
        text = arguments.toString();
    else if (arguments.isObject())
        text = QString::fromUtf8(QJsonDocument(arguments.toObject()).toJson(QJsonDocument::Compact));
    else if (!present(arguments))
        return missing(path + u".arguments"_s);
    else
        return invalidType(path + u".arguments"_s, u"a string"_s, arguments);

    const QJsonObject call{
        {"id"_L1, *callId},
        {"type"_L1, "function"_L1},
        {"function"_L1,
         QJsonObject{{"name"_L1, ns->isEmpty() ? *name : OpenAiResponsesRequestDecoder::flatToolName(*ns, *name)},
                     {"arguments"_L1, text}}}};
    flushToolImages();
    if (!m_messages.isEmpty() && m_messages.last().toObject().value("role"_L1).toString() == "assistant"_L1) {
        QJsonObject last = withThinking(m_messages.last().toObject());
        QJsonArray calls = last.value("tool_calls"_L1).toArray();
        calls.append(call);
        last.insert("tool_calls"_L1, calls);
        m_messages.replace(m_messages.size() - 1, last);
        return true;
    }
    append(QJsonObject{{"role"_L1, "assistant"_L1},
                       {"content"_L1, QJsonValue(QJsonValue::Null)},
                       {"tool_calls"_L1, QJsonArray{call}}});
    return true;
}

bool Decoder::decodeFunctionCallOutput(const QJsonObject &item, const QString &path)
{
    const auto callId = optionalString(item, "call_id"_L1, path + u".call_id"_s);
    if (!callId)
        return false;
    if (callId->isEmpty())
        return missing(path + u".call_id"_s);
    const QString outputPath = path + u".output"_s;
    const QJsonValue output = item.value("output"_L1);
    QStringList texts;
    if (output.isString()) {
        texts.append(output.toString());
    } else if (output.isArray()) {
        const QJsonArray list = output.toArray();
        for (qsizetype j = 0; j < list.size(); ++j) {
            const QString partPath = u"%1[%2]"_s.arg(outputPath).arg(j);
            if (!list.at(j).isObject())
                return invalidType(partPath, u"an object"_s, list.at(j));
            const QJsonObject part = list.at(j).toObject();
            if (!present(part.value("type"_L1)))
                return missing(partPath + u".type"_s);
            const QString type = part.value("type"_L1).toString();
            if (type == "input_text"_L1 || type == "output_text"_L1) {
                if (!part.value("text"_L1).isString())
                    return invalidType(partPath + u".text"_s, u"a string"_s, part.value("text"_L1));
                texts.append(part.value("text"_L1).toString());
            } else if (type == "input_image"_L1) {
                const QJsonValue url = part.value("image_url"_L1);
                if (!url.isString()) {
                    if (present(part.value("file_id"_L1)))
                        return untranslatable(partPath + u".file_id"_s,
                                              u"images by file_id are not supported for this provider; send "
                                              u"the image as an image_url"_s);
                    return present(url) ? invalidType(partPath + u".image_url"_s, u"a string"_s, url)
                                        : missing(partPath + u".image_url"_s);
                }
                QJsonObject image{{"url"_L1, url.toString()}};
                if (part.value("detail"_L1).isString())
                    image.insert("detail"_L1, part.value("detail"_L1));
                m_toolImages.append(QJsonObject{{"type"_L1, "image_url"_L1}, {"image_url"_L1, image}});
            } else {
                return untranslatable(partPath + u".type"_s,
                                      u"function output type '%1' is not supported for this provider"_s.arg(type));
            }
        }
    } else if (!present(output)) {
        return missing(outputPath);
    } else {
        return invalidType(outputPath, u"a string or an array of content parts"_s, output);
    }
    append(QJsonObject{{"role"_L1, "tool"_L1}, {"tool_call_id"_L1, *callId}, {"content"_L1, texts.join(u'\n')}});
    return true;
}

bool Decoder::decodeItem(const QJsonValue &value, const QString &path)
{
    if (!value.isObject())
        return invalidType(path, u"an object"_s, value);
    const QJsonObject item = value.toObject();
    const QJsonValue typeValue = item.value("type"_L1);
    if (!present(typeValue)) {
        // An "easy" message: role and content only.
        if (item.contains("role"_L1))
            return decodeMessage(item, path);
        return missing(path + u".type"_s);
    }
    if (!typeValue.isString())
        return invalidType(path + u".type"_s, u"a string"_s, typeValue);
    const QString type = typeValue.toString();
    if (type == "message"_L1)
        return decodeMessage(item, path);
    if (type == "function_call"_L1)
        return decodeFunctionCall(item, path);
    if (type == "function_call_output"_L1)
        return decodeFunctionCallOutput(item, path);
    if (type == "reasoning"_L1) {
        decodeReasoningItem(item);
        return true;
    }
    if (isHostedCallItem(type))
        return true;
    if (type == "item_reference"_L1)
        return stateless(path, u"OneGate is stateless and stores no items, so '%1' (an item_reference) cannot be "
                               u"resolved: send the item itself."_s
                                   .arg(path));
    if (type == "compaction"_L1)
        return untranslatable(path + u".type"_s,
                              u"compaction items carry encrypted context only OpenAI can read; they are not "
                              u"supported for this provider"_s);
    return untranslatable(path + u".type"_s,
                          u"input items of type '%1' are not supported for this provider"_s.arg(type));
}

bool Decoder::decodeInput(const QJsonValue &value)
{
    if (value.isString()) {
        append(QJsonObject{{"role"_L1, "user"_L1}, {"content"_L1, value.toString()}});
        return true;
    }
    if (!present(value))
        return missing(u"input"_s);
    if (!value.isArray())
        return invalidType(u"input"_s, u"a string or an array of input items"_s, value);
    const QJsonArray items = value.toArray();
    for (qsizetype i = 0; i < items.size(); ++i) {
        if (!decodeItem(items.at(i), u"input[%1]"_s.arg(i)))
            return false;
    }
    flushToolImages();
    return true;
}

bool Decoder::decodeFunction(const QJsonObject &tool, const QString &path, const QString &ns)
{
    const auto name = optionalString(tool, "name"_L1, path + u".name"_s);
    const auto description = optionalString(tool, "description"_L1, path + u".description"_s);
    if (!name || !description)
        return false;
    if (name->isEmpty())
        return missing(path + u".name"_s);
    const QString chatName = ns.isEmpty() ? *name : OpenAiResponsesRequestDecoder::flatToolName(ns, *name);
    QJsonObject function{{"name"_L1, chatName}};
    if (!description->isEmpty())
        function.insert("description"_L1, *description);
    const QJsonValue parameters = tool.value("parameters"_L1);
    if (parameters.isObject())
        function.insert("parameters"_L1, parameters);
    else if (present(parameters))
        return invalidType(path + u".parameters"_s, u"an object"_s, parameters);
    const QJsonValue strict = tool.value("strict"_L1);
    if (strict.isBool())
        function.insert("strict"_L1, strict);
    else if (present(strict))
        return invalidType(path + u".strict"_s, u"a boolean"_s, strict);
    // Two plain functions of one name are the provider's to judge; a flattened name that
    // meets another tool's cannot be told apart on the way back.
    if (m_toolNames.contains(chatName) && (!ns.isEmpty() || m_flattened.contains(chatName)))
        return untranslatable(path + u".name"_s,
                              u"the flattened name '%1' of a namespace function is also another tool's "
                              u"name; this provider takes no namespaces"_s
                                  .arg(chatName));
    m_toolNames.insert(chatName);
    if (!ns.isEmpty())
        m_flattened.insert(chatName);
    m_tools.append(QJsonObject{{"type"_L1, "function"_L1}, {"function"_L1, function}});
    return true;
}

bool Decoder::decodeTools(const QJsonValue &value)
{
    if (!present(value))
        return true;
    if (!value.isArray())
        return invalidType(u"tools"_s, u"an array"_s, value);
    const QJsonArray list = value.toArray();
    for (qsizetype i = 0; i < list.size(); ++i) {
        const QString path = u"tools[%1]"_s.arg(i);
        if (!list.at(i).isObject())
            return invalidType(path, u"an object"_s, list.at(i));
        const QJsonObject tool = list.at(i).toObject();
        const QJsonValue type = tool.value("type"_L1);
        if (!present(type))
            return missing(path + u".type"_s);
        if (type.toString() == "function"_L1) {
            if (!decodeFunction(tool, path, {}))
                return false;
        } else if (type.toString() == "namespace"_L1) {
            const auto ns = optionalString(tool, "name"_L1, path + u".name"_s);
            if (!ns)
                return false;
            if (ns->isEmpty())
                return missing(path + u".name"_s);
            const QJsonValue inner = tool.value("tools"_L1);
            if (!present(inner))
                return missing(path + u".tools"_s);
            if (!inner.isArray())
                return invalidType(path + u".tools"_s, u"an array"_s, inner);
            const QJsonArray functions = inner.toArray();
            for (qsizetype j = 0; j < functions.size(); ++j) {
                const QString innerPath = u"%1.tools[%2]"_s.arg(path).arg(j);
                if (!functions.at(j).isObject())
                    return invalidType(innerPath, u"an object"_s, functions.at(j));
                const QJsonObject function = functions.at(j).toObject();
                // custom (free-form) tools are left out here as at the top level.
                if (function.value("type"_L1).toString() == "function"_L1
                    && !decodeFunction(function, innerPath, *ns))
                    return false;
            }
        }
        // Every other type is a hosted tool OpenAI runs, or a custom (free-form grammar)
        // tool: no provider behind Chat can honour them, so they are left out.
    }
    if (!m_tools.isEmpty())
        m_out.insert("tools"_L1, m_tools);
    return true;
}

bool Decoder::decodeAllowedTools(const QJsonObject &choice)
{
    const QJsonValue mode = choice.value("mode"_L1);
    if (!present(mode))
        return missing(u"tool_choice.mode"_s);
    if (mode.toString() != "auto"_L1 && mode.toString() != "required"_L1)
        return invalidValue(u"tool_choice.mode"_s, mode.isString() ? mode.toString() : typeOf(mode),
                            {u"auto"_s, u"required"_s});
    const QJsonValue tools = choice.value("tools"_L1);
    if (!present(tools))
        return missing(u"tool_choice.tools"_s);
    if (!tools.isArray())
        return invalidType(u"tool_choice.tools"_s, u"an array"_s, tools);
    QSet<QString> allowed;
    for (const QJsonValue &entry : tools.toArray()) {
        const QJsonObject tool = entry.toObject();
        if (tool.value("type"_L1).toString() != "function"_L1)
            continue;  // a hosted tool: dropped with the tools
        const QString ns = tool.value("namespace"_L1).toString();
        const QString name = tool.value("name"_L1).toString();
        allowed.insert(ns.isEmpty() ? name : OpenAiResponsesRequestDecoder::flatToolName(ns, name));
    }
    QJsonArray kept;
    for (const QJsonValue &tool : std::as_const(m_tools)) {
        if (allowed.contains(tool.toObject().value("function"_L1).toObject().value("name"_L1).toString()))
            kept.append(tool);
    }
    m_tools = kept;
    if (m_tools.isEmpty()) {
        m_out.remove("tools"_L1);
        if (mode.toString() == "required"_L1)
            return untranslatable(u"tool_choice.tools"_s,
                                  u"none of the allowed tools is a function, and this provider runs no "
                                  u"hosted tools"_s);
        return true;
    }
    m_out.insert("tools"_L1, m_tools);
    m_out.insert("tool_choice"_L1, mode);
    return true;
}

bool Decoder::decodeToolChoice(const QJsonValue &value)
{
    if (!present(value))
        return true;
    QJsonValue out;
    if (value.isString()) {
        const QString mode = value.toString();
        static const QStringList modes{u"none"_s, u"auto"_s, u"required"_s};
        if (!modes.contains(mode))
            return invalidValue(u"tool_choice"_s, mode, modes);
        out = mode;
    } else if (value.isObject()) {
        const QJsonObject choice = value.toObject();
        const QJsonValue typeValue = choice.value("type"_L1);
        if (!present(typeValue))
            return missing(u"tool_choice.type"_s);
        const QString type = typeValue.toString();
        if (type == "allowed_tools"_L1)
            return decodeAllowedTools(choice);
        if (type != "function"_L1)
            return untranslatable(u"tool_choice.type"_s,
                                  u"forcing the '%1' tool is not supported for this provider (it runs no hosted "
                                  u"or custom tools)"_s
                                      .arg(type));
        const auto name = optionalString(choice, "name"_L1, u"tool_choice.name"_s);
        const auto ns = optionalString(choice, "namespace"_L1, u"tool_choice.namespace"_s);
        if (!name || !ns)
            return false;
        if (name->isEmpty())
            return missing(u"tool_choice.name"_s);
        const QString chatName = ns->isEmpty() ? *name : OpenAiResponsesRequestDecoder::flatToolName(*ns, *name);
        out = QJsonObject{{"type"_L1, "function"_L1}, {"function"_L1, QJsonObject{{"name"_L1, chatName}}}};
    } else {
        return invalidType(u"tool_choice"_s, u"a string or an object"_s, value);
    }
    if (m_tools.isEmpty()) {
        // OpenAI refuses tool_choice without tools; all of them may have been hosted ones.
        if (out.isObject() || out.toString() == "required"_L1)
            return untranslatable(u"tool_choice"_s,
                                  u"a tool call is required, but every tool is a hosted or custom one, which "
                                  u"this provider cannot run"_s);
        return true;
    }
    m_out.insert("tool_choice"_L1, out);
    return true;
}

bool Decoder::decodeReasoning(const QJsonValue &value)
{
    if (!present(value))
        return true;
    if (!value.isObject())
        return invalidType(u"reasoning"_s, u"an object"_s, value);
    const QJsonValue effort = value.toObject().value("effort"_L1);
    if (!present(effort))
        return true;
    static const QStringList efforts{u"none"_s, u"minimal"_s, u"low"_s, u"medium"_s, u"high"_s, u"xhigh"_s};
    if (!effort.isString() || !efforts.contains(effort.toString()))
        return invalidValue(u"reasoning.effort"_s, effort.isString() ? effort.toString() : typeOf(effort), efforts);
    m_out.insert("reasoning_effort"_L1, effort);
    return true;
}

bool Decoder::decodeText(const QJsonValue &value)
{
    if (!present(value))
        return true;
    if (!value.isObject())
        return invalidType(u"text"_s, u"an object"_s, value);
    const QJsonObject text = value.toObject();
    const QJsonValue verbosity = text.value("verbosity"_L1);
    if (present(verbosity)) {
        static const QStringList levels{u"low"_s, u"medium"_s, u"high"_s};
        if (!verbosity.isString() || !levels.contains(verbosity.toString()))
            return invalidValue(u"text.verbosity"_s, verbosity.isString() ? verbosity.toString() : typeOf(verbosity),
                                levels);
        m_out.insert("verbosity"_L1, verbosity);
    }
    const QJsonValue formatValue = text.value("format"_L1);
    if (!present(formatValue))
        return true;
    if (!formatValue.isObject())
        return invalidType(u"text.format"_s, u"an object"_s, formatValue);
    const QJsonObject format = formatValue.toObject();
    const QJsonValue type = format.value("type"_L1);
    if (!present(type))
        return missing(u"text.format.type"_s);
    if (type.toString() == "text"_L1)
        return true;
    if (type.toString() == "json_object"_L1) {
        m_out.insert("response_format"_L1, QJsonObject{{"type"_L1, "json_object"_L1}});
        return true;
    }
    if (type.toString() != "json_schema"_L1)
        return invalidValue(u"text.format.type"_s, type.isString() ? type.toString() : typeOf(type),
                            {u"text"_s, u"json_schema"_s, u"json_object"_s});
    const auto name = optionalString(format, "name"_L1, u"text.format.name"_s);
    const auto description = optionalString(format, "description"_L1, u"text.format.description"_s);
    if (!name || !description)
        return false;
    if (name->isEmpty())
        return missing(u"text.format.name"_s);
    const QJsonValue schema = format.value("schema"_L1);
    if (!present(schema))
        return missing(u"text.format.schema"_s);
    if (!schema.isObject())
        return invalidType(u"text.format.schema"_s, u"an object"_s, schema);
    QJsonObject jsonSchema{{"name"_L1, *name}, {"schema"_L1, schema}};
    if (!description->isEmpty())
        jsonSchema.insert("description"_L1, *description);
    const QJsonValue strict = format.value("strict"_L1);
    if (strict.isBool())
        jsonSchema.insert("strict"_L1, strict);
    else if (present(strict))
        return invalidType(u"text.format.strict"_s, u"a boolean"_s, strict);
    m_out.insert("response_format"_L1, QJsonObject{{"type"_L1, "json_schema"_L1}, {"json_schema"_L1, jsonSchema}});
    return true;
}

bool Decoder::decodeOptions(const QJsonObject &in)
{
    const QJsonValue maxTokens = in.value("max_output_tokens"_L1);
    if (present(maxTokens)) {
        if (!isInteger(maxTokens))
            return invalidType(u"max_output_tokens"_s, u"an integer"_s, maxTokens);
        m_out.insert("max_completion_tokens"_L1, maxTokens.toInteger());
    }
    for (const char *name : {"temperature", "top_p"}) {
        const QJsonValue value = in.value(QLatin1String(name));
        if (!present(value))
            continue;
        if (!value.isDouble())
            return invalidType(QString::fromLatin1(name), u"a number"_s, value);
        m_out.insert(QLatin1String(name), value);
    }
    const auto user = optionalString(in, "user"_L1, u"user"_s);
    const auto safety = optionalString(in, "safety_identifier"_L1, u"safety_identifier"_s);
    if (!user || !safety)
        return false;
    if (!user->isEmpty() || !safety->isEmpty())
        m_out.insert("user"_L1, user->isEmpty() ? *safety : *user);
    const QJsonValue metadata = in.value("metadata"_L1);
    if (present(metadata) && !metadata.isObject())
        return invalidType(u"metadata"_s, u"an object"_s, metadata);
    return decodeReasoning(in.value("reasoning"_L1)) && decodeText(in.value("text"_L1));
}

bool Decoder::translate(const QJsonObject &in)
{
    if (!decodeOptions(in) || !decodeInstructions(in.value("instructions"_L1)) || !decodeInput(in.value("input"_L1))
        || !decodeTools(in.value("tools"_L1)) || !decodeToolChoice(in.value("tool_choice"_L1)))
        return false;
    const QJsonValue parallel = in.value("parallel_tool_calls"_L1);
    if (present(parallel) && !parallel.isBool())
        return invalidType(u"parallel_tool_calls"_s, u"a boolean"_s, parallel);
    if (parallel.isBool() && !m_tools.isEmpty())
        m_out.insert("parallel_tool_calls"_L1, parallel);
    if (m_messages.isEmpty())
        return fail(u"input"_s, u"Invalid 'input': there is nothing to answer (no message and no 'instructions')."_s,
                    u"invalid_value"_s);
    m_out.insert("messages"_L1, m_messages);
    return true;
}

std::variant<ChatEnvelope, ApiError> Decoder::decode(const QByteArray &bytes)
{
    const auto object = requestObject(bytes);
    if (const ApiError *error = std::get_if<ApiError>(&object))
        return *error;
    const QJsonObject in = std::get<QJsonObject>(object);

    ChatEnvelope envelope;
    const QJsonValue model = in.value("model"_L1);
    if (!present(model))
        missing(u"model"_s);
    else if (!model.isString())
        invalidType(u"model"_s, u"a string"_s, model);
    else if (model.toString().isEmpty())
        fail(u"model"_s, u"Invalid 'model': empty string. Expected a model id."_s, u"invalid_value"_s);
    if (m_error)
        return *m_error;
    envelope.model = model.toString();

    const QJsonValue stream = in.value("stream"_L1);
    if (present(stream) && !stream.isBool())
        invalidType(u"stream"_s, u"a boolean"_s, stream);
    if (m_error || !checkStateless(in))
        return *m_error;
    envelope.stream = stream.toBool(false);
    envelope.includeUsage = envelope.stream;
    envelope.native = in;

    m_out.insert("model"_L1, envelope.model);
    // What the translation cannot express is no error for a provider that serves the
    // Responses API: it takes the body as it is.
    if (!translate(in)) {
        if (!m_untranslatable)
            return *m_error;
        envelope.untranslatable = m_error;
        return envelope;
    }
    if (envelope.stream) {
        m_out.insert("stream"_L1, true);
        m_out.insert("stream_options"_L1, QJsonObject{{"include_usage"_L1, true}});
    }
    envelope.body = m_out;
    return envelope;
}

// Every namespaced function a request names, in its tools and in its history.
void collectNamespaced(const QJsonObject &request, QHash<QString, OpenAiResponsesRequestDecoder::ToolName> &names)
{
    const auto add = [&names](const QString &ns, const QString &name) {
        if (!ns.isEmpty() && !name.isEmpty())
            names.insert(OpenAiResponsesRequestDecoder::flatToolName(ns, name), {ns, name});
    };
    for (const QJsonValue &tool : request.value("tools"_L1).toArray()) {
        if (tool.toObject().value("type"_L1).toString() != "namespace"_L1)
            continue;
        const QString ns = tool.toObject().value("name"_L1).toString();
        for (const QJsonValue &function : tool.toObject().value("tools"_L1).toArray()) {
            if (function.toObject().value("type"_L1).toString() == "function"_L1)
                add(ns, function.toObject().value("name"_L1).toString());
        }
    }
    for (const QJsonValue &item : request.value("input"_L1).toArray()) {
        if (item.toObject().value("type"_L1).toString() == "function_call"_L1)
            add(item.toObject().value("namespace"_L1).toString(), item.toObject().value("name"_L1).toString());
    }
}

} // namespace

std::variant<ChatEnvelope, ApiError> OpenAiResponsesRequestDecoder::decode(const QByteArray &body)
{
    return Decoder().decode(body);
}

QString OpenAiResponsesRequestDecoder::flatToolName(const QString &ns, const QString &name)
{
    // Codex's canonical flat name: "mcp__fs__" + "__read" is "mcp__fs__read".
    qsizetype end = ns.size();
    while (end > 0 && ns.at(end - 1) == u'_')
        --end;
    qsizetype start = 0;
    while (start < name.size() && name.at(start) == u'_')
        ++start;
    const QString flat = ns.left(end) + u"__"_s + name.mid(start);
    if (flat.size() <= kMaxToolName)
        return flat;
    const QByteArray digest = QCryptographicHash::hash(flat.toUtf8(), QCryptographicHash::Sha256).toHex().left(8);
    return flat.left(kMaxToolName - 9) + u'_' + QString::fromLatin1(digest);
}

QHash<QString, OpenAiResponsesRequestDecoder::ToolName>
OpenAiResponsesRequestDecoder::namespacedToolNames(const QJsonObject &request)
{
    QHash<QString, ToolName> names;
    collectNamespaced(request, names);
    return names;
}

OpenAiResponsesRequestDecoder::ToolName OpenAiResponsesRequestDecoder::splitToolName(const QString &chatName,
                                                                                     const QJsonObject &request)
{
    // Plain functions come first: a namespace function whose flat name collides with one
    // is never offered to the model (the decoder calls that untranslatable).
    for (const QJsonValue &tool : request.value("tools"_L1).toArray()) {
        if (tool.toObject().value("type"_L1).toString() == "function"_L1
            && tool.toObject().value("name"_L1).toString() == chatName)
            return {QString(), chatName};
    }
    return namespacedToolNames(request).value(chatName, ToolName{QString(), chatName});
}

} // namespace onegate
