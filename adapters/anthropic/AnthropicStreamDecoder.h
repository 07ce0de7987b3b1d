#pragma once

#include "AnthropicResponse.h"
#include "core/ProviderAdapter.h"
#include "core/SseParser.h"
#include "openai/OpenAiStreamEncoder.h"

#include <QHash>

namespace onegate {

// Translates a Messages API stream (event: lines, JSON data) into OpenAI chunks through
// an OpenAiStreamEncoder: message_start -> start and usage; content blocks -> text,
// reasoning (with signatures, redacted blocks) and tool call events, tool calls
// numbered among tool blocks only; message_delta -> finish and usage; message_stop ->
// the end. `ping` and unknown events are skipped; `event: error`, undecodable data and
// a stream that stops early become a failure.
class AnthropicStreamDecoder final : public ChatStreamDecoder {
public:
    AnthropicStreamDecoder(QString fallbackModel, bool clientWantsUsage);
    void feed(QByteArrayView bytes, ChatStreamSink &sink) override;
    void finish(ChatStreamSink &sink) override;

private:
    enum class BlockKind { Text, Thinking, ToolUse, Other };
    struct Block {
        BlockKind kind = BlockKind::Other;
        int toolIndex = -1;
        bool sentArguments = false;
        QString initialInput; // tool_use input given whole at block start (not "{}")
    };

    void handle(const SseEvent &event, ChatStreamSink &sink);
    void onMessageStart(const QJsonObject &data, ChatStreamSink &sink);
    void onBlockStart(const QJsonObject &data, ChatStreamSink &sink);
    void onBlockDelta(const QJsonObject &data, ChatStreamSink &sink);
    void onBlockStop(const QJsonObject &data, ChatStreamSink &sink);
    void onMessageDelta(const QJsonObject &data, ChatStreamSink &sink);
    void sendUsage(ChatStreamSink &sink);
    void send(canonical::StreamEvent::Kind kind, ChatStreamSink &sink, const QString &text = {});
    void fail(const ApiError &error, ChatStreamSink &sink);

    SseParser m_parser;
    QList<SseEvent> m_events;
    OpenAiStreamEncoder m_encoder;
    QHash<int, Block> m_blocks; // by Anthropic content-block index
    int m_nextToolIndex = 0;
    anthropic::UsageTally m_usage;
    bool m_sawStopReason = false;
    bool m_ended = false;
};

} // namespace onegate
