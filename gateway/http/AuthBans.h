#pragma once

#include "core/ApiError.h"
#include "routing/HealthBook.h"

#include <QHash>
#include <QString>
#include <optional>

namespace onegate {

// Guessing keys from one client address gets slow: kFailures wrong or missing keys
// within kWindowMs ban the address for kFirstBanMs, each further ban twice as long (up to
// kMaxBanMs). A banned address gets 429 with Retry-After before its key is even looked at.
// A right key ends the count (not a ban that is running); an address clean for
// kForgetMs starts over. Bans are reported once each (the caller logs them).
class AuthBans final {
public:
    static constexpr int kFailures = 10;
    static constexpr qint64 kWindowMs = 60'000;
    static constexpr qint64 kFirstBanMs = 30'000;
    static constexpr qint64 kMaxBanMs = 3'600'000;
    static constexpr qint64 kForgetMs = 24 * 3'600'000LL;

    explicit AuthBans(MonotonicClock clock = steadyClock());

    // The 429 for an address banned now, with its Retry-After in seconds.
    std::optional<ApiError> refusal(const QString &address, qint64 *retryAfterSeconds) const;
    // A request from `address` failed auth; true when this failure starts a ban (to log).
    bool failed(const QString &address);
    void succeeded(const QString &address);
    // Whether any address has failed at all: the common case costs no address lookup.
    bool tracking() const { return !m_records.isEmpty(); }

    void setClock(MonotonicClock clock) { m_clock = std::move(clock); }

private:
    struct Record {
        int failures = 0;
        qint64 firstFailureMs = 0;
        qint64 bannedUntilMs = 0;
        qint64 lastBanMs = 0;  // length of the last ban, 0 before any
        qint64 lastSeenMs = 0;
    };
    void forgetOld(qint64 now);

    MonotonicClock m_clock;
    QHash<QString, Record> m_records;
};

} // namespace onegate
