// The router's parts on their own, with a clock the test drives: circuit breakers,
// the health book's EWMAs, health-biased weighted picks (fixed seed, 1,000 draws),
// Retry-After parsing, backoff, failure classes and the plan's attempt decisions.

#include "core/ProviderSettings.h"
#include "routing/CircuitBreaker.h"
#include "routing/HealthBook.h"
#include "routing/ProviderRuntime.h"
#include "routing/RetryTiming.h"
#include "routing/RoutePicker.h"
#include "routing/RoutePlan.h"

#include <QDateTime>
#include <QLocale>
#include <QTest>

#include <memory>

using namespace onegate;
using namespace Qt::StringLiterals;

namespace {

// A clock that moves only when the test says so.
struct ManualClock {
    std::shared_ptr<qint64> now = std::make_shared<qint64>(1'000'000);
    MonotonicClock clock() const
    {
        return [now = now] { return *now; };
    }
    void advance(qint64 ms) const { *now += ms; }
};

BreakerSettings breaker(int failures, int cooldownMs, int maxCooldownMs)
{
    BreakerSettings settings;
    settings.failures = failures;
    settings.cooldownMs = cooldownMs;
    settings.maxCooldownMs = maxCooldownMs;
    return settings;
}

ProviderSettings provider(const QString &id, QStringList keys = {})
{
    ProviderSettings settings;
    settings.id = id;
    settings.kind = ProviderKind::OpenAi;
    settings.baseUrl = QUrl(u"http://127.0.0.1:9/v1"_s);
    for (const QString &key : keys) {
        SecretValue secret;
        secret.reference = u"env:X"_s;
        secret.value = key.toUtf8();
        settings.apiKeys.append(secret);
    }
    return settings;
}

AttemptResult failed(int status, UpstreamFailure transport = UpstreamFailure::None,
                     std::optional<qint64> retryAfterMs = std::nullopt)
{
    AttemptResult result;
    result.upstreamStatus = status;
    result.transport = transport;
    result.retryAfterMs = retryAfterMs;
    result.error = ApiError::make(status ? status : 502, u"upstream_error"_s, {}, u"failed %1"_s.arg(status));
    return result;
}

AttemptResult succeeded(qint64 firstByteMs)
{
    AttemptResult result;
    result.success = true;
    result.firstByteMs = firstByteMs;
    return result;
}

} // namespace

class RoutingTest final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void breakerOpensAfterFailuresInARow();
    void breakerHalfOpenProbeClosesOrReopensLonger();
    void breakerProbeReleasedWhenAbandoned();
    void healthEwmas();
    void keyRejectionCoolsOnlyThatKey();
    void pickerKeepsPriorityTiers();
    void pickerSpreadsByWeight_data();
    void pickerSpreadsByWeight();
    void pickerFavoursHealthyAndFastRoutes();
    void pickerIsRepeatableWithASeed();
    void retryAfter_data();
    void retryAfter();
    void backoffGrowsWithJitterAndCap();
    void classify_data();
    void classify();

    void planFailsOverThenSucceeds();
    void planRetriesOneRouteWithBackoff();
    void planRelaysFinalErrorAfterOneAttempt();
    void planWaitsShortRetryAfterSkipsLongOne();
    void planNeverRetries504OnTheSameRoute();
    void planTriesAnotherKeyOn401();
    void planRespectsAttemptAndTimeBudgets();
    void planSkipsOpenBreakersAndReportsCooldown();
    void planWaitsForCapacityThenGivesUp();

private:
    std::shared_ptr<ProviderRuntime> runtime(const ProviderSettings &settings);
    QObject m_owner;
    QList<std::unique_ptr<ProviderSettings>> m_settings;
};

std::shared_ptr<ProviderRuntime> RoutingTest::runtime(const ProviderSettings &settings)
{
    return ProviderRuntime::create(settings, &m_owner);
}

void RoutingTest::breakerOpensAfterFailuresInARow()
{
    CircuitBreaker b(breaker(3, 1000, 8000));
    const qint64 t = 100;
    b.recordFailure(t);
    b.recordFailure(t);
    b.recordSuccess();  // a success in between starts the count again
    b.recordFailure(t);
    b.recordFailure(t);
    QCOMPARE(b.state(t), BreakerState::Closed);
    QVERIFY(b.admits(t));
    b.recordFailure(t);
    QCOMPARE(b.state(t), BreakerState::Open);
    QVERIFY(!b.admits(t));
    QCOMPARE(b.cooldownLeftMs(t + 400), 600);
}

