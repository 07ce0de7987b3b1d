// The router end to end: a Gateway on 127.0.0.1 relaying to two scripted fake OpenAI
// upstreams over real sockets, with a real usage database. Every failover trigger and
// every non-trigger, Retry-After in its forms, key cooldown, breakers (with a clock the
// test drives), mid-stream errors, a client leaving during a backoff, the x-onegate-*
// response headers and the usage row's attempts.

#include "FakeUpstream.h"
#include "Gateway.h"
#include "PrometheusText.h"
#include "TestHttpClient.h"
#include "UsageRows.h"
#include "config/ConfigParser.h"
#include "secrets/MemorySecretStore.h"
#include "usage/UsageRecorder.h"
#include "usage/UsageStore.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace onegate;
using namespace onegate::test;
using namespace Qt::StringLiterals;

namespace {

const QByteArray kAccessKey = "og-router-e2e-access-41c7"_ba;
const QByteArray kKeyA = "sk-test-router-a-1111"_ba;
const QByteArray kKeyA2 = "sk-test-router-a-2222"_ba;
const QByteArray kKeyB = "sk-test-router-b-3333"_ba;

// `smart` tries a first, then b. `text` is one pool across a and b (equal priority).
// `a/text` pins a. `slowa` is a with a short first-byte budget; `dead` has no listener.
QByteArray configJson(quint16 portA, quint16 portB, const QString &router)
{
    return QString::fromLatin1(R"({
  "listen": "127.0.0.1:0",
  "access_keys": [ { "name": "router", "key": "env:ROUTER_TEST_KEY" } ],
  "providers": [
    { "id": "a", "kind": "openai", "base_url": "%1", "proxy": "none",
      "api_key": ["env:ROUTER_TEST_KEY_A", "env:ROUTER_TEST_KEY_A2"], "models": ["text"] },
    { "id": "b", "kind": "openai", "base_url": "%2", "proxy": "none",
      "api_key": "env:ROUTER_TEST_KEY_B", "models": ["text"] },
    { "id": "slowa", "kind": "openai", "base_url": "%1", "proxy": "none",
      "api_key": "env:ROUTER_TEST_KEY_A2", "timeouts": { "idle_ms": 300, "total_ms": 300 } },
    { "id": "dead", "kind": "openai", "base_url": "%3", "proxy": "none" }
  ],
  "models": [
    { "id": "smart", "routes": [ { "provider": "a", "model": "text", "priority": 0 },
                                 { "provider": "b", "model": "text", "priority": 1 } ] },
    { "id": "slow-first", "routes": [ { "provider": "slowa", "model": "text", "priority": 0 },
                                      { "provider": "b", "model": "text", "priority": 1 } ] },
    { "id": "dead-first", "routes": [ { "provider": "dead", "model": "text", "priority": 0 },
                                      { "provider": "b", "model": "text", "priority": 1 } ] },
    { "id": "capped", "routes": [ { "provider": "a", "model": "text", "priority": 0, "max_concurrency": 1 },
                                  { "provider": "b", "model": "text", "priority": 1 } ] },
    { "id": "solo", "routes": [ { "provider": "a", "model": "text", "max_concurrency": 1 } ] },
    { "id": "cached", "cache": true, "routes": [ { "provider": "a", "model": "text" } ] }
  ],
  "cache": { "ttl_s": 60 }%4
})")
        .arg(u"http://127.0.0.1:%1/v1"_s.arg(portA), u"http://127.0.0.1:%1/v1"_s.arg(portB),
             u"http://127.0.0.1:9/v1"_s, router)
        .toUtf8();
}

QByteArray chatBody(const QString &model, bool stream, bool includeUsage = false)
{
    QJsonObject body{{"model"_L1, model},
                     {"messages"_L1, QJsonArray{QJsonObject{{"role"_L1, "user"_L1}, {"content"_L1, "Hi"_L1}}}}};
    if (stream)
        body.insert("stream"_L1, true);
    if (includeUsage)
        body.insert("stream_options"_L1, QJsonObject{{"include_usage"_L1, true}});
    return QJsonDocument(body).toJson(QJsonDocument::Compact);
}

// The text and the finish reason an OpenAI stream adds up to; empty reason when broken.
QPair<QString, QString> assembled(const QList<QByteArray> &events)
{
    QString text, finish;
    for (const QByteArray &event : events) {
        if (event == "[DONE]")
            break;
        const QJsonObject chunk = QJsonDocument::fromJson(event).object();
        for (const QJsonValue &choice : chunk.value("choices"_L1).toArray()) {
            text += choice.toObject().value("delta"_L1).toObject().value("content"_L1).toString();
            if (choice.toObject().value("finish_reason"_L1).isString())
                finish = choice.toObject().value("finish_reason"_L1).toString();
        }
    }
    return {text, finish};
}

