// POST /v1/completions (legacy Completions, editor autocomplete) end to end: passed
// through to the openai kind, translated through chat for a chat-only kind (anthropic),
// over real sockets with a real usage database.

#include "FakeUpstream.h"
#include "GatewayFixture.h"
#include "TestHttpClient.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>
#include <memory>

using namespace onegate;
using namespace onegate::test;
using namespace Qt::StringLiterals;

namespace {
const QByteArray kAccessKey = "sk-test-compl-key-3a1"_ba;
const QByteArray kUpstreamKey = "sk-test-compl-up-6b2"_ba;
} // namespace

class CompletionsE2eTest final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void passthroughToOpenAi();
    void translatedForChatOnlyKinds();
    void suffixNeedsACompletionsEndpoint();

private:
    std::unique_ptr<TestHttpClient> post(const QJsonObject &body);

    std::unique_ptr<FakeUpstream> m_openai;
    std::unique_ptr<FakeUpstream> m_anthropic;
    std::unique_ptr<GatewayFixture> m_gateway;
};

void CompletionsE2eTest::initTestCase()
{
    qputenv("ONEGATE_COMPLETIONS_E2E_KEY", kAccessKey);
    qputenv("ONEGATE_COMPLETIONS_E2E_UPSTREAM", kUpstreamKey);
    m_openai = std::make_unique<FakeUpstream>(makeFakeDialect(u"openai"_s), kUpstreamKey);
    m_anthropic = std::make_unique<FakeUpstream>(makeFakeDialect(u"anthropic"_s), kUpstreamKey);
    QVERIFY(m_openai->listen() && m_anthropic->listen());
    const QByteArray config = uR"({
  "listen": "127.0.0.1:0",
  "router": { "max_attempts": 1 },
  "access_keys": [ { "name": "main", "key": "env:ONEGATE_COMPLETIONS_E2E_KEY", "models": ["*"] } ],
  "providers": [
    { "id": "openai", "kind": "openai", "base_url": "%1", "proxy": "none", "api_key": "env:ONEGATE_COMPLETIONS_E2E_UPSTREAM" },
    { "id": "anthropic", "kind": "anthropic", "base_url": "%2", "proxy": "none", "api_key": "env:ONEGATE_COMPLETIONS_E2E_UPSTREAM" } ]
})"_s.arg(m_openai->baseUrl(), m_anthropic->origin()).toUtf8();
    m_gateway = std::make_unique<GatewayFixture>();
    const QString error = m_gateway->start(config, u"completions-e2e.json"_s);
    QVERIFY2(error.isEmpty(), qPrintable(error));
}

void CompletionsE2eTest::cleanupTestCase()
{
    m_gateway.reset();
    m_openai.reset();
    m_anthropic.reset();
}

std::unique_ptr<TestHttpClient> CompletionsE2eTest::post(const QJsonObject &body)
{
    auto client = std::make_unique<TestHttpClient>(m_gateway->port());
    client->send("POST"_ba, "/v1/completions"_ba,
                 {{"Authorization"_ba, "Bearer " + kAccessKey}, {"Content-Type"_ba, "application/json"_ba}},
                 QJsonDocument(body).toJson(QJsonDocument::Compact));
    client->waitForFinished(10000);
    return client;
}

void CompletionsE2eTest::passthroughToOpenAi()
{
    // Fill-in-the-middle and echo are the server's business: the body goes as it is.
    const QJsonObject body{{"model"_L1, "openai/text"_L1}, {"prompt"_L1, "def add(a, b):\n    "_L1},
                           {"suffix"_L1, "\n\nprint(add(1, 2))"_L1}, {"max_tokens"_L1, 7}, {"echo"_L1, false}};
    auto client = post(body);
    QCOMPARE(client->status(), 200);
    QCOMPARE(client->body(), m_openai->dialect().fixture(u"completions_response_text.composed.json"_s));
    const RecordedRequest sent = m_openai->lastRequest();
    QCOMPARE(sent.pathOnly(), "/v1/completions"_ba);
    QJsonObject expected = body;
    expected.insert("model"_L1, u"text"_s);
    QCOMPARE(sent.body, expected);
    const QList<UsageRecord> rows = m_gateway->usageRows(1);
    QVERIFY(!rows.isEmpty());
    QCOMPARE(rows.first().provider, u"openai"_s);
    QCOMPARE(rows.first().promptTokens, 5);
    QCOMPARE(rows.first().completionTokens, 7);
}

void CompletionsE2eTest::translatedForChatOnlyKinds()
{
    const QJsonObject body{{"model"_L1, "anthropic/text"_L1}, {"prompt"_L1, "What's the weather in SF?"_L1},
                           {"max_tokens"_L1, 64}};
    auto whole = post(body);
    QCOMPARE(whole->status(), 200);
    const QJsonObject answer = whole->json();
    QCOMPARE(answer.value("object"_L1).toString(), u"text_completion"_s);
    QCOMPARE(answer.value("model"_L1).toString(), u"anthropic/text"_s);
    const QString text = answer.value("choices"_L1).toArray().first().toObject().value("text"_L1).toString();
    QVERIFY(!text.isEmpty());
    // The provider got one user message with the prompt.
    const QJsonArray messages = m_anthropic->lastRequest().body.value("messages"_L1).toArray();
    QCOMPARE(messages.size(), 1);
    QVERIFY(QJsonDocument(messages.first().toObject()).toJson().contains("What's the weather in SF?"));

    QJsonObject streamed = body;
    streamed.insert("stream"_L1, true);
    auto stream = post(streamed);
    QCOMPARE(stream->status(), 200);
    QString joined;
    const QList<QByteArray> events = stream->eventData();
    QVERIFY(!events.isEmpty());
    QCOMPARE(events.last(), "[DONE]"_ba);
    for (const QByteArray &data : events) {
        if (data == "[DONE]")
            continue;
        const QJsonObject chunk = QJsonDocument::fromJson(data).object();
        QCOMPARE(chunk.value("object"_L1).toString(), u"text_completion"_s);
        joined += chunk.value("choices"_L1).toArray().first().toObject().value("text"_L1).toString();
    }
    QVERIFY(!joined.isEmpty());
}

void CompletionsE2eTest::suffixNeedsACompletionsEndpoint()
{
    auto client = post({{"model"_L1, "anthropic/text"_L1}, {"prompt"_L1, "a"_L1}, {"suffix"_L1, "b"_L1}});
    QCOMPARE(client->status(), 400);
    const QJsonObject error = client->json().value("error"_L1).toObject();
    QVERIFY2(error.value("message"_L1).toString().contains("suffix"_L1), client->body().constData());
}

QTEST_GUILESS_MAIN(CompletionsE2eTest)
#include "tst_completions_e2e.moc"
