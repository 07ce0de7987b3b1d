// redactSecret (adapters/core/SecretRedaction.h): a provider's answer loses every form of
// the key that was sent to it, and nothing else.

#include "core/SecretRedaction.h"

#include <QTest>

using namespace Qt::StringLiterals;
using onegate::ApiError;
using onegate::redactSecret;

class TestSecretRedaction final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void bytes_data();
    void bytes();
    void apiError();
};

void TestSecretRedaction::bytes_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QByteArray>("secret");
    QTest::addColumn<QByteArray>("expected");

    QTest::newRow("quoted in an error message")
        << "{\"error\":{\"message\":\"Incorrect API key provided: sk-fake-1234abcd.\"}}"_ba
        << "sk-fake-1234abcd"_ba
        << "{\"error\":{\"message\":\"Incorrect API key provided: [redacted].\"}}"_ba;
    QTest::newRow("every occurrence") << "k=sk-fake-1234abcd k=sk-fake-1234abcd"_ba
                                      << "sk-fake-1234abcd"_ba
                                      << "k=[redacted] k=[redacted]"_ba;
    QTest::newRow("JSON-escaped slash") << "{\"key\":\"ab\\/cd+ef==gh\"}"_ba
                                        << "ab/cd+ef==gh"_ba
                                        << "{\"key\":\"[redacted]\"}"_ba;
    QTest::newRow("percent-encoded in a URL")
        << "https://x.example/v1?key=ab%2Fcd%2Bef%3D%3Dgh&a=1"_ba
        << "ab/cd+ef==gh"_ba
        << "https://x.example/v1?key=[redacted]&a=1"_ba;
    QTest::newRow("absent: untouched") << "{\"choices\":[]}"_ba
                                       << "sk-fake-1234abcd"_ba
                                       << "{\"choices\":[]}"_ba;
    // Rewriting every "test" of an answer would corrupt it, and such a key protects nothing.
    QTest::newRow("short key: untouched") << "this is a test"_ba
                                          << "test"_ba
                                          << "this is a test"_ba;
    QTest::newRow("no key (a local server)") << "anything"_ba << QByteArray() << "anything"_ba;
}

void TestSecretRedaction::bytes()
{
    QFETCH(QByteArray, text);
    QFETCH(QByteArray, secret);
    QFETCH(QByteArray, expected);
    QCOMPARE(redactSecret(text, secret), expected);
    QCOMPARE(redactSecret(QString::fromLatin1(text), secret), QString::fromLatin1(expected));
}

void TestSecretRedaction::apiError()
{
    const QByteArray key = "sk-fake-1234abcd"_ba;
    ApiError error = ApiError::make(401, u"invalid sk-fake-1234abcd"_s, u"code sk-fake-1234abcd"_s,
                                    u"Incorrect API key provided: sk-fake-1234abcd"_s);
    error.param = u"sk-fake-1234abcd"_s;
    error.upstreamBody =
        "{\"error\":{\"message\":\"Incorrect API key provided: sk-fake-1234abcd\"}}"_ba;
    redactSecret(error, key);
    QCOMPARE(error.status, 401);
    QCOMPARE(error.message, u"Incorrect API key provided: [redacted]"_s);
    QCOMPARE(error.type, u"invalid [redacted]"_s);
    QCOMPARE(error.code, u"code [redacted]"_s);
    QCOMPARE(error.param, u"[redacted]"_s);
    QCOMPARE(error.upstreamBody,
             "{\"error\":{\"message\":\"Incorrect API key provided: [redacted]\"}}"_ba);
}

QTEST_GUILESS_MAIN(TestSecretRedaction)
#include "tst_secret_redaction.moc"
