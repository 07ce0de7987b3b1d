// POST /v1/responses (the OpenAI Responses API) end to end: raw HTTP over real sockets to
// a GatewayService, through the router, to fakes of the openai, anthropic, gemini and
// ollama kinds (translated through chat), and to an openai provider with
// `responses: true` (passed through), with a real usage database.

#include "FakeUpstream.h"
#include "GatewayFixture.h"
#include "NamedEvents.h"
#include "TestHttpClient.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>
#include <memory>

using namespace onegate;
using namespace onegate::test;
using namespace Qt::StringLiterals;

namespace {

const QByteArray kAccessKey = "sk-test-resp-key-81f"_ba;
const QByteArray kUpstreamKey = "sk-test-resp-up-2c9"_ba;

using Event = NamedEvent;

QByteArray compact(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

QJsonObject request(const QString &model, bool stream, const QJsonObject &extra = {})
{
    QJsonObject body = extra;
    body.insert("model"_L1, model);
    if (!body.contains("input"_L1))
        body.insert("input"_L1, u"What's the weather in SF?"_s);
    if (stream)
        body.insert("stream"_L1, true);
    return body;
}

// The text and function calls of a Responses `output` array.
struct Output {
    QString text;
    QList<QJsonObject> calls;
};

Output outputOf(const QJsonArray &items)
{
    Output out;
    for (const QJsonValue &value : items) {
        const QJsonObject item = value.toObject();
        if (item.value("type"_L1).toString() == "message"_L1) {
            for (const QJsonValue &part : item.value("content"_L1).toArray())
                out.text += part.toObject().value("text"_L1).toString();
        } else if (item.value("type"_L1).toString() == "function_call"_L1) {
            out.calls.append(item);
        }
    }
    return out;
}

} // namespace

class ResponsesE2eTest final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void translated_data();
    void translated();
    void translatedStream_data();
    void translatedStream();
    void nativePassthrough();
    void nativeStream();
    void nativeStreamFailure();
    void statelessRefusals_data();
    void statelessRefusals();
    void upstreamErrors();
    void codexHeadersStayHere();

private:
    std::unique_ptr<TestHttpClient> post(const QByteArray &path, const QJsonObject &body,
                                         const RawHeaders &extraHeaders = {});

    QHash<QString, FakeUpstream *> m_fakes;
    std::vector<std::unique_ptr<FakeUpstream>> m_owned;
    std::unique_ptr<GatewayFixture> m_gateway;
};

void ResponsesE2eTest::initTestCase()
{
    qputenv("ONEGATE_RESPONSES_E2E_KEY", kAccessKey);
    qputenv("ONEGATE_RESPONSES_E2E_UPSTREAM", kUpstreamKey);
    QString providers;
    for (const QString &kind : {u"openai"_s, u"anthropic"_s, u"gemini"_s, u"ollama"_s}) {
        auto fake = std::make_unique<FakeUpstream>(makeFakeDialect(kind), kind == "ollama"_L1 ? QByteArray() : kUpstreamKey);
        QVERIFY2(fake->listen(), qPrintable(fake->errorString()));
        const QString url = kind == "openai"_L1 ? fake->baseUrl() : fake->origin();
        const QString key = kind == "ollama"_L1 ? QString() : u", \"api_key\": \"env:ONEGATE_RESPONSES_E2E_UPSTREAM\""_s;
        providers += u"{ \"id\": \"%1\", \"kind\": \"%1\", \"base_url\": \"%2\", \"proxy\": \"none\"%3 },\n"_s.arg(kind, url, key);
        if (kind == "openai"_L1) {
            providers += u"{ \"id\": \"native\", \"kind\": \"openai\", \"base_url\": \"%1\", \"proxy\": \"none\", \"responses\": true%2 },\n"_s
                             .arg(url, key);
        }
        m_fakes.insert(kind, fake.get());
        m_owned.push_back(std::move(fake));
    }
    providers.chop(2);
    const QByteArray config = uR"({
  "listen": "127.0.0.1:0",
  "router": { "max_attempts": 1 },
  "access_keys": [ { "name": "main", "key": "env:ONEGATE_RESPONSES_E2E_KEY", "models": ["*"] } ],
  "providers": [ %1 ]
})"_s.arg(providers).toUtf8();
    m_gateway = std::make_unique<GatewayFixture>();
    const QString error = m_gateway->start(config, u"responses-e2e.json"_s);
    QVERIFY2(error.isEmpty(), qPrintable(error));
}