void RoutingTest::breakerHalfOpenProbeClosesOrReopensLonger()
{
    CircuitBreaker b(breaker(1, 1000, 3000));
    b.recordFailure(0);
    QCOMPARE(b.state(999), BreakerState::Open);
    QCOMPARE(b.state(1000), BreakerState::HalfOpen);
    QVERIFY(b.admits(1000));
    b.acquire(1000);
    QVERIFY2(!b.admits(1000), "only one probe at a time");
    b.recordFailure(1200);  // the probe failed: open again, twice as long
    QCOMPARE(b.state(1200), BreakerState::Open);
    QCOMPARE(b.cooldownLeftMs(1200), 2000);
    QCOMPARE(b.state(3200), BreakerState::HalfOpen);
    b.acquire(3200);
    b.recordFailure(3200);
    QCOMPARE(b.cooldownLeftMs(3200), 3000);  // capped
    b.acquire(6200);
    b.recordSuccess();
    QCOMPARE(b.state(6200), BreakerState::Closed);
    // Closed again: the next opening starts from the first cooldown.
    b.recordFailure(7000);
    QCOMPARE(b.cooldownLeftMs(7000), 1000);
}

void RoutingTest::breakerProbeReleasedWhenAbandoned()
{
    CircuitBreaker b(breaker(1, 1000, 3000));
    b.recordFailure(0);
    b.acquire(1000);
    QVERIFY(!b.admits(1000));
    b.release();
    QVERIFY(b.admits(1000));
    // A late failure of a request that started before the breaker opened does not
    // extend the cooldown.
    CircuitBreaker late(breaker(1, 1000, 3000));
    late.recordFailure(0);
    late.recordFailure(500);
    QCOMPARE(late.cooldownLeftMs(500), 500);
}

void RoutingTest::healthEwmas()
{
    ManualClock clock;
    HealthBook health(breaker(3, 1000, 8000), clock.clock());
    QCOMPARE(health.route(u"a"_s, u"m"_s).successRate, 1.0);
    QCOMPARE(health.route(u"a"_s, u"m"_s).ttfbMs, -1.0);
    health.routeSucceeded(u"a"_s, u"m"_s, 100);
    QCOMPARE(health.route(u"a"_s, u"m"_s).ttfbMs, 100.0);  // the first sample is taken whole
    health.routeSucceeded(u"a"_s, u"m"_s, 200);
    QCOMPARE(health.route(u"a"_s, u"m"_s).ttfbMs, 130.0);  // 100 + 0.3 * (200 - 100)
    health.routeFailed(u"a"_s, u"m"_s, u"boom"_s);
    const RouteHealth view = health.route(u"a"_s, u"m"_s);
    QCOMPARE(view.successRate, 0.7);
    QCOMPARE(view.lastError, u"boom"_s);
    QVERIFY(view.lastErrorAtMs > 0);
    QCOMPARE(view.successes, quint64(2));
    QCOMPARE(view.failures, quint64(1));
    QCOMPARE(view.consecutiveFailures, 1);
    // Failures do not move the latency estimate; other routes are separate.
    QCOMPARE(view.ttfbMs, 130.0);
    QCOMPARE(health.route(u"a"_s, u"other"_s).successRate, 1.0);
    QCOMPARE(health.routes().size(), 1);
    health.forgetProvider(u"a"_s);
    QVERIFY(health.routes().isEmpty());
}

void RoutingTest::keyRejectionCoolsOnlyThatKey()
{
    ManualClock clock;
    HealthBook health(breaker(3, 1000, 8000), clock.clock());
    health.keyRejected(u"p"_s, 0);
    QVERIFY2(!health.keyAdmits(u"p"_s, 0), "one rejection cools a key at once");
    QVERIFY(health.keyAdmits(u"p"_s, 1));
    QVERIFY(health.keyAdmits(u"q"_s, 0));
    QCOMPARE(health.keyCooldownLeftMs(u"p"_s, 0), 1000);
    clock.advance(1000);
    QVERIFY2(health.keyAdmits(u"p"_s, 0), "after its cooldown a key may be probed again");
    health.keyStarted(u"p"_s, 0);
    health.keyRejected(u"p"_s, 0);
    QCOMPARE(health.keyCooldownLeftMs(u"p"_s, 0), 2000);

    // A probe that ends with no verdict on the key (a 429, a 5xx, the client left) gives
    // the probe back: without that the key would never be tried again.
    clock.advance(2000);
    health.keyStarted(u"p"_s, 0);
    QVERIFY2(!health.keyAdmits(u"p"_s, 0), "one probe at a time");
    health.keyAbandoned(u"p"_s, 0);
    QVERIFY2(health.keyAdmits(u"p"_s, 0), "an abandoned probe may be taken again");
    health.keyStarted(u"p"_s, 0);
    health.keySucceeded(u"p"_s, 0);
    QVERIFY(health.keyAdmits(u"p"_s, 0));
    QCOMPARE(health.keyCooldownLeftMs(u"p"_s, 0), 0);
}

