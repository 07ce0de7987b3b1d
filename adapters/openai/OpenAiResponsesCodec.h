#pragma once

#include "core/ProviderAdapter.h"
#include "core/SseParser.h"

namespace onegate {

// The openai kind's codec for Responses API clients when the provider serves
// /v1/responses itself (`responses: true`): passthrough. The client's body goes to
// {base_url}/responses with only `model` rewritten; answers and stream events come back
// as sent. Events are read only for usage (response.completed / .incomplete), the first
// content (any *.delta event: the relay holds the head until then, so a failure before
// it can fail over) and the end.
class OpenAiResponsesCodec final : public ChatCodec {
public:
    std::variant<UpstreamRequest, ApiError> chatRequest(const ChatCall &call) const override;
    std::unique_ptr<ChatStreamDecoder> streamDecoder(const ChatCall &call) const override;
    ChatResult decodeChat(const ChatCall &call, const QByteArray &body) const override;
    ApiError mapError(int status, const QByteArray &body, const QByteArray &contentType) const override;

    // The Responses usage object as OneGate counts it.
    static TokenUsage usage(const QJsonObject &responsesUsage);
};

// A Responses stream relayed event by event ("event: NAME\ndata: JSON\n\n"). The stream
// ends with response.completed or response.incomplete (the terminator, held by the relay
// until the usage row is durable); response.failed and `error` fail it with the
// provider's message and code; an end without either fails as truncated.
class OpenAiResponsesRelayDecoder final : public ChatStreamDecoder {
public:
    void feed(QByteArrayView bytes, ChatStreamSink &sink) override;
    void finish(ChatStreamSink &sink) override;

private:
    void handle(const SseEvent &event, ChatStreamSink &sink);

    SseParser m_parser;
    QList<SseEvent> m_events;
    bool m_ended = false;
};

} // namespace onegate
