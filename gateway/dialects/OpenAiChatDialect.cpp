#include "OpenAiChatDialect.h"

#include "http/HttpResponses.h"

#include <QJsonDocument>
#include <QJsonParseError>

namespace onegate {

std::variant<ChatEnvelope, ApiError> OpenAiChatDialect::decode(const QByteArray &bytes)
{
    QJsonParseError parseError{};
    const QJsonDocument document = QJsonDocument::fromJson(bytes, &parseError);
    if (!document.isObject()) {
        return ApiError::invalidRequest(
            document.isNull() ? QStringLiteral("We could not parse the JSON body of your request: %1 at offset %2")
                                    .arg(parseError.errorString())
                                    .arg(parseError.offset)
                              : QStringLiteral("The request body must be a JSON object"));
    }
    ChatEnvelope envelope;
    envelope.body = document.object();
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
