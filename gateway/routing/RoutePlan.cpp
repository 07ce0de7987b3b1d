#include "RoutePlan.h"

#include "ProviderRuntime.h"
#include "RetryTiming.h"
#include "metrics/GatewayMetrics.h"

#include <algorithm>

namespace onegate {

namespace {
// A request whose every route is full looks again this often, for at most this long
// (and never past the router's max_total_ms).
constexpr qint64 kCapacityPollMs = 25;
constexpr qint64 kMaxCapacityWaitMs = 30'000;
} // namespace

FailureClass classifyFailure(const AttemptResult &result)
{
    switch (result.transport) {
    case UpstreamFailure::None:
        break;
    case UpstreamFailure::Network:
    case UpstreamFailure::ConnectTimeout:
        // Nothing reached the provider, or it reset the connection: safe to try again.
        return FailureClass::Retryable;
    case UpstreamFailure::IdleTimeout:
    case UpstreamFailure::TotalTimeout:
        // The provider had the request and may be generating (and billing) it.
        return FailureClass::OtherRoute;
    case UpstreamFailure::Redirect:
    case UpstreamFailure::Aborted:
        return FailureClass::Final;
    }
    switch (result.upstreamStatus) {
    case 401:
    case 403:
        return FailureClass::KeyRejected;
    case 408:
    case 429:
    case 500:
    case 502:
    case 503:
    case 529:
        return FailureClass::Retryable;
    case 504:
        return FailureClass::OtherRoute;
    default:
        break;
    }
    if (result.upstreamStatus >= 200 && result.upstreamStatus < 300)
        return FailureClass::Retryable;  // a 200 whose stream or body broke before content
    return FailureClass::Final;
}

RoutePlan::RoutePlan(QList<RouteTarget> ordered, QHash<QString, std::shared_ptr<ProviderRuntime>> providers,
                     HealthBook &health, const RouterSettings &settings, QRandomGenerator &random,
                     GatewayMetrics *metrics)
    : m_providers(std::move(providers))
    , m_health(health)
    , m_settings(settings)
    , m_random(random)
    , m_metrics(metrics)
    , m_startedMs(health.now())
{
    for (RouteTarget &target : ordered)
        m_queue.append(Candidate{std::move(target), 0, 0});
}

RoutePlan::Step RoutePlan::fail(const ApiError &error) const
{
    Step step;
    step.giveUp = error;
    step.retryAfterMs = m_lastRetryAfterMs;
    return step;
}

RoutePlan::Step RoutePlan::place()
{
    const qint64 now = m_health.now();
    std::optional<qint64> soonestCooldown;
    std::optional<ApiError> skipped;
    bool anyFull = false;
    for (qsizetype i = 0; i < m_queue.size(); ++i) {
        Candidate &candidate = m_queue[i];
        const RouteTarget &target = candidate.target;
        const QString &providerId = target.provider->id;
        const std::shared_ptr<ProviderRuntime> provider = m_providers.value(providerId);
        if (!provider || !provider->adapter()) {
            skipped = ApiError::make(501, QStringLiteral("not_implemented_error"),
                                     QStringLiteral("provider_kind_not_supported"),
                                     QStringLiteral("Provider '%1' is of kind '%2', which this OneGate build cannot call yet")
                                         .arg(providerId, providerKindName(target.provider->kind)));
            m_queue.removeAt(i--);
            continue;
        }
        const bool routeFull = target.maxConcurrency > 0
            && m_health.routeInFlight(providerId, target.upstreamModel) >= target.maxConcurrency;
        const bool providerFull = target.provider->maxConcurrency > 0
            && m_health.providerInFlight(providerId) >= target.provider->maxConcurrency;
        if (routeFull || providerFull) {
            anyFull = true;
            continue;
        }
        if (!m_health.routeAdmits(providerId, target.upstreamModel)) {
            const qint64 left = m_health.route(providerId, target.upstreamModel).cooldownLeftMs;
            soonestCooldown = std::min(soonestCooldown.value_or(left), left);
            continue;
        }
        QString keyProblem;
        const auto key = provider->nextKey(
            [this, &providerId](int index) { return m_health.keyAdmits(providerId, index); }, &keyProblem);
        if (!key) {
            skipped = ApiError::make(503, QStringLiteral("server_error"), QStringLiteral("provider_key_unavailable"),
                                     QStringLiteral("Provider '%1' has no usable API key: %2").arg(providerId, keyProblem),
                                     true);
            m_queue.removeAt(i--);
            continue;
        }
        // Found the next route. A retry of a route already tried waits its turn.
        const qint64 delay = std::max<qint64>(0, candidate.notBeforeMs - now);
        if (m_attempts >= m_settings.maxAttempts || now + delay - m_startedMs > m_settings.maxTotalMs)
            break;
        Step step;
        Attempt attempt;
        attempt.target = target;
        attempt.provider = provider;
        attempt.apiKey = key->value;
        attempt.keyIndex = key->index;
        attempt.number = ++m_attempts;
        ++candidate.tries;
        m_health.routeStarted(providerId, target.upstreamModel);
        if (key->index >= 0)
            m_health.keyStarted(providerId, key->index);
        // Taken off the queue; next() puts it back when it may be tried again.
        m_queue.removeAt(i);
        m_queue.prepend(candidate);  // kept at the front while it runs: next() knows it
        step.attempt = std::move(attempt);
        step.delayMs = delay;
        return step;
    }
    if (anyFull && m_attempts < m_settings.maxAttempts) {
        // Every route that could serve is busy: wait for a slot, within bounds.
        const qint64 budget = std::min<qint64>(m_settings.maxTotalMs, kMaxCapacityWaitMs);
        if (now + kCapacityPollMs - m_startedMs <= budget) {
            Step step;
            step.waitForCapacity = true;
            step.delayMs = kCapacityPollMs;
            return step;
        }
        if (!m_lastError) {
            Step step = fail(ApiError::make(
                503, QStringLiteral("server_error"), QStringLiteral("routes_busy"),
                QStringLiteral("Every route for this model is at its max_concurrency; try again shortly"), true));
            step.retryAfterMs = 1000;
            return step;
        }
    }
    if (m_lastError)
        return fail(*m_lastError);
    if (soonestCooldown) {
        Step step = fail(ApiError::make(
            503, QStringLiteral("server_error"), QStringLiteral("routes_cooling_down"),
            QStringLiteral("Every route for this model failed recently and is cooling down; try again shortly"),
            true));
        step.retryAfterMs = *soonestCooldown;
        return step;
    }
    if (skipped)
        return fail(*skipped);
    return fail(ApiError::make(503, QStringLiteral("server_error"), QStringLiteral("no_route"),
                               QStringLiteral("No route could serve this request"), true));
}

FailureClass RoutePlan::record(const Attempt &finished, const AttemptResult &result)
{
    const QString &providerId = finished.target.provider->id;
    const QString &model = finished.target.upstreamModel;
    if (result.success) {
        m_health.routeSucceeded(providerId, model, result.firstByteMs);
        if (finished.keyIndex >= 0)
            m_health.keySucceeded(providerId, finished.keyIndex);
        return FailureClass::Final;
    }
    const FailureClass failure = classifyFailure(result);
    if (m_metrics) {
        const QString reason = result.error.code.isEmpty()
            ? (result.upstreamStatus ? QString::number(result.upstreamStatus) : QStringLiteral("transport"))
            : result.error.code;
        m_metrics->upstreamError(providerId, reason);
    }
    switch (failure) {
    case FailureClass::Final:
        // The provider answered properly; the request was at fault. The route is fine.
        m_health.routeSucceeded(providerId, model, -1);
        if (finished.keyIndex >= 0)
            m_health.keySucceeded(providerId, finished.keyIndex);
        break;
    case FailureClass::KeyRejected:
        // Not the route's fault: only the key cools down.
        m_health.routeAbandoned(providerId, model);
        if (finished.keyIndex >= 0)
            m_health.keyRejected(providerId, finished.keyIndex);
        break;
    case FailureClass::OtherRoute:
    case FailureClass::Retryable:
        m_health.routeFailed(providerId, model, result.error.message);
        if (finished.keyIndex >= 0)
            m_health.keyAbandoned(providerId, finished.keyIndex);
        break;
    }
    return failure;
}

void RoutePlan::finish(const Attempt &finished, const AttemptResult &result)
{
    record(finished, result);
    m_queue.clear();
}

RoutePlan::Step RoutePlan::next(const Attempt &finished, const AttemptResult &result)
{
    Step step = decide(finished, result);
    if (m_metrics && step.attempt) {
        // Another call of the same route is a retry; one of another route a failover.
        const bool sameRoute = step.attempt->target.provider == finished.target.provider
            && step.attempt->target.upstreamModel == finished.target.upstreamModel;
        if (sameRoute)
            m_metrics->retry(finished.target.provider->id);
        else
            m_metrics->failover(finished.target.provider->id);
    }
    return step;
}

RoutePlan::Step RoutePlan::decide(const Attempt &finished, const AttemptResult &result)
{
    // place() left the running candidate at the front of the queue.
    Candidate running = m_queue.isEmpty() ? Candidate{finished.target, 0, 1} : m_queue.takeFirst();
    m_lastError = result.error;
    m_lastRetryAfterMs = result.retryAfterMs;
    switch (record(finished, result)) {
    case FailureClass::Final:
        return fail(result.error);
    case FailureClass::KeyRejected:
        // The same route may go on with another key, before any other route.
        if (finished.keyIndex >= 0) {
            running.notBeforeMs = 0;
            m_queue.prepend(running);
        }
        return place();
    case FailureClass::OtherRoute:
        return place();
    case FailureClass::Retryable:
        break;
    }
    // Retryable: behind every other route, after the provider's Retry-After when it is
    // short enough to wait for, else after the backoff. A longer Retry-After rules the
    // route out for this request.
    if (result.retryAfterMs && *result.retryAfterMs > m_settings.retryAfterMaxMs)
        return place();
    const qint64 wait = result.retryAfterMs ? *result.retryAfterMs : backoffMs(running.tries, m_random);
    running.notBeforeMs = m_health.now() + wait;
    m_queue.append(running);
    return place();
}

void RoutePlan::abandon(const Attempt *running)
{
    if (running) {
        m_health.routeAbandoned(running->target.provider->id, running->target.upstreamModel);
        if (running->keyIndex >= 0)
            m_health.keyAbandoned(running->target.provider->id, running->keyIndex);
    }
    m_queue.clear();
}

} // namespace onegate
