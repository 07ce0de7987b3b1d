#pragma once

#include "CircuitBreaker.h"

#include <QHash>
#include <QList>
#include <QString>
#include <functional>

namespace onegate {

// Milliseconds on a monotonic clock; tests pass their own.
using MonotonicClock = std::function<qint64()>;
MonotonicClock steadyClock();

// What the health endpoint and the desktop app show of one route.
struct RouteHealth {
    QString provider;
    QString model;  // the upstream model id
    BreakerState state = BreakerState::Closed;
    double ttfbMs = -1;        // EWMA of time to first byte; -1 before the first success
    double successRate = 1.0;  // EWMA of success (1) and failure (0)
    int consecutiveFailures = 0;
    qint64 cooldownLeftMs = 0;
    QString lastError;
    qint64 lastErrorAtMs = 0;  // wall clock, ms since the epoch; 0 when none
    quint64 successes = 0;
    quint64 failures = 0;
    int inFlight = 0;  // attempts running on it now
};

// A provider key the router is not using because the provider rejected it.
struct KeyHealth {
    QString provider;
    int index = 0;  // place in the provider's api_key list
    qint64 cooldownLeftMs = 0;
};

// Everything the health endpoint and the desktop app show, taken at one moment.
struct HealthSnapshot {
    QList<RouteHealth> routes;
    QList<KeyHealth> coolingKeys;
};

// What the router has learned about each route (provider + upstream model) and each
// provider key, kept on the gateway thread across requests and config reloads: the
// EWMAs the balancing weighs by, and a circuit breaker per route and per key.
//
// EWMA: value' = value + alpha * (sample - value) with alpha = 0.3, so about the last
// ten requests count. Time to first byte is sampled on success only; success on every
// finished attempt (1 or 0).
class HealthBook final {
public:
    static constexpr double kAlpha = 0.3;

    explicit HealthBook(const BreakerSettings &settings = {}, MonotonicClock clock = steadyClock());

    void setSettings(const BreakerSettings &settings);
    qint64 now() const { return m_clock(); }

    bool routeAdmits(const QString &provider, const QString &model) const;
    // Every started attempt ends in exactly one of routeSucceeded, routeFailed or
    // routeAbandoned, which is how in-flight counts (max_concurrency) stay right.
    void routeStarted(const QString &provider, const QString &model);
    int routeInFlight(const QString &provider, const QString &model) const;
    int providerInFlight(const QString &provider) const;
    void routeSucceeded(const QString &provider, const QString &model, qint64 ttfbMs);
    void routeFailed(const QString &provider, const QString &model, const QString &error);
    // The attempt ended without a verdict (the client left): frees a half-open probe.
    void routeAbandoned(const QString &provider, const QString &model);
    RouteHealth route(const QString &provider, const QString &model) const;
    QList<RouteHealth> routes() const;

    // Keys are numbered by their place in the provider's api_key list. A key the
    // provider rejected (401, 403) is cooled down by its breaker, which opens at once.
    bool keyAdmits(const QString &provider, int index) const;
    void keyStarted(const QString &provider, int index);
    void keySucceeded(const QString &provider, int index);
    void keyRejected(const QString &provider, int index);
    // The call ended with no verdict on the key (a 429, a 5xx, a transport failure, the
    // client left): a half-open probe it held is freed, or the key would stay untried.
    void keyAbandoned(const QString &provider, int index);
    qint64 keyCooldownLeftMs(const QString &provider, int index) const;

    HealthSnapshot snapshot() const;
    int openBreakers() const;

    // A provider whose settings changed (new keys, new URL) starts afresh.
    void forgetProvider(const QString &provider);

private:
    struct RouteState {
        RouteHealth view;
        CircuitBreaker breaker;
    };
    static QString routeId(const QString &provider, const QString &model);
    static QString keyId(const QString &provider, int index);
    RouteState &routeState(const QString &provider, const QString &model);
    void attemptEnded(RouteState &state);
    CircuitBreaker &keyBreaker(const QString &provider, int index);

    BreakerSettings m_settings;
    BreakerSettings m_keySettings;
    MonotonicClock m_clock;
    QHash<QString, RouteState> m_routes;
    QHash<QString, CircuitBreaker> m_keys;
    QHash<QString, int> m_providerInFlight;
};

} // namespace onegate
