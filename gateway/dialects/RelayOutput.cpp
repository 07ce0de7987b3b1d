#include "RelayOutput.h"

#include <QJsonArray>
#include <QJsonObject>

namespace onegate::relayOutput {

ApiError notACompletion(const QString &message)
{
    return ApiError::make(502, QStringLiteral("upstream_error"), QStringLiteral("bad_upstream_response"), message,
                          true);
}

QString textOf(const QJsonValue &content)
{
    if (content.isString())
        return content.toString();
    QString text;
    for (const QJsonValue &part : content.toArray()) {
        const QJsonObject object = part.toObject();
        if (object.value(QLatin1String("type")).toString() == QLatin1String("text"))
            text += object.value(QLatin1String("text")).toString();
    }
    return text;
}

} // namespace onegate::relayOutput
