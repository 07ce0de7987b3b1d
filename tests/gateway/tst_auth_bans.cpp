// Auth-failure bans (issue 11): the AuthBans rules with an injected clock, and over real
// sockets that a banned address gets 429 with Retry-After even with a valid key, in the
// path's error shape, while the gateway keeps serving.

#include "GatewayFixture.h"
#include "TestHttpClient.h"
#include "http/AuthBans.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>
#include <memory>

using namespace onegate;
using namespace onegate::test;
using namespace Qt::StringLiterals;

namespace {
const QByteArray kAccessKey = "sk-test-bans-key-6c3"_ba;
} // namespace

class AuthBansTest final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void banAfterRepeatedFailures();
    void bansGrowAndEnd();
    void aRightKeyEndsTheCount();
    void failuresOutsideTheWindowDoNotAdd();
    void bannedAddressOverSockets();
};

void AuthBansTest::banAfterRepeatedFailures()
{
    qint64 now = 1'000'000;
    AuthBans bans([&now] { return now; });
    const QString address = u"192.0.2.7"_s;
    for (int i = 1; i < AuthBans::kFailures; ++i) {
        QVERIFY(!bans.failed(address));
        QVERIFY(!bans.refusal(address, nullptr));
    }
    QVERIFY(bans.failed(address));  // starts the ban: reported once
    qint64 retry = 0;
    const auto refusal = bans.refusal(address, &retry);
    QVERIFY(refusal);
    QCOMPARE(refusal->status, 429);
    QCOMPARE(refusal->code, u"too_many_auth_failures"_s);
    QVERIFY(refusal->message.contains(address));
    QCOMPARE(retry, AuthBans::kFirstBanMs / 1000);
    // Another address is not affected.
    QVERIFY(!bans.refusal(u"192.0.2.8"_s, nullptr));
}

void AuthBansTest::bansGrowAndEnd()
{
    qint64 now = 0;
    AuthBans bans([&now] { return now; });
    const QString address = u"192.0.2.9"_s;
    qint64 expected = AuthBans::kFirstBanMs;
    for (int ban = 0; ban < 10; ++ban) {
        for (int i = 0; i < AuthBans::kFailures; ++i)
            bans.failed(address);
        qint64 retry = 0;
        QVERIFY(bans.refusal(address, &retry));
        QCOMPARE(retry * 1000, expected);
        now += expected - 1;
        QVERIFY(bans.refusal(address, nullptr));
        now += 1;
        QVERIFY(!bans.refusal(address, nullptr));  // over exactly when it said
        expected = std::min(expected * 2, AuthBans::kMaxBanMs);
    }
    QCOMPARE(expected, AuthBans::kMaxBanMs);
}

void AuthBansTest::aRightKeyEndsTheCount()
{
    qint64 now = 0;
    AuthBans bans([&now] { return now; });
    const QString address = u"192.0.2.10"_s;
    for (int i = 1; i < AuthBans::kFailures; ++i)
        bans.failed(address);
    bans.succeeded(address);  // a user fixing a typo is not punished
    for (int i = 1; i < AuthBans::kFailures; ++i)
        QVERIFY(!bans.failed(address));
    QVERIFY(!bans.refusal(address, nullptr));
}

void AuthBansTest::failuresOutsideTheWindowDoNotAdd()
{
    qint64 now = 0;
    AuthBans bans([&now] { return now; });
    const QString address = u"192.0.2.11"_s;
    for (int i = 0; i < 3 * AuthBans::kFailures; ++i) {
        QVERIFY(!bans.failed(address));
        now += AuthBans::kWindowMs / (AuthBans::kFailures - 2);
    }
    QVERIFY(!bans.refusal(address, nullptr));
}

void AuthBansTest::bannedAddressOverSockets()
{
    qputenv("ONEGATE_BANS_KEY", kAccessKey);
    GatewayFixture gateway;
    const QString error = gateway.start(R"({"listen":"127.0.0.1:0",
        "access_keys":[{"name":"main","key":"env:ONEGATE_BANS_KEY"}],"providers":[]})"_ba);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    const auto get = [&gateway](const QByteArray &path, const QByteArray &key, const RawHeaders &more = {}) {
        auto client = std::make_unique<TestHttpClient>(gateway.port());
        RawHeaders headers = more;
        if (!key.isEmpty())
            headers.append({"Authorization"_ba, "Bearer " + key});
        client->send("GET"_ba, path, headers);
        client->waitForFinished(5000);
        return client;
    };
    QCOMPARE(get("/v1/models"_ba, kAccessKey)->status(), 200);
    for (int i = 0; i < AuthBans::kFailures; ++i)
        QCOMPARE(get("/v1/models"_ba, "sk-guess-" + QByteArray::number(i))->status(), 401);
    // Now even the right key waits.
    auto banned = get("/v1/models"_ba, kAccessKey);
    QCOMPARE(banned->status(), 429);
    QCOMPARE(banned->header("retry-after"), QByteArray::number(AuthBans::kFirstBanMs / 1000));
    QCOMPARE(banned->json()["error"_L1]["code"_L1].toString(), u"too_many_auth_failures"_s);
    auto anthropic = get("/v1/models"_ba, kAccessKey, {{"anthropic-version"_ba, "2023-06-01"_ba}});
    QCOMPARE(anthropic->status(), 429);
    QCOMPARE(anthropic->json()["type"_L1].toString(), u"error"_s);
    QCOMPARE(anthropic->json()["error"_L1]["type"_L1].toString(), u"rate_limit_error"_s);
    // Paths that need no key still answer.
    QCOMPARE(get("/health"_ba, {})->status(), 200);
}

QTEST_GUILESS_MAIN(AuthBansTest)
#include "tst_auth_bans.moc"