void ResponsesE2eTest::cleanupTestCase()
{
    m_gateway.reset();
    m_owned.clear();
}

std::unique_ptr<TestHttpClient> ResponsesE2eTest::post(const QByteArray &path, const QJsonObject &body,
                                                       const RawHeaders &extraHeaders)
{
    auto client = std::make_unique<TestHttpClient>(m_gateway->port());
    RawHeaders headers{{"Authorization"_ba, "Bearer " + kAccessKey}, {"Content-Type"_ba, "application/json"_ba}};
    headers.append(extraHeaders);
    client->send("POST"_ba, path, headers, compact(body));
    client->waitForFinished(10000);
    return client;
}

void ResponsesE2eTest::translated_data()
{
    QTest::addColumn<QString>("model");
    for (const char *kind : {"openai", "anthropic", "gemini", "ollama"}) {
        for (const char *scenario : {"text", "tool"})
            QTest::addRow("%s %s", kind, scenario) << u"%1/%2"_s.arg(QLatin1String(kind), QLatin1String(scenario));
    }
}

void ResponsesE2eTest::translated()
{
    QFETCH(QString, model);
    // The same question through /v1/chat/completions is the reference.
    auto chat = post("/v1/chat/completions"_ba,
                     {{"model"_L1, model},
                      {"messages"_L1, QJsonArray{QJsonObject{{"role"_L1, "user"_L1}, {"content"_L1, u"What's the weather in SF?"_s}}}}});
    QCOMPARE(chat->status(), 200);
    const QJsonObject message = chat->json().value("choices"_L1).toArray().first().toObject().value("message"_L1).toObject();

    auto client = post("/v1/responses"_ba, request(model, false));
    QCOMPARE(client->status(), 200);
    const QJsonObject response = client->json();
    QCOMPARE(response.value("object"_L1).toString(), u"response"_s);
    QCOMPARE(response.value("status"_L1).toString(), u"completed"_s);
    QCOMPARE(response.value("model"_L1).toString(), model);
    QVERIFY(response.value("id"_L1).toString().startsWith("resp_"_L1));
    const Output output = outputOf(response.value("output"_L1).toArray());
    QCOMPARE(output.text, message.value("content"_L1).toString());
    const QJsonArray calls = message.value("tool_calls"_L1).toArray();
    QCOMPARE(output.calls.size(), calls.size());
    for (qsizetype i = 0; i < calls.size(); ++i) {
        const QJsonObject function = calls.at(i).toObject().value("function"_L1).toObject();
        QCOMPARE(output.calls.at(i).value("name"_L1).toString(), function.value("name"_L1).toString());
        QCOMPARE(QJsonDocument::fromJson(output.calls.at(i).value("arguments"_L1).toString().toUtf8()).object(),
                 QJsonDocument::fromJson(function.value("arguments"_L1).toString().toUtf8()).object());
        QVERIFY(!output.calls.at(i).value("call_id"_L1).toString().isEmpty());
    }
    QCOMPARE(response.value("usage"_L1).toObject().value("output_tokens"_L1).toInteger(),
             chat->json().value("usage"_L1).toObject().value("completion_tokens"_L1).toInteger());

    const QList<UsageRecord> rows = m_gateway->usageRows(1);
    QVERIFY(!rows.isEmpty());
    QCOMPARE(rows.first().requestedModel, model);
    QCOMPARE(rows.first().status, 200);
}

void ResponsesE2eTest::translatedStream_data()
{
    translated_data();
}

