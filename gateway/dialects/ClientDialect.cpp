#include "ClientDialect.h"

namespace onegate {

void OpenAiChatClient::sendError(QHttpServerResponder &responder, const ApiError &error,
                                 const HeaderPairs &headers) const
{
    onegate::sendError(responder, error, headers);
}

QByteArray OpenAiChatClient::streamError(const ApiError &error) const
{
    // OpenAI SDKs raise on a data event that carries "error"; no [DONE] follows.
    const bool relayed = !error.upstreamBody.isEmpty() && error.upstreamDialect == WireDialect::OpenAiChat;
    return "data: " + (relayed ? error.upstreamBody : openAiErrorBody(error)) + "\n\n";
}

} // namespace onegate
