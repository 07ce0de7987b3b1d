#pragma once

#include "ChatChunkReader.h"
#include "ClientDialect.h"
#include "core/ApiError.h"
#include "core/ProviderAdapter.h"

#include <QByteArray>
#include <QJsonObject>
#include <QMap>
#include <QString>
#include <functional>
#include <memory>

namespace onegate {

// The Ollama API's client side for chat (/api/chat and /api/generate on the
// Ollama-compatible surface): the relay's OpenAI Chat answers and streams as Ollama's
// objects (OllamaStreamEncoder for streams). Errors are Ollama's {"error": message}
// (OllamaErrors.h), with the ApiError's status; a provider's own error body is never
// relayed, since no provider answers in this dialect. No keep-alive event: Ollama has none.
//
// Contract (both modes):
// - Every object has `model` (the client's name) and `created_at`, the time it was made
//   as Ollama writes it (RFC 3339, UTC, nanoseconds without trailing zeros).
// - Chat: the answer is `message` {role "assistant", content, thinking?, tool_calls?};
//   tool calls are [{function: {name, arguments: <object>}}] (arguments that are no JSON
//   object become {}). Generate: `response` and `thinking?`; tool calls are dropped
//   (/api/generate has no tools).
// - The finished object has done true, done_reason ("length" when the output limit cut
//   it, otherwise "stop", tool calls included), the token counts (prompt_eval_count,
//   eval_count from the relay's usage, 0 when it had none) and the durations in
//   nanoseconds: total_duration since the request began; for a stream, load_duration is
//   the time before the answering attempt began (routing, failed attempts),
//   prompt_eval_duration from then to the first output and eval_duration the rest; a
//   whole answer cannot be split, so it is all eval_duration.
class OllamaChatClient final : public ClientDialect {
public:
    enum class Mode { Chat, Generate };

    // Where the times come from; empty functions read the real clocks (a monotonic timer
    // started when the client is made, the system clock).
    struct Clock {
        std::function<qint64()> elapsedNs; // monotonic, since the request began
        std::function<qint64()> epochNs;   // wall clock, nanoseconds since the epoch
    };

    // `model`: the client's own model name, echoed in every object.
    OllamaChatClient(Mode mode, QString model, Clock clock = {});

    WireDialect wire() const override { return WireDialect::OllamaApi; }
    std::unique_ptr<ChatStreamSink> streamTranslator(StreamOutlet outlet) const override;
    std::variant<QByteArray, ApiError> answer(const QByteArray &completion) const override;
    void sendError(QHttpServerResponder &responder, const ApiError &error,
                   const HeaderPairs &headers = {}) const override;
    QByteArray streamError(const ApiError &error) const override;
    QByteArray streamContentType() const override { return QByteArrayLiteral("application/x-ndjson"); }

    Mode mode() const { return m_mode; }
    const QString &model() const { return m_model; }
    const Clock &clock() const { return m_clock; }

    // Go's RFC 3339 with nanoseconds, as Ollama writes created_at: "2024-07-22T20:33:28.123648Z".
    static QString timestamp(qint64 epochNs);
    // Ollama's done_reason for an OpenAI finish_reason: "length" stays, the rest is "stop".
    static QString doneReason(const QString &finishReason);

private:
    Mode m_mode;
    QString m_model;
    Clock m_clock;
};

// Turns the relay's OpenAI Chat stream (chat.completion.chunk frames, with OneGate's
// `reasoning_content` extension, or vLLM's `reasoning`) into Ollama's NDJSON stream: one
// compact JSON object per line, ending "\n".
//
// Contract:
// - A content or reasoning delta is one line with done false (content = true): chat
//   {"message":{"role":"assistant","content":<delta>,"thinking"?:<delta>}}, generate
//   {"response":<delta>,"thinking"?:<delta>}. A refusal is content. Role-only and empty
//   deltas write nothing.
// - Tool calls (chat only) are sent whole: argument pieces are gathered per call index and
//   one line carries every call of the answer when its finish reason comes (or at the end
//   of a stream that had none), with content "".
// - The finished object (see OllamaChatClient) is handed to StreamOutlet::completed, not
//   written: the relay holds it until the usage row is stored. A failure (an OpenAI error
//   chunk, or streamFailed) hands the {"error": message} line to StreamOutlet::failed.
//   Nothing is written after either.
// - Frames may be whole or split anywhere; "[DONE]" and non-chunk data are ignored.
class OllamaStreamEncoder final : public ChatStreamSink {
public:
    // The mode, model and clock are copied from `client`, which need not outlive the encoder.
    OllamaStreamEncoder(const OllamaChatClient &client, StreamOutlet outlet);

    void streamFrame(const QByteArray &frame, bool content) override;
    void streamUsage(const TokenUsage &usage) override;
    void streamCompleted(const QByteArray &terminator) override;
    void streamFailed(const ApiError &error) override;

    bool ended() const { return m_ended; }

private:
    struct PendingCall {
        QString name;
        QString arguments;
    };

    void handleChunk(const QJsonObject &chunk);
    void handleToolCall(const QJsonObject &call);
    void flushToolCalls();
    void writeLine(QJsonObject object);
    void fail(const ApiError &error);

    OllamaChatClient::Mode m_mode;
    QString m_model;
    OllamaChatClient::Clock m_clock;
    StreamOutlet m_outlet;
    ChatChunkReader m_chunks;
    bool m_ended = false;
    qint64 m_attemptStartNs = 0;
    qint64 m_firstOutputNs = -1;
    QString m_finishReason;
    TokenUsage m_usage;
    QMap<int, PendingCall> m_calls; // by OpenAI tool call index
    int m_lastCallIndex = -1;
};

} // namespace onegate
