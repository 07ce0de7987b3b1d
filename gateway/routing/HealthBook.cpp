#include "HealthBook.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <algorithm>

namespace onegate {

namespace {

BreakerSettings keyBreakerSettings(const BreakerSettings &route)
{
    // A rejected key is not flaky, it is wrong (or revoked) until someone fixes it:
    // the first rejection opens its breaker.
    BreakerSettings key = route;
    key.failures = 1;
    return key;
}

} // namespace

MonotonicClock steadyClock()
{
    return [] {
        static const QElapsedTimer started = [] {
            QElapsedTimer timer;
            timer.start();
            return timer;
        }();
        return started.elapsed();
    };
}

HealthBook::HealthBook(const BreakerSettings &settings, MonotonicClock clock)
    : m_settings(settings)
    , m_keySettings(keyBreakerSettings(settings))
    , m_clock(std::move(clock))
{
}

void HealthBook::setSettings(const BreakerSettings &settings)
{
    m_settings = settings;
    m_keySettings = keyBreakerSettings(settings);
    for (RouteState &state : m_routes)
        state.breaker.setSettings(m_settings);
    for (CircuitBreaker &breaker : m_keys)
        breaker.setSettings(m_keySettings);
}

QString HealthBook::routeId(const QString &provider, const QString &model)
{
    // Provider ids are identifiers; a newline can never be part of one.
    return provider + QLatin1Char('\n') + model;
}

QString HealthBook::keyId(const QString &provider, int index)
{
    return provider + QLatin1Char('\n') + QString::number(index);
}

HealthBook::RouteState &HealthBook::routeState(const QString &provider, const QString &model)
{
    auto it = m_routes.find(routeId(provider, model));
    if (it == m_routes.end()) {
        RouteState fresh{RouteHealth{}, CircuitBreaker(m_settings)};
        fresh.view.provider = provider;
        fresh.view.model = model;
        it = m_routes.insert(routeId(provider, model), fresh);
    }
    return *it;
}

CircuitBreaker &HealthBook::keyBreaker(const QString &provider, int index)
{
    auto it = m_keys.find(keyId(provider, index));
    if (it == m_keys.end())
        it = m_keys.insert(keyId(provider, index), CircuitBreaker(m_keySettings));
    return *it;
}

bool HealthBook::routeAdmits(const QString &provider, const QString &model) const
{
    const auto it = m_routes.constFind(routeId(provider, model));
    return it == m_routes.cend() || it->breaker.admits(now());
}

void HealthBook::routeStarted(const QString &provider, const QString &model)
{
    RouteState &state = routeState(provider, model);
    state.breaker.acquire(now());
    ++state.view.inFlight;
    ++m_providerInFlight[provider];
}

void HealthBook::attemptEnded(RouteState &state)
{
    // Results recorded without a start (tests, a reload that forgot the provider) must
    // not drive the counts below zero.
    if (state.view.inFlight <= 0)
        return;
    --state.view.inFlight;
    int &provider = m_providerInFlight[state.view.provider];
    provider = std::max(0, provider - 1);
}

int HealthBook::routeInFlight(const QString &provider, const QString &model) const
{
    const auto it = m_routes.constFind(routeId(provider, model));
    return it == m_routes.cend() ? 0 : it->view.inFlight;
}

int HealthBook::providerInFlight(const QString &provider) const
{
    return m_providerInFlight.value(provider);
}

void HealthBook::routeSucceeded(const QString &provider, const QString &model, qint64 ttfbMs)
{
    RouteState &state = routeState(provider, model);
    RouteHealth &view = state.view;
    if (ttfbMs >= 0)
        view.ttfbMs = view.ttfbMs < 0 ? double(ttfbMs) : view.ttfbMs + kAlpha * (double(ttfbMs) - view.ttfbMs);
    view.successRate += kAlpha * (1.0 - view.successRate);
    ++view.successes;
    state.breaker.recordSuccess();
    attemptEnded(state);
}

void HealthBook::routeFailed(const QString &provider, const QString &model, const QString &error)
{
    RouteState &state = routeState(provider, model);
    RouteHealth &view = state.view;
    view.successRate += kAlpha * (0.0 - view.successRate);
    ++view.failures;
    view.lastError = error;
    view.lastErrorAtMs = QDateTime::currentMSecsSinceEpoch();
    state.breaker.recordFailure(now());
    attemptEnded(state);
}

void HealthBook::routeAbandoned(const QString &provider, const QString &model)
{
    RouteState &state = routeState(provider, model);
    state.breaker.release();
    attemptEnded(state);
}

RouteHealth HealthBook::route(const QString &provider, const QString &model) const
{
    const auto it = m_routes.constFind(routeId(provider, model));
    if (it == m_routes.cend()) {
        RouteHealth fresh;
        fresh.provider = provider;
        fresh.model = model;
        return fresh;
    }
    RouteHealth view = it->view;
    view.state = it->breaker.state(now());
    view.consecutiveFailures = it->breaker.consecutiveFailures();
    view.cooldownLeftMs = it->breaker.cooldownLeftMs(now());
    return view;
}

QList<RouteHealth> HealthBook::routes() const
{
    QList<RouteHealth> all;
    all.reserve(m_routes.size());
    for (const RouteState &state : m_routes)
        all.append(route(state.view.provider, state.view.model));
    std::sort(all.begin(), all.end(), [](const RouteHealth &a, const RouteHealth &b) {
        return std::tie(a.provider, a.model) < std::tie(b.provider, b.model);
    });
    return all;
}

bool HealthBook::keyAdmits(const QString &provider, int index) const
{
    const auto it = m_keys.constFind(keyId(provider, index));
    return it == m_keys.cend() || it->admits(now());
}

void HealthBook::keyStarted(const QString &provider, int index)
{
    keyBreaker(provider, index).acquire(now());
}

void HealthBook::keySucceeded(const QString &provider, int index)
{
    keyBreaker(provider, index).recordSuccess();
}

void HealthBook::keyRejected(const QString &provider, int index)
{
    keyBreaker(provider, index).recordFailure(now());
}

void HealthBook::keyAbandoned(const QString &provider, int index)
{
    const auto it = m_keys.find(keyId(provider, index));
    if (it != m_keys.end())
        it->release();
}

qint64 HealthBook::keyCooldownLeftMs(const QString &provider, int index) const
{
    const auto it = m_keys.constFind(keyId(provider, index));
    return it == m_keys.cend() ? 0 : it->cooldownLeftMs(now());
}

HealthSnapshot HealthBook::snapshot() const
{
    HealthSnapshot snapshot;
    snapshot.routes = routes();
    for (auto it = m_keys.cbegin(); it != m_keys.cend(); ++it) {
        const qint64 left = it->cooldownLeftMs(now());
        if (it->admits(now()) && left == 0)
            continue;
        const qsizetype split = it.key().lastIndexOf(QLatin1Char('\n'));
        snapshot.coolingKeys.append(KeyHealth{it.key().left(split), it.key().mid(split + 1).toInt(), left});
    }
    std::sort(snapshot.coolingKeys.begin(), snapshot.coolingKeys.end(), [](const KeyHealth &a, const KeyHealth &b) {
        return std::tie(a.provider, a.index) < std::tie(b.provider, b.index);
    });
    return snapshot;
}

int HealthBook::openBreakers() const
{
    int open = 0;
    for (const RouteState &state : m_routes)
        open += state.breaker.state(now()) != BreakerState::Closed;
    return open;
}

void HealthBook::forgetProvider(const QString &provider)
{
    const QString prefix = provider + QLatin1Char('\n');
    m_routes.removeIf([&prefix](const auto &entry) { return entry.key().startsWith(prefix); });
    m_keys.removeIf([&prefix](const auto &entry) { return entry.key().startsWith(prefix); });
    m_providerInFlight.remove(provider);
}

} // namespace onegate
