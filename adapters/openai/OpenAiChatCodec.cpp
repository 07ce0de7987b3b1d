#include "OpenAiChatCodec.h"

#include <QDateTime>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRandomGenerator>

namespace onegate {

namespace {

using namespace canonical;

QLatin1String key(const char *name)
{
    return QLatin1String(name);
}

class RequestDecoder {
public:
    std::variant<Request, ApiError> decode(const QJsonObject &body);

private:
    bool fail(const QString &param, const QString &message)
    {
        if (!m_error)
            m_error = ApiError::invalidRequest(message, param);
        return false;
    }
    bool decodeMessage(const QJsonObject &object, const QString &path, Message &message);
    bool decodeContent(const QJsonValue &value, const QString &path, Message &message);
    bool decodeToolCalls(const QJsonValue &value, const QString &path, Message &message);
    bool decodeThinkingBlocks(const QJsonValue &value, const QString &path, Message &message);
    bool decodeTools(const QJsonValue &value, Request &request);
    bool decodeToolChoice(const QJsonValue &value, Request &request);
    bool decodeOptions(const QJsonObject &body, Request &request);

    std::optional<ApiError> m_error;
    QHash<QString, QString> m_toolNames;  // tool call id -> function name, for results
};

std::optional<Image> imageFromUrl(const QString &url, const QString &detail)
{
    Image image;
    image.detail = detail;
    if (url.startsWith(QLatin1String("data:"))) {
        // data:<mime>;base64,<data>
        const qsizetype comma = url.indexOf(QLatin1Char(','));
        const QString header = url.mid(5, comma - 5);
        if (comma < 0 || !header.endsWith(QLatin1String(";base64")))
            return std::nullopt;
        image.mimeType = header.chopped(7);
        image.base64 = url.mid(comma + 1).toLatin1();
        return image.mimeType.isEmpty() ? std::nullopt : std::optional<Image>(image);
    }
    if (url.startsWith(QLatin1String("http://")) || url.startsWith(QLatin1String("https://"))) {
        image.url = url;
        return image;
    }
    return std::nullopt;
}

bool RequestDecoder::decodeContent(const QJsonValue &value, const QString &path, Message &message)
{
    if (value.isNull() || value.isUndefined())
        return true;
    if (value.isString()) {
        ContentPart part;
        part.text = value.toString();
        message.content.append(part);
        return true;
    }
    if (!value.isArray())
        return fail(path, QStringLiteral("%1 must be a string or an array of content parts").arg(path));
    const QJsonArray parts = value.toArray();
    for (qsizetype i = 0; i < parts.size(); ++i) {
        const QString partPath = QStringLiteral("%1[%2]").arg(path).arg(i);
        const QJsonObject object = parts.at(i).toObject();
        const QString type = object.value(key("type")).toString();
        ContentPart part;
        part.cacheControl = object.value(key("cache_control")).toObject();
        if (type == QLatin1String("text")) {
            part.text = object.value(key("text")).toString();
        } else if (type == QLatin1String("image_url")) {
            const QJsonValue imageUrl = object.value(key("image_url"));
            const QString url = imageUrl.isString() ? imageUrl.toString()
                                                    : imageUrl.toObject().value(key("url")).toString();
            const auto image = imageFromUrl(url, imageUrl.toObject().value(key("detail")).toString());
            if (!image)
                return fail(partPath, QStringLiteral("%1.image_url.url must be an http(s) URL or a base64 data URL").arg(partPath));
            part.type = ContentPart::Type::Image;
            part.image = *image;
        } else if (type == QLatin1String("refusal")) {
            message.refusal += object.value(key("refusal")).toString();
            continue;
        } else {
            return fail(partPath, QStringLiteral("content part type '%1' is not supported for this provider").arg(type));
        }
        message.content.append(part);
    }
    return true;
}

bool RequestDecoder::decodeToolCalls(const QJsonValue &value, const QString &path, Message &message)
{
    if (value.isNull() || value.isUndefined())
        return true;
    if (!value.isArray())
        return fail(path, QStringLiteral("%1 must be an array").arg(path));
    const QJsonArray calls = value.toArray();
    for (qsizetype i = 0; i < calls.size(); ++i) {
        const QJsonObject object = calls.at(i).toObject();
        const QJsonObject function = object.value(key("function")).toObject();
        ToolCall call;
        call.id = object.value(key("id")).toString();
        call.name = function.value(key("name")).toString();
        const QJsonValue arguments = function.value(key("arguments"));
        // Some clients send the arguments as an object; OpenAI defines a JSON string.
        call.arguments = arguments.isObject()
            ? QString::fromUtf8(QJsonDocument(arguments.toObject()).toJson(QJsonDocument::Compact))
            : arguments.toString();
        call.thoughtSignature = object.value(key("extra_content")).toObject().value(key("google")).toObject()
                                    .value(key("thought_signature")).toString();
        if (call.id.isEmpty() || call.name.isEmpty())
            return fail(QStringLiteral("%1[%2]").arg(path).arg(i), QStringLiteral("a tool call needs an id and a function name"));
        m_toolNames.insert(call.id, call.name);
        message.toolCalls.append(call);
    }
    return true;
}

bool RequestDecoder::decodeThinkingBlocks(const QJsonValue &value, const QString &path, Message &message)
{
    if (value.isNull() || value.isUndefined())
        return true;
    if (!value.isArray())
        return fail(path, QStringLiteral("%1 must be an array").arg(path));
    for (const QJsonValue &entry : value.toArray()) {
        const QJsonObject block = entry.toObject();
        Reasoning reasoning;
        if (block.value(key("type")).toString() == QLatin1String("redacted_thinking")) {
            reasoning.redactedData = block.value(key("data")).toString();
        } else {
            reasoning.text = block.value(key("thinking")).toString();
            reasoning.signature = block.value(key("signature")).toString();
        }
        message.reasoning.append(reasoning);
    }
    return true;
}

bool RequestDecoder::decodeMessage(const QJsonObject &object, const QString &path, Message &message)
{
    const QString role = object.value(key("role")).toString();
    if (role == QLatin1String("system") || role == QLatin1String("developer")) {
        message.role = Message::Role::System;
    } else if (role == QLatin1String("user")) {
        message.role = Message::Role::User;
    } else if (role == QLatin1String("assistant")) {
        message.role = Message::Role::Assistant;
    } else if (role == QLatin1String("tool") || role == QLatin1String("function")) {
        message.role = Message::Role::Tool;
    } else {
        return fail(path + QStringLiteral(".role"), QStringLiteral("unknown role '%1'").arg(role));
    }
    if (!decodeContent(object.value(key("content")), path + QStringLiteral(".content"), message))
        return false;
    if (message.role == Message::Role::Assistant) {
        if (!decodeToolCalls(object.value(key("tool_calls")), path + QStringLiteral(".tool_calls"), message)
            || !decodeThinkingBlocks(object.value(key("thinking_blocks")), path + QStringLiteral(".thinking_blocks"), message))
            return false;
        // Reasoning text without a signed block (DeepSeek style) is context only.
        const QString reasoningText = object.value(key("reasoning_content")).toString();
        if (message.reasoning.isEmpty() && !reasoningText.isEmpty())
            message.reasoning.append(Reasoning{reasoningText, {}, {}});
        if (object.value(key("refusal")).isString())
            message.refusal = object.value(key("refusal")).toString();
    }
    if (message.role == Message::Role::Tool) {
        message.toolCallId = object.value(key("tool_call_id")).toString();
        message.name = object.value(key("name")).toString();
        if (message.name.isEmpty())
            message.name = m_toolNames.value(message.toolCallId);
        if (message.toolCallId.isEmpty() && role == QLatin1String("tool"))
            return fail(path + QStringLiteral(".tool_call_id"), QStringLiteral("a tool message needs tool_call_id"));
    }
    return true;
}

bool RequestDecoder::decodeTools(const QJsonValue &value, Request &request)
{
    if (value.isNull() || value.isUndefined())
        return true;
    if (!value.isArray())
        return fail(QStringLiteral("tools"), QStringLiteral("tools must be an array"));
    const QJsonArray tools = value.toArray();
    for (qsizetype i = 0; i < tools.size(); ++i) {
        const QJsonObject object = tools.at(i).toObject();
        const QJsonObject function = object.value(key("function")).toObject();
        Tool tool;
        tool.name = function.value(key("name")).toString();
        tool.description = function.value(key("description")).toString();
        tool.parameters = function.value(key("parameters")).toObject();
        tool.strict = function.value(key("strict")).toBool();
        if (object.value(key("type")).toString() != QLatin1String("function") || tool.name.isEmpty())
            return fail(QStringLiteral("tools[%1]").arg(i), QStringLiteral("only function tools with a name are supported"));
        request.tools.append(tool);
    }
    return true;
}

bool RequestDecoder::decodeToolChoice(const QJsonValue &value, Request &request)
{
    if (value.isNull() || value.isUndefined())
        return true;
    ToolChoice choice;
    if (value.isString()) {
        const QString mode = value.toString();
        if (mode == QLatin1String("auto"))
            choice.mode = ToolChoice::Mode::Auto;
        else if (mode == QLatin1String("none"))
            choice.mode = ToolChoice::Mode::None;
        else if (mode == QLatin1String("required"))
            choice.mode = ToolChoice::Mode::Required;
        else
            return fail(QStringLiteral("tool_choice"), QStringLiteral("unknown tool_choice '%1'").arg(mode));
    } else {
        choice.mode = ToolChoice::Mode::Function;
        choice.function = value.toObject().value(key("function")).toObject().value(key("name")).toString();
        if (choice.function.isEmpty())
            return fail(QStringLiteral("tool_choice"), QStringLiteral("tool_choice must name a function"));
    }
    request.toolChoice = choice;
    return true;
}

bool RequestDecoder::decodeOptions(const QJsonObject &body, Request &request)
{
    auto number = [&](const char *name) -> std::optional<double> {
        const QJsonValue value = body.value(key(name));
        if (value.isDouble())
            return value.toDouble();
        return std::nullopt;
    };
    auto integer = [&](const char *name) -> std::optional<qint64> {
        const QJsonValue value = body.value(key(name));
        if (value.isDouble())
            return value.toInteger();
        return std::nullopt;
    };
    request.maxTokens = integer("max_completion_tokens");
    if (!request.maxTokens)
        request.maxTokens = integer("max_tokens");
    request.temperature = number("temperature");
    request.topP = number("top_p");
    request.topK = integer("top_k");
    request.seed = integer("seed");
    request.presencePenalty = number("presence_penalty");
    request.frequencyPenalty = number("frequency_penalty");
    const QJsonValue stop = body.value(key("stop"));
    if (stop.isString()) {
        request.stop = {stop.toString()};
    } else if (stop.isArray()) {
        for (const QJsonValue &entry : stop.toArray())
            request.stop.append(entry.toString());
    }
    request.responseFormat = body.value(key("response_format")).toObject();
    request.reasoningEffort = body.value(key("reasoning_effort")).toString();
    // Anthropic's own OpenAI layer takes {"thinking":{"type":"enabled","budget_tokens":N}}.
    const QJsonObject thinking = body.value(key("thinking")).toObject();
    if (thinking.value(key("budget_tokens")).isDouble())
        request.reasoningBudget = thinking.value(key("budget_tokens")).toInteger();
    request.user = body.value(key("user")).toString();
    if (body.value(key("parallel_tool_calls")).isBool())
        request.parallelToolCalls = body.value(key("parallel_tool_calls")).toBool();
    request.stream = body.value(key("stream")).toBool();
    request.includeUsage = body.value(key("stream_options")).toObject().value(key("include_usage")).toBool();
    return true;
}

std::variant<Request, ApiError> RequestDecoder::decode(const QJsonObject &body)
{
    Request request;
    request.model = body.value(key("model")).toString();
    // Translated providers give one answer per call: say so rather than return fewer
    // choices than the client asked for.
    if (body.value(key("n")).toInteger(1) > 1) {
        fail(QStringLiteral("n"), QStringLiteral("n > 1 is not supported for this provider kind: ask for one choice per request"));
        return *m_error;
    }
    const QJsonValue messages = body.value(key("messages"));
    if (!messages.isArray() || messages.toArray().isEmpty()) {
        fail(QStringLiteral("messages"), QStringLiteral("messages must be a non-empty array"));
        return *m_error;
    }
    const QJsonArray list = messages.toArray();
    for (qsizetype i = 0; i < list.size(); ++i) {
        const QString path = QStringLiteral("messages[%1]").arg(i);
        if (!list.at(i).isObject()) {
            fail(path, QStringLiteral("%1 must be an object").arg(path));
            return *m_error;
        }
        Message message;
        if (!decodeMessage(list.at(i).toObject(), path, message))
            return *m_error;
        request.messages.append(message);
    }
    if (!decodeTools(body.value(key("tools")), request) || !decodeToolChoice(body.value(key("tool_choice")), request)
        || !decodeOptions(body, request))
        return *m_error;
    return request;
}

} // namespace

std::variant<canonical::Request, ApiError> decodeOpenAiChatRequest(const QJsonObject &body)
{
    return RequestDecoder().decode(body);
}

QString newCompletionId()
{
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    QString id = QStringLiteral("chatcmpl-");
    for (int i = 0; i < 24; ++i)
        id += QLatin1Char(alphabet[QRandomGenerator::global()->bounded(int(sizeof(alphabet) - 1))]);
    return id;
}

QJsonObject encodeOpenAiUsage(const TokenUsage &usage)
{
    QJsonObject promptDetails{{key("cached_tokens"), usage.cached}};
    if (usage.cacheWrite > 0)
        promptDetails.insert(key("cache_write_tokens"), usage.cacheWrite);
    return QJsonObject{
        {key("prompt_tokens"), usage.prompt},
        {key("completion_tokens"), usage.completion},
        {key("total_tokens"), usage.prompt + usage.completion},
        {key("prompt_tokens_details"), promptDetails},
        {key("completion_tokens_details"), QJsonObject{{key("reasoning_tokens"), usage.reasoning}}},
    };
}

QJsonArray encodeOpenAiThinkingBlocks(const QList<canonical::Reasoning> &reasoning)
{
    QJsonArray blocks;
    for (const canonical::Reasoning &block : reasoning) {
        if (!block.redactedData.isEmpty())
            blocks.append(QJsonObject{{key("type"), key("redacted_thinking")}, {key("data"), block.redactedData}});
        else if (!block.signature.isEmpty())
            blocks.append(QJsonObject{{key("type"), key("thinking")},
                                      {key("thinking"), block.text},
                                      {key("signature"), block.signature}});
    }
    return blocks;
}

QJsonObject encodeOpenAiToolCall(const canonical::ToolCall &call)
{
    QJsonObject object{{key("id"), call.id},
                       {key("type"), key("function")},
                       {key("function"), QJsonObject{{key("name"), call.name}, {key("arguments"), call.arguments}}}};
    if (!call.thoughtSignature.isEmpty())
        object.insert(key("extra_content"),
                      QJsonObject{{key("google"), QJsonObject{{key("thought_signature"), call.thoughtSignature}}}});
    return object;
}

QJsonObject encodeOpenAiChatResponse(const canonical::Response &response)
{
    QJsonObject message{{key("role"), key("assistant")},
                        {key("content"), response.text.isEmpty() && !response.toolCalls.isEmpty()
                                             ? QJsonValue(QJsonValue::Null)
                                             : QJsonValue(response.text)}};
    QString reasoningText;
    for (const canonical::Reasoning &block : response.reasoning)
        reasoningText += block.text;
    if (!reasoningText.isEmpty())
        message.insert(key("reasoning_content"), reasoningText);
    const QJsonArray thinkingBlocks = encodeOpenAiThinkingBlocks(response.reasoning);
    if (!thinkingBlocks.isEmpty())
        message.insert(key("thinking_blocks"), thinkingBlocks);
    if (!response.toolCalls.isEmpty()) {
        QJsonArray calls;
        for (const canonical::ToolCall &call : response.toolCalls)
            calls.append(encodeOpenAiToolCall(call));
        message.insert(key("tool_calls"), calls);
    }
    message.insert(key("refusal"), response.refusal.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(response.refusal));

    QJsonObject choice{{key("index"), 0},
                       {key("message"), message},
                       {key("logprobs"), QJsonValue(QJsonValue::Null)},
                       {key("finish_reason"), response.finishReason.isEmpty() ? canonical::finish::Stop : response.finishReason}};
    QJsonObject object{{key("id"), response.id.isEmpty() ? newCompletionId() : response.id},
                       {key("object"), key("chat.completion")},
                       {key("created"), response.created > 0 ? response.created : QDateTime::currentSecsSinceEpoch()},
                       {key("model"), response.model},
                       {key("choices"), QJsonArray{choice}},
                       {key("usage"), encodeOpenAiUsage(response.usage)}};
    for (auto it = response.extra.begin(); it != response.extra.end(); ++it)
        object.insert(it.key(), it.value());
    return object;
}

} // namespace onegate
