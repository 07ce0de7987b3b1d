#include "RequestBody.h"

#include <QJsonDocument>
#include <QJsonParseError>

namespace onegate {

std::variant<QJsonObject, ApiError> requestObject(const QByteArray &bytes, const QString &unparsable)
{
    QJsonParseError parseError{};
    const QJsonDocument document = QJsonDocument::fromJson(bytes, &parseError);
    if (document.isNull())
        return ApiError::invalidRequest(unparsable.arg(parseError.errorString()).arg(parseError.offset));
    if (!document.isObject())
        return ApiError::invalidRequest(QStringLiteral("The request body must be a JSON object"));
    return document.object();
}

} // namespace onegate