QByteArray textAnswer()
{
    return FakeUpstream::fixture(u"chat_response_text_recorded.json"_s);
}

bool hasError(const QByteArray &event)
{
    return QJsonDocument::fromJson(event).object().value("error"_L1).isObject();
}

} // namespace

class RouterE2eTest final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void failsOverBeforeAnyByte_data();
    void failsOverBeforeAnyByte();
    void requestFaultsAreRelayedAfterOneCall_data();
    void requestFaultsAreRelayedAfterOneCall();
    void connectFailureFailsOver();
    void firstByteTimeoutFailsOver();
    void streamErrorAfterContentDoesNotFailOver();
    void shortRetryAfterIsWaitedOnThePinnedRoute_data();
    void shortRetryAfterIsWaitedOnThePinnedRoute();
    void longRetryAfterReachesTheClient();
    void pinnedRouteNeverFailsOverElsewhere();
    void gatewayTimeoutIsNeverRetriedOnItsRoute();
    void rejectedKeyCoolsDownAndTheNextKeyServes();
    void breakerOpensSkipsAndRecovers();
    void clientLeavingDuringBackoffStopsAttempts();
    void poolSpreadsAcrossProviders();
    void usageRowRecordsAttemptsAndFinalRoute();
    void modelsListsEachIdOnce();

    void cacheServesARepeatFromMemory();
    void cacheReplaysAStreamAsABodyAndBack();
    void cacheEntriesExpire();
    void cacheNeverKeepsErrorsOrBrokenStreams();
    void cacheHeaderTurnsItOnAndOff();
    void metricsCountWhatHappened();
    void routeHealthEndpoint();
    void fullRouteIsSkipped();
    void onlyRouteFullWaitsForItsTurn();

private:
    void start(const QString &router = {});
    std::unique_ptr<TestHttpClient> chat(const QString &model, bool stream, int timeoutMs = 10000,
                                         const RawHeaders &extra = {}, bool includeUsage = false);
    std::unique_ptr<TestHttpClient> get(const QByteArray &path, bool withKey = true);
    QList<UsageRecord> usageRows(int expected);

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<FakeUpstream> m_a;
    std::unique_ptr<FakeUpstream> m_b;
    std::unique_ptr<UsageRecorder> m_usage;
    std::unique_ptr<Gateway> m_gateway;
    std::shared_ptr<qint64> m_now;
    quint16 m_port = 0;
};

void RouterE2eTest::initTestCase()
{
    qputenv("ROUTER_TEST_KEY", kAccessKey);
    qputenv("ROUTER_TEST_KEY_A", kKeyA);
    qputenv("ROUTER_TEST_KEY_A2", kKeyA2);
    qputenv("ROUTER_TEST_KEY_B", kKeyB);
}

void RouterE2eTest::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    // Any key is accepted unless a test says otherwise.
    m_a = std::make_unique<FakeUpstream>();
    m_b = std::make_unique<FakeUpstream>();
    QVERIFY2(m_a->listen(), qPrintable(m_a->errorString()));
    QVERIFY2(m_b->listen(), qPrintable(m_b->errorString()));
    m_usage = std::make_unique<UsageRecorder>();
    const QString usageError = m_usage->open(m_dir->filePath(u"usage.db"_s));
    QVERIFY2(usageError.isEmpty(), qPrintable(usageError));
}

void RouterE2eTest::start(const QString &router)
{
    ConfigResult parsed = parseConfig(configJson(m_a->port(), m_b->port(), router), u"router.json"_s);
    QVERIFY2(parsed.ok(), qPrintable(parsed.error.toString()));
    Config config = std::move(*parsed.config);
    MemorySecretStore secrets;
    const QStringList warnings = resolveSecrets(config, secrets);
    QVERIFY2(warnings.isEmpty(), qPrintable(warnings.join(u'\n')));
    m_gateway = std::make_unique<Gateway>(std::make_shared<const Config>(std::move(config)), m_usage.get());
    m_now = std::make_shared<qint64>(5'000'000);
    m_gateway->setRouterClock([now = m_now] { return *now; });
    m_gateway->seedRoutePicker(20261202);
    const ListenResult listening = m_gateway->listen(u"127.0.0.1"_s, 0);
    QVERIFY2(listening.ok(), qPrintable(listening.error));
    m_port = listening.port;
}

