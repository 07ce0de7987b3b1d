#pragma once

#include "core/ApiError.h"
#include "core/ProviderAdapter.h"
#include "http/HttpResponses.h"

#include <QByteArray>
#include <functional>
#include <memory>
#include <variant>

class QHttpServerResponder;

namespace onegate {

// Where a translated stream goes: the relay's own framing of the client's response.
struct StreamOutlet {
    // One complete event; `content` marks model output (time to first token, and the
    // end of failover: the response head is held until the first content).
    std::function<void(const QByteArray &event, bool content)> write;
    // The dialect's closing event, to write once the usage row is durable.
    std::function<void(const QByteArray &terminator)> completed;
    // The event that ends a failed stream (already formatted) and the error it renders.
    std::function<void(const QByteArray &errorEvent, const ApiError &error)> failed;
};

// The client's side of an exchange: how what the relay produces is shown to a client
// of one inbound dialect. The relay speaks OpenAI Chat (every adapter answers in it);
// a dialect re-expresses those answers, streams and errors in its own wire shape. A
// provider that speaks the client's dialect itself (UpstreamAttempt::native) bypasses
// the translation, but errors are still rendered here. One object per request.
class ClientDialect {
public:
    virtual ~ClientDialect() = default;

    virtual WireDialect wire() const = 0;
    // A translator for one attempt's OpenAI Chat stream (or a cached replay), writing to
    // `outlet`. nullptr: the client takes OpenAI Chat frames as they are.
    virtual std::unique_ptr<ChatStreamSink> streamTranslator(StreamOutlet outlet) const = 0;
    // A whole OpenAI chat.completion body in this dialect (a 502 when it is not one).
    virtual std::variant<QByteArray, ApiError> answer(const QByteArray &completion) const = 0;
    // An error answer when nothing was written yet. A provider's own error body is
    // relayed only to a client of the provider's dialect.
    virtual void sendError(QHttpServerResponder &responder, const ApiError &error,
                           const HeaderPairs &headers = {}) const = 0;
    // The event that ends a stream with `error`; nothing follows it.
    virtual QByteArray streamError(const ApiError &error) const = 0;
    // An event that keeps a silent stream open (Anthropic's `ping`); empty: none.
    virtual QByteArray keepAlive() const { return {}; }
    // A provider's own frame (a native attempt's) just went to the client, for a dialect
    // whose stream error must continue what the client saw (Responses: sequence numbers,
    // the response id).
    virtual void nativeFrameSent(const QByteArray &frame) const { Q_UNUSED(frame) }
    // The Content-Type of this dialect's streams (Ollama's are NDJSON).
    virtual QByteArray streamContentType() const { return QByteArrayLiteral("text/event-stream"); }
};

// OpenAI Chat Completions: the relay's own shape.
class OpenAiChatClient final : public ClientDialect {
public:
    WireDialect wire() const override { return WireDialect::OpenAiChat; }
    std::unique_ptr<ChatStreamSink> streamTranslator(StreamOutlet) const override { return nullptr; }
    std::variant<QByteArray, ApiError> answer(const QByteArray &completion) const override { return completion; }
    void sendError(QHttpServerResponder &responder, const ApiError &error, const HeaderPairs &headers = {}) const override;
    QByteArray streamError(const ApiError &error) const override;
};

} // namespace onegate