void ResponsesE2eTest::translatedStream()
{
    QFETCH(QString, model);
    auto client = post("/v1/responses"_ba, request(model, true));
    QCOMPARE(client->status(), 200);
    QVERIFY(client->isComplete());
    const QList<Event> events = namedEvents(client->body());
    QVERIFY(events.size() >= 3);
    QCOMPARE(events.first().name, "response.created"_ba);
    QCOMPARE(events.last().name, "response.completed"_ba);
    QString deltas;
    QList<QJsonObject> doneItems;
    for (qsizetype i = 0; i < events.size(); ++i) {
        QCOMPARE(events.at(i).data.value("type"_L1).toString().toUtf8(), events.at(i).name);
        QCOMPARE(events.at(i).data.value("sequence_number"_L1).toInteger(), qint64(i));
        if (events.at(i).name == "response.output_text.delta")
            deltas += events.at(i).data.value("delta"_L1).toString();
        if (events.at(i).name == "response.output_item.done")
            doneItems.append(events.at(i).data.value("item"_L1).toObject());
    }
    // The final response holds every item exactly as output_item.done gave it.
    const QJsonObject completed = events.last().data.value("response"_L1).toObject();
    const QJsonArray output = completed.value("output"_L1).toArray();
    QCOMPARE(output.size(), doneItems.size());
    for (qsizetype i = 0; i < output.size(); ++i)
        QCOMPARE(output.at(i).toObject(), doneItems.at(i));
    QCOMPARE(outputOf(output).text, deltas);
    QCOMPARE(completed.value("status"_L1).toString(), u"completed"_s);
    QVERIFY(completed.value("usage"_L1).isObject() || model.startsWith("gemini/tool"_L1));
}

void ResponsesE2eTest::nativePassthrough()
{
    FakeUpstream *fake = m_fakes.value(u"openai"_s);
    const QJsonObject body = request(u"native/text"_s, false,
                                     {{"instructions"_L1, "Be brief."_L1},
                                      {"store"_L1, false},
                                      {"include"_L1, QJsonArray{"reasoning.encrypted_content"_L1}},
                                      {"tools"_L1, QJsonArray{QJsonObject{{"type"_L1, "web_search"_L1}}}}});
    auto client = post("/v1/responses"_ba, body);
    QCOMPARE(client->status(), 200);
    QCOMPARE(client->body(), fake->dialect().fixture(u"responses_response_text_recorded.json"_s));
    const RecordedRequest sent = fake->lastRequest();
    QCOMPARE(sent.pathOnly(), "/v1/responses"_ba);
    QJsonObject expected = body;
    expected.insert("model"_L1, u"text"_s);
    QCOMPARE(sent.body, expected);
    QCOMPARE(sent.header("authorization"), "Bearer " + kUpstreamKey);
}

void ResponsesE2eTest::nativeStream()
{
    auto client = post("/v1/responses"_ba, request(u"native/text"_s, true));
    QCOMPARE(client->status(), 200);
    const QList<QByteArray> expected = sseFrames(m_fakes.value(u"openai"_s)->dialect().fixture(u"responses_stream.adapted.sse"_s));
    const QList<QByteArray> received = sseFrames(client->body());
    QCOMPARE(received.size(), expected.size());
    for (qsizetype i = 0; i < expected.size(); ++i)
        QCOMPARE(sseData(received.at(i)), sseData(expected.at(i)));
    const QList<UsageRecord> rows = m_gateway->usageRows(1);
    QVERIFY(!rows.isEmpty());
    QCOMPARE(rows.first().provider, u"native"_s);
    const QJsonObject usage = namedEvents(client->body()).last().data.value("response"_L1).toObject()
                                  .value("usage"_L1).toObject();
    QCOMPARE(rows.first().promptTokens, usage.value("input_tokens"_L1).toInteger());
    QCOMPARE(rows.first().completionTokens, usage.value("output_tokens"_L1).toInteger());
}

// A provider speaking Responses itself fails after its first text: the client gets
// its events as sent, then response.failed continuing their numbering, naming their
// response.
void ResponsesE2eTest::nativeStreamFailure()
{
    auto client = post("/v1/responses"_ba, request(u"native/reset"_s, true));
    QCOMPARE(client->status(), 200);
    const QList<NamedEvent> events = namedEvents(client->body());
    QVERIFY2(events.size() == 6, client->body().constData());
    for (qsizetype i = 0; i < events.size(); ++i)
        QCOMPARE(events.at(i).data.value("sequence_number"_L1).toInteger(), qint64(i));
    QCOMPARE(events.first().name, "response.created"_ba);
    QCOMPARE(events.at(4).name, "response.output_text.delta"_ba);
    const NamedEvent &failed = events.last();
    QCOMPARE(failed.name, "response.failed"_ba);
    const QJsonObject response = failed.data.value("response"_L1).toObject();
    QCOMPARE(response.value("id"_L1), events.first().data.value("response"_L1).toObject().value("id"_L1));
    QCOMPARE(response.value("status"_L1).toString(), u"failed"_s);
    QVERIFY(!response.value("error"_L1).toObject().value("message"_L1).toString().isEmpty());
}

