// Access-key limits and budgets (issue 11): the ledger's sliding minute and months with a
// clock the test drives, the cost arithmetic, and over real sockets a Gateway enforcing
// rpm, tpm, max_concurrent, the monthly budget (warning, stop, kept across a restart, a
// new month) and expiry, with OpenAI's x-ratelimit-* headers and error shapes.

#include "FakeUpstream.h"
#include "Gateway.h"
#include "TestHttpClient.h"
#include "UsageRows.h"
#include "config/ConfigParser.h"
#include "limits/KeyLimiter.h"
#include "limits/MemoryLimitLedger.h"
#include "secrets/MemorySecretStore.h"
#include "usage/UsageCost.h"
#include "usage/UsageRecorder.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <memory>

using namespace onegate;
using namespace onegate::test;
using namespace Qt::StringLiterals;

namespace {

const QByteArray kAccessKey = "og-limits-test-key-5e1"_ba;

// 2026-12-15T12:00:00Z: mid-month, so a minute's steps never cross into January.
const qint64 kStartMs = QDateTime(QDate(2026, 12, 15), QTime(12, 0), Qt::UTC).toMSecsSinceEpoch();
const qint64 kJanuaryMs = QDateTime(QDate(2027, 1, 1), QTime(0, 0), Qt::UTC).toMSecsSinceEpoch();

// The recorded `text` answer uses 14 prompt and 37 completion tokens: at these prices
// (per million) one request costs (14 * 10000 + 37 * 20000) / 1e6 = 0.88.
constexpr double kRequestCost = 0.88;

QByteArray configJson(quint16 upstreamPort, const QString &keyLimits)
{
    return QString::fromLatin1(
               "{\"listen\": \"127.0.0.1:0\","
               " \"access_keys\": [ { \"name\": \"cursor\", \"key\": \"env:LIMITS_TEST_KEY\"%2 } ],"
               " \"providers\": [ { \"id\": \"up\", \"kind\": \"openai\","
               " \"base_url\": \"http:\x2F/127.0.0.1:%1/v1\", \"proxy\": \"none\", \"models\": [\"text\", \"stall\", \"length\"] } ],"
               " \"models\": [ { \"id\": \"text\", \"prices\": { \"input\": 10000, \"output\": 20000 } } ] }")
        .arg(upstreamPort)
        .arg(keyLimits.isEmpty() ? QString() : u", "_s + keyLimits)
        .toUtf8();
}

QByteArray chatBody(const QString &model, bool stream = false)
{
    QJsonObject body{{"model"_L1, model},
                     {"messages"_L1, QJsonArray{QJsonObject{{"role"_L1, "user"_L1}, {"content"_L1, "Hi"_L1}}}}};
    if (stream)
        body.insert("stream"_L1, true);
    return QJsonDocument(body).toJson(QJsonDocument::Compact);
}

} // namespace

class KeyLimitsTest final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void ledgerSlidesTheMinute();
    void ledgerCountsTokensWhenRequestsFinish();
    void ledgerStartsEachMonthAfresh();
    void resetTextIsOpenAisDuration_data();
    void resetTextIsOpenAisDuration();
    void costCountsCacheTokensAtTheirPrices();
    void requestsPerMinute();
    void tokensPerMinute();
    void concurrentRequests();
    void budgetWarnsThenStops();
    void budgetSurvivesARestartAndEndsWithTheMonth();
    void budgetStopInTheAnthropicShape();
    void expiredKeyIsRefusedEverywhere();
    void keysWithoutLimitsGetNoHeaders();

private:
    void start(const QString &keyLimits);
    std::unique_ptr<TestHttpClient> send(const QByteArray &method, const QByteArray &path, const QByteArray &body = {},
                                         const RawHeaders &extra = {});
    std::unique_ptr<TestHttpClient> chat(const QString &model = u"text"_s);

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<FakeUpstream> m_upstream;
    std::unique_ptr<UsageRecorder> m_usage;
    std::unique_ptr<Gateway> m_gateway;
    std::unique_ptr<QSignalSpy> m_alerts;
    std::shared_ptr<qint64> m_now;
    quint16 m_port = 0;
};

void KeyLimitsTest::initTestCase()
{
    qputenv("LIMITS_TEST_KEY", kAccessKey);
}

