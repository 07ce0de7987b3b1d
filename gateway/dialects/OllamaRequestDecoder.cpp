#include "OllamaRequestDecoder.h"

#include "OllamaErrors.h"
#include "RequestBody.h"

#include "OpenAiFieldTypes.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>
#include <optional>

namespace onegate {

namespace {

using namespace Qt::StringLiterals;

using openAiFields::isInteger;
using openAiFields::present;
using openAiFields::typeOf;

enum class Endpoint { Chat, Generate };

// The media type of an image, read from its first bytes; empty when it is none of the
// four every vision API takes.
QString imageType(const QByteArray &bytes)
{
    if (bytes.startsWith("\x89PNG\r\n\x1a\n"))
        return u"image/png"_s;
    if (bytes.startsWith("\xff\xd8\xff"))
        return u"image/jpeg"_s;
    if (bytes.startsWith("GIF87a") || bytes.startsWith("GIF89a"))
        return u"image/gif"_s;
    if (bytes.size() >= 12 && bytes.startsWith("RIFF") && bytes.mid(8, 4) == "WEBP")
        return u"image/webp"_s;
    return {};
}

class Decoder final {
public:
    explicit Decoder(Endpoint endpoint)
        : m_endpoint(endpoint)
    {
    }

    std::variant<ChatEnvelope, ApiError> decode(const QByteArray &bytes);

private:
    struct Call {
        QString id;
        QString name;
        int turn = 0; // which assistant message made it
        bool answered = false;
    };

    bool fail(const QString &param, const QString &message)
    {
        if (!m_error)
            m_error = ApiError::invalidRequest(message, param);
        return false;
    }
    bool invalidType(const QString &param, const QString &expected, const QJsonValue &got)
    {
        if (got.isUndefined())
            return fail(param, u"'%1' is missing: it must be %2"_s.arg(param, expected));
        return fail(param, u"'%1' must be %2, not %3"_s.arg(param, expected, typeOf(got)));
    }
    // A field that must be a string when present; `out` receives it ("" when absent).
    bool optionalString(const QJsonObject &in, const QString &key, const QString &path,
                        QString &out)
    {
        const QJsonValue value = in.value(key);
        if (!present(value))
            return true;
        if (!value.isString())
            return invalidType(path, u"a string"_s, value);
        out = value.toString();
        return true;
    }

    bool decodeMessages(const QJsonValue &messages);
    bool decodeMessage(const QJsonValue &value, const QString &path);
    bool decodeToolCalls(const QJsonValue &calls, const QString &path, QJsonArray &out);
    bool decodeToolResult(const QJsonObject &message, const QString &path, const QString &content);
    qsizetype openCall(const QString &name) const;
    bool imageParts(const QJsonValue &images, const QString &path, QJsonArray &parts);
    bool decodeGenerate(const QJsonObject &in);
    bool decodeTools(const QJsonValue &tools);
    bool decodeFormat(const QJsonValue &format);
    bool decodeOptions(const QJsonValue &options);
    bool decodeThink(const QJsonValue &think);