void ResponsesE2eTest::statelessRefusals_data()
{
    QTest::addColumn<QJsonObject>("extra");
    QTest::newRow("previous_response_id") << QJsonObject{{"previous_response_id"_L1, "resp_123"_L1}};
    QTest::newRow("store true") << QJsonObject{{"store"_L1, true}};
}

void ResponsesE2eTest::statelessRefusals()
{
    QFETCH(QJsonObject, extra);
    for (const QString &model : {u"openai/text"_s, u"native/text"_s}) {
        auto client = post("/v1/responses"_ba, request(model, false, extra));
        QCOMPARE(client->status(), 400);
        const QJsonObject error = client->json().value("error"_L1).toObject();
        QVERIFY2(error.value("message"_L1).toString().contains("stateless"_L1), client->body().constData());
        QCOMPARE(error.value("type"_L1).toString(), u"invalid_request_error"_s);
    }
}

void ResponsesE2eTest::upstreamErrors()
{
    for (const bool stream : {false, true}) {
        auto limited = post("/v1/responses"_ba, request(u"openai/error-429"_s, stream));
        QCOMPARE(limited->status(), 429);
        QVERIFY(!limited->json().value("error"_L1).toObject().value("message"_L1).toString().isEmpty());
        QCOMPARE(limited->header("retry-after"), "7"_ba);
    }
    auto missing = post("/v1/responses"_ba, request(u"no-such-model"_s, false));
    QCOMPARE(missing->status(), 404);
    // A failure after the stream began ends it with response.failed.
    auto broken = post("/v1/responses"_ba, request(u"openai/midstream-error"_s, true));
    QCOMPARE(broken->status(), 200);
    const QList<Event> events = namedEvents(broken->body());
    QVERIFY(!events.isEmpty());
    QCOMPARE(events.last().name, "response.failed"_ba);
    QCOMPARE(events.last().data.value("response"_L1).toObject().value("status"_L1).toString(), u"failed"_s);
}

// What Codex sends besides the body identifies it and its session to OpenAI: none of it
// reaches a provider, neither one spoken to in Responses itself nor a translated one.
void ResponsesE2eTest::codexHeadersStayHere()
{
    const RawHeaders codex{{"originator"_ba, "codex_exec"_ba},
                           {"session-id"_ba, "019a2b3c-session"_ba},
                           {"thread-id"_ba, "019a2b3c-thread"_ba},
                           {"x-codex-beta-features"_ba, "unified_exec"_ba},
                           {"x-codex-turn-metadata"_ba, "{}"_ba},
                           {"OpenAI-Beta"_ba, "responses=experimental"_ba},
                           {"User-Agent"_ba, "codex_exec/0.169.0"_ba}};
    for (const QString &model : {u"native/text"_s, u"anthropic/text"_s, u"gemini/text"_s}) {
        auto client = post("/v1/responses"_ba, request(model, true), codex);
        QCOMPARE(client->status(), 200);
        const QString kind = model.section(u'/', 0, 0);
        const RecordedRequest sent = m_fakes.value(kind == "native"_L1 ? u"openai"_s : kind)->lastRequest();
        for (const auto &[name, value] : codex) {
            if (name == "User-Agent"_ba)
                QVERIFY2(!sent.header(name).contains("codex"), qPrintable(model));
            else
                QVERIFY2(sent.header(name).isEmpty(), qPrintable(model + u": "_s + QString::fromLatin1(name)));
        }
    }
}

QTEST_GUILESS_MAIN(ResponsesE2eTest)
#include "tst_responses_e2e.moc"