void KeyLimitsTest::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_upstream = std::make_unique<FakeUpstream>();
    QVERIFY2(m_upstream->listen(), qPrintable(m_upstream->errorString()));
    m_usage = std::make_unique<UsageRecorder>();
    const QString error = m_usage->open(m_dir->filePath(u"usage.db"_s));
    QVERIFY2(error.isEmpty(), qPrintable(error));
    m_now = std::make_shared<qint64>(kStartMs);
}

void KeyLimitsTest::cleanup()
{
    m_alerts.reset();
    m_gateway.reset();
    m_usage.reset();
    m_upstream.reset();
    m_dir.reset();
}

void KeyLimitsTest::start(const QString &keyLimits)
{
    m_alerts.reset();
    m_gateway.reset();
    ConfigResult parsed = parseConfig(configJson(m_upstream->port(), keyLimits), u"limits.json"_s);
    QVERIFY2(parsed.ok(), qPrintable(parsed.error.toString()));
    Config config = std::move(*parsed.config);
    MemorySecretStore secrets;
    const QStringList warnings = resolveSecrets(config, secrets);
    QVERIFY2(warnings.isEmpty(), qPrintable(warnings.join(u'\n')));
    m_gateway = std::make_unique<Gateway>(std::make_shared<const Config>(std::move(config)), m_usage.get());
    m_gateway->setLimitsClock([now = m_now] { return *now; });
    m_alerts = std::make_unique<QSignalSpy>(m_gateway.get(), &Gateway::budgetAlert);
    const ListenResult listening = m_gateway->listen(u"127.0.0.1"_s, 0);
    QVERIFY2(listening.ok(), qPrintable(listening.error));
    m_port = listening.port;
}

std::unique_ptr<TestHttpClient> KeyLimitsTest::send(const QByteArray &method, const QByteArray &path,
                                                    const QByteArray &body, const RawHeaders &extra)
{
    auto client = std::make_unique<TestHttpClient>(m_port);
    RawHeaders headers{{"Authorization"_ba, "Bearer " + kAccessKey}};
    if (!body.isEmpty())
        headers.append({"Content-Type"_ba, "application/json"_ba});
    headers += extra;
    client->send(method, path, headers, body);
    return client;
}

std::unique_ptr<TestHttpClient> KeyLimitsTest::chat(const QString &model)
{
    auto client = send("POST"_ba, "/v1/chat/completions"_ba, chatBody(model));
    client->waitForFinished(10000);
    return client;
}

void KeyLimitsTest::ledgerSlidesTheMinute()
{
    qint64 now = kStartMs;
    auto limiter = std::make_shared<KeyLimiter>(std::make_unique<MemoryLimitLedger>(), [&now] { return now; });
    const Caller caller{u"k"_s, {u"*"_s}, AccessKeyLimits{0, 2, 0, 0, 0, 0.8}};

    auto first = limiter->admit(caller);
    QVERIFY(!first.refusal);
    now += 10'000;
    auto second = limiter->admit(caller);
    QVERIFY(!second.refusal);
    QVERIFY(second.headers.contains({"x-ratelimit-remaining-requests"_ba, "0"_ba}));
    // The first request leaves the window 60 s after it came: 50 s from now.
    QVERIFY(second.headers.contains({"x-ratelimit-reset-requests"_ba, "50s"_ba}));

    const auto third = limiter->admit(caller);
    QVERIFY(third.refusal);
    QCOMPARE(third.refusal->status, 429);
    QCOMPARE(third.refusal->type, u"requests"_s);
    QCOMPARE(third.refusal->code, u"rate_limit_exceeded"_s);
    QVERIFY(third.headers.contains({"Retry-After"_ba, "50"_ba}));
    QVERIFY(third.headers.contains({"retry-after-ms"_ba, "50000"_ba}));

    now += 49'999;
    QVERIFY(limiter->admit(caller).refusal);
    now += 1;  // exactly 60 s after the first
    auto fourth = limiter->admit(caller);
    QVERIFY(!fourth.refusal);
    first.ticket->settle(Config{}, UsageRecord{});
    second.ticket.reset();  // dropped unsettled: its slot is freed all the same
    fourth.ticket.reset();
    QCOMPARE(limiter->standing(u"k"_s, caller.limits).inFlight, 0);
}

