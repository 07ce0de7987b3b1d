#pragma once

#include "core/NdjsonParser.h"
#include "core/ProviderAdapter.h"
#include "openai/OpenAiStreamEncoder.h"

namespace onegate {

// Translates an Ollama /api/chat NDJSON stream into OpenAI chat.completion.chunk events.
// Each line is one object: content and thinking deltas, whole tool calls (one
// ToolCallStart with all the arguments), and a last object with "done": true, the
// done_reason and the token counts, which completes the stream. A line {"error": ...}
// fails it; so does garbage, an oversized line, or an end without the done object.
class OllamaStreamDecoder final : public ChatStreamDecoder {
public:
    OllamaStreamDecoder(QString fallbackModel, bool clientWantsUsage);
    void feed(QByteArrayView bytes, ChatStreamSink &sink) override;
    void finish(ChatStreamSink &sink) override;

private:
    void handleLine(const QByteArray &line, ChatStreamSink &sink);
    void fail(const ApiError &error, ChatStreamSink &sink);

    NdjsonParser m_parser;
    QList<QByteArray> m_lines;
    OpenAiStreamEncoder m_encoder;
    bool m_started = false;
    int m_toolCalls = 0;
    bool m_ended = false;
};

} // namespace onegate
