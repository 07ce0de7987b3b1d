#pragma once

#include "ChatChunkReader.h"
#include "ClientDialect.h"
#include "core/ApiError.h"
#include "core/ProviderAdapter.h"
#include "core/SseParser.h"

#include <QByteArray>
#include <QList>
#include <QString>

namespace onegate {

// Turns the relay's OpenAI Chat stream (chat.completion.chunk frames) into the legacy
// Completions stream: "data: {json}\n\n" text_completion chunks, as OpenAI sends them.
//
// Contract:
// - Every chunk is {id, object:"text_completion", created, model, choices:[{text,
//   index:0, logprobs:null, finish_reason}]}, with one id ("cmpl-" and the chat id's
//   tail) and created time for the whole stream, and `model` the client's name.
// - A content delta is one chunk (content = true); the finish reason comes in a chunk
//   of its own with text "" (or on the content chunk that carries it). Role-only,
//   reasoning and tool call deltas are dropped: autocomplete wants text.
// - `echo`: the prompt is prepended to the first chunk's text.
// - With includeUsage, one last chunk with choices [] and usage {prompt_tokens,
//   completion_tokens, total_tokens} is written before the end.
// - The end, "data: [DONE]\n\n", is handed to StreamOutlet::completed; a failure (an
//   OpenAI error chunk, or streamFailed) hands OpenAiChatClient's error event to
//   StreamOutlet::failed. Nothing is written after either.
// - Frames may be whole or split anywhere; "[DONE]" and non-chunk data are ignored.
class OpenAiCompletionsStreamEncoder final : public ChatStreamSink {
public:
    struct Options {
        QString model;        // echoed as `model` (the client's name)
        QString echo;         // prepended to the answer; empty: no echo
        bool includeUsage = false;
    };

    OpenAiCompletionsStreamEncoder(Options options, StreamOutlet outlet);

    void streamFrame(const QByteArray &frame, bool content) override;
    void streamUsage(const TokenUsage &usage) override;
    void streamCompleted(const QByteArray &terminator) override;
    void streamFailed(const ApiError &error) override;

    bool ended() const { return m_ended; }

private:
    void handleChunk(const QJsonObject &chunk);
    void writeChoice(const QString &text, const QString &finishReason);
    void write(const QJsonObject &chunk, bool content);
    void fail(const ApiError &error);

    Options m_options;
    StreamOutlet m_outlet;
    ChatChunkReader m_chunks;
    bool m_ended = false;
    bool m_echoPending = false;
    QString m_id;
    qint64 m_created = 0;
    QString m_fallbackId; // of a chunk without choices, for a stream that has none
    qint64 m_fallbackCreated = 0;
    TokenUsage m_usage;
};

} // namespace onegate
