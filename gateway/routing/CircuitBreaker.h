#pragma once

#include "config/Config.h"

#include <QtGlobal>

namespace onegate {

enum class BreakerState { Closed, Open, HalfOpen };

QString breakerStateName(BreakerState state);

// One circuit breaker (a route's or a provider key's). Closed, it lets every request
// through and counts failures in a row; `failures` of them open it. Open, it refuses
// until its cooldown has passed; then it is half-open and lets exactly one request
// through as a probe. The probe's success closes it (and resets the cooldown); its
// failure opens it again for twice as long, up to the cap. Times are a monotonic clock
// in milliseconds, passed in so tests can drive them.
class CircuitBreaker final {
public:
    explicit CircuitBreaker(const BreakerSettings &settings = {}) : m_settings(settings) {}

    void setSettings(const BreakerSettings &settings);
    BreakerState state(qint64 nowMs) const;
    // Whether a request may use this now. For a half-open breaker that is true until
    // the probe has been taken with acquire().
    bool admits(qint64 nowMs) const;
    // Called when a request starts on it: takes the half-open probe.
    void acquire(qint64 nowMs);
    // A probe that ended with neither success nor failure (the client left): the next
    // request may probe instead.
    void release();
    void recordSuccess();
    void recordFailure(qint64 nowMs);
    qint64 cooldownLeftMs(qint64 nowMs) const;
    int consecutiveFailures() const { return m_consecutiveFailures; }

private:
    void open(qint64 nowMs, qint64 cooldownMs);

    BreakerSettings m_settings;
    bool m_open = false;
    bool m_probeTaken = false;
    int m_consecutiveFailures = 0;
    qint64 m_openedAtMs = 0;
    qint64 m_cooldownMs = 0;
};

} // namespace onegate