void RouterE2eTest::cleanup()
{
    m_gateway.reset();
    m_usage.reset();
    m_a.reset();
    m_b.reset();
    m_dir.reset();
}

std::unique_ptr<TestHttpClient> RouterE2eTest::chat(const QString &model, bool stream, int timeoutMs,
                                                    const RawHeaders &extra, bool includeUsage)
{
    auto client = std::make_unique<TestHttpClient>(m_port);
    RawHeaders headers{{"Authorization"_ba, "Bearer " + kAccessKey}, {"Content-Type"_ba, "application/json"_ba}};
    headers += extra;
    client->send("POST"_ba, "/v1/chat/completions"_ba, headers, chatBody(model, stream, includeUsage));
    client->waitForFinished(timeoutMs);
    return client;
}

std::unique_ptr<TestHttpClient> RouterE2eTest::get(const QByteArray &path, bool withKey)
{
    auto client = std::make_unique<TestHttpClient>(m_port);
    RawHeaders headers;
    if (withKey)
        headers.append({"Authorization"_ba, "Bearer " + kAccessKey});
    client->send("GET"_ba, path, headers);
    client->waitForFinished();
    return client;
}

QList<UsageRecord> RouterE2eTest::usageRows(int expected)
{
    return committedUsageRows(*m_usage, m_dir->filePath(u"usage.db"_s), expected);
}

void RouterE2eTest::failsOverBeforeAnyByte_data()
{
    QTest::addColumn<QString>("scenario");
    QTest::addColumn<bool>("stream");
    for (const bool stream : {false, true}) {
        const char *mode = stream ? "stream" : "non-stream";
        for (const char *scenario : {"error-429", "error-500", "error-502", "error-503", "error-504", "error-529"})
            QTest::addRow("%s %s", scenario, mode) << QString::fromLatin1(scenario) << stream;
        QTest::addRow("reset before content %s", mode) << u"garbage"_s << stream;
    }
    QTest::newRow("stream whose first event is an error") << u"early-error"_s << true;
}

void RouterE2eTest::failsOverBeforeAnyByte()
{
    QFETCH(QString, scenario);
    QFETCH(bool, stream);
    start();
    m_a->setScript({scenario});
    const auto client = chat(u"smart"_s, stream);
    QVERIFY(client->isComplete());
    QCOMPARE(client->status(), 200);
    QCOMPARE(m_a->requests().size(), 1);
    QCOMPARE(m_b->requests().size(), 1);
    QCOMPARE(client->header("x-onegate-provider"), "b/text"_ba);
    QCOMPARE(client->header("x-onegate-attempts"), "2"_ba);
    bool ok = false;
    QVERIFY(client->header("x-onegate-overhead-ms").toDouble(&ok) >= 0 && ok);
    if (stream) {
        const QList<QByteArray> events = client->eventData();
        QVERIFY(!events.isEmpty());
        QCOMPARE(events.last(), "[DONE]"_ba);
        for (const QByteArray &event : events)
            QVERIFY2(!hasError(event), event.constData());
    } else {
        QCOMPARE(client->body(), textAnswer());
    }
}

void RouterE2eTest::requestFaultsAreRelayedAfterOneCall_data()
{
    QTest::addColumn<QString>("scenario");
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("body");
    const auto composed = [](int status) -> QByteArray {
        return R"({"error":{"message":"fake upstream error )"_ba + QByteArray::number(status)
            + R"(","type":"fake_error","param":null,"code":null}})"_ba;
    };
    for (int status : {400, 409, 413, 422})
        QTest::addRow("%d", status) << u"error-%1"_s.arg(status) << status << composed(status);
    QTest::newRow("404") << u"error-404"_s << 404 << FakeUpstream::fixture(u"error_404_model_not_found.json"_s);
}

void RouterE2eTest::requestFaultsAreRelayedAfterOneCall()
{
    QFETCH(QString, scenario);
    QFETCH(int, status);
    QFETCH(QByteArray, body);
    start();
    m_a->setScript({scenario});
    const auto client = chat(u"smart"_s, false);
    QVERIFY(client->isComplete());
    QCOMPARE(client->status(), status);
    // The provider's own body, unchanged.
    QCOMPARE(client->body(), body);
    QCOMPARE(m_a->requests().size(), 1);
    QCOMPARE(m_b->requests().size(), 0);
    QCOMPARE(client->header("x-onegate-attempts"), "1"_ba);
}

void RouterE2eTest::connectFailureFailsOver()
{
    start();
    const auto client = chat(u"dead-first"_s, true);
    QVERIFY(client->isComplete());
    QCOMPARE(client->status(), 200);
    QCOMPARE(client->header("x-onegate-provider"), "b/text"_ba);
    QCOMPARE(m_b->requests().size(), 1);
}