void RoutingTest::pickerKeepsPriorityTiers()
{
    ProviderSettings a = provider(u"a"_s), b = provider(u"b"_s), c = provider(u"c"_s);
    HealthBook health;
    RoutePicker picker(7);
    for (int i = 0; i < 50; ++i) {
        const QList<RouteTarget> order = picker.order(
            {RouteTarget{&c, u"m"_s, 2, 1}, RouteTarget{&a, u"m"_s, 0, 1}, RouteTarget{&b, u"m"_s, 1, 100}},
            health);
        QCOMPARE(order.size(), 3);
        QCOMPARE(order[0].provider->id, u"a"_s);
        QCOMPARE(order[1].provider->id, u"b"_s);
        QCOMPARE(order[2].provider->id, u"c"_s);
    }
}

void RoutingTest::pickerSpreadsByWeight_data()
{
    QTest::addColumn<int>("weightA");
    QTest::addColumn<int>("weightB");
    QTest::newRow("equal") << 1 << 1;
    QTest::newRow("3:1") << 3 << 1;
    QTest::newRow("1:4") << 1 << 4;
}

void RoutingTest::pickerSpreadsByWeight()
{
    QFETCH(int, weightA);
    QFETCH(int, weightB);
    ProviderSettings a = provider(u"a"_s), b = provider(u"b"_s);
    HealthBook health;
    RoutePicker picker(20261202);
    int firstA = 0;
    const int draws = 1000;
    for (int i = 0; i < draws; ++i) {
        const QList<RouteTarget> order =
            picker.order({RouteTarget{&a, u"m"_s, 0, weightA}, RouteTarget{&b, u"m"_s, 0, weightB}}, health);
        QCOMPARE(order.size(), 2);
        QVERIFY(order[0].provider != order[1].provider);
        firstA += order[0].provider->id == u"a"_s;
    }
    const double expected = draws * double(weightA) / double(weightA + weightB);
    // Binomial standard deviation is at most ~16 for 1,000 draws: 4 sigma either way.
    QVERIFY2(std::abs(firstA - expected) < 64,
             qPrintable(u"a first %1 times, expected about %2"_s.arg(firstA).arg(expected)));
}

void RoutingTest::pickerFavoursHealthyAndFastRoutes()
{
    ProviderSettings a = provider(u"a"_s), b = provider(u"b"_s);
    ManualClock clock;
    HealthBook health(breaker(1000, 1000, 1000), clock.clock());
    // a answers in 100 ms, b in 300 ms: b weighs (100 + 25) / (300 + 25) of a.
    for (int i = 0; i < 20; ++i) {
        health.routeSucceeded(u"a"_s, u"m"_s, 100);
        health.routeSucceeded(u"b"_s, u"m"_s, 300);
    }
    const RouteHealth viewA = health.route(u"a"_s, u"m"_s), viewB = health.route(u"b"_s, u"m"_s);
    QCOMPARE(RoutePicker::effectiveWeight(1, viewA, 100), 1.0);
    QVERIFY(qAbs(RoutePicker::effectiveWeight(1, viewB, 100) - 125.0 / 325.0) < 1e-3);

    auto shareOfA = [&](quint32 seed) {
        RoutePicker picker(seed);
        int firstA = 0;
        for (int i = 0; i < 1000; ++i)
            firstA += picker.order({RouteTarget{&a, u"m"_s, 0, 1}, RouteTarget{&b, u"m"_s, 0, 1}}, health)[0]
                          .provider->id
                == u"a"_s;
        return firstA;
    };
    const int slowB = shareOfA(1);  // 1 / (1 + 125/325) = 0.722
    QVERIFY2(std::abs(slowB - 722) < 64, qPrintable(u"a first %1 of 1000 (expected ~722)"_s.arg(slowB)));

    // b now fails half the time at the same speed as a: success EWMA drops, so does its share.
    for (int i = 0; i < 20; ++i) {
        health.routeSucceeded(u"b"_s, u"m"_s, 100);
        health.routeSucceeded(u"a"_s, u"m"_s, 100);
    }
    const int recovered = shareOfA(2);
    QVERIFY2(std::abs(recovered - 500) < 64, qPrintable(u"recovered: a first %1 (expected ~500)"_s.arg(recovered)));
    for (int i = 0; i < 10; ++i)
        health.routeFailed(u"b"_s, u"m"_s, u"500"_s);
    const double failingWeight = RoutePicker::effectiveWeight(1, health.route(u"b"_s, u"m"_s), 100);
    QVERIFY2(failingWeight < 0.06 && failingWeight >= 0.049, qPrintable(QString::number(failingWeight)));
    const int failing = shareOfA(3);
    QVERIFY2(failing > 900, qPrintable(u"failing b: a first %1 of 1000"_s.arg(failing)));
}

