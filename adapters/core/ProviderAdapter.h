#pragma once

#include "ApiError.h"
#include "ProviderSettings.h"
#include "UpstreamCall.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QJsonObject>
#include <QList>
#include <QPair>
#include <QStringList>
#include <memory>
#include <optional>
#include <variant>

namespace onegate {

struct TokenUsage {
    qint64 prompt = 0;      // all input tokens, cached ones included
    qint64 completion = 0;  // all output tokens, reasoning included
    qint64 cached = 0;      // input tokens read from the provider's cache
    qint64 cacheWrite = 0;  // input tokens written to the provider's cache
    qint64 reasoning = 0;
    bool known = false;     // the provider reported usage at all
};

// One chat completion to send: the client's body (OpenAI Chat dialect) and where to.
struct ChatCall {
    const ProviderSettings *provider = nullptr;
    QByteArray apiKey;      // resolved key for this attempt; may be empty (local servers)
    QString upstreamModel;
    QJsonObject body;       // OpenAI Chat; the adapter rewrites what it must
    bool stream = false;
    bool clientWantsUsage = false;  // stream_options.include_usage was set by the client
    // The dialect the client spoke. When it is not OpenAI Chat, `body` is its translation
    // and `nativeBody` the client's own body, for a provider that speaks that dialect
    // (ProviderAdapter::nativeCodec); `clientHeaders` are the dialect's headers the
    // client sent that such a provider should see (e.g. anthropic-version, -beta).
    WireDialect dialect = WireDialect::OpenAiChat;
    QJsonObject nativeBody;
    QList<QPair<QByteArray, QByteArray>> clientHeaders;
    // Why `body` could not be made from `nativeBody`: such a call can only go native.
    std::optional<ApiError> untranslatable;
};

// Receives a decoded stream in the client's dialect.
class ChatStreamSink {
public:
    virtual ~ChatStreamSink() = default;
    // One complete event, framed and ready to write (e.g. "data: {...}\n\n").
    // `content` is true for frames that carry model output (for time to first token).
    virtual void streamFrame(const QByteArray &frame, bool content) = 0;
    virtual void streamUsage(const TokenUsage &usage) = 0;
    // The stream ended cleanly. `terminator` is the dialect's closing frame (such as
    // "data: [DONE]\n\n"); the gateway holds it back until the usage row is durable.
    virtual void streamCompleted(const QByteArray &terminator) = 0;
    // The stream failed after it began. The error is rendered by the gateway in the
    // client's dialect (or relayed verbatim when upstreamBody is set); no terminator follows.
    virtual void streamFailed(const ApiError &error) = 0;
};

// Turns a provider's streamed body into client events. Fed whatever the transport
// read, split anywhere.
class ChatStreamDecoder {
public:
    virtual ~ChatStreamDecoder() = default;
    virtual void feed(QByteArrayView bytes, ChatStreamSink &sink) = 0;
    // The transport reached the end of the body without error.
    virtual void finish(ChatStreamSink &sink) = 0;
};

struct ChatResult {
    QByteArray body;  // the client's JSON body
    TokenUsage usage;
    std::optional<ApiError> error;
};

struct ModelListResult {
    QStringList models;
    std::optional<ApiError> error;
};

// How one chat call is put to a provider and its answer read back. Codecs are
// stateless and shared by all requests on the gateway thread; per-request state lives in
// the decoders they create.
class ChatCodec {
public:
    virtual ~ChatCodec() = default;

    // The provider request for a chat call, or a 400 when the request cannot be
    // expressed for this provider (e.g. a content type it does not take).
    virtual std::variant<UpstreamRequest, ApiError> chatRequest(const ChatCall &call) const = 0;
    virtual std::unique_ptr<ChatStreamDecoder> streamDecoder(const ChatCall &call) const = 0;
    virtual ChatResult decodeChat(const ChatCall &call, const QByteArray &body) const = 0;
    // An HTTP error answer from the provider, as the client should see it.
    virtual ApiError mapError(int status, const QByteArray &body,
                              const QByteArray &contentType) const = 0;
};

// What every provider kind implements. As a ChatCodec it takes the OpenAI Chat body and
// answers in OpenAI Chat (translating for providers that speak something else).
class ProviderAdapter : public ChatCodec {
public:
    // The codec for a client that speaks `dialect` when this provider speaks it too: the
    // client's body goes up untouched but for the model, and the provider's answer comes
    // back as it was sent (frames, errors and all). nullptr when the provider does not
    // speak it; the call is then translated through the OpenAI Chat body.
    virtual const ChatCodec *nativeCodec(WireDialect dialect, const ProviderSettings &provider) const
    {
        Q_UNUSED(dialect)
        Q_UNUSED(provider)
        return nullptr;
    }

    // The codec for embeddings calls (ChatCall::dialect OpenAiEmbeddings): it takes an
    // OpenAI embeddings request in ChatCall::body and answers in OpenAI's embeddings shape
    // (a list of `embedding` objects, float or base64 as the request's encoding_format,
    // with usage), translating for providers with another embeddings API. Never streamed.
    // nullptr: this kind has no embeddings API.
    virtual const ChatCodec *embeddingsCodec(const ProviderSettings &provider) const
    {
        Q_UNUSED(provider)
        return nullptr;
    }

    virtual UpstreamRequest modelListRequest(const ProviderSettings &provider,
                                             const QByteArray &apiKey) const = 0;
    virtual ModelListResult decodeModelList(const QByteArray &body) const = 0;
};

// Reads an OpenAI-shaped usage object; shared by every adapter that speaks OpenAI JSON.
TokenUsage tokenUsageFromOpenAi(const QJsonObject &usage);

} // namespace onegate