void RouterE2eTest::firstByteTimeoutFailsOver()
{
    start();
    // slowa answers after 3 s; its budget is 300 ms. The provider may have started to
    // work on it (and bill it), so it is not tried again, but b is.
    m_a->setScript({u"slow@3000"_s});
    for (const bool stream : {false, true}) {
        const auto client = chat(u"slow-first"_s, stream);
        QVERIFY(client->isComplete());
        QCOMPARE(client->status(), 200);
        QCOMPARE(client->header("x-onegate-provider"), "b/text"_ba);
        m_a->setScript({u"slow@3000"_s});
    }
    QCOMPARE(m_a->requests().size(), 2);
}

void RouterE2eTest::streamErrorAfterContentDoesNotFailOver()
{
    start();
    m_a->setScript({u"midstream-error"_s});
    const auto client = chat(u"smart"_s, true);
    QVERIFY(client->isComplete());
    QCOMPARE(client->status(), 200);
    const QList<QByteArray> events = client->eventData();
    QVERIFY(events.size() >= 2);
    QVERIFY2(hasError(events.last()), events.last().constData());
    QVERIFY(!events.contains("[DONE]"_ba));
    QCOMPARE(m_b->requests().size(), 0);
    QCOMPARE(client->header("x-onegate-provider"), "a/text"_ba);
}

void RouterE2eTest::shortRetryAfterIsWaitedOnThePinnedRoute_data()
{
    QTest::addColumn<QString>("scenario");
    QTest::newRow("retry-after-ms") << u"error-429-ms-200"_s;
    QTest::newRow("Retry-After seconds") << u"error-429-after-1"_s;
    QTest::newRow("Retry-After date") << u"error-429-date-1"_s;
}

void RouterE2eTest::shortRetryAfterIsWaitedOnThePinnedRoute()
{
    QFETCH(QString, scenario);
    start();
    m_a->setScript({scenario, u"text"_s});
    const auto client = chat(u"a/text"_s, false);
    QVERIFY(client->isComplete());
    QCOMPARE(client->status(), 200);
    QCOMPARE(client->body(), textAnswer());
    QCOMPARE(m_a->requests().size(), 2);
    QCOMPARE(m_b->requests().size(), 0);
    QCOMPARE(client->header("x-onegate-attempts"), "2"_ba);
}

void RouterE2eTest::longRetryAfterReachesTheClient()
{
    start();
    m_a->setScript({u"error-429-after-30"_s});
    const auto client = chat(u"a/text"_s, false);
    QVERIFY(client->isComplete());
    QCOMPARE(client->status(), 429);
    QCOMPARE(client->header("retry-after"), "30"_ba);
    QCOMPARE(m_a->requests().size(), 1);
}

void RouterE2eTest::pinnedRouteNeverFailsOverElsewhere()
{
    start(uR"(, "router": { "max_attempts": 2 })"_s);
    m_a->setScript({u"error-500"_s, u"error-503"_s});
    const auto client = chat(u"a/text"_s, false);
    QVERIFY(client->isComplete());
    QCOMPARE(client->status(), 503);
    QCOMPARE(m_a->requests().size(), 2);  // retried on its own route, within max_attempts
    QCOMPARE(m_b->requests().size(), 0);
}

void RouterE2eTest::gatewayTimeoutIsNeverRetriedOnItsRoute()
{
    start();
    // The provider may have billed a 504: the pinned route is not asked again, even
    // though attempts are left.
    m_a->setScript({u"error-504"_s, u"text"_s});
    const auto client = chat(u"a/text"_s, false);
    QVERIFY(client->isComplete());
    QCOMPARE(client->status(), 504);
    QCOMPARE(m_a->requests().size(), 1);
    QCOMPARE(client->header("x-onegate-attempts"), "1"_ba);
}

void RouterE2eTest::rejectedKeyCoolsDownAndTheNextKeyServes()
{
    start();
    m_a->setExpectedKey(kKeyA2);  // a's first key is revoked
    const auto first = chat(u"a/text"_s, false);
    QVERIFY(first->isComplete());
    QCOMPARE(first->status(), 200);
    QCOMPARE(m_a->requests().size(), 2);
    QCOMPARE(m_a->requests()[0].header("authorization"), "Bearer " + kKeyA);
    QCOMPARE(m_a->requests()[1].header("authorization"), "Bearer " + kKeyA2);
    // Cooling down: the next requests do not try the rejected key.
    for (int i = 0; i < 3; ++i) {
        const auto next = chat(u"a/text"_s, false);
        QCOMPARE(next->status(), 200);
    }
    QCOMPARE(m_a->requests().size(), 5);
    for (qsizetype i = 2; i < 5; ++i)
        QCOMPARE(m_a->requests()[i].header("authorization"), "Bearer " + kKeyA2);
}

