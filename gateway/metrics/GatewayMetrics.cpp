#include "GatewayMetrics.h"

#include "core/ProviderAdapter.h"

#include <algorithm>

using namespace Qt::StringLiterals;

namespace onegate {

namespace {

// A function, not a global: a GatewayMetrics built during static initialisation elsewhere
// must not see it unconstructed.
QStringList modelProvider()
{
    return {u"model"_s, u"provider"_s};
}

} // namespace

const QList<double> &GatewayMetrics::latencyBuckets()
{
    // Seconds, roughly x2-x2.5 apart, from what the gateway answers itself to what a
    // provider may take:
    //   0.005-0.05  answers that never wait on a model: cache hits, refusals (400-404),
    //               an upstream that fails fast (connection refused, 401, 429);
    //   0.1-1       time to first token of small and local models;
    //   2.5-30      typical whole completions, and first tokens of loaded providers;
    //   60-600      long generations and reasoning models; 120 s is the default stream
    //               idle timeout and 600 s the default total timeout of a non-stream
    //               exchange (TransportPolicy), so failures at those limits land in
    //               their own bucket rather than in +Inf.
    // Both histograms share them so latency and time to first token can be compared
    // bucket by bucket.
    static const QList<double> buckets = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1,  2.5,
                                          5,     10,   20,    30,   60,  120,  300, 600};
    return buckets;
}

GatewayMetrics::GatewayMetrics()
    : m_requests(
          m_registry.counter(u"onegate_requests_total"_s,
                             u"Client requests answered, by model, provider and HTTP status."_s,
                             {u"model"_s, u"provider"_s, u"status"_s}))
    , m_duration(m_registry.histogram(
          u"onegate_request_duration_seconds"_s,
          u"Time from receiving a client request to its last byte, in seconds."_s, modelProvider(),
          latencyBuckets()))
    , m_firstToken(m_registry.histogram(
          u"onegate_time_to_first_token_seconds"_s,
          u"Time from receiving a client request to its first content byte, in seconds."_s,
          modelProvider(), latencyBuckets()))
    , m_tokens(m_registry.counter(u"onegate_tokens_total"_s,
                                  u"Tokens reported by providers, by model, provider and kind "
                                  u"(prompt includes cached, completion includes reasoning)."_s,
                                  {u"model"_s, u"provider"_s, u"kind"_s}))
    , m_upstreamErrors(m_registry.counter(u"onegate_upstream_errors_total"_s,
                                          u"Failed upstream attempts, by provider and reason."_s,
                                          {u"provider"_s, u"reason"_s}))
    , m_retries(m_registry.counter(u"onegate_retries_total"_s,
                                   u"Upstream attempts retried on the same provider."_s,
                                   {u"provider"_s}))
    , m_failovers(m_registry.counter(u"onegate_failovers_total"_s,
                                     u"Requests moved on to another provider, by the provider "
                                     u"given up on."_s,
                                     {u"provider"_s}))
    , m_cacheHits(m_registry.counter(u"onegate_cache_hits_total"_s,
                                     u"Requests answered from the response cache, by model."_s,
                                     {u"model"_s}))
    , m_cacheMisses(m_registry.counter(u"onegate_cache_misses_total"_s,
                                       u"Cacheable requests not found in the response cache, "
                                       u"by model."_s,
                                       {u"model"_s}))
    , m_openBreakers(m_registry.gauge(u"onegate_open_circuit_breakers"_s,
                                      u"Circuit breakers currently open."_s))
    , m_streamsInFlight(m_registry.gauge(u"onegate_streams_in_flight"_s,
                                         u"Streaming responses currently being relayed."_s))
{
}

void GatewayMetrics::requestFinished(const QString &model, const QString &provider, int status,
                                     double latencySeconds, double ttfbSeconds)
{
    m_requests.inc({model, provider, QString::number(status)});
    // A negative or NaN latency would be a clock fault, not a fast request: counted as a
    // request, kept out of the histogram.
    if (latencySeconds >= 0)
        m_duration.observe({model, provider}, latencySeconds);
    if (ttfbSeconds >= 0)
        m_firstToken.observe({model, provider}, ttfbSeconds);
}

void GatewayMetrics::tokens(const QString &model, const QString &provider, const TokenUsage &usage)
{
    if (!usage.known)
        return;
    // Every kind, zeros included, so a dashboard's sum over kinds never has gaps.
    const auto add = [&](const QString &kind, qint64 count) {
        m_tokens.inc({model, provider, kind}, static_cast<double>(std::max<qint64>(count, 0)));
    };
    add(u"prompt"_s, usage.prompt);
    add(u"completion"_s, usage.completion);
    add(u"cached"_s, usage.cached);
    add(u"reasoning"_s, usage.reasoning);
}

void GatewayMetrics::upstreamError(const QString &provider, const QString &reason)
{
    m_upstreamErrors.inc({provider, reason});
}

void GatewayMetrics::retry(const QString &provider)
{
    m_retries.inc({provider});
}

void GatewayMetrics::failover(const QString &fromProvider)
{
    m_failovers.inc({fromProvider});
}

void GatewayMetrics::cacheHit(const QString &model)
{
    m_cacheHits.inc({model});
}

void GatewayMetrics::cacheMiss(const QString &model)
{
    m_cacheMisses.inc({model});
}

void GatewayMetrics::setOpenBreakers(int count)
{
    m_openBreakers.set({}, std::max(count, 0));
}

void GatewayMetrics::streamStarted()
{
    m_streamsInFlight.add({}, 1);
}

void GatewayMetrics::streamEnded()
{
    if (m_streamsInFlight.value({}) >= 1)
        m_streamsInFlight.add({}, -1);
}

} // namespace onegate
