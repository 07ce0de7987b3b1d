#pragma once

#include "core/ApiError.h"

#include <QByteArray>
#include <QList>
#include <QPair>

class QHttpServerResponder;

namespace onegate {

using HeaderPairs = QList<QPair<QByteArray, QByteArray>>;

// {"error":{"message","type","param","code"}} as OpenAI clients parse it.
QByteArray openAiErrorBody(const ApiError &error);

// The one place an error becomes HTTP: a provider's own error body is relayed with its
// status; anything else is rendered in OpenAI shape.
void sendError(QHttpServerResponder &responder, const ApiError &error,
               const HeaderPairs &extraHeaders = {});

void sendResponse(QHttpServerResponder &responder, int status, const QByteArray &contentType,
                  const QByteArray &body, const HeaderPairs &extraHeaders = {});

// Frames one piece of a Transfer-Encoding: chunked body.
QByteArray httpChunk(const QByteArray &data);
inline constexpr char kLastChunk[] = "0\r\n\r\n";

} // namespace onegate
