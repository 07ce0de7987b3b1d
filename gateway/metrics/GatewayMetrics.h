#pragma once

#include "MetricRegistry.h"

#include <QByteArray>
#include <QList>
#include <QString>

namespace onegate {

struct TokenUsage;

// What the gateway counts for `GET /metrics`, under names a Prometheus user expects:
//
//   onegate_requests_total{model,provider,status}                counter
//   onegate_request_duration_seconds{model,provider}             histogram
//   onegate_time_to_first_token_seconds{model,provider}          histogram
//   onegate_tokens_total{model,provider,kind}                    counter
//       kind = prompt | completion | cached | reasoning
//   onegate_upstream_errors_total{provider,reason}               counter
//   onegate_retries_total{provider}                              counter
//   onegate_failovers_total{provider}                            counter (provider given up)
//   onegate_cache_hits_total{model}                              counter
//   onegate_cache_misses_total{model}                            counter
//   onegate_open_circuit_breakers                                gauge
//   onegate_streams_in_flight                                    gauge
//
// `model` is the id the client asked for, `provider` the provider id from the config
// (empty when the request never reached one, e.g. an unknown model); label values are
// free text and escaped on output. Callers should pass bounded sets (configured ids,
// fixed reason words), never request content: each distinct value is a new series.
// Lives on the gateway thread, like everything it counts; no locking.
class GatewayMetrics final {
public:
    GatewayMetrics();
    Q_DISABLE_COPY_MOVE(GatewayMetrics)

    // Upper bounds, in seconds, of both latency histograms (see the .cpp for why).
    static const QList<double> &latencyBuckets();

    // One client request answered with `status` after `latencySeconds` (receipt to last
    // byte). `ttfbSeconds` is the time to the first content byte, negative when there was
    // none (an error, or a non-stream answer where it means nothing).
    void requestFinished(const QString &model, const QString &provider, int status,
                         double latencySeconds, double ttfbSeconds);
    // Adds a request's token usage; usage a provider did not report (`known` false)
    // adds nothing rather than zeros that would look measured.
    void tokens(const QString &model, const QString &provider, const TokenUsage &usage);
    // One failed upstream attempt; `reason` is a short fixed word (timeout, status_429...).
    void upstreamError(const QString &provider, const QString &reason);
    void retry(const QString &provider);
    void failover(const QString &fromProvider);
    void cacheHit(const QString &model);
    void cacheMiss(const QString &model);
    void setOpenBreakers(int count);
    void streamStarted();
    // Never takes the gauge below zero, so one unmatched end cannot skew it for good.
    void streamEnded();

    // The text exposition (serve with kPrometheusContentType).
    QByteArray render() const { return m_registry.render(); }

private:
    MetricRegistry m_registry;
    CounterFamily &m_requests;
    HistogramFamily &m_duration;
    HistogramFamily &m_firstToken;
    CounterFamily &m_tokens;
    CounterFamily &m_upstreamErrors;
    CounterFamily &m_retries;
    CounterFamily &m_failovers;
    CounterFamily &m_cacheHits;
    CounterFamily &m_cacheMisses;
    GaugeFamily &m_openBreakers;
    GaugeFamily &m_streamsInFlight;
};

} // namespace onegate
