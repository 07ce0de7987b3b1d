#pragma once

#include "ChatChunkReader.h"
#include "core/ApiError.h"
#include "core/ProviderAdapter.h"
#include "core/SseParser.h"
#include "ClientDialect.h"

#include <QByteArray>
#include <QHash>
#include <QJsonObject>
#include <QString>
#include <functional>
#include <optional>

namespace onegate {

// Turns the relay's OpenAI Chat stream (chat.completion.chunk frames, with OneGate's
// `reasoning_content` / `thinking_blocks` extensions) into Anthropic Messages stream
// events, each written as Anthropic does: "event: NAME\ndata: {json}\n\n".
//
// Contract (the grammar the Anthropic SDKs check):
// - message_start comes first, once, with the message id, the client's model and the
//   usage known by then. OpenAI streams report usage only at the end, so input_tokens
//   is Options::inputTokens (a caller's estimate, 0 when it has none) unless usage
//   arrived first; the final counts go in message_delta, which the SDKs merge.
// - Every content block is opened by content_block_start (text, thinking, tool_use with
//   its id, name and input {}, redacted_thinking with its data) before any delta keyed
//   by its index, and closed by content_block_stop when another block starts or the
//   message ends. One block is open at a time; parallel tool calls become consecutive
//   tool_use blocks.
// - At the end: message_delta (stop_reason, stop_sequence, cumulative usage), then
//   message_stop, which is handed to Downstream::completed rather than written so the
//   gateway can hold it back until the usage row is durable (as it does with [DONE]).
// - streamFailed() ends the stream with one `error` event (Anthropic's error shape),
//   handed to Downstream::failed; nothing is written after it. `started()` says whether
//   any event went out, i.e. whether an HTTP error answer is still possible.
// - Frames may be whole or split anywhere; "[DONE]" and non-chunk data are ignored.
class AnthropicStreamEncoder final : public ChatStreamSink {
public:
    struct Options {
        QString model;               // echoed in message_start (the client's name)
        qint64 inputTokens = 0;      // estimate for message_start; 0 when unknown
        QString matchedStopSequence; // see AnthropicAnswerEncoder::message
    };
    // write: each event; completed: message_stop; failed: the error event.
    using Downstream = StreamOutlet;

    AnthropicStreamEncoder(Options options, Downstream downstream);

    void streamFrame(const QByteArray &frame, bool content) override;
    void streamUsage(const TokenUsage &usage) override;
    void streamCompleted(const QByteArray &terminator) override;
    void streamFailed(const ApiError &error) override;

    // A keep-alive `ping` event for long waits (after message_start; ignored otherwise).
    void ping();

    bool started() const { return m_started; }
    bool ended() const { return m_ended; }

    // "event: NAME\ndata: {json}\n\n", compact JSON.
    static QByteArray formatEvent(const QByteArray &name, const QJsonObject &data);

private:
    enum class BlockKind { None, Text, Thinking, ToolUse, Redacted };

    void handleChunk(const QJsonObject &chunk);
    void handleDelta(const QJsonObject &delta);
    void handleThinkingBlocks(const QJsonArray &blocks);
    void handleToolCall(const QJsonObject &call);

    void ensureStarted();
    void openBlock(BlockKind kind, const QJsonObject &contentBlock);
    void closeBlock();
    void blockDelta(const QJsonObject &delta);
    void emitEvent(const QByteArray &name, const QJsonObject &data, bool content);
    void fail(const ApiError &error);

    Options m_options;
    Downstream m_downstream;
    ChatChunkReader m_chunks;

    bool m_started = false;
    bool m_ended = false;
    QString m_completionId;
    int m_nextBlockIndex = 0;
    int m_openIndex = -1; // index of the open block, -1 when none
    BlockKind m_openKind = BlockKind::None;
    bool m_openThinkingSigned = false; // a signature closed the open thinking block
    bool m_openThinkingHasText = false;
    QHash<int, int> m_toolBlocks; // OpenAI tool call index -> Anthropic block index
    bool m_sawToolCall = false;
    QString m_finishReason;
    TokenUsage m_usage;
};

} // namespace onegate