void RouterE2eTest::breakerOpensSkipsAndRecovers()
{
    start(uR"(, "router": { "breaker": { "failures": 2, "cooldown_ms": 10000 } })"_s);
    m_a->setScript({u"error-500"_s, u"error-500"_s});
    for (int i = 0; i < 2; ++i)
        QCOMPARE(chat(u"smart"_s, false)->status(), 200);  // served by b each time
    QCOMPARE(m_a->requests().size(), 2);
    QCOMPARE(m_gateway->health().route(u"a"_s, u"text"_s).state, BreakerState::Open);

    // Open: a is not even asked.
    QCOMPARE(chat(u"smart"_s, false)->status(), 200);
    QCOMPARE(m_a->requests().size(), 2);
    QCOMPARE(m_b->requests().size(), 3);

    // After the cooldown, one probe goes to a; it succeeds and closes the breaker.
    *m_now += 10000;
    QCOMPARE(m_gateway->health().route(u"a"_s, u"text"_s).state, BreakerState::HalfOpen);
    const auto probe = chat(u"smart"_s, false);
    QCOMPARE(probe->status(), 200);
    QCOMPARE(probe->header("x-onegate-provider"), "a/text"_ba);
    QCOMPARE(m_gateway->health().route(u"a"_s, u"text"_s).state, BreakerState::Closed);
    QCOMPARE(chat(u"smart"_s, false)->header("x-onegate-provider"), "a/text"_ba);
}

void RouterE2eTest::clientLeavingDuringBackoffStopsAttempts()
{
    start();
    m_a->setScript({u"error-500"_s});
    auto client = std::make_unique<TestHttpClient>(m_port);
    client->send("POST"_ba, "/v1/chat/completions"_ba,
                 {{"Authorization"_ba, "Bearer " + kAccessKey}, {"Content-Type"_ba, "application/json"_ba}},
                 chatBody(u"a/text"_s, false));
    QVERIFY(waitUntil([&] { return m_a->requests().size() == 1; }, 5000));
    // The 500 arrives and the router backs off before retrying a; the client leaves.
    QTest::qWait(20);
    client->abort();
    // The first backoff is at most 250 ms; wait well past it.
    QTest::qWait(700);
    QCOMPARE(m_a->requests().size(), 1);
    QCOMPARE(m_b->requests().size(), 0);
    const QList<UsageRecord> rows = usageRows(1);
    QCOMPARE(rows.size(), 1);
    QCOMPARE(rows[0].status, 499);
}

void RouterE2eTest::poolSpreadsAcrossProviders()
{
    start();
    for (int i = 0; i < 40; ++i)
        QCOMPARE(chat(u"text"_s, false)->status(), 200);
    // One pool across a and b with equal weights: both serve (seeded, so repeatable).
    QVERIFY2(m_a->requests().size() >= 10 && m_b->requests().size() >= 10,
             qPrintable(u"a %1, b %2"_s.arg(m_a->requests().size()).arg(m_b->requests().size())));
    QCOMPARE(m_a->requests().size() + m_b->requests().size(), 40);
}

void RouterE2eTest::usageRowRecordsAttemptsAndFinalRoute()
{
    start();
    m_a->setScript({u"error-503"_s});
    QCOMPARE(chat(u"smart"_s, false)->status(), 200);
    QCOMPARE(chat(u"smart"_s, false)->status(), 200);
    const QList<UsageRecord> rows = usageRows(2);
    QCOMPARE(rows.size(), 2);
    // Newest first.
    QCOMPARE(rows[1].attempts, 2);
    QCOMPARE(rows[1].provider, u"b"_s);
    QCOMPARE(rows[1].status, 200);
    QCOMPARE(rows[0].attempts, 1);
    QCOMPARE(rows[0].provider, u"a"_s);
    QCOMPARE(rows[0].requestedModel, u"smart"_s);
}

void RouterE2eTest::modelsListsEachIdOnce()
{
    start();
    auto client = std::make_unique<TestHttpClient>(m_port);
    client->send("GET"_ba, "/v1/models"_ba, {{"Authorization"_ba, "Bearer " + kAccessKey}});
    QVERIFY(client->waitForFinished());
    QStringList ids;
    for (const QJsonValue &model : client->json().value("data"_L1).toArray())
        ids.append(model.toObject().value("id"_L1).toString());
    QCOMPARE(ids.count(u"text"_s), 1);  // served by a and b: one pool, listed once
    QVERIFY(ids.contains(u"smart"_s));
}