    Endpoint m_endpoint;
    QJsonObject m_out;
    QJsonArray m_messages;
    QList<Call> m_calls;
    int m_turns = 0;
    bool m_loadCall = false;
    std::optional<ApiError> m_error;
};

bool Decoder::imageParts(const QJsonValue &images, const QString &path, QJsonArray &parts)
{
    if (!present(images))
        return true;
    if (!images.isArray())
        return invalidType(path, u"an array of base64 strings"_s, images);
    const QJsonArray list = images.toArray();
    for (qsizetype i = 0; i < list.size(); ++i) {
        const QString itemPath = u"%1[%2]"_s.arg(path).arg(i);
        if (!list.at(i).isString())
            return invalidType(itemPath, u"a base64 string"_s, list.at(i));
        const QString data = list.at(i).toString();
        QString url;
        if (data.startsWith("data:image/"_L1)) {
            url = data; // a client that already sends a data: URL says what it is
        } else {
            const auto decoded = QByteArray::fromBase64Encoding(
                data.toLatin1(), QByteArray::AbortOnBase64DecodingErrors);
            if (!decoded || decoded.decoded.isEmpty())
                return fail(itemPath, u"'%1' is not a base64-encoded image"_s.arg(itemPath));
            const QString type = imageType(decoded.decoded);
            if (type.isEmpty())
                return fail(itemPath,
                            u"'%1' is not a PNG, JPEG, GIF or WebP image"_s.arg(itemPath));
            url = u"data:%1;base64,%2"_s.arg(type, data);
        }
        parts.append(QJsonObject{{"type"_L1, "image_url"_L1},
                                 {"image_url"_L1, QJsonObject{{"url"_L1, url}}}});
    }
    return true;
}

bool Decoder::decodeToolCalls(const QJsonValue &calls, const QString &path, QJsonArray &out)
{
    if (!present(calls))
        return true;
    if (!calls.isArray())
        return invalidType(path, u"an array"_s, calls);
    const QJsonArray list = calls.toArray();
    for (qsizetype i = 0; i < list.size(); ++i) {
        const QString callPath = u"%1[%2]"_s.arg(path).arg(i);
        if (!list.at(i).isObject())
            return invalidType(callPath, u"an object"_s, list.at(i));
        const QJsonObject call = list.at(i).toObject();
        const QJsonValue function = call.value("function"_L1);
        if (!function.isObject())
            return invalidType(callPath + u".function"_s, u"an object"_s, function);
        const QJsonValue name = function.toObject().value("name"_L1);
        if (!name.isString() || name.toString().isEmpty())
            return fail(callPath + u".function.name"_s,
                        u"'%1.function.name' must be a non-empty string"_s.arg(callPath));
        // Ollama sends arguments as an object; a JSON text (what some clients echo back
        // from OpenAI) is taken as it is.
        const QJsonValue arguments = function.toObject().value("arguments"_L1);
        QString text;
        if (arguments.isObject())
            text = QString::fromUtf8(
                QJsonDocument(arguments.toObject()).toJson(QJsonDocument::Compact));
        else if (arguments.isString())
            text = arguments.toString();
        else if (!present(arguments))
            text = u"{}"_s;
        else
            return invalidType(callPath + u".function.arguments"_s, u"an object"_s, arguments);
        QString id;
        if (!optionalString(call, u"id"_s, callPath + u".id"_s, id))
            return false;
        if (id.isEmpty())
            id = u"call_%1"_s.arg(m_calls.size());
        m_calls.append(Call{id, name.toString(), m_turns, false});
        out.append(
            QJsonObject{{"id"_L1, id},
                        {"type"_L1, "function"_L1},
                        {"function"_L1, QJsonObject{{"name"_L1, name}, {"arguments"_L1, text}}}});
    }
    return true;
}

bool Decoder::decodeToolResult(const QJsonObject &message, const QString &path,
                               const QString &content)
{
    QString callId;
    QString name;
    if (!optionalString(message, u"tool_call_id"_s, path + u".tool_call_id"_s, callId) ||
        !optionalString(message, u"tool_name"_s, path + u".tool_name"_s, name))
        return false;
    if (name.isEmpty() && !optionalString(message, u"name"_s, path + u".name"_s, name))
        return false;

    qsizetype match = -1;
    if (!callId.isEmpty()) {
        // Ids a client reuses across turns: the latest open call with it, or else the latest.
        for (qsizetype i = m_calls.size() - 1; i >= 0 && match < 0; --i) {
            if (m_calls.at(i).id == callId && !m_calls.at(i).answered)
                match = i;
        }
        for (qsizetype i = m_calls.size() - 1; i >= 0 && match < 0; --i) {
            if (m_calls.at(i).id == callId)
                match = i;
        }
        if (match < 0)
            return fail(
                path + u".tool_call_id"_s,
                u"'%1.tool_call_id' names '%2', which no earlier assistant tool call has"_s.arg(
                    path, callId));
    }
    if (match < 0 && !name.isEmpty())
        match = openCall(name);
    // No name, or one no open call has (clients do rename tools): results come back in
    // the order the calls were made.
    if (match < 0)
        match = openCall(QString());
    if (match < 0)
        return fail(path, u"'%1' is a tool result, but no earlier assistant tool call is left "
                          u"to answer"_s.arg(path));
    m_calls[match].answered = true;
    m_messages.append(QJsonObject{{"role"_L1, "tool"_L1},
                                  {"tool_call_id"_L1, m_calls.at(match).id},
                                  {"content"_L1, content}});
    return true;
}

// The call a tool result without an id answers: the first open call (named `name`, when
// given) of the latest assistant turn that has one. Results of parallel calls come back in
// the order the calls were made; a call an earlier turn left open does not take the
// result of a newer one.
qsizetype Decoder::openCall(const QString &name) const
{
    int turn = -1;
    for (const Call &call : m_calls) {
        if (!call.answered && (name.isEmpty() || call.name == name))
            turn = qMax(turn, call.turn);
    }
    for (qsizetype i = 0; i < m_calls.size(); ++i) {
        const Call &call = m_calls.at(i);
        if (!call.answered && call.turn == turn && (name.isEmpty() || call.name == name))
            return i;
    }
    return -1;
}

bool Decoder::decodeMessage(const QJsonValue &value, const QString &path)
{
    if (!value.isObject())
        return invalidType(path, u"an object"_s, value);
    const QJsonObject message = value.toObject();
    const QJsonValue role = message.value("role"_L1);
    if (!present(role))
        return fail(path + u".role"_s, u"'%1.role' is required"_s.arg(path));
    if (!role.isString())
        return invalidType(path + u".role"_s, u"a string"_s, role);
    QString content;
    if (!optionalString(message, u"content"_s, path + u".content"_s, content))
        return false;
    const QString roleName = role.toString();
    const QJsonValue images = message.value("images"_L1);
    const bool hasImages = images.isArray() && !images.toArray().isEmpty();
    if (hasImages && roleName != "user"_L1)
        return fail(path + u".images"_s,
                    u"'%1.images': images are taken on user messages only"_s.arg(path));

    if (roleName == "system"_L1) {
        m_messages.append(QJsonObject{{"role"_L1, "system"_L1}, {"content"_L1, content}});
        return true;
    }
    if (roleName == "user"_L1) {
        QJsonArray parts;
        if (!imageParts(images, path + u".images"_s, parts))
            return false;
        if (parts.isEmpty()) {
            m_messages.append(QJsonObject{{"role"_L1, "user"_L1}, {"content"_L1, content}});
            return true;
        }
        if (!content.isEmpty())
            parts.prepend(QJsonObject{{"type"_L1, "text"_L1}, {"text"_L1, content}});
        m_messages.append(QJsonObject{{"role"_L1, "user"_L1}, {"content"_L1, parts}});
        return true;
    }
    if (roleName == "assistant"_L1) {
        QString thinking;
        QJsonArray calls;
        if (!optionalString(message, u"thinking"_s, path + u".thinking"_s, thinking) ||
            !decodeToolCalls(message.value("tool_calls"_L1), path + u".tool_calls"_s, calls))
            return false;
        QJsonObject out{{"role"_L1, "assistant"_L1}};
        // OpenAI's own answers carry null content beside tool calls.
        out.insert("content"_L1, content.isEmpty() && !calls.isEmpty()
                                     ? QJsonValue(QJsonValue::Null)
                                     : QJsonValue(content));
        if (!thinking.isEmpty())
            out.insert("reasoning_content"_L1, thinking);
        if (!calls.isEmpty())
            out.insert("tool_calls"_L1, calls);
        m_messages.append(out);
        ++m_turns;
        return true;
    }
    if (roleName == "tool"_L1)
        return decodeToolResult(message, path, content);
    return fail(
        path + u".role"_s,
        u"'%1.role' must be system, user, assistant or tool, not '%2'"_s.arg(path, roleName));
}

bool Decoder::decodeMessages(const QJsonValue &messages)
{
    if (!present(messages)) {
        m_loadCall = true; // Ollama reads no messages as "load the model"
        return true;
    }
    if (!messages.isArray())
        return invalidType(u"messages"_s, u"an array"_s, messages);
    const QJsonArray list = messages.toArray();
    m_loadCall = list.isEmpty();
    for (qsizetype i = 0; i < list.size(); ++i) {
        if (!decodeMessage(list.at(i), u"messages[%1]"_s.arg(i)))
            return false;
    }
    return true;
}

bool Decoder::decodeGenerate(const QJsonObject &in)
{
    QString prompt;
    QString system;
    QString suffix;
    if (!optionalString(in, u"prompt"_s, u"prompt"_s, prompt) ||
        !optionalString(in, u"system"_s, u"system"_s, system) ||
        !optionalString(in, u"suffix"_s, u"suffix"_s, suffix))
        return false;
    if (!suffix.isEmpty())
        return fail(u"suffix"_s,
                    u"'suffix' (fill-in-the-middle) is not supported on /api/generate here: send "
                    u"prompt and suffix to OneGate's /v1/completions, which takes them"_s);
    QJsonArray parts;
    if (!imageParts(in.value("images"_L1), u"images"_s, parts))
        return false;
    m_loadCall = prompt.isEmpty();
    if (!system.isEmpty())
        m_messages.append(QJsonObject{{"role"_L1, "system"_L1}, {"content"_L1, system}});
    if (parts.isEmpty()) {
        m_messages.append(QJsonObject{{"role"_L1, "user"_L1}, {"content"_L1, prompt}});
    } else {
        parts.prepend(QJsonObject{{"type"_L1, "text"_L1}, {"text"_L1, prompt}});
        m_messages.append(QJsonObject{{"role"_L1, "user"_L1}, {"content"_L1, parts}});
    }
    return true;
}

bool Decoder::decodeTools(const QJsonValue &tools)
{
    if (!present(tools))
        return true;
    if (!tools.isArray())
        return invalidType(u"tools"_s, u"an array"_s, tools);
    const QJsonArray list = tools.toArray();
    for (qsizetype i = 0; i < list.size(); ++i) {
        const QString path = u"tools[%1]"_s.arg(i);
        if (!list.at(i).isObject())
            return invalidType(path, u"an object"_s, list.at(i));
        const QJsonObject tool = list.at(i).toObject();
        const QJsonValue type = tool.value("type"_L1);
        if (present(type) && type.toString() != "function"_L1)
            return fail(path + u".type"_s, u"'%1.type' must be \"function\""_s.arg(path));
        const QJsonValue function = tool.value("function"_L1);
        if (!function.isObject())
            return invalidType(path + u".function"_s, u"an object"_s, function);
        const QJsonValue name = function.toObject().value("name"_L1);
        if (!name.isString() || name.toString().isEmpty())
            return fail(path + u".function.name"_s,
                        u"'%1.function.name' must be a non-empty string"_s.arg(path));
    }
    if (!list.isEmpty())
        m_out.insert("tools"_L1, list);
    return true;
}

bool Decoder::decodeFormat(const QJsonValue &format)
{
    if (!present(format) || (format.isString() && format.toString().isEmpty()))
        return true;
    if (format.isString() && format.toString() == "json"_L1) {
        m_out.insert("response_format"_L1, QJsonObject{{"type"_L1, "json_object"_L1}});
        return true;
    }
    if (format.isObject()) {
        m_out.insert("response_format"_L1,
                     QJsonObject{{"type"_L1, "json_schema"_L1},
                                 {"json_schema"_L1,
                                  QJsonObject{{"name"_L1, "response"_L1}, {"schema"_L1, format}}}});
        return true;
    }
    return fail(
        u"format"_s,
        format.isString()
            ? u"'format' must be \"json\" or a JSON schema object, not '%1'"_s.arg(
                  format.toString())
            : u"'format' must be \"json\" or a JSON schema object, not %1"_s.arg(typeOf(format)));
}

bool Decoder::decodeOptions(const QJsonValue &value)
{
    if (!present(value))
        return true;
    if (!value.isObject())
        return invalidType(u"options"_s, u"an object"_s, value);
    const QJsonObject options = value.toObject();
    for (const QLatin1String key :
         {"temperature"_L1, "top_p"_L1, "presence_penalty"_L1, "frequency_penalty"_L1}) {
        const QJsonValue number = options.value(key);
        if (!present(number))
            continue;
        if (!number.isDouble())
            return invalidType(u"options."_s + key, u"a number"_s, number);
        m_out.insert(key, number);
    }
    const QJsonValue seed = options.value("seed"_L1);
    if (present(seed)) {
        if (!isInteger(seed))
            return invalidType(u"options.seed"_s, u"an integer"_s, seed);
        m_out.insert("seed"_L1, seed.toInteger());
    }
    const QJsonValue predict = options.value("num_predict"_L1);
    if (present(predict)) {
        if (!isInteger(predict))
            return invalidType(u"options.num_predict"_s, u"an integer"_s, predict);
        // -1 (no limit), -2 (fill the context) and 0 ask for no limit a chat API knows.
        if (predict.toInteger() > 0)
            m_out.insert("max_tokens"_L1, predict.toInteger());
    }
    const QJsonValue stop = options.value("stop"_L1);
    if (stop.isString()) {
        m_out.insert("stop"_L1, QJsonArray{stop});
    } else if (stop.isArray()) {
        const QJsonArray stops = stop.toArray();
        for (qsizetype i = 0; i < stops.size(); ++i) {
            if (!stops.at(i).isString())
                return invalidType(u"options.stop[%1]"_s.arg(i), u"a string"_s, stops.at(i));
        }
        if (!stops.isEmpty())
            m_out.insert("stop"_L1, stops);
    } else if (present(stop)) {
        return invalidType(u"options.stop"_s, u"an array of strings"_s, stop);
    }
    return true;
}

bool Decoder::decodeThink(const QJsonValue &think)
{
    if (!present(think))
        return true;
    if (think.isBool()) {
        // false is left out rather than sent as "none": clients send it by default, and
        // providers refuse reasoning_effort for models that do not reason at all.
        if (think.toBool())
            m_out.insert("reasoning_effort"_L1, "medium"_L1);
        return true;
    }
    const QString level = think.toString();
    if (think.isString() && (level == "low"_L1 || level == "medium"_L1 || level == "high"_L1)) {
        m_out.insert("reasoning_effort"_L1, level);
        return true;
    }
    return fail(
        u"think"_s,
        think.isString()
            ? u"'think' must be true, false, \"low\", \"medium\" or \"high\", not '%1'"_s.arg(level)
            : u"'think' must be true, false, \"low\", \"medium\" or \"high\", not %1"_s.arg(
                  typeOf(think)));
}

std::variant<ChatEnvelope, ApiError> Decoder::decode(const QByteArray &bytes)
{
    const auto object = requestObject(bytes, ollamaUnparsable());
    if (const ApiError *error = std::get_if<ApiError>(&object))
        return *error;
    const QJsonObject in = std::get<QJsonObject>(object);
    ChatEnvelope envelope;
    envelope.native = in;

    const QJsonValue model = in.value("model"_L1);
    if (!present(model) || (model.isString() && model.toString().isEmpty()))
        return ApiError::invalidRequest(u"'model' is required"_s, u"model"_s);
    if (!model.isString())
        return ApiError::invalidRequest(u"'model' must be a string, not %1"_s.arg(typeOf(model)),
                                        u"model"_s);
    envelope.model = model.toString();

    const bool decoded =
        m_endpoint == Endpoint::Chat ? decodeMessages(in.value("messages"_L1)) : decodeGenerate(in);
    if (!decoded || (m_endpoint == Endpoint::Chat && !decodeTools(in.value("tools"_L1))) ||
        !decodeFormat(in.value("format"_L1)) || !decodeOptions(in.value("options"_L1)) ||
        !decodeThink(in.value("think"_L1)))
        return *m_error;

    const QJsonValue stream = in.value("stream"_L1);
    if (present(stream) && !stream.isBool())
        return ApiError::invalidRequest(u"'stream' must be a boolean, not %1"_s.arg(typeOf(stream)),
                                        u"stream"_s);
    if (m_loadCall) {
        envelope.loadOnly = true; // answered without a provider: `body` stays empty
        return envelope;
    }

    envelope.stream = stream.toBool(true); // Ollama streams unless told not to
    envelope.includeUsage = envelope.stream;
    m_out.insert("model"_L1, envelope.model);
    m_out.insert("messages"_L1, m_messages);
    if (envelope.stream) {
        m_out.insert("stream"_L1, true);
        m_out.insert("stream_options"_L1, QJsonObject{{"include_usage"_L1, true}});
    }
    envelope.body = m_out;
    return envelope;
}

} // namespace

std::variant<ChatEnvelope, ApiError> OllamaRequestDecoder::decodeChat(const QByteArray &body)
{
    return Decoder(Endpoint::Chat).decode(body);
}

std::variant<ChatEnvelope, ApiError> OllamaRequestDecoder::decodeGenerate(const QByteArray &body)
{
    return Decoder(Endpoint::Generate).decode(body);
}

} // namespace onegate