void RoutingTest::pickerIsRepeatableWithASeed()
{
    ProviderSettings a = provider(u"a"_s), b = provider(u"b"_s), c = provider(u"c"_s);
    HealthBook health;
    auto run = [&](quint32 seed) {
        RoutePicker picker(seed);
        QStringList firsts;
        for (int i = 0; i < 30; ++i)
            firsts.append(picker.order({RouteTarget{&a, u"m"_s, 0, 1}, RouteTarget{&b, u"m"_s, 0, 1},
                                        RouteTarget{&c, u"m"_s, 0, 1}},
                                       health)[0]
                              .provider->id);
        return firsts;
    };
    QCOMPARE(run(42), run(42));
    QVERIFY(run(42) != run(43));
}

void RoutingTest::retryAfter_data()
{
    QTest::addColumn<QByteArray>("retryAfterMs");
    QTest::addColumn<QByteArray>("retryAfter");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<qint64>("expected");  // -1: none
    const qint64 now = QDateTime(QDate(2026, 12, 2), QTime(8, 0), Qt::UTC).toMSecsSinceEpoch();
    Q_UNUSED(now)
    QTest::newRow("nothing") << QByteArray() << QByteArray() << QByteArray() << qint64(-1);
    QTest::newRow("seconds") << QByteArray() << "7"_ba << QByteArray() << qint64(7000);
    QTest::newRow("fractional seconds") << QByteArray() << "0.5"_ba << QByteArray() << qint64(500);
    QTest::newRow("http date ahead") << QByteArray() << "Wed, 02 Dec 2026 08:00:30 GMT"_ba << QByteArray()
                                     << qint64(30000);
    QTest::newRow("http date past") << QByteArray() << "Wed, 02 Dec 2026 07:59:00 GMT"_ba << QByteArray()
                                    << qint64(0);
    QTest::newRow("retry-after-ms wins") << "1250.5"_ba << "7"_ba << QByteArray() << qint64(1251);
    QTest::newRow("garbage") << QByteArray() << "soon"_ba << QByteArray() << qint64(-1);
    QTest::newRow("negative") << QByteArray() << "-3"_ba << QByteArray() << qint64(-1);
    QTest::newRow("gemini RetryInfo")
        << QByteArray() << QByteArray()
        << R"({"error":{"code":429,"message":"quota","status":"RESOURCE_EXHAUSTED","details":[
              {"@type":"type.googleapis.com/google.rpc.QuotaFailure"},
              {"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"12s"}]}})"_ba
        << qint64(12000);
    QTest::newRow("gemini fractional") << QByteArray() << QByteArray()
                                       << R"({"error":{"details":[{"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"1.5s"}]}})"_ba
                                       << qint64(1500);
    QTest::newRow("header beats body") << QByteArray() << "2"_ba
                                       << R"({"error":{"details":[{"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"9s"}]}})"_ba
                                       << qint64(2000);
}

void RoutingTest::retryAfter()
{
    QFETCH(QByteArray, retryAfterMs);
    QFETCH(QByteArray, retryAfter);
    QFETCH(QByteArray, body);
    QFETCH(qint64, expected);
    const qint64 now = QDateTime(QDate(2026, 12, 2), QTime(8, 0), Qt::UTC).toMSecsSinceEpoch();
    const std::optional<qint64> delay = requestedRetryDelayMs(retryAfterMs, retryAfter, body, now);
    if (expected < 0)
        QVERIFY2(!delay, qPrintable(QString::number(delay.value_or(-2))));
    else
        QCOMPARE(delay.value_or(-2), expected);
}

