#pragma once

#include "core/ApiError.h"
#include "core/Canonical.h"

#include <QJsonObject>

namespace onegate::anthropic {

// An Anthropic stop_reason in OpenAI's finish_reason vocabulary (NOTES.md section 2).
QString finishReasonFor(const QString &stopReason);

// Anthropic usage counts, merged from every place a stream reports them. Each field
// keeps its largest value: message_delta repeats cumulative totals, never increments,
// so summing would double count (NOTES.md section 5).
class UsageTally final {
public:
    void merge(const QJsonObject &usage);
    bool known() const { return m_known; }
    // prompt = input + cache_creation + cache_read; cached = cache_read;
    // cacheWrite = cache_creation; completion = output (thinking included).
    TokenUsage toTokenUsage() const;

private:
    qint64 m_input = 0;
    qint64 m_cacheCreation = 0;
    qint64 m_cacheRead = 0;
    qint64 m_output = 0;
    qint64 m_thinking = 0;
    bool m_known = false;
};

// A whole Messages API answer (type "message") in canonical form.
canonical::Response decodeMessage(const QJsonObject &message);

// An Anthropic error object ({type, message}) as the client should see it (NOTES.md
// section 6). `httpStatus` is what the provider answered (0 inside a stream);
// a non-empty `requestId` is appended to the message so support requests can quote it.
ApiError errorFromAnthropic(int httpStatus, const QJsonObject &error, const QString &requestId);

} // namespace onegate::anthropic