void RouterE2eTest::cacheServesARepeatFromMemory()
{
    start();
    const auto first = chat(u"cached"_s, false);
    QCOMPARE(first->status(), 200);
    QCOMPARE(first->header("x-onegate-cache"), "miss"_ba);
    QCOMPARE(first->body(), textAnswer());
    const auto second = chat(u"cached"_s, false);
    QCOMPARE(second->status(), 200);
    QCOMPARE(second->header("x-onegate-cache"), "hit"_ba);
    QCOMPARE(second->body(), textAnswer());
    QCOMPARE(second->header("x-onegate-attempts"), "0"_ba);
    QCOMPARE(m_a->requests().size(), 1);

    // A hit costs nothing: its row says so and counts no tokens.
    const QList<UsageRecord> rows = usageRows(2);
    QCOMPARE(rows.size(), 2);
    QVERIFY(rows[0].cacheHit);
    QCOMPARE(rows[0].promptTokens + rows[0].completionTokens, 0);
    QVERIFY(rows[0].provider.isEmpty());
    QCOMPARE(rows[0].attempts, 0);
    QVERIFY(!rows[1].cacheHit);
    QVERIFY(rows[1].promptTokens > 0);
}

void RouterE2eTest::cacheReplaysAStreamAsABodyAndBack()
{
    start();
    // Cached from a non-stream answer, replayed as a well-formed stream (usage on ask).
    QCOMPARE(chat(u"cached"_s, false)->status(), 200);
    const auto streamed = chat(u"cached"_s, true, 10000, {}, true);
    QCOMPARE(streamed->status(), 200);
    QCOMPARE(streamed->header("x-onegate-cache"), "hit"_ba);
    QVERIFY(streamed->header("content-type").startsWith("text/event-stream"));
    const QList<QByteArray> events = streamed->eventData();
    QCOMPARE(events.last(), "[DONE]"_ba);
    const QJsonObject recorded = QJsonDocument::fromJson(textAnswer()).object();
    const QJsonObject message = recorded.value("choices"_L1).toArray().first().toObject().value("message"_L1).toObject();
    QCOMPARE(assembled(events).first, message.value("content"_L1).toString());
    QCOMPARE(assembled(events).second, u"stop"_s);
    const QJsonObject usageChunk = QJsonDocument::fromJson(events[events.size() - 2]).object();
    QVERIFY2(usageChunk.value("usage"_L1).isObject(), events[events.size() - 2].constData());
    QCOMPARE(m_a->requests().size(), 1);

    // The reverse, on another question: a streamed answer cached, replayed as a body.
    m_b->setScript({});
    auto streamFirst = std::make_unique<TestHttpClient>(m_port);
    const QByteArray other = chatBody(u"cached"_s, true).replace("Hi", "Hello there");
    streamFirst->send("POST"_ba, "/v1/chat/completions"_ba,
                      {{"Authorization"_ba, "Bearer " + kAccessKey}, {"Content-Type"_ba, "application/json"_ba}}, other);
    QVERIFY(streamFirst->waitForFinished(10000));
    QCOMPARE(streamFirst->header("x-onegate-cache"), "miss"_ba);
    const QString streamedText = assembled(streamFirst->eventData()).first;
    auto bodyAfter = std::make_unique<TestHttpClient>(m_port);
    bodyAfter->send("POST"_ba, "/v1/chat/completions"_ba,
                    {{"Authorization"_ba, "Bearer " + kAccessKey}, {"Content-Type"_ba, "application/json"_ba}},
                    QByteArray(other).replace(",\"stream\":true", ""));
    QVERIFY(bodyAfter->waitForFinished(10000));
    QCOMPARE(bodyAfter->status(), 200);
    QCOMPARE(bodyAfter->header("x-onegate-cache"), "hit"_ba);
    const QJsonObject completion = bodyAfter->json();
    QCOMPARE(completion.value("object"_L1).toString(), u"chat.completion"_s);
    QCOMPARE(completion.value("choices"_L1).toArray().first().toObject().value("message"_L1).toObject()
                 .value("content"_L1).toString(),
             streamedText);
    QCOMPARE(m_a->requests().size(), 2);
}