void RoutingTest::backoffGrowsWithJitterAndCap()
{
    QRandomGenerator random(5);
    for (int i = 0; i < 200; ++i) {
        const qint64 first = backoffMs(1, random);
        QVERIFY(first >= 125 && first <= 250);
        const qint64 third = backoffMs(3, random);
        QVERIFY(third >= 500 && third <= 1000);
        const qint64 late = backoffMs(30, random);
        QVERIFY(late >= 4000 && late <= 8000);
    }
}

void RoutingTest::classify_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<int>("transport");
    QTest::addColumn<int>("expected");
    const int none = int(UpstreamFailure::None);
    const int retry = int(FailureClass::Retryable), other = int(FailureClass::OtherRoute),
              final = int(FailureClass::Final), key = int(FailureClass::KeyRejected);
    for (int status : {429, 500, 502, 503, 529})
        QTest::newRow(qPrintable(u"%1 fails over"_s.arg(status))) << status << none << retry;
    for (int status : {400, 404, 409, 413, 422})
        QTest::newRow(qPrintable(u"%1 is relayed"_s.arg(status))) << status << none << final;
    QTest::newRow("401 cools the key") << 401 << none << key;
    QTest::newRow("403 cools the key") << 403 << none << key;
    QTest::newRow("504 never twice on a route") << 504 << none << other;
    QTest::newRow("connect failure") << 0 << int(UpstreamFailure::Network) << retry;
    QTest::newRow("connect timeout") << 0 << int(UpstreamFailure::ConnectTimeout) << retry;
    QTest::newRow("first-byte timeout") << 0 << int(UpstreamFailure::IdleTimeout) << other;
    QTest::newRow("total timeout") << 0 << int(UpstreamFailure::TotalTimeout) << other;
    QTest::newRow("redirect refused") << 307 << int(UpstreamFailure::Redirect) << final;
    QTest::newRow("200 that broke before content") << 200 << none << retry;
}

void RoutingTest::classify()
{
    QFETCH(int, status);
    QFETCH(int, transport);
    QFETCH(int, expected);
    QCOMPARE(int(classifyFailure(failed(status, UpstreamFailure(transport)))), expected);
}

void RoutingTest::planFailsOverThenSucceeds()
{
    ProviderSettings a = provider(u"a"_s, {u"ka"_s}), b = provider(u"b"_s, {u"kb"_s});
    ManualClock clock;
    HealthBook health(breaker(3, 1000, 8000), clock.clock());
    QRandomGenerator random(1);
    RoutePlan plan({RouteTarget{&a, u"m1"_s, 0, 1}, RouteTarget{&b, u"m2"_s, 1, 1}},
                   {{u"a"_s, runtime(a)}, {u"b"_s, runtime(b)}}, health, RouterSettings{}, random);
    RoutePlan::Step step = plan.place();
    QVERIFY(step.attempt);
    QCOMPARE(step.attempt->target.provider->id, u"a"_s);
    QCOMPARE(step.attempt->apiKey, "ka"_ba);
    QCOMPARE(step.delayMs, 0);
    step = plan.next(*step.attempt, failed(503));
    QVERIFY(step.attempt);
    QCOMPARE(step.attempt->target.provider->id, u"b"_s);
    QCOMPARE(step.attempt->target.upstreamModel, u"m2"_s);
    QCOMPARE(step.delayMs, 0);  // another route: at once
    QCOMPARE(step.attempt->number, 2);
    plan.finish(*step.attempt, succeeded(40));
    QCOMPARE(plan.attempts(), 2);
    QCOMPARE(health.route(u"a"_s, u"m1"_s).failures, quint64(1));
    QCOMPARE(health.route(u"b"_s, u"m2"_s).successes, quint64(1));
    QCOMPARE(health.route(u"b"_s, u"m2"_s).ttfbMs, 40.0);
}

