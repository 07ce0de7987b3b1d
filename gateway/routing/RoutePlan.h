#pragma once

#include "HealthBook.h"
#include "ModelRouter.h"
#include "core/ApiError.h"
#include "core/UpstreamCall.h"

#include <QElapsedTimer>
#include <QHash>
#include <QList>
#include <QRandomGenerator>
#include <memory>
#include <optional>

namespace onegate {

class GatewayMetrics;
class ProviderRuntime;

// One upstream call the router chose: which route, on which provider runtime, with
// which key.
struct Attempt {
    RouteTarget target;
    std::shared_ptr<ProviderRuntime> provider;
    QByteArray apiKey;
    int keyIndex = -1;  // -1 when the provider needs no key
    int number = 0;     // 1 for the first attempt of the request
};

// What came of an attempt, as far as the router needs to know.
struct AttemptResult {
    bool success = false;
    qint64 firstByteMs = -1;  // since the attempt started; success only
    ApiError error;           // the error the client would get (failure only)
    int upstreamStatus = 0;   // the provider's HTTP status; 0 when none came
    UpstreamFailure transport = UpstreamFailure::None;
    bool anyByteReceived = false;  // the provider had started to answer
    std::optional<qint64> retryAfterMs;
};

// How the router treats a failed attempt (README "Failover and retries").
enum class FailureClass {
    Final,        // the request's own fault (400, 404, 409, 413, 422, other 4xx): relay
    Retryable,    // connect errors, 429, 500, 502, 503, 529, a stream failing before content
    OtherRoute,   // 504, a timeout after the request was sent: maybe billed, never again here
    KeyRejected,  // 401, 403: cool the key down, try another key or route
};
FailureClass classifyFailure(const AttemptResult &result);

// The router stage for one request: it walks the model's candidate routes (ordered by
// RoutePicker) and decides, after each failed attempt, whether to try again, where, and
// after how long, within the request's attempt and time budgets (RouterSettings). It
// also reports every attempt's result to the HealthBook, so the next request is routed
// by what this one learned. Lives on the gateway thread for the request's lifetime.
class RoutePlan final {
public:
    struct Step {
        std::optional<Attempt> attempt;  // try this, after `delayMs`
        qint64 delayMs = 0;
        std::optional<ApiError> giveUp;  // or answer the client with this
        std::optional<qint64> retryAfterMs;  // for the client's Retry-After, with giveUp
        // Or: every usable route is at its max_concurrency; call place() after delayMs.
        bool waitForCapacity = false;
    };

    RoutePlan(QList<RouteTarget> ordered, QHash<QString, std::shared_ptr<ProviderRuntime>> providers,
              HealthBook &health, const RouterSettings &settings, QRandomGenerator &random,
              GatewayMetrics *metrics = nullptr);

    // The next attempt to make now: at the start, and again after a wait for capacity.
    Step place();
    // After a failure before anything reached the client: records it, then says what
    // to try next (or to give up).
    Step next(const Attempt &finished, const AttemptResult &result);
    // Records how an attempt ended when nothing more will be tried: a success, or a
    // stream that failed after content had reached the client.
    void finish(const Attempt &finished, const AttemptResult &result);
    // The client left (or OneGate is stopping), with `running` in flight or none:
    // nothing more is tried.
    void abandon(const Attempt *running);
    int attempts() const { return m_attempts; }

private:
    struct Candidate {
        RouteTarget target;
        qint64 notBeforeMs = 0;  // on the health clock
        int tries = 0;
    };
    Step fail(const ApiError &error) const;
    FailureClass record(const Attempt &finished, const AttemptResult &result);
    Step decide(const Attempt &finished, const AttemptResult &result);

    QList<Candidate> m_queue;
    QHash<QString, std::shared_ptr<ProviderRuntime>> m_providers;
    HealthBook &m_health;
    RouterSettings m_settings;
    QRandomGenerator &m_random;
    GatewayMetrics *m_metrics;
    qint64 m_startedMs;
    int m_attempts = 0;
    std::optional<ApiError> m_lastError;
    std::optional<qint64> m_lastRetryAfterMs;
};

} // namespace onegate
