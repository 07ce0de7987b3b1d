#include "OpenAiEmbeddingsDialect.h"

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

ApiError fieldError(const QString &param, const QString &message, const QString &code)
{
    ApiError error = ApiError::invalidRequest(message, param);
    error.code = code;
    return error;
}

ApiError invalidType(const QString &param, const QString &expected, const QJsonValue &got)
{
    return fieldError(param, u"Invalid type for '%1': expected %2, but got %3 instead."_s.arg(param, expected, typeOf(got)),
                      u"invalid_type"_s);
}

ApiError invalidValue(const QString &param, const QString &message)
{
    return fieldError(param, message, u"invalid_value"_s);
}

std::optional<ApiError> checkTokens(const QJsonArray &tokens, const QString &param)
{
    if (tokens.isEmpty())
        return invalidValue(param, u"Invalid '%1': empty array. Expected an array with minimum length 1."_s.arg(param));
    for (qsizetype i = 0; i < tokens.size(); ++i) {
        const QJsonValue token = tokens.at(i);
        if (!isInteger(token) || token.toInteger() < 0)
            return invalidType(u"%1[%2]"_s.arg(param).arg(i), u"a non-negative integer (a token)"_s, token);
    }
    return std::nullopt;
}

// One string, strings, one token array or token arrays; never mixed, never empty.
std::optional<ApiError> checkInput(const QJsonValue &input)
{
    const QString expected = u"a string, an array of strings, an array of integers or an array of arrays of integers"_s;
    if (!present(input))
        return fieldError(u"input"_s, u"Missing required parameter: 'input'."_s, u"missing_required_parameter"_s);
    if (input.isString()) {
        if (input.toString().isEmpty())
            return invalidValue(u"input"_s, u"Invalid 'input': empty string. Expected a non-empty string."_s);
        return std::nullopt;
    }
    if (!input.isArray())
        return invalidType(u"input"_s, expected, input);
    const QJsonArray items = input.toArray();
    if (items.isEmpty())
        return invalidValue(u"input"_s, u"Invalid 'input': empty array. Expected an array with minimum length 1."_s);
    if (items.size() > OpenAiEmbeddingsRequestDecoder::kMaxInputs)
        return invalidValue(u"input"_s, u"Invalid 'input': array too long. Expected an array with maximum length %1, but got an array with length %2 instead."_s
                                            .arg(OpenAiEmbeddingsRequestDecoder::kMaxInputs)
                                            .arg(items.size()));
    const QJsonValue first = items.first();
    if (isInteger(first))
        return checkTokens(items, u"input"_s);
    for (qsizetype i = 0; i < items.size(); ++i) {
        const QJsonValue item = items.at(i);
        const QString param = u"input[%1]"_s.arg(i);
        if (first.isString()) {
            if (!item.isString())
                return invalidType(param, u"a string"_s, item);
            if (item.toString().isEmpty())
                return invalidValue(param, u"Invalid '%1': empty string. Expected a non-empty string."_s.arg(param));
        } else if (first.isArray()) {
            if (!item.isArray())
                return invalidType(param, u"an array of integers"_s, item);
            if (auto error = checkTokens(item.toArray(), param))
                return error;
        } else {
            return invalidType(param, u"a string, an integer or an array of integers"_s, item);
        }
    }
    return std::nullopt;
}

} // namespace

std::variant<ChatEnvelope, ApiError> OpenAiEmbeddingsRequestDecoder::decode(const QByteArray &bytes)
{
    const auto object = requestObject(bytes);
    if (const ApiError *error = std::get_if<ApiError>(&object))
        return *error;
    const QJsonObject in = std::get<QJsonObject>(object);
    const QJsonValue model = in.value("model"_L1);
    if (!present(model))
        return fieldError(u"model"_s, u"Missing required parameter: 'model'."_s, u"missing_required_parameter"_s);
    if (!model.isString())
        return invalidType(u"model"_s, u"a string"_s, model);
    if (model.toString().isEmpty())
        return invalidValue(u"model"_s, u"Invalid 'model': empty string."_s);
    if (auto error = checkInput(in.value("input"_L1)))
        return *error;

    const QJsonValue format = in.value("encoding_format"_L1);
    if (present(format)) {
        if (!format.isString())
            return invalidType(u"encoding_format"_s, u"a string"_s, format);
        if (format.toString() != "float"_L1 && format.toString() != "base64"_L1)
            return invalidValue(u"encoding_format"_s, u"Invalid value: '%1'. Supported values are: 'float' and 'base64'."_s.arg(format.toString()));
    }
    const QJsonValue dimensions = in.value("dimensions"_L1);
    if (present(dimensions)) {
        if (!isInteger(dimensions))
            return invalidType(u"dimensions"_s, u"an integer"_s, dimensions);
        if (dimensions.toInteger() < 1)
            return invalidValue(u"dimensions"_s, u"Invalid 'dimensions': integer below minimum value. Expected a value >= 1, but got %1 instead."_s.arg(dimensions.toInteger()));
    }
    const QJsonValue user = in.value("user"_L1);
    if (present(user) && !user.isString())
        return invalidType(u"user"_s, u"a string"_s, user);

    ChatEnvelope envelope;
    envelope.model = model.toString();
    envelope.body = in;  // unknown fields go on to providers that take this API as it is
    return envelope;
}

} // namespace onegate
