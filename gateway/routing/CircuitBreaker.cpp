#include "CircuitBreaker.h"

#include <algorithm>

namespace onegate {

QString breakerStateName(BreakerState state)
{
    switch (state) {
    case BreakerState::Closed: return QStringLiteral("closed");
    case BreakerState::Open: return QStringLiteral("open");
    case BreakerState::HalfOpen: return QStringLiteral("half_open");
    }
    return {};
}

void CircuitBreaker::setSettings(const BreakerSettings &settings)
{
    m_settings = settings;
    if (m_open)
        m_cooldownMs = std::clamp<qint64>(m_cooldownMs, settings.cooldownMs, settings.maxCooldownMs);
}

BreakerState CircuitBreaker::state(qint64 nowMs) const
{
    if (!m_open)
        return BreakerState::Closed;
    return nowMs - m_openedAtMs >= m_cooldownMs ? BreakerState::HalfOpen : BreakerState::Open;
}

bool CircuitBreaker::admits(qint64 nowMs) const
{
    switch (state(nowMs)) {
    case BreakerState::Closed: return true;
    case BreakerState::Open: return false;
    case BreakerState::HalfOpen: return !m_probeTaken;
    }
    return false;
}

void CircuitBreaker::acquire(qint64 nowMs)
{
    if (state(nowMs) == BreakerState::HalfOpen)
        m_probeTaken = true;
}

void CircuitBreaker::release()
{
    m_probeTaken = false;
}

void CircuitBreaker::recordSuccess()
{
    m_open = false;
    m_probeTaken = false;
    m_consecutiveFailures = 0;
    m_cooldownMs = 0;
}

void CircuitBreaker::recordFailure(qint64 nowMs)
{
    ++m_consecutiveFailures;
    if (m_open) {
        // Only a probe's failure counts while open; a request that started before the
        // breaker opened and fails late must not extend the cooldown.
        if (m_probeTaken)
            open(nowMs, std::min<qint64>(m_cooldownMs * 2, m_settings.maxCooldownMs));
        return;
    }
    if (m_consecutiveFailures >= m_settings.failures)
        open(nowMs, m_settings.cooldownMs);
}

qint64 CircuitBreaker::cooldownLeftMs(qint64 nowMs) const
{
    if (!m_open)
        return 0;
    return std::max<qint64>(0, m_openedAtMs + m_cooldownMs - nowMs);
}

void CircuitBreaker::open(qint64 nowMs, qint64 cooldownMs)
{
    m_open = true;
    m_probeTaken = false;
    m_openedAtMs = nowMs;
    m_cooldownMs = std::max<qint64>(1, cooldownMs);
}

} // namespace onegate
