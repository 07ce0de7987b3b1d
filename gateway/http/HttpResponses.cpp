#include "HttpResponses.h"

#include <QHttpServerResponder>
#include <QJsonDocument>
#include <QJsonObject>

namespace onegate {

QByteArray openAiErrorBody(const ApiError &error)
{
    auto orNull = [](const QString &value) {
        return value.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(value);
    };
    const QJsonObject inner{
        {QLatin1String("message"), error.message},
        {QLatin1String("type"), orNull(error.type)},
        {QLatin1String("param"), orNull(error.param)},
        {QLatin1String("code"), orNull(error.code)},
    };
    return QJsonDocument(QJsonObject{{QLatin1String("error"), inner}}).toJson(QJsonDocument::Compact);
}

void sendResponse(QHttpServerResponder &responder, int status, const QByteArray &contentType,
                  const QByteArray &body, const HeaderPairs &extraHeaders)
{
    responder.writeStatusLine(QHttpServerResponder::StatusCode(status));
    if (!contentType.isEmpty())
        responder.writeHeader(QByteArrayLiteral("Content-Type"), contentType);
    for (const auto &[name, value] : extraHeaders)
        responder.writeHeader(name, value);
    // RFC 9110 section 8.6: no Content-Length on a 204 (a CORS preflight's answer).
    if (status != 204)
        responder.writeHeader(QByteArrayLiteral("Content-Length"), QByteArray::number(body.size()));
    responder.writeBody(body);
}

void sendError(QHttpServerResponder &responder, const ApiError &error,
               const HeaderPairs &extraHeaders)
{
    if (!error.upstreamBody.isEmpty() && error.upstreamDialect == WireDialect::OpenAiChat) {
        sendResponse(responder, error.status, error.upstreamContentType, error.upstreamBody,
                     extraHeaders);
        return;
    }
    sendResponse(responder, error.status, QByteArrayLiteral("application/json"),
                 openAiErrorBody(error), extraHeaders);
}

QByteArray httpChunk(const QByteArray &data)
{
    return QByteArray::number(data.size(), 16) + "\r\n" + data + "\r\n";
}

} // namespace onegate
