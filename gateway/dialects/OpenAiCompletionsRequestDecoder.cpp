#include "OpenAiCompletionsRequestDecoder.h"

#include "OpenAiFieldTypes.h"
#include "RequestBody.h"

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

// A token array: integers, or arrays of integers (a batch of them).
bool isTokens(const QJsonArray &array)
{
    for (const QJsonValue &value : array) {
        if (isInteger(value))
            continue;
        if (!value.isArray())
            return false;
        for (const QJsonValue &token : value.toArray()) {
            if (!isInteger(token))
                return false;
        }
    }
    return true;
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
    // The error a failed check recorded, to return it in one line.
    ApiError err(bool) const { return *m_error; }
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
    bool invalidValue(const QString &param, const QString &message)
    {
        return fail(param, message, u"invalid_value"_s);
    }
    // Valid, but no chat call can answer it: only a provider with a completions endpoint.
    void untranslatable(const QString &param, const QString &message)
    {
        if (!m_untranslatable) {
            m_untranslatable = ApiError::invalidRequest(message, param);
            m_untranslatable->code = u"unsupported_value"_s;
        }
    }

    bool decodePrompt(const QJsonValue &prompt);
    bool decodeStop(const QJsonValue &stop);
    bool passNumber(const QJsonObject &in, QLatin1String key, bool integer = false);
    std::optional<bool> optionalBool(const QJsonObject &in, QLatin1String key);

    QJsonObject m_out;
    QString m_prompt;
    std::optional<ApiError> m_error;
    std::optional<ApiError> m_untranslatable;
};

bool Decoder::decodePrompt(const QJsonValue &prompt)
{
    const QString expected = u"a string or an array of strings"_s;
    if (prompt.isString()) {
        m_prompt = prompt.toString();
        return true;
    }
    if (!prompt.isArray())
        return present(prompt) ? invalidType(u"prompt"_s, expected, prompt) : missing(u"prompt"_s);
    const QJsonArray prompts = prompt.toArray();
    if (prompts.isEmpty())
        return invalidValue(u"prompt"_s, u"Invalid 'prompt': empty array. Expected an array with minimum length 1, but got an empty array instead."_s);
    if (isTokens(prompts)) {
        untranslatable(u"prompt"_s, u"'prompt': token arrays need a provider with a completions endpoint; chat models take text"_s);
        return true;
    }
    for (qsizetype i = 0; i < prompts.size(); ++i) {
        if (!prompts.at(i).isString())
            return invalidType(u"prompt[%1]"_s.arg(i), u"a string"_s, prompts.at(i));
    }
    if (prompts.size() > 1) {
        untranslatable(u"prompt"_s, u"'prompt': %1 prompts in one request need a provider with a completions endpoint; a chat call gives one answer"_s.arg(prompts.size()));
        return true;
    }
    m_prompt = prompts.first().toString();
    return true;
}

bool Decoder::decodeStop(const QJsonValue &stop)
{
    if (!present(stop))
        return true;
    if (stop.isArray()) {
        const QJsonArray stops = stop.toArray();
        for (qsizetype i = 0; i < stops.size(); ++i) {
            if (!stops.at(i).isString())
                return invalidType(u"stop[%1]"_s.arg(i), u"a string"_s, stops.at(i));
        }
    } else if (!stop.isString()) {
        return invalidType(u"stop"_s, u"a string or an array of strings"_s, stop);
    }
    m_out.insert("stop"_L1, stop);
    return true;
}

bool Decoder::passNumber(const QJsonObject &in, QLatin1String key, bool integer)
{
    const QJsonValue value = in.value(key);
    if (!present(value))
        return true;
    if (integer ? !isInteger(value) : !value.isDouble())
        return invalidType(key, integer ? u"an integer"_s : u"a number"_s, value);
    m_out.insert(key, value);
    return true;
}

std::optional<bool> Decoder::optionalBool(const QJsonObject &in, QLatin1String key)
{
    const QJsonValue value = in.value(key);
    if (!present(value))
        return false;
    if (!value.isBool()) {
        invalidType(key, u"a boolean"_s, value);
        return std::nullopt;
    }
    return value.toBool();
}

