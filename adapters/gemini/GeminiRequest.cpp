#include "GeminiRequest.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QList>
#include <QPair>
#include <QUrl>
#include <algorithm>
#include <optional>

namespace onegate::gemini {

using namespace Qt::StringLiterals;
using canonical::ContentPart;
using canonical::Message;
using canonical::ToolChoice;

namespace {

// A recursive schema ($ref to itself) is cut here rather than expanded for ever.
constexpr int kMaxRefDepth = 8;

class SchemaConverter {
public:
    explicit SchemaConverter(const QJsonObject &root)
        : m_root(root)
    {
    }

    QJsonObject convert(const QJsonObject &schema, int depth = 0) const;

private:
    QJsonObject resolve(const QJsonObject &schema, int &depth) const;
    QJsonObject convertProperties(const QJsonObject &properties, int depth) const;
    QJsonArray convertList(const QJsonArray &schemas, int depth) const;

    QJsonObject m_root;
};

QJsonObject SchemaConverter::resolve(const QJsonObject &schema, int &depth) const
{
    QJsonObject current = schema;
    while (current.contains("$ref"_L1) && depth < kMaxRefDepth) {
        const QString ref = current.value("$ref"_L1).toString();
        QJsonObject target;
        for (const QLatin1String prefix : {"#/$defs/"_L1, "#/definitions/"_L1}) {
            if (ref.startsWith(prefix))
                target = m_root.value(prefix.sliced(2).chopped(1))
                             .toObject()
                             .value(ref.mid(prefix.size()))
                             .toObject();
        }
        if (target.isEmpty())
            return {};
        ++depth;
        // Siblings of $ref (a description, typically) refine the target.
        current.remove("$ref"_L1);
        for (auto it = current.constBegin(); it != current.constEnd(); ++it)
            target.insert(it.key(), it.value());
        current = target;
    }
    if (current.contains("$ref"_L1))
        return {};
    return current;
}

QJsonObject SchemaConverter::convertProperties(const QJsonObject &properties, int depth) const
{
    QJsonObject out;
    for (auto it = properties.constBegin(); it != properties.constEnd(); ++it) {
        // Gemini has no "anything" schema; a property it cannot describe is left out.
        const QJsonObject converted = convert(it.value().toObject(), depth);
        if (!converted.isEmpty())
            out.insert(it.key(), converted);
    }
    return out;
}

QJsonArray SchemaConverter::convertList(const QJsonArray &schemas, int depth) const
{
    QJsonArray out;
    for (const QJsonValue &entry : schemas) {
        const QJsonObject converted = convert(entry.toObject(), depth);
        if (!converted.isEmpty())
            out.append(converted);
    }
    return out;
}

bool formatAllowed(const QString &type, const QString &format)
{
    const QString lower = type.toLower();
    if (lower == "string"_L1)
        return format == "enum"_L1 || format == "date-time"_L1;
    if (lower == "number"_L1)
        return format == "float"_L1 || format == "double"_L1;
    if (lower == "integer"_L1)
        return format == "int32"_L1 || format == "int64"_L1;
    return false;
}

QJsonObject SchemaConverter::convert(const QJsonObject &input, int depth) const
{
    const QJsonObject schema = resolve(input, depth);
    QJsonObject out;
    // clang-format off
    static const QLatin1String kPlain[] = {
        "title"_L1, "description"_L1, "nullable"_L1, "minItems"_L1, "maxItems"_L1,
        "minProperties"_L1, "maxProperties"_L1, "minLength"_L1, "maxLength"_L1, "pattern"_L1,
        "minimum"_L1, "maximum"_L1, "propertyOrdering"_L1, "default"_L1, "example"_L1};
    // clang-format on
    for (const QLatin1String key : kPlain) {
        if (schema.contains(key))
            out.insert(key, schema.value(key));
    }

    // JSON Schema writes an optional value as "type": ["string", "null"].
    const QJsonValue type = schema.value("type"_L1);
    if (type.isString()) {
        out.insert("type"_L1, type);
    } else if (type.isArray()) {
        QJsonArray types;
        for (const QJsonValue &entry : type.toArray()) {
            if (entry.toString() == "null"_L1)
                out.insert("nullable"_L1, true);
            else
                types.append(entry);
        }
        if (types.size() == 1) {
            out.insert("type"_L1, types.first());
        } else if (types.size() > 1) {
            QJsonArray alternatives;
            for (const QJsonValue &entry : std::as_const(types))
                alternatives.append(QJsonObject{{"type"_L1, entry}});
            out.insert("anyOf"_L1, alternatives);
        }
    }
    const QString typeName = out.value("type"_L1).toString();

    const QString format = schema.value("format"_L1).toString();
    if (formatAllowed(typeName, format))
        out.insert("format"_L1, format);

    const QJsonArray values = schema.value("enum"_L1).toArray();
    const bool allStrings = std::all_of(values.begin(), values.end(),
                                        [](const QJsonValue &value) { return value.isString(); });
    if (!values.isEmpty() && allStrings)
        out.insert("enum"_L1, values);
    else if (schema.value("const"_L1).isString())
        out.insert("enum"_L1, QJsonArray{schema.value("const"_L1)});
    if (out.contains("enum"_L1) && !out.contains("type"_L1))
        out.insert("type"_L1, "string"_L1);

    const QJsonObject properties =
        convertProperties(schema.value("properties"_L1).toObject(), depth);
    if (!properties.isEmpty()) {
        out.insert("properties"_L1, properties);
        QJsonArray required;
        for (const QJsonValue &name : schema.value("required"_L1).toArray()) {
            if (properties.contains(name.toString()))
                required.append(name);
        }
        if (!required.isEmpty())
            out.insert("required"_L1, required);
    }

    const QJsonValue items = schema.value("items"_L1);
    if (items.isObject())
        out.insert("items"_L1, convert(items.toObject(), depth));
    else if (items.isArray() &&
             !items.toArray().isEmpty()) // tuple form: Gemini has one item schema
        out.insert("items"_L1, convert(items.toArray().first().toObject(), depth));

    for (const QLatin1String key : {"anyOf"_L1, "oneOf"_L1}) {
        const QJsonArray alternatives = convertList(schema.value(key).toArray(), depth);
        if (!alternatives.isEmpty())
            out.insert("anyOf"_L1, alternatives);
    }
    return out;
}

// ---- contents ---------------------------------------------------------------------------

QString guessImageMimeType(const QString &url)
{
    const QString path = QUrl(url).path().toLower();
    static const struct {
        QLatin1String suffix;
        QLatin1String mime;
    } kTypes[] = {{".png"_L1, "image/png"_L1},   {".jpg"_L1, "image/jpeg"_L1},
                  {".jpeg"_L1, "image/jpeg"_L1}, {".webp"_L1, "image/webp"_L1},
                  {".gif"_L1, "image/gif"_L1},   {".heic"_L1, "image/heic"_L1},
                  {".heif"_L1, "image/heif"_L1}};
    for (const auto &entry : kTypes) {
        if (path.endsWith(entry.suffix))
            return entry.mime;
    }
    return u"image/jpeg"_s;
}

class RequestBuilder {
public:
    std::variant<QJsonObject, ApiError> build(const canonical::Request &request);

private:
    bool fail(const QString &param, const QString &message)
    {
        if (!m_error)
            m_error = ApiError::invalidRequest(message, param);
        return false;
    }
    void append(const QString &role, const QJsonArray &parts);
    bool userParts(const Message &message, const QString &path, QJsonArray &parts);
    bool modelParts(const Message &message, const QString &path, QJsonArray &parts);
    bool toolParts(const Message &message, const QString &path, QJsonArray &parts);
    QJsonArray tools(const canonical::Request &request) const;
    QJsonObject toolConfig(const canonical::Request &request) const;
    bool generationConfig(const canonical::Request &request, QJsonObject &config);

