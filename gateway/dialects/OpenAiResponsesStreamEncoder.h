#pragma once

#include "ChatChunkReader.h"
#include "ClientDialect.h"
#include "core/ApiError.h"
#include "core/ProviderAdapter.h"
#include "core/SseParser.h"

#include <QByteArray>
#include <QHash>
#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <memory>

namespace onegate {

// Turns the relay's OpenAI Chat stream (chat.completion.chunk frames, with OneGate's
// `reasoning_content` / `thinking_blocks` extensions) into OpenAI Responses stream
// events, each written as OpenAI does: "event: NAME\ndata: {json}\n\n", the JSON
// carrying `type` (= NAME) and `sequence_number` (0, 1, 2, ... over the whole stream).
//
// Contract (the grammar the openai SDKs' stream helpers and Codex rely on):
// - response.created, then response.in_progress, first and once, with the response
//   (status in_progress, output [], usage null) under the answer's id and created time.
// - Output items one at a time, output_index counting from 0 in the order they start:
//   response.output_item.added (the item in progress), its part and delta events, then
//   response.output_item.done with the complete item exactly as the final response
//   lists it (Codex builds its history from output_item.done alone).
//   - message: content_part.added, output_text.delta (or refusal.delta) with item_id,
//     output_index and content_index, output_text.done (refusal.done) with the whole
//     text, content_part.done; a change between text and refusal starts a new part.
//   - reasoning: the model's raw reasoning, as OpenAI streams gpt-oss's:
//     content_part.added (reasoning_text), response.reasoning_text.delta / .done,
//     content_part.done. A signature ends the item (it goes in encrypted_content);
//     reasoning after it is a new item; a redacted block is an item of its own.
//   - function_call: output_item.added (call_id, name, arguments ""), then
//     function_call_arguments.delta pieces and .done with the whole arguments.
//     Parallel calls are consecutive items; arguments for a call after the next one
//     began cannot be placed and fail the stream (as AnthropicStreamEncoder does).
// - At the end, response.completed (or response.incomplete for a "length" or
//   "content_filter" finish) with the full response, usage included, is handed to
//   Downstream::completed rather than written, so the gateway can hold it back until the
//   usage row is durable. It equals OpenAiResponsesAnswerEncoder::response() of the
//   same answer.
// - A failure ends the stream with one response.failed event (status "failed",
//   error {code, message}, the items done so far), handed to Downstream::failed;
//   nothing is written after it. Codex turns it into an error (retried unless the code
//   says otherwise: context_length_exceeded, insufficient_quota, ...); openai-python
//   yields it as a typed event and its stream helper's get_final_response() raises for
//   want of response.completed. The standalone `error` event is not used: Codex
//   ignores it. failedEvent() renders the same event for a failure the
//   relay notices itself (OpenAiResponsesClient::streamError), continuing the sequence
//   numbers this encoder has sent, through the shared Progress.
// - Frames may be whole or split anywhere; "[DONE]" and non-chunk data are ignored;
//   an OpenAI error chunk ({"error":{...}}) fails the stream.
class OpenAiResponsesStreamEncoder final : public ChatStreamSink {
public:
    struct Options {
        QString model;       // echoed as `model` (the client's name)
        QJsonObject request; // the client's Responses body, for the echoed fields
    };
    // What the client has been sent so far, shared with whoever renders the event that
    // ends the stream when the relay fails it (OpenAiResponsesClient::streamError).
    struct Progress {
        bool started = false;
        QJsonObject shell;    // the response's id, created_at, model and echo
        int nextSequence = 0; // the sequence number of the next event
        QJsonArray doneItems; // every output_item.done so far, in output order
    };
    // write: each event; completed: response.completed / .incomplete; failed:
    // response.failed.
    using Downstream = StreamOutlet;

    OpenAiResponsesStreamEncoder(Options options, Downstream downstream,
                                 std::shared_ptr<Progress> progress = {});

    void streamFrame(const QByteArray &frame, bool content) override;
    void streamUsage(const TokenUsage &usage) override;
    void streamCompleted(const QByteArray &terminator) override;
    void streamFailed(const ApiError &error) override;

    bool started() const { return m_progress->started; }
    bool ended() const { return m_ended; }

    // "event: NAME\ndata: {json}\n\n", compact JSON.
    static QByteArray formatEvent(const QByteArray &name, const QJsonObject &data);
    // The response.failed event that ends a stream which got as far as `progress`
    // (nullptr or not started: a response of its own, sequence number 0). The sequence
    // number is not consumed: nothing follows this event.
    static QByteArray failedEvent(const Options &options, const Progress *progress,
                                  const ApiError &error);

private:
    enum class ItemKind { None, Reasoning, Message, FunctionCall };
    struct Part {
        bool refusal = false;
        QString text;
    };

    void handleChunk(const QJsonObject &chunk);
    void handleDelta(const QJsonObject &delta);
    void handleThinkingBlocks(const QJsonArray &blocks);
    void handleToolCall(const QJsonObject &call);

    void ensureStarted();
    void openItem(ItemKind kind, const QJsonObject &added, bool content);
    void closeItem(bool incomplete = false);
    void openReasoning();
    void reasoningDelta(const QString &text);
    void messageText(const QString &text, bool refusal);
    void closePart();
    QJsonObject itemRef() const; // item_id and output_index of the open item
    void emitEvent(const QByteArray &name, QJsonObject data, bool content);
    void fail(const ApiError &error);

    Options m_options;
    Downstream m_downstream;
    std::shared_ptr<Progress> m_progress;
    ChatChunkReader m_chunks;
    bool m_ended = false;

    QString m_completionId;
    qint64 m_created = 0;
    QString m_tail; // of every id in this response

    // The open item (one at a time).
    ItemKind m_openKind = ItemKind::None;
    int m_openIndex = -1;
    QString m_openId;
    bool m_redacted = false; // reasoning: a redacted block
    bool m_partOpen = false; // message / reasoning: the last part is still open
    QList<Part> m_parts;     // message: its parts; reasoning: one (its text)
    QString m_encrypted;     // reasoning: signature or redacted data
    QString m_callId;        // function call
    QString m_callName;
    QString m_arguments;
    int m_nextOutputIndex = 0;
    int m_reasoningItems = 0;
    int m_messageItems = 0;
    int m_callItems = 0;
    QHash<int, int> m_toolItems; // chat tool call index -> output_index

    QString m_finishReason;
    TokenUsage m_usage;
};

} // namespace onegate
