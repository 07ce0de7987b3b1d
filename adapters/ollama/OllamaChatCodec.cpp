#include "OllamaChatCodec.h"

#include "openai/OpenAiChatCodec.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>

namespace onegate::ollama {

namespace {

using namespace canonical;

QLatin1String key(const char *name)
{
    return QLatin1String(name);
}

QString roleName(Message::Role role)
{
    switch (role) {
    case Message::Role::System: return QStringLiteral("system");
    case Message::Role::User: return QStringLiteral("user");
    case Message::Role::Assistant: return QStringLiteral("assistant");
    case Message::Role::Tool: return QStringLiteral("tool");
    }
    return QStringLiteral("user");
}

// Ollama wants tool arguments as an object; an empty string means "no arguments".
std::optional<QJsonObject> argumentsObject(const QString &text)
{
    if (text.trimmed().isEmpty())
        return QJsonObject();
    const QJsonDocument doc = QJsonDocument::fromJson(text.toUtf8());
    if (!doc.isObject())
        return std::nullopt;
    return doc.object();
}

std::variant<QJsonArray, ApiError> encodeToolCalls(const QList<ToolCall> &calls, const QString &path)
{
    QJsonArray out;
    for (qsizetype i = 0; i < calls.size(); ++i) {
        const ToolCall &call = calls.at(i);
        const auto arguments = argumentsObject(call.arguments);
        if (!arguments) {
            const QString param = QStringLiteral("%1.tool_calls[%2].function.arguments").arg(path).arg(i);
            return ApiError::invalidRequest(
                QStringLiteral("%1 must be a JSON object for Ollama, which takes tool arguments as objects").arg(param),
                param);
        }
        QJsonObject object{{key("function"), QJsonObject{{key("name"), call.name}, {key("arguments"), *arguments}}}};
        if (!call.id.isEmpty())
            object.insert(key("id"), call.id);
        out.append(object);
    }
    return out;
}

std::variant<QJsonObject, ApiError> encodeMessage(const Message &message, qsizetype index)
{
    const QString path = QStringLiteral("messages[%1]").arg(index);
    QJsonObject out{{key("role"), roleName(message.role)}, {key("content"), message.text()}};
    QJsonArray images;
    for (qsizetype i = 0; i < message.content.size(); ++i) {
        const ContentPart &part = message.content.at(i);
        if (part.type != ContentPart::Type::Image)
            continue;
        if (!part.image.isInline()) {
            const QString param = QStringLiteral("%1.content[%2].image_url.url").arg(path).arg(i);
            return ApiError::invalidRequest(
                QStringLiteral("%1: Ollama takes only inline images; send the image as a base64 data: URL "
                               "(OneGate does not fetch image URLs)")
                    .arg(param),
                param);
        }
        images.append(QString::fromLatin1(part.image.base64));
    }
    if (!images.isEmpty())
        out.insert(key("images"), images);

    if (message.role == Message::Role::Assistant) {
        QString thinking;
        for (const Reasoning &block : message.reasoning)
            thinking += block.text;
        if (!thinking.isEmpty())
            out.insert(key("thinking"), thinking);
        if (!message.toolCalls.isEmpty()) {
            auto calls = encodeToolCalls(message.toolCalls, path);
            if (const ApiError *error = std::get_if<ApiError>(&calls))
                return *error;
            out.insert(key("tool_calls"), std::get<QJsonArray>(calls));
        }
    }
    if (message.role == Message::Role::Tool && !message.name.isEmpty())
        out.insert(key("tool_name"), message.name);
    return out;
}

QJsonObject encodeTool(const Tool &tool)
{
    // Ollama takes OpenAI's function tool shape as it is.
    QJsonObject function{{key("name"), tool.name}};
    if (!tool.description.isEmpty())
        function.insert(key("description"), tool.description);
    if (!tool.parameters.isEmpty())
        function.insert(key("parameters"), tool.parameters);
    return QJsonObject{{key("type"), key("function")}, {key("function"), function}};
}

std::variant<QJsonArray, ApiError> encodeTools(const Request &request)
{
    QJsonArray out;
    const ToolChoice choice = request.toolChoice.value_or(ToolChoice{});
    if (choice.mode == ToolChoice::Mode::None)
        return out;
    for (const Tool &tool : request.tools) {
        if (choice.mode != ToolChoice::Mode::Function || tool.name == choice.function)
            out.append(encodeTool(tool));
    }
    if (choice.mode == ToolChoice::Mode::Function && out.isEmpty())
        return ApiError::invalidRequest(
            QStringLiteral("tool_choice names the function '%1', which is not in tools").arg(choice.function),
            QStringLiteral("tool_choice"));
    return out;
}

QJsonObject encodeOptions(const Request &request)
{
    QJsonObject options;
    if (request.maxTokens)
        options.insert(key("num_predict"), *request.maxTokens);
    if (request.temperature)
        options.insert(key("temperature"), *request.temperature);
    if (request.topP)
        options.insert(key("top_p"), *request.topP);
    if (request.topK)
        options.insert(key("top_k"), *request.topK);
    if (request.seed)
        options.insert(key("seed"), *request.seed);
    if (request.presencePenalty)
        options.insert(key("presence_penalty"), *request.presencePenalty);
    if (request.frequencyPenalty)
        options.insert(key("frequency_penalty"), *request.frequencyPenalty);
    if (!request.stop.isEmpty())
        options.insert(key("stop"), QJsonArray::fromStringList(request.stop));
    return options;
}

// `format`: undefined when the client asked for plain text.
std::variant<QJsonValue, ApiError> encodeFormat(const QJsonObject &responseFormat)
{
    const QString type = responseFormat.value(key("type")).toString();
    if (type.isEmpty() || type == QLatin1String("text"))
        return QJsonValue(QJsonValue::Undefined);
    if (type == QLatin1String("json_object"))
        return QJsonValue(QStringLiteral("json"));
    if (type == QLatin1String("json_schema")) {
        const QJsonObject schema =
            responseFormat.value(key("json_schema")).toObject().value(key("schema")).toObject();
        return schema.isEmpty() ? QJsonValue(QStringLiteral("json")) : QJsonValue(schema);
    }
    return ApiError::invalidRequest(QStringLiteral("response_format type '%1' is not supported").arg(type),
                                    QStringLiteral("response_format"));
}

// `think`: undefined when the client asked nothing about reasoning.
std::variant<QJsonValue, ApiError> encodeThink(const Request &request)
{
    if (!request.reasoningEffort.isEmpty()) {
        const QString effort = request.reasoningEffort.toLower();
        if (effort == QLatin1String("none"))
            return QJsonValue(false);
        if (effort == QLatin1String("minimal") || effort == QLatin1String("low"))
            return QJsonValue(QStringLiteral("low"));
        if (effort == QLatin1String("medium"))
            return QJsonValue(QStringLiteral("medium"));
        if (effort == QLatin1String("high") || effort == QLatin1String("xhigh"))
            return QJsonValue(QStringLiteral("high"));
        return ApiError::invalidRequest(
            QStringLiteral("reasoning_effort '%1' is not one of none, minimal, low, medium, high")
                .arg(request.reasoningEffort),
            QStringLiteral("reasoning_effort"));
    }
    if (request.reasoningBudget)
        return QJsonValue(*request.reasoningBudget > 0);
    return QJsonValue(QJsonValue::Undefined);
}

QString errorText(const QJsonValue &error)
{
    if (error.isString())
        return error.toString();
    if (error.isObject() && error.toObject().value(key("message")).isString())
        return error.toObject().value(key("message")).toString();
    return QString::fromUtf8(QJsonDocument(QJsonObject{{key("error"), error}}).toJson(QJsonDocument::Compact));
}

QString argumentsText(const QJsonValue &arguments)
{
    if (arguments.isObject())
        return QString::fromUtf8(QJsonDocument(arguments.toObject()).toJson(QJsonDocument::Compact));
    if (arguments.isArray())
        return QString::fromUtf8(QJsonDocument(arguments.toArray()).toJson(QJsonDocument::Compact));
    if (arguments.isString())
        return arguments.toString();
    return QStringLiteral("{}");
}

QList<ToolCall> decodeToolCalls(const QJsonArray &calls)
{
    QList<ToolCall> out;
    for (const QJsonValue &entry : calls) {
        const QJsonObject object = entry.toObject();
        const QJsonObject function = object.value(key("function")).toObject();
        ToolCall call;
        call.id = object.value(key("id")).toString();
        if (call.id.isEmpty())
            call.id = newToolCallId();
        call.name = function.value(key("name")).toString();
        call.arguments = argumentsText(function.value(key("arguments")));
        out.append(call);
    }
    return out;
}

} // namespace

std::variant<QJsonObject, ApiError> encodeChatRequest(const Request &request, const QString &model, bool stream)
{
    QJsonArray messages;
    for (qsizetype i = 0; i < request.messages.size(); ++i) {
        auto message = encodeMessage(request.messages.at(i), i);
        if (const ApiError *error = std::get_if<ApiError>(&message))
            return *error;
        messages.append(std::get<QJsonObject>(message));
    }
    // Ollama streams unless told otherwise, so `stream` is always sent.
    QJsonObject body{{key("model"), model}, {key("messages"), messages}, {key("stream"), stream}};

    auto tools = encodeTools(request);
    if (const ApiError *error = std::get_if<ApiError>(&tools))
        return *error;
    if (!std::get<QJsonArray>(tools).isEmpty())
        body.insert(key("tools"), std::get<QJsonArray>(tools));

    const QJsonObject options = encodeOptions(request);
    if (!options.isEmpty())
        body.insert(key("options"), options);

    auto format = encodeFormat(request.responseFormat);
    if (const ApiError *error = std::get_if<ApiError>(&format))
        return *error;
    if (!std::get<QJsonValue>(format).isUndefined())
        body.insert(key("format"), std::get<QJsonValue>(format));

    auto think = encodeThink(request);
    if (const ApiError *error = std::get_if<ApiError>(&think))
        return *error;
    if (!std::get<QJsonValue>(think).isUndefined())
        body.insert(key("think"), std::get<QJsonValue>(think));
    return body;
}

std::optional<ChatChunk> decodeChatChunk(const QJsonObject &object)
{
    ChatChunk chunk;
    if (object.contains(key("error"))) {
        chunk.isError = true;
        chunk.errorMessage = errorText(object.value(key("error")));
        return chunk;
    }
    const QJsonValue messageValue = object.value(key("message"));
    // The final object of older builds carries only metrics, no message.
    if (!messageValue.isObject() && !object.value(key("done")).isBool())
        return std::nullopt;
    const QJsonObject message = messageValue.toObject();
    chunk.model = object.value(key("model")).toString();
    const QDateTime created =
        QDateTime::fromString(object.value(key("created_at")).toString(), Qt::ISODateWithMs);
    if (created.isValid())
        chunk.created = created.toSecsSinceEpoch();
    chunk.content = message.value(key("content")).toString();
    chunk.thinking = message.value(key("thinking")).toString();
    chunk.toolCalls = decodeToolCalls(message.value(key("tool_calls")).toArray());
    chunk.done = object.value(key("done")).toBool();
    chunk.doneReason = object.value(key("done_reason")).toString();
    if (chunk.done) {
        chunk.usage.known = true;
        chunk.usage.prompt = object.value(key("prompt_eval_count")).toInteger();
        chunk.usage.completion = object.value(key("eval_count")).toInteger();
    }
    return chunk;
}

QString finishReason(const QString &doneReason, bool hadToolCalls)
{
    if (hadToolCalls)
        return finish::ToolCalls;
    if (doneReason == QLatin1String("length"))
        return finish::Length;
    return finish::Stop;
}

ApiError errorFromOllama(int status, const QString &message)
{
    const bool retryable = status == 429 || status >= 500;
    QString type = QStringLiteral("api_error");
    QString code;
    if (status == 400) {
        type = QStringLiteral("invalid_request_error");
    } else if (status == 404) {
        type = QStringLiteral("not_found_error");
        // e.g. `model "llama3.2" not found, try pulling it first`
        if (message.contains(QLatin1String("model"), Qt::CaseInsensitive)
            && message.contains(QLatin1String("not found"), Qt::CaseInsensitive))
            code = QStringLiteral("model_not_found");
    }
    return ApiError::make(status, type, code,
                          message.isEmpty() ? QStringLiteral("the provider answered HTTP %1").arg(status) : message,
                          retryable);
}

QString newToolCallId()
{
    // Same random alphabet and length as completion ids, under OpenAI's tool call prefix.
    static const qsizetype prefix = QStringLiteral("chatcmpl-").size();
    return QStringLiteral("call_") + newCompletionId().mid(prefix);
}

} // namespace onegate::ollama
