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

// An error in the OpenAI shape: a provider's own OpenAI error body is relayed with its
// status; anything else is rendered. (Other dialects: ClientDialect::sendError.)
void sendError(QHttpServerResponder &responder, const ApiError &error,
               const HeaderPairs &extraHeaders = {});

void sendResponse(QHttpServerResponder &responder, int status, const QByteArray &contentType,
                  const QByteArray &body, const HeaderPairs &extraHeaders = {});

// Frames one piece of a Transfer-Encoding: chunked body.
QByteArray httpChunk(const QByteArray &data);
inline constexpr char kLastChunk[] = "0\r\n\r\n";

} // namespace onegate
