// Browser origins end to end (issue 11): a request carrying an Origin that the config
// does not allow is refused with 403 before auth, even with a valid key, in the path's
// error shape and without CORS headers (the page cannot read it); allowed origins get
// their CORS headers on every answer (streams and errors included); preflights are
// answered only for them, naming the origin, never "*". Over real sockets, with the
// openai fake behind, on the main port and the Ollama-compatible one.

#include "FakeUpstream.h"
#include "GatewayFixture.h"
#include "TestHttpClient.h"
#include "config/ConfigParser.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>
#include <memory>

using namespace onegate;
using namespace onegate::test;
using namespace Qt::StringLiterals;

namespace {

const QByteArray kAccessKey = "sk-test-origins-key-9b1"_ba;
const QByteArray kAllowed = "https://chat.example.org"_ba;

QByteArray chatBody(bool stream = false)
{
    return QJsonDocument(QJsonObject{{"model"_L1, "text"_L1}, {"stream"_L1, stream},
                                     {"messages"_L1, QJsonArray{QJsonObject{{"role"_L1, "user"_L1}, {"content"_L1, "Hi"_L1}}}}})
        .toJson(QJsonDocument::Compact);
}

} // namespace

class OriginsTest final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void noOriginIsServed();
    void unknownOriginRefusedBeforeAuth_data();
    void unknownOriginRefusedBeforeAuth();
    void allowedOriginGetsCorsHeaders();
    void allowedOriginStreamAndErrors();
    void preflight();
    void extensionsOptIn();
    void ollamaPortToo();
    void configChecksOrigins_data();
    void configChecksOrigins();

private:
    std::unique_ptr<TestHttpClient> send(quint16 port, const QByteArray &method, const QByteArray &path,
                                         RawHeaders headers, const QByteArray &body = {});
    QString startGateway(GatewayFixture &fixture, const QString &cors);

    std::unique_ptr<FakeUpstream> m_fake;
    std::unique_ptr<GatewayFixture> m_gateway;
};

QString OriginsTest::startGateway(GatewayFixture &fixture, const QString &cors)
{
    const QByteArray config = uR"({
  "listen": "127.0.0.1:0",
  "ollama": { "listen": "127.0.0.1:0" },
  %2
  "access_keys": [ { "name": "main", "key": "env:ONEGATE_ORIGINS_KEY", "models": ["*"] } ],
  "providers": [ { "id": "up", "kind": "openai", "base_url": "%1", "proxy": "none", "models": ["text"] } ]
})"_s.arg(m_fake->baseUrl(), cors).toUtf8();
    return fixture.start(config, u"origins.json"_s);
}

