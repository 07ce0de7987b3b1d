#pragma once

#include "CacheEntry.h"
#include "core/ProviderAdapter.h"
#include "core/SseParser.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QMap>
#include <QString>
#include <optional>

namespace onegate {

// Reassembles an OpenAI Chat stream (the chat.completion.chunk frames a client is sent)
// into the chat.completion a non-stream client would have got, so an answer that
// arrived as a stream can be cached and served either way.
//
// It is a ChatStreamSink so the gateway can hand it the same calls it makes on its own
// sink (frames, usage, completion, failure); feed() takes raw SSE bytes split anywhere.
// entry() gives an entry only for a stream that ended normally: a finish_reason was
// seen, then [DONE] (or streamCompleted()), with no error chunk, no streamFailed(), no
// half event and nothing it does not understand (non-JSON data, a second choice).
// Everything else is not cached: a wrong answer served from the cache is worse than a
// miss.
class StreamCapture final : public ChatStreamSink {
public:
    // Stops capturing (and gives no entry) after this many bytes: an answer that large
    // would not fit in the cache anyway. <= 0: no limit.
    explicit StreamCapture(qint64 maxBytes = 0);

    void feed(QByteArrayView sse);

    void streamFrame(const QByteArray &frame, bool content) override;
    // Usage the gateway saw but the client may not have (the hidden usage chunk).
    void streamUsage(const TokenUsage &usage) override;
    void streamCompleted(const QByteArray &terminator) override;
    void streamFailed(const ApiError &error) override;

    std::optional<CacheEntry> entry() const;

private:
    struct ToolCallParts {
        QString id;
        QString name;
        QString arguments;
        QJsonValue extraContent; // Gemini's thought signature rides here
    };

    void handle(const SseEvent &event);
    void handleChunk(const QJsonObject &chunk);
    void handleDelta(const QJsonObject &delta);

    SseParser m_parser;
    QList<SseEvent> m_events;
    qint64 m_maxBytes;
    qint64 m_bytes = 0;
    bool m_unusable = false; // failed, errored, too large or not understood
    bool m_done = false;

    QString m_id;
    QString m_model;
    qint64 m_created = 0;
    QString m_systemFingerprint;
    QString m_role;
    // Every string field of the deltas, concatenated by name: content, reasoning_content,
    // refusal and whatever a compatible server adds (e.g. vLLM's `reasoning`).
    QMap<QString, QString> m_text;
    QJsonArray m_thinkingBlocks;
    QMap<int, ToolCallParts> m_toolCalls; // by the stream's tool call index
    QString m_finishReason;
    QJsonObject m_usageObject; // the provider's own usage object, kept verbatim
    TokenUsage m_usage;
};

} // namespace onegate
