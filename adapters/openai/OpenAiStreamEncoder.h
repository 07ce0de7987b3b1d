#pragma once

#include "core/Canonical.h"

#include <QSet>

namespace onegate {

// Turns canonical stream events into OpenAI chat.completion.chunk frames in the order
// strict clients need: a role chunk first; each tool call's id and name before any of
// its argument deltas; the finish chunk; the usage chunk (choices: []) only when the
// client asked for it; then [DONE] as the terminator. Every chunk carries the same id,
// created and model.
class OpenAiStreamEncoder final {
public:
    OpenAiStreamEncoder(QString fallbackModel, bool includeUsage);

    void event(const canonical::StreamEvent &event, ChatStreamSink &sink);
    // The provider finished normally: finish chunk if none was sent, usage if asked,
    // then the [DONE] terminator.
    void complete(ChatStreamSink &sink);

    bool hasFinished() const { return !m_finishReason.isEmpty(); }

private:
    void ensureStarted(ChatStreamSink &sink);
    void emitDelta(const QJsonObject &delta, ChatStreamSink &sink, bool content,
                   const QString &finishReason = {});
    QByteArray frame(const QJsonObject &chunk) const;

    QString m_id;
    QString m_model;
    qint64 m_created = 0;
    bool m_includeUsage;
    bool m_started = false;
    QString m_finishReason;
    TokenUsage m_usage;
    QSet<int> m_openToolCalls;
};

} // namespace onegate