void OriginsTest::initTestCase()
{
    qputenv("ONEGATE_ORIGINS_KEY", kAccessKey);
    m_fake = std::make_unique<FakeUpstream>(makeFakeDialect(u"openai"_s), QByteArray());
    QVERIFY(m_fake->listen());
    m_gateway = std::make_unique<GatewayFixture>();
    const QString error = startGateway(*m_gateway, uR"("cors": { "origins": ["https://chat.example.org"] },)"_s);
    QVERIFY2(error.isEmpty(), qPrintable(error));
}

void OriginsTest::cleanupTestCase()
{
    m_gateway.reset();
    m_fake.reset();
}

std::unique_ptr<TestHttpClient> OriginsTest::send(quint16 port, const QByteArray &method, const QByteArray &path,
                                                  RawHeaders headers, const QByteArray &body)
{
    auto client = std::make_unique<TestHttpClient>(port);
    if (!body.isEmpty())
        headers.append({"Content-Type"_ba, "application/json"_ba});
    client->send(method, path, headers, body);
    client->waitForFinished(10000);
    return client;
}

void OriginsTest::noOriginIsServed()
{
    // SDKs, CLIs and editors send no Origin: nothing changes for them.
    auto reply = send(m_gateway->port(), "POST"_ba, "/v1/chat/completions"_ba, {{"Authorization"_ba, "Bearer " + kAccessKey}}, chatBody());
    QCOMPARE(reply->status(), 200);
    QVERIFY(reply->header("access-control-allow-origin").isEmpty());
}

void OriginsTest::unknownOriginRefusedBeforeAuth_data()
{
    QTest::addColumn<QByteArray>("origin");
    QTest::addColumn<QByteArray>("path");
    QTest::addColumn<bool>("anthropicShape");
    QTest::newRow("a web page, chat") << "https://evil.example"_ba << "/v1/chat/completions"_ba << false;
    QTest::newRow("a web page, messages") << "https://evil.example"_ba << "/v1/messages"_ba << true;
    QTest::newRow("localhost dev server") << "http://localhost:5173"_ba << "/v1/chat/completions"_ba << false;
    QTest::newRow("sandboxed page (null)") << "null"_ba << "/v1/chat/completions"_ba << false;
    QTest::newRow("a VS Code web view") << "vscode-webview://1abc"_ba << "/v1/models"_ba << false;
    QTest::newRow("an allowed origin with a path") << kAllowed + "/x" << "/v1/chat/completions"_ba << false;
    QTest::newRow("an allowed origin on another port") << kAllowed + ":8443" << "/v1/chat/completions"_ba << false;
}

void OriginsTest::unknownOriginRefusedBeforeAuth()
{
    QFETCH(QByteArray, origin);
    QFETCH(QByteArray, path);
    QFETCH(bool, anthropicShape);
    const qsizetype before = m_fake->requests().size();
    RawHeaders headers{{"Authorization"_ba, "Bearer " + kAccessKey}, {"Origin"_ba, origin}};
    if (anthropicShape)
        headers.append({"anthropic-version"_ba, "2023-06-01"_ba});
    auto reply = send(m_gateway->port(), path == "/v1/models" ? "GET"_ba : "POST"_ba, path, headers,
                      path == "/v1/models" ? QByteArray() : chatBody());
    QCOMPARE(reply->status(), 403);
    QVERIFY(reply->header("access-control-allow-origin").isEmpty());
    const QJsonObject body = reply->json();
    if (anthropicShape) {
        QCOMPARE(body["type"_L1].toString(), u"error"_s);
        QCOMPARE(body["error"_L1]["type"_L1].toString(), u"permission_error"_s);
    } else {
        QCOMPARE(body["error"_L1]["code"_L1].toString(), u"origin_not_allowed"_s);
    }
    QVERIFY(body["error"_L1]["message"_L1].toString().contains(QString::fromLatin1(origin)));
    QCOMPARE(m_fake->requests().size(), before);
    // Refused before auth: a wrong key makes no difference, and is not what is reported.
    auto noKey = send(m_gateway->port(), "POST"_ba, "/v1/chat/completions"_ba, {{"Origin"_ba, origin}}, chatBody());
    QCOMPARE(noKey->status(), 403);
}

void OriginsTest::allowedOriginGetsCorsHeaders()
{
    auto reply = send(m_gateway->port(), "POST"_ba, "/v1/chat/completions"_ba,
                      {{"Authorization"_ba, "Bearer " + kAccessKey}, {"Origin"_ba, kAllowed}}, chatBody());
    QCOMPARE(reply->status(), 200);
    QCOMPARE(reply->header("access-control-allow-origin"), kAllowed);
    QCOMPARE(reply->header("vary"), "Origin"_ba);
    QVERIFY(reply->header("access-control-expose-headers").contains("x-onegate-provider"));
    // Case differences in the scheme and host are the same origin.
    auto upper = send(m_gateway->port(), "GET"_ba, "/v1/models"_ba,
                      {{"Authorization"_ba, "Bearer " + kAccessKey}, {"Origin"_ba, "HTTPS://Chat.Example.org"_ba}});
    QCOMPARE(upper->status(), 200);
    QCOMPARE(upper->header("access-control-allow-origin"), "HTTPS://Chat.Example.org"_ba);
}

void OriginsTest::allowedOriginStreamAndErrors()
{
    auto stream = send(m_gateway->port(), "POST"_ba, "/v1/chat/completions"_ba,
                       {{"Authorization"_ba, "Bearer " + kAccessKey}, {"Origin"_ba, kAllowed}}, chatBody(true));
    QCOMPARE(stream->status(), 200);
    QVERIFY(stream->isChunked());
    QCOMPARE(stream->header("access-control-allow-origin"), kAllowed);
    // The page may read OneGate's errors, so it can tell its user what went wrong.
    auto noKey = send(m_gateway->port(), "POST"_ba, "/v1/chat/completions"_ba, {{"Origin"_ba, kAllowed}}, chatBody());
    QCOMPARE(noKey->status(), 401);
    QCOMPARE(noKey->header("access-control-allow-origin"), kAllowed);
    auto health = send(m_gateway->port(), "GET"_ba, "/health"_ba, {{"Origin"_ba, kAllowed}});
    QCOMPARE(health->status(), 200);
    QCOMPARE(health->header("access-control-allow-origin"), kAllowed);
}

void OriginsTest::preflight()
{
    const RawHeaders asks{{"Origin"_ba, kAllowed},
                          {"Access-Control-Request-Method"_ba, "POST"_ba},
                          {"Access-Control-Request-Headers"_ba, "authorization, content-type, x-stainless-os, x-evil"_ba}};
    auto allowed = send(m_gateway->port(), "OPTIONS"_ba, "/v1/chat/completions"_ba, asks);
    QCOMPARE(allowed->status(), 204);
    QCOMPARE(allowed->header("access-control-allow-origin"), kAllowed);
    QVERIFY(allowed->header("access-control-allow-methods").contains("POST"));
    const QByteArray headers = allowed->header("access-control-allow-headers");
    QVERIFY2(headers.contains("authorization") && headers.contains("content-type") && headers.contains("x-stainless-os"),
             headers.constData());
    QVERIFY2(!headers.contains("x-evil"), headers.constData());
    QVERIFY(!headers.contains("*"));
    QVERIFY(allowed->header("access-control-allow-credentials").isEmpty());
    QVERIFY(allowed->header("content-length").isEmpty());
    QVERIFY(allowed->body().isEmpty());

    RawHeaders evil = asks;
    evil[0].second = "https://evil.example"_ba;
    auto refused = send(m_gateway->port(), "OPTIONS"_ba, "/v1/chat/completions"_ba, evil);
    QCOMPARE(refused->status(), 403);
    QVERIFY(refused->header("access-control-allow-origin").isEmpty());

    auto unknownPath = send(m_gateway->port(), "OPTIONS"_ba, "/v1/nothing"_ba, asks);
    QCOMPARE(unknownPath->status(), 404);
    // Without an Origin, OPTIONS is just a method the API does not serve.
    auto plain = send(m_gateway->port(), "OPTIONS"_ba, "/v1/chat/completions"_ba, {});
    QCOMPARE(plain->status(), 405);
}

void OriginsTest::extensionsOptIn()
{
    auto refused = send(m_gateway->port(), "GET"_ba, "/health"_ba, {{"Origin"_ba, "chrome-extension://abcdefgh"_ba}});
    QCOMPARE(refused->status(), 403);

    GatewayFixture open;
    QVERIFY(startGateway(open, uR"("cors": { "extensions": true },)"_s).isEmpty());
    for (const QByteArray &origin : {"chrome-extension://abcdefgh"_ba, "moz-extension://1234-5678"_ba, "app://obsidian.md"_ba}) {
        auto allowed = send(open.port(), "GET"_ba, "/v1/models"_ba, {{"Authorization"_ba, "Bearer " + kAccessKey}, {"Origin"_ba, origin}});
        QCOMPARE(allowed->status(), 200);
        QCOMPARE(allowed->header("access-control-allow-origin"), origin);
    }
    // Still exact about everything else.
    QCOMPARE(send(open.port(), "GET"_ba, "/health"_ba, {{"Origin"_ba, "https://evil.example"_ba}})->status(), 403);
    QCOMPARE(send(open.port(), "GET"_ba, "/health"_ba, {{"Origin"_ba, "chrome-extension://"_ba}})->status(), 403);
}

void OriginsTest::ollamaPortToo()
{
    const quint16 ollama = m_gateway->ollamaPort();
    QVERIFY(ollama != 0);
    // No key is needed there from this computer, so the Origin check is all that keeps a
    // page out.
    auto refused = send(ollama, "POST"_ba, "/api/chat"_ba, {{"Origin"_ba, "https://evil.example"_ba}},
                        R"({"model":"text","stream":false,"messages":[{"role":"user","content":"Hi"}]})"_ba);
    QCOMPARE(refused->status(), 403);
    QVERIFY(refused->json()["error"_L1].toString().contains("evil.example"_L1));
    auto allowed = send(ollama, "GET"_ba, "/api/tags"_ba, {{"Origin"_ba, kAllowed}});
    QCOMPARE(allowed->status(), 200);
    QCOMPARE(allowed->header("access-control-allow-origin"), kAllowed);
}

void OriginsTest::configChecksOrigins_data()
{
    QTest::addColumn<QString>("cors");
    QTest::addColumn<QString>("problem");
    QTest::newRow("a path") << uR"({"origins":["https://x.org/app"]})"_s << u"not an origin"_s;
    QTest::newRow("a wildcard") << uR"({"origins":["https://*.x.org"]})"_s << u"not an origin"_s;
    QTest::newRow("no scheme") << uR"({"origins":["x.org"]})"_s << u"not an origin"_s;
    QTest::newRow("duplicate") << uR"({"origins":["https://x.org","https://x.org"]})"_s << u"duplicate"_s;
    QTest::newRow("extensions not a boolean") << uR"({"extensions":"yes"})"_s << u"cors.extensions"_s;
    QTest::newRow("unknown key") << uR"({"origin":["https://x.org"]})"_s << u"origin"_s;
}

void OriginsTest::configChecksOrigins()
{
    QFETCH(QString, cors);
    QFETCH(QString, problem);
    const ConfigResult parsed = parseConfig((u"{\"cors\":"_s + cors + u"}"_s).toUtf8(), u"c.json"_s);
    QVERIFY(!parsed.ok());
    QVERIFY2(parsed.error.toString().contains(problem), qPrintable(parsed.error.toString()));
    const ConfigResult good = parseConfig(R"({"cors":{"origins":["https://Chat.Example.org:8443","null"],"extensions":true}})"_ba, u"c.json"_s);
    QVERIFY2(good.ok(), qPrintable(good.error.toString()));
    QCOMPARE(good.config->cors.origins, (QStringList{u"https://chat.example.org:8443"_s, u"null"_s}));
    QVERIFY(good.config->cors.extensions);
}

QTEST_GUILESS_MAIN(OriginsTest)
#include "tst_origins.moc"