void RouterE2eTest::cacheEntriesExpire()
{
    start();
    QCOMPARE(chat(u"cached"_s, false)->header("x-onegate-cache"), "miss"_ba);
    *m_now += 59'000;
    QCOMPARE(chat(u"cached"_s, false)->header("x-onegate-cache"), "hit"_ba);
    *m_now += 1'000;  // ttl_s 60
    QCOMPARE(chat(u"cached"_s, false)->header("x-onegate-cache"), "miss"_ba);
    QCOMPARE(m_a->requests().size(), 2);
}

void RouterE2eTest::cacheNeverKeepsErrorsOrBrokenStreams()
{
    start(uR"(, "router": { "max_attempts": 1 })"_s);
    m_a->setScript({u"error-400"_s, u"truncated"_s, u"midstream-error"_s});
    QCOMPARE(chat(u"cached"_s, false)->status(), 400);
    QCOMPARE(chat(u"cached"_s, true)->status(), 200);   // truncated: an error event at the end
    QCOMPARE(chat(u"cached"_s, true)->status(), 200);   // mid-stream error
    const auto fresh = chat(u"cached"_s, false);
    QCOMPARE(fresh->header("x-onegate-cache"), "miss"_ba);
    QCOMPARE(fresh->body(), textAnswer());
    QCOMPARE(m_a->requests().size(), 4);
}

void RouterE2eTest::cacheHeaderTurnsItOnAndOff()
{
    start();
    // Off by default for a model without "cache": true; no header then.
    QVERIFY(chat(u"smart"_s, false)->header("x-onegate-cache").isEmpty());
    QCOMPARE(chat(u"smart"_s, false, 10000, {{"x-onegate-cache"_ba, "on"_ba}})->header("x-onegate-cache"), "miss"_ba);
    QCOMPARE(chat(u"smart"_s, false, 10000, {{"x-onegate-cache"_ba, "ON"_ba}})->header("x-onegate-cache"), "hit"_ba);
    // Off for one request of a cached model: asks the provider and leaves the cache be.
    QCOMPARE(chat(u"cached"_s, false)->header("x-onegate-cache"), "miss"_ba);
    const auto off = chat(u"cached"_s, false, 10000, {{"x-onegate-cache"_ba, "off"_ba}});
    QVERIFY(off->header("x-onegate-cache").isEmpty());
    QCOMPARE(chat(u"cached"_s, false)->header("x-onegate-cache"), "hit"_ba);
    const auto bad = chat(u"smart"_s, false, 10000, {{"x-onegate-cache"_ba, "maybe"_ba}});
    QCOMPARE(bad->status(), 400);
    QVERIFY(QString::fromUtf8(bad->body()).contains(u"x-onegate-cache"_s));
}

void RouterE2eTest::metricsCountWhatHappened()
{
    start();
    QCOMPARE(get("/metrics"_ba, false)->status(), 401);
    m_a->setScript({u"error-503"_s});
    QCOMPARE(chat(u"smart"_s, false)->status(), 200);   // a fails, b serves
    QCOMPARE(chat(u"smart"_s, true)->status(), 200);    // a serves a stream
    QCOMPARE(chat(u"cached"_s, false)->status(), 200);  // miss
    QCOMPARE(chat(u"cached"_s, false)->status(), 200);  // hit

    const auto scrape = get("/metrics"_ba);
    QCOMPARE(scrape->status(), 200);
    QVERIFY(scrape->header("content-type").startsWith("text/plain"));
    const PrometheusText text = PrometheusText::parse(scrape->body());
    QVERIFY2(text.ok(), qPrintable(text.error));
    auto value = [&](const QString &name, const PromLabels &labels) { return text.value(name, labels).value_or(-1); };
    QCOMPARE(value(u"onegate_requests_total"_s, {{u"model"_s, u"smart"_s}, {u"provider"_s, u"b"_s}, {u"status"_s, u"200"_s}}), 1.0);
    QCOMPARE(value(u"onegate_requests_total"_s, {{u"model"_s, u"smart"_s}, {u"provider"_s, u"a"_s}, {u"status"_s, u"200"_s}}), 1.0);
    QCOMPARE(value(u"onegate_failovers_total"_s, {{u"provider"_s, u"a"_s}}), 1.0);
    QCOMPARE(value(u"onegate_cache_hits_total"_s, {{u"model"_s, u"cached"_s}}), 1.0);
    QCOMPARE(value(u"onegate_cache_misses_total"_s, {{u"model"_s, u"cached"_s}}), 1.0);
    QVERIFY(value(u"onegate_tokens_total"_s, {{u"model"_s, u"smart"_s}, {u"provider"_s, u"b"_s}, {u"kind"_s, u"prompt"_s}}) > 0);
    QCOMPARE(value(u"onegate_streams_in_flight"_s, {}), 0.0);
    QCOMPARE(value(u"onegate_open_circuit_breakers"_s, {}), 0.0);
    const PromFamily *latency = text.family(u"onegate_request_duration_seconds"_s);
    QVERIFY(latency);
    QVERIFY2(histogramProblem(*latency).isEmpty(), qPrintable(histogramProblem(*latency)));
    QVERIFY(text.family(u"onegate_upstream_errors_total"_s));
}

