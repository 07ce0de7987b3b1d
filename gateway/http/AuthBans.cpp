#include "AuthBans.h"

#include <algorithm>

namespace onegate {

AuthBans::AuthBans(MonotonicClock clock)
    : m_clock(std::move(clock))
{
}

std::optional<ApiError> AuthBans::refusal(const QString &address, qint64 *retryAfterSeconds) const
{
    if (m_records.isEmpty())
        return std::nullopt;
    const auto it = m_records.constFind(address);
    if (it == m_records.cend())
        return std::nullopt;
    const qint64 left = it->bannedUntilMs - m_clock();
    if (left <= 0)
        return std::nullopt;
    const qint64 seconds = (left + 999) / 1000;
    if (retryAfterSeconds)
        *retryAfterSeconds = seconds;
    ApiError error = ApiError::make(429, QStringLiteral("rate_limit_error"), QStringLiteral("too_many_auth_failures"),
                                    QStringLiteral("Too many requests with a wrong or missing access key came from %1; "
                                                   "try again in %2 s with a valid key.")
                                        .arg(address)
                                        .arg(seconds));
    return error;
}

bool AuthBans::failed(const QString &address)
{
    const qint64 now = m_clock();
    forgetOld(now);
    Record &record = m_records[address];
    record.lastSeenMs = now;
    if (record.failures == 0 || now - record.firstFailureMs > kWindowMs) {
        record.failures = 0;
        record.firstFailureMs = now;
    }
    if (++record.failures < kFailures)
        return false;
    record.failures = 0;
    record.lastBanMs = record.lastBanMs == 0 ? kFirstBanMs : std::min(record.lastBanMs * 2, kMaxBanMs);
    record.bannedUntilMs = now + record.lastBanMs;
    return true;
}

void AuthBans::succeeded(const QString &address)
{
    if (m_records.isEmpty())
        return;
    const auto it = m_records.find(address);
    if (it != m_records.end())
        it->failures = 0;
}

void AuthBans::forgetOld(qint64 now)
{
    // Bounded memory whatever the number of addresses: clean ones are forgotten.
    if (m_records.size() < 1024)
        return;
    m_records.removeIf([now](const QHash<QString, Record>::iterator it) {
        return now - it->lastSeenMs > kForgetMs || (now > it->bannedUntilMs && now - it->lastSeenMs > kWindowMs);
    });
}

} // namespace onegate
