#include "OllamaErrors.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace onegate {

QByteArray ollamaErrorBody(const ApiError &error)
{
    return QJsonDocument(QJsonObject{{QLatin1String("error"), error.message}}).toJson(QJsonDocument::Compact);
}

QByteArray ollamaErrorLine(const ApiError &error)
{
    return ollamaErrorBody(error) + '\n';
}

void sendOllamaError(QHttpServerResponder &responder, const ApiError &error, const HeaderPairs &headers)
{
    sendResponse(responder, error.status, QByteArrayLiteral("application/json; charset=utf-8"), ollamaErrorBody(error),
                 headers);
}

} // namespace onegate