void RoutingTest::planRetriesOneRouteWithBackoff()
{
    ProviderSettings a = provider(u"a"_s);
    ManualClock clock;
    HealthBook health(breaker(10, 1000, 8000), clock.clock());
    QRandomGenerator random(1);
    RoutePlan plan({RouteTarget{&a, u"m"_s, 0, 1}}, {{u"a"_s, runtime(a)}}, health, RouterSettings{}, random);
    RoutePlan::Step step = plan.place();
    step = plan.next(*step.attempt, failed(500));
    QVERIFY(step.attempt);
    QCOMPARE(step.attempt->target.provider->id, u"a"_s);
    QVERIFY2(step.delayMs >= 125 && step.delayMs <= 250, qPrintable(QString::number(step.delayMs)));
    clock.advance(step.delayMs);
    step = plan.next(*step.attempt, failed(502));
    QVERIFY(step.attempt);
    QVERIFY2(step.delayMs >= 250 && step.delayMs <= 500, qPrintable(QString::number(step.delayMs)));
    clock.advance(step.delayMs);
    // The third failure exhausts max_attempts (3): the last error goes to the client.
    step = plan.next(*step.attempt, failed(503));
    QVERIFY(!step.attempt);
    QVERIFY(step.giveUp);
    QCOMPARE(step.giveUp->status, 503);
    QCOMPARE(plan.attempts(), 3);
}

void RoutingTest::planRelaysFinalErrorAfterOneAttempt()
{
    ProviderSettings a = provider(u"a"_s), b = provider(u"b"_s);
    HealthBook health;
    QRandomGenerator random(1);
    for (int status : {400, 404, 409, 413, 422}) {
        RoutePlan plan({RouteTarget{&a, u"m"_s, 0, 1}, RouteTarget{&b, u"m"_s, 0, 1}},
                       {{u"a"_s, runtime(a)}, {u"b"_s, runtime(b)}}, health, RouterSettings{}, random);
        const RoutePlan::Step first = plan.place();
        const RoutePlan::Step step = plan.next(*first.attempt, failed(status));
        QVERIFY(!step.attempt);
        QVERIFY(step.giveUp);
        QCOMPARE(step.giveUp->status, status);
        QCOMPARE(plan.attempts(), 1);
    }
    // The request's own fault says nothing bad about the route.
    QCOMPARE(health.route(u"a"_s, u"m"_s).failures + health.route(u"b"_s, u"m"_s).failures, quint64(0));
}

void RoutingTest::planWaitsShortRetryAfterSkipsLongOne()
{
    ProviderSettings a = provider(u"a"_s), b = provider(u"b"_s);
    ManualClock clock;
    HealthBook health(breaker(10, 1000, 8000), clock.clock());
    QRandomGenerator random(1);
    RouterSettings settings;
    settings.retryAfterMaxMs = 5000;
    {
        // Short Retry-After on the only route: waited out exactly.
        RoutePlan plan({RouteTarget{&a, u"m"_s, 0, 1}}, {{u"a"_s, runtime(a)}}, health, settings, random);
        const RoutePlan::Step first = plan.place();
        const RoutePlan::Step step = plan.next(*first.attempt, failed(429, UpstreamFailure::None, 2000));
        QVERIFY(step.attempt);
        QCOMPARE(step.delayMs, 2000);
    }
    {
        // Long Retry-After: that route is out for this request; the client learns when
        // to come back.
        RoutePlan plan({RouteTarget{&a, u"m"_s, 0, 1}}, {{u"a"_s, runtime(a)}}, health, settings, random);
        const RoutePlan::Step first = plan.place();
        const RoutePlan::Step step = plan.next(*first.attempt, failed(429, UpstreamFailure::None, 7000));
        QVERIFY(!step.attempt);
        QVERIFY(step.giveUp);
        QCOMPARE(step.giveUp->status, 429);
        QCOMPARE(step.retryAfterMs.value_or(-1), 7000);
    }
    {
        // Long Retry-After with another route: the other route at once.
        RoutePlan plan({RouteTarget{&a, u"m"_s, 0, 1}, RouteTarget{&b, u"m"_s, 1, 1}},
                       {{u"a"_s, runtime(a)}, {u"b"_s, runtime(b)}}, health, settings, random);
        const RoutePlan::Step first = plan.place();
        const RoutePlan::Step step = plan.next(*first.attempt, failed(429, UpstreamFailure::None, 60000));
        QVERIFY(step.attempt);
        QCOMPARE(step.attempt->target.provider->id, u"b"_s);
        QCOMPARE(step.delayMs, 0);
    }
}