std::variant<ChatEnvelope, ApiError> Decoder::decode(const QByteArray &bytes)
{
    const auto object = requestObject(bytes);
    if (const ApiError *error = std::get_if<ApiError>(&object))
        return *error;
    const QJsonObject in = std::get<QJsonObject>(object);
    ChatEnvelope envelope;
    envelope.native = in;

    const QJsonValue model = in.value("model"_L1);
    if (!present(model))
        return err(missing(u"model"_s));
    if (!model.isString())
        return err(invalidType(u"model"_s, u"a string"_s, model));
    envelope.model = model.toString();
    if (envelope.model.isEmpty())
        return err(invalidValue(u"model"_s, u"Invalid 'model': empty string."_s));

    if (!decodePrompt(in.value("prompt"_L1)))
        return *m_error;

    const QJsonValue suffix = in.value("suffix"_L1);
    if (present(suffix) && !suffix.isString())
        return err(invalidType(u"suffix"_s, u"a string"_s, suffix));
    if (!suffix.toString().isEmpty())
        untranslatable(u"suffix"_s, u"suffix (fill-in-the-middle) needs a provider with a completions endpoint"_s);

    const QJsonValue logprobs = in.value("logprobs"_L1);
    if (present(logprobs)) {
        if (!isInteger(logprobs))
            return err(invalidType(u"logprobs"_s, u"an integer"_s, logprobs));
        untranslatable(u"logprobs"_s, u"'logprobs' needs a provider with a completions endpoint; chat token log probabilities are not the same"_s);
    }

    for (const QLatin1String key : {"n"_L1, "best_of"_L1}) {
        const QJsonValue value = in.value(key);
        if (!present(value))
            continue;
        if (!isInteger(value))
            return err(invalidType(key, u"an integer"_s, value));
        if (value.toInteger() < 1)
            return err(invalidValue(key, u"Invalid '%1': integer below minimum value. Expected a value >= 1, but got %2 instead."_s.arg(key).arg(value.toInteger())));
        if (value.toInteger() > 1)
            untranslatable(key, u"'%1': %2 completions per prompt need a provider with a completions endpoint; a chat call gives one answer"_s.arg(key).arg(value.toInteger()));
    }

    const QJsonValue maxTokens = in.value("max_tokens"_L1);
    if (present(maxTokens)) {
        if (!isInteger(maxTokens))
            return err(invalidType(u"max_tokens"_s, u"an integer"_s, maxTokens));
        if (maxTokens.toInteger() < 0)
            return err(invalidValue(u"max_tokens"_s, u"Invalid 'max_tokens': integer below minimum value. Expected a value >= 0, but got %1 instead."_s.arg(maxTokens.toInteger())));
    }
    // OpenAI's legacy default; chat APIs default to "as long as it takes".
    m_out.insert("max_tokens"_L1, present(maxTokens) ? maxTokens.toInteger() : 16);

    for (const QLatin1String key : {"temperature"_L1, "top_p"_L1, "presence_penalty"_L1, "frequency_penalty"_L1}) {
        if (!passNumber(in, key))
            return *m_error;
    }
    if (!passNumber(in, "seed"_L1, true) || !decodeStop(in.value("stop"_L1)))
        return *m_error;
    const QJsonValue user = in.value("user"_L1);
    if (present(user)) {
        if (!user.isString())
            return err(invalidType(u"user"_s, u"a string"_s, user));
        m_out.insert("user"_L1, user);
    }

    const std::optional<bool> stream = optionalBool(in, "stream"_L1);
    const std::optional<bool> echo = optionalBool(in, "echo"_L1);
    if (!stream || !echo)
        return *m_error;
    envelope.stream = *stream;
    const QJsonValue streamOptions = in.value("stream_options"_L1);
    if (present(streamOptions) && !streamOptions.isObject())
        return err(invalidType(u"stream_options"_s, u"an object"_s, streamOptions));
    envelope.includeUsage = envelope.stream &&
                            streamOptions.toObject().value("include_usage"_L1).toBool(false);

    if (m_untranslatable) {
        envelope.untranslatable = m_untranslatable;
        return envelope;
    }
    m_out.insert("model"_L1, envelope.model);
    m_out.insert("messages"_L1, QJsonArray{QJsonObject{{"role"_L1, "user"_L1}, {"content"_L1, m_prompt}}});
    if (envelope.stream) {
        m_out.insert("stream"_L1, true);
        // Always: the usage row needs it, and the client's usage chunk comes from it.
        m_out.insert("stream_options"_L1, QJsonObject{{"include_usage"_L1, true}});
    }
    envelope.body = m_out;
    return envelope;
}

} // namespace

std::variant<ChatEnvelope, ApiError> OpenAiCompletionsRequestDecoder::decode(const QByteArray &body)
{
    return Decoder().decode(body);
}

QString OpenAiCompletionsRequestDecoder::promptText(const QJsonObject &request)
{
    const QJsonValue prompt = request.value("prompt"_L1);
    if (prompt.isArray() && prompt.toArray().size() == 1)
        return prompt.toArray().first().toString();
    return prompt.toString();
}

} // namespace onegate
