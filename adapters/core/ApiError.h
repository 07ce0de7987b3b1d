#pragma once

#include <QByteArray>
#include <QString>

namespace onegate {

// The API dialects OneGate speaks with clients, and with providers that speak them too.
// The wire dialects OneGate speaks. OpenAiEmbeddings is not a chat dialect: its calls go
// through each adapter's embeddingsCodec(). OllamaApi is the Ollama-compatible surface's
// clients (/api/chat, /api/generate, /api/embed): no provider is reached natively in it.
enum class WireDialect { OpenAiChat, AnthropicMessages, OpenAiResponses, OpenAiCompletions, OpenAiEmbeddings, OllamaApi };

// An error as a client will see it: the HTTP status plus the OpenAI error fields.
// When `upstreamBody` is set the error came from a provider speaking the client's own
// dialect and is relayed byte for byte with `status`; otherwise the gateway renders
// the fields in the inbound dialect's error shape.
struct ApiError {
    int status = 500;
    QString type = QStringLiteral("server_error");
    QString code;    // empty renders as null
    QString message;
    QString param;   // empty renders as null
    bool retryable = false;
    QByteArray upstreamBody;
    QByteArray upstreamContentType;
    // The dialect `upstreamBody` is written in: relayed only to a client of that dialect;
    // any other client gets the fields rendered in its own shape.
    WireDialect upstreamDialect = WireDialect::OpenAiChat;

    static ApiError invalidRequest(const QString &message, const QString &param = {})
    {
        return {400, QStringLiteral("invalid_request_error"), {}, message, param, false, {}, {}, WireDialect::OpenAiChat};
    }
    static ApiError make(int status, const QString &type, const QString &code,
                         const QString &message, bool retryable = false)
    {
        return {status, type, code, message, {}, retryable, {}, {}, WireDialect::OpenAiChat};
    }
};

} // namespace onegate