void RoutingTest::planNeverRetries504OnTheSameRoute()
{
    ProviderSettings a = provider(u"a"_s), b = provider(u"b"_s);
    QRandomGenerator random(1);
    for (const AttemptResult &result : {failed(504), failed(0, UpstreamFailure::TotalTimeout),
                                        failed(0, UpstreamFailure::IdleTimeout)}) {
        HealthBook health;
        RoutePlan single({RouteTarget{&a, u"m"_s, 0, 1}}, {{u"a"_s, runtime(a)}}, health, RouterSettings{}, random);
        RoutePlan::Step step = single.place();
        step = single.next(*step.attempt, result);
        QVERIFY2(!step.attempt, "a 504 or a timeout after sending is never retried on its route");
        QVERIFY(step.giveUp);

        RoutePlan two({RouteTarget{&a, u"m"_s, 0, 1}, RouteTarget{&b, u"m"_s, 1, 1}},
                      {{u"a"_s, runtime(a)}, {u"b"_s, runtime(b)}}, health, RouterSettings{}, random);
        step = two.place();
        step = two.next(*step.attempt, result);
        QVERIFY(step.attempt);
        QCOMPARE(step.attempt->target.provider->id, u"b"_s);
        step = two.next(*step.attempt, failed(500));
        QVERIFY2(step.attempt, "b may be retried (max_attempts 3)");
        QCOMPARE(step.attempt->target.provider->id, u"b"_s);
    }
}

void RoutingTest::planTriesAnotherKeyOn401()
{
    ProviderSettings a = provider(u"a"_s, {u"k0"_s, u"k1"_s}), b = provider(u"b"_s, {u"kb"_s});
    ManualClock clock;
    HealthBook health(breaker(3, 1000, 8000), clock.clock());
    QRandomGenerator random(1);
    const auto runtimeA = runtime(a);
    RoutePlan plan({RouteTarget{&a, u"m"_s, 0, 1}, RouteTarget{&b, u"m"_s, 1, 1}},
                   {{u"a"_s, runtimeA}, {u"b"_s, runtime(b)}}, health, RouterSettings{}, random);
    RoutePlan::Step step = plan.place();
    const int firstKey = step.attempt->keyIndex;
    step = plan.next(*step.attempt, failed(401));
    QVERIFY(step.attempt);
    QCOMPARE(step.attempt->target.provider->id, u"a"_s);  // the same route, the other key
    QCOMPARE(step.attempt->keyIndex, 1 - firstKey);
    QCOMPARE(step.delayMs, 0);
    QVERIFY(!health.keyAdmits(u"a"_s, firstKey));
    step = plan.next(*step.attempt, failed(403));
    QVERIFY(step.attempt);
    QCOMPARE(step.attempt->target.provider->id, u"b"_s);  // every key of a is cooling
    QCOMPARE(health.route(u"a"_s, u"m"_s).failures, quint64(0));  // keys, not the route
    plan.finish(*step.attempt, succeeded(10));

    // A new request skips a's cooling keys altogether.
    RoutePlan later({RouteTarget{&a, u"m"_s, 0, 1}, RouteTarget{&b, u"m"_s, 1, 1}},
                    {{u"a"_s, runtimeA}, {u"b"_s, runtime(b)}}, health, RouterSettings{}, random);
    QCOMPARE(later.place().attempt->target.provider->id, u"b"_s);
    clock.advance(1000);
    RoutePlan recovered({RouteTarget{&a, u"m"_s, 0, 1}}, {{u"a"_s, runtimeA}}, health, RouterSettings{}, random);
    QVERIFY2(recovered.place().attempt, "after the cooldown a's keys are tried again");
}

void RoutingTest::planRespectsAttemptAndTimeBudgets()
{
    ProviderSettings a = provider(u"a"_s), b = provider(u"b"_s), c = provider(u"c"_s);
    ManualClock clock;
    HealthBook health(breaker(10, 1000, 8000), clock.clock());
    QRandomGenerator random(1);
    RouterSettings settings;
    settings.maxAttempts = 2;
    RoutePlan plan({RouteTarget{&a, u"m"_s, 0, 1}, RouteTarget{&b, u"m"_s, 1, 1}, RouteTarget{&c, u"m"_s, 2, 1}},
                   {{u"a"_s, runtime(a)}, {u"b"_s, runtime(b)}, {u"c"_s, runtime(c)}}, health, settings, random);
    RoutePlan::Step step = plan.place();
    step = plan.next(*step.attempt, failed(500));
    QVERIFY(step.attempt);
    step = plan.next(*step.attempt, failed(502));
    QVERIFY2(!step.attempt, "max_attempts 2: c is never called");
    QCOMPARE(step.giveUp->status, 502);

    RouterSettings brief;
    brief.maxTotalMs = 1000;
    RoutePlan timed({RouteTarget{&a, u"m"_s, 0, 1}}, {{u"a"_s, runtime(a)}}, health, brief, random);
    step = timed.place();
    clock.advance(900);
    // The backoff would start the retry past the request's time budget.
    step = timed.next(*step.attempt, failed(429, UpstreamFailure::None, 500));
    QVERIFY(!step.attempt);
    QCOMPARE(step.giveUp->status, 429);
}

