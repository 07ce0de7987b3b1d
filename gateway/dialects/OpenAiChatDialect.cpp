#include "OpenAiChatDialect.h"

#include "http/HttpResponses.h"
#include "RequestBody.h"

#include <QJsonDocument>
#include <QJsonParseError>

namespace onegate {

std::variant<ChatEnvelope, ApiError> OpenAiChatDialect::decode(const QByteArray &bytes)
{
    auto object = requestObject(bytes);
    if (ApiError *error = std::get_if<ApiError>(&object))
        return *error;
    ChatEnvelope envelope;
    envelope.body = std::get<QJsonObject>(std::move(object));
    const QJsonValue model = envelope.body.value(QLatin1String("model"));
    envelope.model = model.toString();
    if (!model.isString() || envelope.model.isEmpty())
        return ApiError::invalidRequest(QStringLiteral("'model' must be a non-empty string"), QStringLiteral("model"));
    if (!envelope.body.value(QLatin1String("messages")).isArray())
        return ApiError::invalidRequest(QStringLiteral("'messages' must be an array of messages"), QStringLiteral("messages"));
    const QJsonValue stream = envelope.body.value(QLatin1String("stream"));
    if (!stream.isUndefined() && !stream.isNull() && !stream.isBool())
        return ApiError::invalidRequest(QStringLiteral("'stream' must be a boolean"), QStringLiteral("stream"));
    envelope.stream = stream.toBool(false);
    envelope.includeUsage = envelope.body.value(QLatin1String("stream_options"))
                                .toObject()
                                .value(QLatin1String("include_usage"))
                                .toBool(false);
    return envelope;
}

QByteArray OpenAiChatDialect::errorBody(const ApiError &error)
{
    return openAiErrorBody(error);
}

} // namespace onegate