void KeyLimitsTest::ledgerCountsTokensWhenRequestsFinish()
{
    qint64 now = kStartMs;
    auto limiter = std::make_shared<KeyLimiter>(std::make_unique<MemoryLimitLedger>(), [&now] { return now; });
    const Caller caller{u"k"_s, {u"*"_s}, AccessKeyLimits{0, 0, 100, 0, 0, 0.8}};
    UsageRecord record;
    record.promptTokens = 40;
    record.completionTokens = 30;

    auto first = limiter->admit(caller);
    QVERIFY(!first.refusal);
    first.ticket->settle(Config{}, record);  // 70 tokens at 0 s
    now += 20'000;
    auto second = limiter->admit(caller);
    QVERIFY2(!second.refusal, "70 of 100 tokens used: still admitted");
    QVERIFY(second.headers.contains({"x-ratelimit-remaining-tokens"_ba, "30"_ba}));
    second.ticket->settle(Config{}, record);  // 140 tokens in the window at 20 s
    const auto third = limiter->admit(caller);
    QVERIFY(third.refusal);
    QCOMPARE(third.refusal->type, u"tokens"_s);
    // Below the limit again when the first 70 leave, at 60 s: 40 s from now.
    QVERIFY(third.headers.contains({"Retry-After"_ba, "40"_ba}));
    QVERIFY(third.headers.contains({"x-ratelimit-reset-tokens"_ba, "40s"_ba}));
    now += 40'000;
    QVERIFY(!limiter->admit(caller).refusal);
}

void KeyLimitsTest::ledgerStartsEachMonthAfresh()
{
    MemoryLimitLedger ledger;
    const AccessKeyLimits limits{0, 0, 0, 0, 5.0, 0.8};
    QVERIFY(ledger.admit(u"k"_s, limits, kStartMs).admitted());
    ledger.settle(u"k"_s, kStartMs, 10, {6.0, true});
    QCOMPARE(ledger.admit(u"k"_s, limits, kStartMs + 1).refusedBy, LimitKind::Budget);
    QCOMPARE(ledger.standing(u"k"_s, limits, kJanuaryMs - 1).spentThisMonth, 6.0);
    QCOMPARE(ledger.standing(u"k"_s, limits, kJanuaryMs).spentThisMonth, 0.0);
    QVERIFY(ledger.admit(u"k"_s, limits, kJanuaryMs).admitted());
    QCOMPARE(monthStartMs(kStartMs), QDateTime(QDate(2026, 12, 1), QTime(0, 0), Qt::UTC).toMSecsSinceEpoch());
    QCOMPARE(nextMonthStartMs(kStartMs), kJanuaryMs);
}