void RoutingTest::planSkipsOpenBreakersAndReportsCooldown()
{
    ProviderSettings a = provider(u"a"_s), b = provider(u"b"_s);
    ManualClock clock;
    HealthBook health(breaker(2, 4000, 8000), clock.clock());
    QRandomGenerator random(1);
    health.routeFailed(u"a"_s, u"m"_s, u"x"_s);
    health.routeFailed(u"a"_s, u"m"_s, u"x"_s);  // a's breaker opens
    RoutePlan plan({RouteTarget{&a, u"m"_s, 0, 1}, RouteTarget{&b, u"m"_s, 1, 1}},
                   {{u"a"_s, runtime(a)}, {u"b"_s, runtime(b)}}, health, RouterSettings{}, random);
    RoutePlan::Step step = plan.place();
    QCOMPARE(step.attempt->target.provider->id, u"b"_s);

    clock.advance(1000);
    RoutePlan only({RouteTarget{&a, u"m"_s, 0, 1}}, {{u"a"_s, runtime(a)}}, health, RouterSettings{}, random);
    step = only.place();
    QVERIFY(!step.attempt);
    QCOMPARE(step.giveUp->status, 503);
    QCOMPARE(step.giveUp->code, u"routes_cooling_down"_s);
    QCOMPARE(step.retryAfterMs.value_or(-1), 3000);

    clock.advance(3000);  // half-open: exactly one probe
    RoutePlan probe({RouteTarget{&a, u"m"_s, 0, 1}}, {{u"a"_s, runtime(a)}}, health, RouterSettings{}, random);
    const RoutePlan::Step probing = probe.place();
    QVERIFY(probing.attempt);
    RoutePlan second({RouteTarget{&a, u"m"_s, 0, 1}}, {{u"a"_s, runtime(a)}}, health, RouterSettings{}, random);
    QVERIFY2(!second.place().attempt, "while the probe runs, others wait");
    probe.finish(*probing.attempt, succeeded(20));
    QCOMPARE(health.route(u"a"_s, u"m"_s).state, BreakerState::Closed);
}

void RoutingTest::planWaitsForCapacityThenGivesUp()
{
    ProviderSettings a = provider(u"a"_s), b = provider(u"b"_s);
    ManualClock clock;
    HealthBook health(breaker(3, 1000, 8000), clock.clock());
    QRandomGenerator random(1);
    RouterSettings settings;
    settings.maxTotalMs = 200;
    health.routeStarted(u"a"_s, u"m"_s);  // a's only slot is taken
    RouteTarget capped{&a, u"m"_s, 0, 1, 1};

    // Another route free: the full one is skipped.
    RoutePlan skip({capped, RouteTarget{&b, u"m"_s, 1, 1}}, {{u"a"_s, runtime(a)}, {u"b"_s, runtime(b)}}, health,
                   settings, random);
    QCOMPARE(skip.place().attempt->target.provider->id, u"b"_s);

    // The only route full: wait and look again, within the time budget...
    RoutePlan wait({capped}, {{u"a"_s, runtime(a)}}, health, settings, random);
    RoutePlan::Step step = wait.place();
    QVERIFY(step.waitForCapacity);
    QVERIFY(!step.attempt && !step.giveUp);
    QVERIFY(step.delayMs > 0);
    // ... served once the slot is free ...
    health.routeSucceeded(u"a"_s, u"m"_s, 10);
    step = wait.place();
    QVERIFY(step.attempt);
    QCOMPARE(health.routeInFlight(u"a"_s, u"m"_s), 1);

    // ... or, still full when the budget runs out, a 503 the client may retry.
    RoutePlan late({capped}, {{u"a"_s, runtime(a)}}, health, settings, random);
    QVERIFY(late.place().waitForCapacity);
    clock.advance(200);
    step = late.place();
    QVERIFY(!step.waitForCapacity && !step.attempt);
    QVERIFY(step.giveUp);
    QCOMPARE(step.giveUp->status, 503);
    QCOMPARE(step.giveUp->code, u"routes_busy"_s);
    QCOMPARE(step.retryAfterMs.value_or(-1), 1000);
}

QTEST_GUILESS_MAIN(RoutingTest)
#include "tst_routing.moc"