void RouterE2eTest::routeHealthEndpoint()
{
    start(uR"(, "router": { "breaker": { "failures": 1, "cooldown_ms": 30000 } })"_s);
    QCOMPARE(get("/onegate/routes"_ba, false)->status(), 401);
    m_a->setScript({u"error-500"_s});
    QCOMPARE(chat(u"smart"_s, false)->status(), 200);
    const auto health = get("/onegate/routes"_ba);
    QCOMPARE(health->status(), 200);
    QJsonObject routeA, routeB;
    for (const QJsonValue &route : health->json().value("routes"_L1).toArray()) {
        if (route.toObject().value("provider"_L1) == "a"_L1)
            routeA = route.toObject();
        if (route.toObject().value("provider"_L1) == "b"_L1)
            routeB = route.toObject();
    }
    QCOMPARE(routeA.value("state"_L1).toString(), u"open"_s);
    QCOMPARE(routeA.value("failures"_L1).toInt(), 1);
    QVERIFY(routeA.value("cooldown_left_ms"_L1).toInt() > 29000);
    QVERIFY(routeA.value("last_error"_L1).toString().contains(u"fake"_s) || !routeA.value("last_error"_L1).toString().isEmpty());
    QVERIFY(routeA.value("success_rate"_L1).toDouble() < 1.0);
    QCOMPARE(routeB.value("state"_L1).toString(), u"closed"_s);
    QCOMPARE(routeB.value("successes"_L1).toInt(), 1);
    QVERIFY(routeB.value("ttfb_ms"_L1).toDouble() >= 0);
    QVERIFY(health->json().value("cooling_keys"_L1).isArray());
}

void RouterE2eTest::fullRouteIsSkipped()
{
    start();
    m_a->setScript({u"text@150"_s});  // a slow stream holds a's only slot
    auto first = std::make_unique<TestHttpClient>(m_port);
    first->send("POST"_ba, "/v1/chat/completions"_ba,
                {{"Authorization"_ba, "Bearer " + kAccessKey}, {"Content-Type"_ba, "application/json"_ba}},
                chatBody(u"capped"_s, true));
    QVERIFY(first->waitForHead(5000));
    const auto second = chat(u"capped"_s, false);
    QCOMPARE(second->status(), 200);
    QCOMPARE(second->header("x-onegate-provider"), "b/text"_ba);
    QVERIFY(first->waitForFinished(10000));
    QCOMPARE(first->header("x-onegate-provider"), "a/text"_ba);
    // Free again: the next goes to a.
    QCOMPARE(chat(u"capped"_s, false)->header("x-onegate-provider"), "a/text"_ba);
}

void RouterE2eTest::onlyRouteFullWaitsForItsTurn()
{
    start();
    m_a->setScript({u"text@100"_s});
    auto first = std::make_unique<TestHttpClient>(m_port);
    first->send("POST"_ba, "/v1/chat/completions"_ba,
                {{"Authorization"_ba, "Bearer " + kAccessKey}, {"Content-Type"_ba, "application/json"_ba}},
                chatBody(u"solo"_s, true));
    QVERIFY(first->waitForHead(5000));
    auto second = std::make_unique<TestHttpClient>(m_port);
    second->send("POST"_ba, "/v1/chat/completions"_ba,
                 {{"Authorization"_ba, "Bearer " + kAccessKey}, {"Content-Type"_ba, "application/json"_ba}},
                 chatBody(u"solo"_s, false));
    // The second waits until the first stream is done, then is served by the same route.
    QTest::qWait(300);
    QVERIFY2(!first->isComplete(), "the first stream takes about a second");
    QCOMPARE(m_a->requests().size(), 1);
    QVERIFY(!second->hasHead());
    QVERIFY(first->waitForFinished(10000));
    QVERIFY(second->waitForFinished(10000));
    QCOMPARE(second->status(), 200);
    QCOMPARE(second->header("x-onegate-provider"), "a/text"_ba);
    QCOMPARE(m_a->requests().size(), 2);
    QVERIFY2(second->events().isEmpty(), "a plain answer");
    QCOMPARE(m_b->requests().size(), 0);
}

QTEST_GUILESS_MAIN(RouterE2eTest)
#include "tst_router_e2e.moc"