    QList<QPair<QString, QJsonArray>> m_contents;
    QJsonArray m_system;
    std::optional<ApiError> m_error;
};

void RequestBuilder::append(const QString &role, const QJsonArray &parts)
{
    if (parts.isEmpty())
        return; // Gemini refuses a turn without parts
    if (!m_contents.isEmpty() && m_contents.last().first == role) {
        for (const QJsonValue &part : parts)
            m_contents.last().second.append(part);
        return;
    }
    m_contents.append({role, parts});
}

bool RequestBuilder::userParts(const Message &message, const QString &path, QJsonArray &parts)
{
    for (const ContentPart &part : message.content) {
        if (part.type == ContentPart::Type::Text) {
            // Gemini rejects an empty text part ("empty text parameter").
            if (!part.text.isEmpty())
                parts.append(QJsonObject{{"text"_L1, part.text}});
            continue;
        }
        const canonical::Image &image = part.image;
        if (image.isInline()) {
            parts.append(QJsonObject{
                {"inlineData"_L1, QJsonObject{{"mimeType"_L1, image.mimeType},
                                              {"data"_L1, QString::fromLatin1(image.base64)}}}});
        } else if (image.url.startsWith("https://"_L1)) {
            parts.append(QJsonObject{
                {"fileData"_L1, QJsonObject{{"mimeType"_L1, guessImageMimeType(image.url)},
                                            {"fileUri"_L1, image.url}}}});
        } else {
            return fail(
                path + u".content"_s,
                u"Gemini fetches images only from https URLs; send this one as an https or a base64 data: URL"_s);
        }
    }
    return true;
}

bool RequestBuilder::modelParts(const Message &message, const QString &path, QJsonArray &parts)
{
    const QString text = message.text();
    if (!text.isEmpty())
        parts.append(QJsonObject{{"text"_L1, text}});
    else if (!message.refusal.isEmpty())
        parts.append(QJsonObject{{"text"_L1, message.refusal}});
    for (qsizetype i = 0; i < message.toolCalls.size(); ++i) {
        const canonical::ToolCall &call = message.toolCalls.at(i);
        QJsonObject args;
        if (!call.arguments.trimmed().isEmpty()) {
            const QJsonDocument doc = QJsonDocument::fromJson(call.arguments.toUtf8());
            if (!doc.isObject())
                return fail(u"%1.tool_calls[%2].function.arguments"_s.arg(path).arg(i),
                            u"tool call arguments must be a JSON object for Gemini"_s);
            args = doc.object();
        }
        QJsonObject part{
            {"functionCall"_L1, QJsonObject{{"name"_L1, call.name}, {"args"_L1, args}}}};
        if (!call.thoughtSignature.isEmpty())
            part.insert("thoughtSignature"_L1, call.thoughtSignature);
        parts.append(part);
    }
    return true;
}

bool RequestBuilder::toolParts(const Message &message, const QString &path, QJsonArray &parts)
{
    if (message.name.isEmpty())
        return fail(
            path + u".tool_call_id"_s,
            u"no earlier assistant tool call has id '%1'; Gemini needs the function's name"_s.arg(
                message.toolCallId));
    const QString text = message.text();
    const QJsonDocument doc = QJsonDocument::fromJson(text.toUtf8());
    const QJsonObject response = doc.isObject() ? doc.object() : QJsonObject{{"content"_L1, text}};
    parts.append(QJsonObject{{"functionResponse"_L1,
                              QJsonObject{{"name"_L1, message.name}, {"response"_L1, response}}}});
    return true;
}

QJsonArray RequestBuilder::tools(const canonical::Request &request) const
{
    QJsonArray declarations;
    for (const canonical::Tool &tool : request.tools) {
        QJsonObject declaration{{"name"_L1, tool.name}};
        if (!tool.description.isEmpty())
            declaration.insert("description"_L1, tool.description);
        // A function without parameters has none at all: Gemini refuses an OBJECT
        // parameter schema with no properties.
        const QJsonObject parameters = toSchema(tool.parameters);
        if (parameters.contains("properties"_L1))
            declaration.insert("parameters"_L1, parameters);
        declarations.append(declaration);
    }
    if (declarations.isEmpty())
        return {};
    return QJsonArray{QJsonObject{{"functionDeclarations"_L1, declarations}}};
}

QJsonObject RequestBuilder::toolConfig(const canonical::Request &request) const
{
    if (!request.toolChoice || request.tools.isEmpty())
        return {};
    QJsonObject config;
    switch (request.toolChoice->mode) {
    case ToolChoice::Mode::Auto:
        config.insert("mode"_L1, "AUTO"_L1);
        break;
    case ToolChoice::Mode::None:
        config.insert("mode"_L1, "NONE"_L1);
        break;
    case ToolChoice::Mode::Required:
        config.insert("mode"_L1, "ANY"_L1);
        break;
    case ToolChoice::Mode::Function:
        config.insert("mode"_L1, "ANY"_L1);
        config.insert("allowedFunctionNames"_L1, QJsonArray{request.toolChoice->function});
        break;
    }
    return QJsonObject{{"functionCallingConfig"_L1, config}};
}

std::optional<qint64> thinkingBudget(const canonical::Request &request)
{
    if (request.reasoningBudget)
        return request.reasoningBudget;
    const QString effort = request.reasoningEffort.toLower();
    if (effort.isEmpty())
        return std::nullopt;
    if (effort == "none"_L1)
        return 0;
    if (effort == "minimal"_L1 || effort == "low"_L1)
        return 1024;
    if (effort == "medium"_L1)
        return 8192;
    if (effort == "high"_L1)
        return 24576;
    return -1;
}

bool RequestBuilder::generationConfig(const canonical::Request &request, QJsonObject &config)
{
    if (request.maxTokens)
        config.insert("maxOutputTokens"_L1, *request.maxTokens);
    if (request.temperature)
        config.insert("temperature"_L1, *request.temperature);
    if (request.topP)
        config.insert("topP"_L1, *request.topP);
    if (request.topK)
        config.insert("topK"_L1, *request.topK);
    if (request.seed)
        config.insert("seed"_L1, *request.seed);
    if (request.presencePenalty && *request.presencePenalty != 0)
        config.insert("presencePenalty"_L1, *request.presencePenalty);
    if (request.frequencyPenalty && *request.frequencyPenalty != 0)
        config.insert("frequencyPenalty"_L1, *request.frequencyPenalty);
    if (!request.stop.isEmpty())
        config.insert("stopSequences"_L1, QJsonArray::fromStringList(request.stop));

    const QString format = request.responseFormat.value("type"_L1).toString();
    if (format == "json_object"_L1) {
        config.insert("responseMimeType"_L1, "application/json"_L1);
    } else if (format == "json_schema"_L1) {
        config.insert("responseMimeType"_L1, "application/json"_L1);
        const QJsonObject schema = toSchema(request.responseFormat.value("json_schema"_L1)
                                                .toObject()
                                                .value("schema"_L1)
                                                .toObject());
        if (!schema.isEmpty())
            config.insert("responseSchema"_L1, schema);
    } else if (!format.isEmpty() && format != "text"_L1) {
        return fail(u"response_format.type"_s,
                    u"response_format type '%1' is not supported for Gemini"_s.arg(format));
    }

    if (const std::optional<qint64> budget = thinkingBudget(request)) {
        QJsonObject thinking{{"thinkingBudget"_L1, *budget}};
        if (*budget != 0)
            thinking.insert("includeThoughts"_L1, true);
        config.insert("thinkingConfig"_L1, thinking);
    }
    return true;
}

std::variant<QJsonObject, ApiError> RequestBuilder::build(const canonical::Request &request)
{
    for (qsizetype i = 0; i < request.messages.size(); ++i) {
        const Message &message = request.messages.at(i);
        const QString path = u"messages[%1]"_s.arg(i);
        QJsonArray parts;
        switch (message.role) {
        case Message::Role::System:
            if (!message.text().isEmpty())
                m_system.append(QJsonObject{{"text"_L1, message.text()}});
            continue;
        case Message::Role::User:
            if (!userParts(message, path, parts))
                return *m_error;
            append(u"user"_s, parts);
            break;
        case Message::Role::Assistant:
            if (!modelParts(message, path, parts))
                return *m_error;
            append(u"model"_s, parts);
            break;
        case Message::Role::Tool:
            if (!toolParts(message, path, parts))
                return *m_error;
            append(u"user"_s, parts);
            break;
        }
    }
    if (m_contents.isEmpty())
        return ApiError::invalidRequest(
            u"Gemini needs at least one user or assistant message with content"_s, u"messages"_s);

    QJsonArray contents;
    for (const auto &[role, parts] : std::as_const(m_contents))
        contents.append(QJsonObject{{"role"_L1, role}, {"parts"_L1, parts}});
    QJsonObject body{{"contents"_L1, contents}};
    if (!m_system.isEmpty())
        body.insert("systemInstruction"_L1, QJsonObject{{"parts"_L1, m_system}});
    const QJsonArray declared = tools(request);
    if (!declared.isEmpty())
        body.insert("tools"_L1, declared);
    const QJsonObject callingConfig = toolConfig(request);
    if (!callingConfig.isEmpty())
        body.insert("toolConfig"_L1, callingConfig);
    QJsonObject config;
    if (!generationConfig(request, config))
        return *m_error;
    if (!config.isEmpty())
        body.insert("generationConfig"_L1, config);
    return body;
}

} // namespace

QJsonObject toSchema(const QJsonObject &schema)
{
    return SchemaConverter(schema).convert(schema);
}

std::variant<QJsonObject, ApiError> buildRequest(const canonical::Request &request)
{
    return RequestBuilder().build(request);
}

} // namespace onegate::gemini
