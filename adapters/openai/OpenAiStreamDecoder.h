#pragma once

#include "core/ProviderAdapter.h"
#include "core/SseParser.h"

namespace onegate {

// Relays an OpenAI Chat stream event by event. Reads usage from whichever chunk carries
// it, drops the usage-only chunk the gateway asked for on the client's behalf, and turns
// an in-stream {"error":...} or a stream cut short into a failure.
class OpenAiStreamDecoder final : public ChatStreamDecoder {
public:
    explicit OpenAiStreamDecoder(bool clientWantsUsage);
    void feed(QByteArrayView bytes, ChatStreamSink &sink) override;
    void finish(ChatStreamSink &sink) override;

private:
    void handle(const SseEvent &event, ChatStreamSink &sink);

    SseParser m_parser;
    QList<SseEvent> m_events;
    bool m_clientWantsUsage;
    bool m_sawFinishReason = false;
    bool m_ended = false;
};

} // namespace onegate
