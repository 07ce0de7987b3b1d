#pragma once

#include "AnthropicResponse.h"
#include "core/ProviderAdapter.h"
#include "core/SseParser.h"

namespace onegate {

// The anthropic kind's codec for clients that speak the Messages API themselves
// (ProviderAdapter::nativeCodec): passthrough. The client's body goes to
// {base_url}/v1/messages with only `model` rewritten (and a `role: "system"` message,
// which the API refuses unless the client declared the mid-conversation-system beta,
// moved into `system`), so everything OneGate does not model survives (cache_control, thinking blocks and their signatures, server tools,
// context_management...); the client's anthropic-version and anthropic-beta go along.
// Answers, stream events and error bodies come back byte for byte; the codec only reads
// them for usage (cache reads and writes included), for the first content (the relay
// holds a stream's head until then, so a failure before it can fail over) and for the
// end of the stream.
class AnthropicMessagesCodec final : public ChatCodec {
public:
    std::variant<UpstreamRequest, ApiError> chatRequest(const ChatCall &call) const override;
    std::unique_ptr<ChatStreamDecoder> streamDecoder(const ChatCall &call) const override;
    ChatResult decodeChat(const ChatCall &call, const QByteArray &body) const override;
    // An Anthropic error body is relayed as it is (status kept, 529 included); anything
    // else (a proxy's page) is described in Anthropic's shape by the gateway.
    ApiError mapError(int status, const QByteArray &body, const QByteArray &contentType) const override;
};

// A Messages API stream relayed event by event. Each event is written again exactly as
// Anthropic frames it ("event: NAME\ndata: JSON\n\n"); `ping` and unknown events pass
// too. content_block_delta frames are content; message_stop is the terminator; an
// `error` event fails the stream with its body kept for the client; a stream that ends
// without message_stop fails as truncated.
class AnthropicRelayDecoder final : public ChatStreamDecoder {
public:
    void feed(QByteArrayView bytes, ChatStreamSink &sink) override;
    void finish(ChatStreamSink &sink) override;

private:
    void handle(const SseEvent &event, ChatStreamSink &sink);

    SseParser m_parser;
    QList<SseEvent> m_events;
    anthropic::UsageTally m_usage;
    bool m_ended = false;
};

} // namespace onegate
