#pragma once

#include "core/ApiError.h"
#include "http/HttpResponses.h"

#include <QByteArray>

class QHttpServerResponder;

namespace onegate {

// Ollama's error shape, {"error": "message"}, for every endpoint of the Ollama surface. A
// provider's own error body is never relayed here: it is another dialect's shape.
QByteArray ollamaErrorBody(const ApiError &error);
// The same object as one NDJSON line, ending a stream.
QByteArray ollamaErrorLine(const ApiError &error);
// How the Ollama surface's decoders word a body that is not JSON (requestObject).
inline QString ollamaUnparsable()
{
    return QStringLiteral("the request body is not valid JSON: %1 at offset %2");
}
void sendOllamaError(QHttpServerResponder &responder, const ApiError &error, const HeaderPairs &headers = {});

} // namespace onegate