void KeyLimitsTest::resetTextIsOpenAisDuration_data()
{
    QTest::addColumn<qint64>("ms");
    QTest::addColumn<QByteArray>("text");
    QTest::newRow("none") << qint64(0) << "0s"_ba;
    QTest::newRow("ms") << qint64(20) << "20ms"_ba;
    QTest::newRow("whole seconds") << qint64(17'000) << "17s"_ba;
    QTest::newRow("fraction") << qint64(1'500) << "1.5s"_ba;
    QTest::newRow("minutes") << qint64(360'000) << "6m0s"_ba;
    QTest::newRow("hours") << qint64(3'723'000) << "1h2m3s"_ba;
}

void KeyLimitsTest::resetTextIsOpenAisDuration()
{
    QFETCH(qint64, ms);
    QFETCH(QByteArray, text);
    QCOMPARE(KeyLimiter::resetText(ms), text);
}

void KeyLimitsTest::costCountsCacheTokensAtTheirPrices()
{
    ModelPrices prices;
    prices.input = 3.0;
    prices.output = 15.0;
    prices.cacheRead = 0.3;
    prices.cacheWrite = 3.75;
    // 1000 prompt tokens of which 600 read from the cache and 100 written to it.
    const RequestCost cost = costAt(prices, {1000, 200, 600, 100});
    QVERIFY(cost.priced);
    QVERIFY(qFuzzyCompare(cost.amount, (300 * 3.0 + 600 * 0.3 + 100 * 3.75 + 200 * 15.0) / 1e6));
    // Without cache prices, cache tokens are input tokens.
    ModelPrices plain;
    plain.input = 2.0;
    plain.output = 8.0;
    QVERIFY(qFuzzyCompare(costAt(plain, {1000, 200, 600, 100}).amount, (1000 * 2.0 + 200 * 8.0) / 1e6));
    // No output price: a request with output cannot be priced; an embedding can.
    ModelPrices inputOnly;
    inputOnly.input = 0.02;
    QVERIFY(!costAt(inputOnly, {10, 5, 0, 0}).priced);
    QVERIFY(costAt(inputOnly, {10, 0, 0, 0}).priced);
    QVERIFY(!costAt(ModelPrices{}, {10, 0, 0, 0}).priced);
}

void KeyLimitsTest::requestsPerMinute()
{
    start(u"\"rpm\": 2"_s);
    const auto first = chat();
    QCOMPARE(first->status(), 200);
    QCOMPARE(first->header("x-ratelimit-limit-requests"), "2"_ba);
    QCOMPARE(first->header("x-ratelimit-remaining-requests"), "1"_ba);
    QCOMPARE(first->header("x-ratelimit-reset-requests"), "1m0s"_ba);
    *m_now += 30'000;
    const auto second = chat();
    QCOMPARE(second->status(), 200);
    QCOMPARE(second->header("x-ratelimit-remaining-requests"), "0"_ba);

    const auto refused = chat();
    QCOMPARE(refused->status(), 429);
    QCOMPARE(refused->header("retry-after"), "30"_ba);
    QCOMPARE(refused->header("x-ratelimit-remaining-requests"), "0"_ba);
    QCOMPARE(refused->header("x-ratelimit-reset-requests"), "30s"_ba);
    const QJsonObject error = refused->json().value("error"_L1).toObject();
    QCOMPARE(error.value("type"_L1).toString(), u"requests"_s);
    QCOMPARE(error.value("code"_L1).toString(), u"rate_limit_exceeded"_s);
    QVERIFY2(error.value("message"_L1).toString().contains(u"'cursor'"_s), refused->body().constData());
    QCOMPARE(m_upstream->requests().size(), 2);  // the refused one never left

    *m_now += 30'000;
    QCOMPARE(chat()->status(), 200);
    // The refusal is in the usage log like any answered request.
    const QList<UsageRecord> rows = committedUsageRows(*m_usage, m_dir->filePath(u"usage.db"_s), 4);
    QCOMPARE(rows.size(), 4);
    QCOMPARE(rows.at(1).status, 429);
    QCOMPARE(rows.at(1).accessKey, u"cursor"_s);
}

void KeyLimitsTest::tokensPerMinute()
{
    start(u"\"tpm\": 60"_s);
    const auto first = chat();  // 51 tokens
    QCOMPARE(first->status(), 200);
    QCOMPARE(first->header("x-ratelimit-limit-tokens"), "60"_ba);
    QCOMPARE(first->header("x-ratelimit-remaining-tokens"), "60"_ba);
    QCOMPARE(chat()->status(), 200);  // 51 of 60 used when it came: admitted
    const auto refused = chat();
    QCOMPARE(refused->status(), 429);
    QCOMPARE(refused->json().value("error"_L1).toObject().value("type"_L1).toString(), u"tokens"_s);
    QCOMPARE(refused->header("x-ratelimit-remaining-tokens"), "0"_ba);
    QVERIFY(!refused->header("retry-after").isEmpty());
    *m_now += 60'000;
    QCOMPARE(chat()->status(), 200);
    QCOMPARE(m_upstream->requests().size(), 3);
}

void KeyLimitsTest::concurrentRequests()
{
    start(u"\"max_concurrent\": 1"_s);
    auto streaming = send("POST"_ba, "/v1/chat/completions"_ba, chatBody(u"stall"_s, true));
    QVERIFY(streaming->waitForEvents(1, 10000));

    const auto refused = chat();
    QCOMPARE(refused->status(), 429);
    QCOMPARE(refused->json().value("error"_L1).toObject().value("code"_L1).toString(), u"concurrency_limit_exceeded"_s);
    QCOMPARE(refused->header("retry-after"), "1"_ba);

    // The stalled stream's client leaves: its slot is free once the exchange has ended.
    streaming->abort();
    QVERIFY(waitUntil([this] { return m_gateway->activeRequests() == 0; }, 10000));
    QCOMPARE(chat()->status(), 200);
    QCOMPARE(m_gateway->keyStandings().value(0).standing.inFlight, 0);
}

void KeyLimitsTest::budgetWarnsThenStops()
{
    start(u"\"budget\": { \"monthly\": 2.0, \"warn_at\": 0.5 }"_s);
    QCOMPARE(chat()->status(), 200);  // 0.88
    QCOMPARE(m_alerts->size(), 0);
    QCOMPARE(chat()->status(), 200);  // 1.76: past half the budget
    QCOMPARE(m_alerts->size(), 1);
    auto alert = m_alerts->at(0).at(0).value<BudgetAlert>();
    QCOMPARE(alert.key, u"cursor"_s);
    QCOMPARE(alert.level, BudgetLevel::Warning);
    QVERIFY(qFuzzyCompare(alert.spent, 2 * kRequestCost));
    QCOMPARE(alert.budget, 2.0);
    QCOMPARE(chat()->status(), 200);  // 2.64: admitted under the budget, finished over it
    QCOMPARE(m_alerts->size(), 2);
    QCOMPARE(m_alerts->at(1).at(0).value<BudgetAlert>().level, BudgetLevel::Stopped);

    const auto stopped = chat();
    QCOMPARE(stopped->status(), 429);
    const QJsonObject error = stopped->json().value("error"_L1).toObject();
    QCOMPARE(error.value("type"_L1).toString(), u"insufficient_quota"_s);
    QCOMPARE(error.value("code"_L1).toString(), u"budget_exceeded"_s);
    const QString message = error.value("message"_L1).toString();
    QVERIFY2(message.contains(u"monthly budget of 2.00"_s) && message.contains(u"spent 2.64"_s)
                 && message.contains(u"2027-01-01 00:00 UTC"_s),
             qPrintable(message));
    QCOMPARE(stopped->header("x-should-retry"), "false"_ba);
    QCOMPARE(stopped->header("retry-after").toLongLong(), (kJanuaryMs - kStartMs) / 1000);
    QCOMPARE(m_upstream->requests().size(), 3);
    QCOMPARE(m_alerts->size(), 2);  // each level once

    const KeyStandingRow row = m_gateway->keyStandings().value(0);
    QCOMPARE(row.name, u"cursor"_s);
    QCOMPARE(row.limits.monthlyBudget, 2.0);
    QVERIFY(qFuzzyCompare(row.standing.spentThisMonth, 3 * kRequestCost));
    QCOMPARE(row.standing.unpricedThisMonth, 0);
}

void KeyLimitsTest::budgetSurvivesARestartAndEndsWithTheMonth()
{
    start(u"\"budget\": { \"monthly\": 2.0 }"_s);
    for (int i = 0; i < 3; ++i)
        QCOMPARE(chat()->status(), 200);
    QCOMPARE(chat()->status(), 429);

    // A new process on the same usage.db: this month's spending is read back.
    m_usage->flush();
    start(u"\"budget\": { \"monthly\": 2.0 }"_s);
    QCOMPARE(m_alerts->size(), 1);  // told at once that the key is stopped
    QCOMPARE(m_alerts->at(0).at(0).value<BudgetAlert>().level, BudgetLevel::Stopped);
    QVERIFY(qFuzzyCompare(m_gateway->keyStandings().value(0).standing.spentThisMonth, 3 * kRequestCost));
    QCOMPARE(chat()->status(), 429);

    // Raising the budget by a reload lets the key go on at once.
    ConfigResult raised = parseConfig(
        configJson(m_upstream->port(), u"\"budget\": { \"monthly\": 5.0, \"warn_at\": 0.5 }"_s), u"l.json"_s);
    QVERIFY(raised.ok());
    Config config = std::move(*raised.config);
    MemorySecretStore secrets;
    QVERIFY(resolveSecrets(config, secrets).isEmpty());
    QVERIFY(m_gateway->applyConfig(std::make_shared<const Config>(std::move(config))).ok());
    QCOMPARE(chat()->status(), 200);
    // 2.64 of 5.00 is past the new warning (50 %): said when the config arrives, once.
    QCOMPARE(m_alerts->size(), 2);
    QCOMPARE(m_alerts->at(1).at(0).value<BudgetAlert>().level, BudgetLevel::Warning);
    QCOMPARE(m_alerts->at(1).at(0).value<BudgetAlert>().budget, 5.0);
    // Lowering it below what was spent stops the key and says so at once.
    ConfigResult lowered = parseConfig(configJson(m_upstream->port(), u"\"budget\": { \"monthly\": 3.0 }"_s), u"l.json"_s);
    QVERIFY(lowered.ok());
    Config lowConfig = std::move(*lowered.config);
    QVERIFY(resolveSecrets(lowConfig, secrets).isEmpty());
    QVERIFY(m_gateway->applyConfig(std::make_shared<const Config>(std::move(lowConfig))).ok());
    QCOMPARE(m_alerts->size(), 3);
    QCOMPARE(m_alerts->at(2).at(0).value<BudgetAlert>().level, BudgetLevel::Stopped);
    QCOMPARE(chat()->status(), 429);

    // A new month starts from nothing.
    start(u"\"budget\": { \"monthly\": 2.0 }"_s);
    QCOMPARE(chat()->status(), 429);
    *m_now = kJanuaryMs;
    const auto january = chat();
    QCOMPARE(january->status(), 200);
    QVERIFY(qFuzzyCompare(m_gateway->keyStandings().value(0).standing.spentThisMonth, kRequestCost));
}

void KeyLimitsTest::budgetStopInTheAnthropicShape()
{
    start(u"\"budget\": { \"monthly\": 0.5 }"_s);
    QCOMPARE(chat()->status(), 200);
    const QByteArray body = chatBody(u"text"_s).replace("\"messages\"", "\"max_tokens\":64,\"messages\"");
    auto client = send("POST"_ba, "/v1/messages"_ba, body, {{"anthropic-version"_ba, "2023-06-01"_ba}});
    QVERIFY(client->waitForFinished(10000));
    QCOMPARE(client->status(), 429);
    const QJsonObject answer = client->json();
    QCOMPARE(answer.value("type"_L1).toString(), u"error"_s);
    QCOMPARE(answer.value("error"_L1).toObject().value("type"_L1).toString(), u"rate_limit_error"_s);
    QVERIFY(answer.value("error"_L1).toObject().value("message"_L1).toString().contains(u"monthly budget of 0.50"_s));
}

void KeyLimitsTest::expiredKeyIsRefusedEverywhere()
{
    const qint64 expiresMs = kStartMs + 3'600'000;
    start(u"\"expires\": \"2026-12-15T13:00:00Z\""_s);
    auto models = send("GET"_ba, "/v1/models"_ba);
    QVERIFY(models->waitForFinished());
    QCOMPARE(models->status(), 200);
    QCOMPARE(chat()->status(), 200);

    *m_now = expiresMs;
    models = send("GET"_ba, "/v1/models"_ba);
    QVERIFY(models->waitForFinished());
    QCOMPARE(models->status(), 401);
    const QJsonObject error = models->json().value("error"_L1).toObject();
    QCOMPARE(error.value("code"_L1).toString(), u"access_key_expired"_s);
    QVERIFY2(error.value("message"_L1).toString().contains(u"2026-12-15T13:00:00Z"_s), models->body().constData());
    QCOMPARE(chat()->status(), 401);
    QCOMPARE(m_upstream->requests().size(), 1);
}

void KeyLimitsTest::keysWithoutLimitsGetNoHeaders()
{
    start({});
    const auto answer = chat();
    QCOMPARE(answer->status(), 200);
    QVERIFY(answer->header("x-ratelimit-limit-requests").isEmpty());
    QVERIFY(answer->header("x-ratelimit-limit-tokens").isEmpty());
    // Spending is still counted, for the Access keys page.
    QVERIFY(qFuzzyCompare(m_gateway->keyStandings().value(0).standing.spentThisMonth, kRequestCost));
    // A model without a price costs nothing a budget could see: counted apart, so the
    // page can say so, and read back after a restart.
    QCOMPARE(chat(u"length"_s)->status(), 200);
    QCOMPARE(m_gateway->keyStandings().value(0).standing.unpricedThisMonth, 1);
    m_usage->flush();
    start({});
    const KeyStanding restored = m_gateway->keyStandings().value(0).standing;
    QCOMPARE(restored.unpricedThisMonth, 1);
    QVERIFY(qFuzzyCompare(restored.spentThisMonth, kRequestCost));
}

QTEST_GUILESS_MAIN(KeyLimitsTest)
#include "tst_key_limits.moc"
