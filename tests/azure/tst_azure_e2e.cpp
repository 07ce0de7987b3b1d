// The `azure` kind end to end: a GatewayService on its own thread, built from a config
// the way the app builds it, called over real sockets and relaying to FakeUpstream
// speaking Azure OpenAI (recorded Azure answers), writing a real usage database.

#include "FakeUpstream.h"
#include "GatewayService.h"
#include "TestHttpClient.h"
#include "UsageRows.h"
#include "azure/AzureAdapter.h"
#include "config/ConfigParser.h"
#include "core/ProviderTransport.h"
#include "secrets/MemorySecretStore.h"
#include "usage/UsageRecorder.h"
#include "usage/UsageStore.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QMap>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace onegate;
using namespace onegate::test;
using namespace Qt::StringLiterals;

namespace {

const QByteArray kAccessKey = "og-azure-e2e-access-41c7d2"_ba;
const QByteArray kUpstreamKey = "sk-test-azureupstream-3f1b"_ba;
const QByteArray kChatPath = "/v1/chat/completions"_ba;

// `az` is the resource at today's default api-version; `az-old` the same resource at an
// api-version from before stream_options; `az-idle` has a short idle timeout.
QByteArray configJson(quint16 upstreamPort)
{
    // The URL is filled in with arg(): moc 6.4 takes a "//" inside a raw string for a
    // comment and then finds no test class in this file.
    return QString::fromLatin1(R"({
  "listen": "127.0.0.1:0",
  "router": { "max_attempts": 1 },
  "access_keys": [ { "name": "main", "key": "env:ONEGATE_TEST_KEY", "models": ["*"] } ],
  "providers": [
    { "id": "az", "kind": "azure", "base_url": "%1", "api_key": "env:ONEGATE_TEST_UPSTREAM_KEY",
      "proxy": "none", "models": ["text", "tool", "parallel-tools", "filtered", "length"] },
    { "id": "az-old", "kind": "azure", "base_url": "%1", "api_version": "2024-06-01",
      "api_key": "env:ONEGATE_TEST_UPSTREAM_KEY", "proxy": "none" },
    { "id": "az-idle", "kind": "azure", "base_url": "%1", "api_key": "env:ONEGATE_TEST_UPSTREAM_KEY",
      "proxy": "none", "timeouts": { "idle_ms": 300 } }
  ]
})")
        .arg(u"http://127.0.0.1:%1"_s.arg(upstreamPort))
        .toUtf8();
}

RawHeaders jsonBearer()
{
    return {{"Authorization"_ba, "Bearer " + kAccessKey}, {"Content-Type"_ba, "application/json"_ba}};
}

QJsonObject chatBody(const QString &model, bool stream, const QJsonObject &extra = {})
{
    QJsonObject body = extra;
    body.insert("model"_L1, model);
    if (!body.contains("messages"_L1))
        body.insert("messages"_L1, QJsonArray{QJsonObject{{"role"_L1, "user"_L1}, {"content"_L1, "Say hello in German."_L1}}});
    if (stream)
        body.insert("stream"_L1, true);
    return body;
}

QJsonObject jsonOf(const QByteArray &bytes)
{
    return QJsonDocument::fromJson(bytes).object();
}

QByteArray azureFixture(const QString &name)
{
    return readFixture(u"azure"_s, name);
}

// The `data:` payloads of an Azure stream fixture, [DONE] included.
QList<QByteArray> azureEvents(const QString &name)
{
    QList<QByteArray> events;
    for (const QByteArray &frame : sseFrames(azureFixture(name)))
        events.append(sseData(frame));
    return events;
}

// What a client should get for an Azure stream: the prompt-filter chunk folded into the
// next one, everything after it byte for byte.
QList<QByteArray> folded(const QList<QByteArray> &events)
{
    QJsonObject first = jsonOf(events.at(1));
    first.insert("prompt_filter_results"_L1, jsonOf(events.at(0)).value("prompt_filter_results"_L1));
    QList<QByteArray> expected{QJsonDocument(first).toJson(QJsonDocument::Compact)};
    expected.append(events.mid(2));
    return expected;
}

QList<QByteArray> withoutUsageOnlyChunk(const QList<QByteArray> &events)
{
    QList<QByteArray> kept;
    for (const QByteArray &event : events) {
        const QJsonObject chunk = jsonOf(event);
        if (!(chunk.value("usage"_L1).isObject() && chunk.value("choices"_L1).toArray().isEmpty()))
            kept.append(event);
    }
    return kept;
}

QJsonObject errorOf(const QByteArray &body)
{
    return jsonOf(body).value("error"_L1).toObject();
}

// Empty when `error` has the OpenAI fields (message a non-empty string; type, param and
// code strings or null), otherwise what is wrong.
QString openAiErrorProblem(const QJsonObject &error)
{
    if (error.value("message"_L1).toString().isEmpty())
        return u"error.message missing or empty"_s;
    for (const QLatin1String field : {"type"_L1, "param"_L1, "code"_L1}) {
        const QJsonValue value = error.value(field);
        if (!value.isString() && !value.isNull())
            return u"error.%1 must be a string or null"_s.arg(field);
    }
    return {};
}

QString finishReasonOf(const QList<QByteArray> &events)
{
    QString finish;
    for (const QByteArray &event : events) {
        const QJsonValue reason = jsonOf(event).value("choices"_L1).toArray().at(0).toObject().value("finish_reason"_L1);
        if (reason.isString())
            finish = reason.toString();
    }
    return finish;
}

} // namespace

class AzureE2eTest final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void nonStreamText();
    void streamText();
    void streamIncludeUsageRequested();
    void oldApiVersionGetsNoStreamOptions();
    void toolCalls_data();
    void toolCalls();
    void imageInput();
    void contentFilterError_data();
    void contentFilterError();
    void contentFilterFinish_data();
    void contentFilterFinish();
    void upstreamErrors_data();
    void upstreamErrors();
    void brokenStreams_data();
    void brokenStreams();
    void stallHitsIdleTimeout();
    void deploymentNameIsOnePathSegment();
    void usageRows();
    void deploymentList();
    void fakeAnswersLikeAzure_data();
    void fakeAnswersLikeAzure();

private:
    std::unique_ptr<TestHttpClient> chat(const QJsonObject &body, int timeoutMs = 5000);
    QList<UsageRecord> usageRows(int expected);

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<FakeUpstream> m_fake;
    std::unique_ptr<UsageRecorder> m_usage;
    std::unique_ptr<GatewayService> m_service;
    quint16 m_port = 0;
};

void AzureE2eTest::initTestCase()
{
    qputenv("ONEGATE_TEST_KEY", kAccessKey);
    qputenv("ONEGATE_TEST_UPSTREAM_KEY", kUpstreamKey);
}

void AzureE2eTest::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    // The fake demands the key in api-key: every relayed request proves the gateway sent it there.
    m_fake = std::make_unique<FakeUpstream>(makeFakeDialect(u"azure"_s), kUpstreamKey);
    QVERIFY2(m_fake->listen(), qPrintable(m_fake->errorString()));

    ConfigResult parsed = parseConfig(configJson(m_fake->port()), u"azure-e2e.json"_s);
    QVERIFY2(parsed.ok(), qPrintable(parsed.error.toString()));
    Config config = std::move(*parsed.config);
    MemorySecretStore secrets;
    const QStringList warnings = resolveSecrets(config, secrets);
    QVERIFY2(warnings.isEmpty(), qPrintable(warnings.join(u'\n')));

    m_usage = std::make_unique<UsageRecorder>();
    const QString usageError = m_usage->open(m_dir->filePath(u"usage.db"_s));
    QVERIFY2(usageError.isEmpty(), qPrintable(usageError));

    m_service = std::make_unique<GatewayService>();
    const ListenResult listening = m_service->start(std::make_shared<const Config>(std::move(config)), m_usage.get());
    QVERIFY2(listening.ok(), qPrintable(listening.error));
    m_port = listening.port;
}

void AzureE2eTest::cleanup()
{
    m_service.reset();
    m_usage.reset();
    m_fake.reset();
    m_dir.reset();
}

std::unique_ptr<TestHttpClient> AzureE2eTest::chat(const QJsonObject &body, int timeoutMs)
{
    auto client = std::make_unique<TestHttpClient>(m_port);
    client->send("POST"_ba, kChatPath, jsonBearer(), QJsonDocument(body).toJson(QJsonDocument::Compact));
    client->waitForFinished(timeoutMs);
    return client;
}

QList<UsageRecord> AzureE2eTest::usageRows(int expected)
{
    return committedUsageRows(*m_usage, m_dir->filePath(u"usage.db"_s), expected);
}

void AzureE2eTest::nonStreamText()
{
    const QJsonObject body = chatBody(u"text"_s, false, {{"temperature"_L1, 0.25}, {"x_custom"_L1, QJsonObject{{"a"_L1, 1}}}});
    const auto client = chat(body);
    QVERIFY(client->isComplete());
    QCOMPARE(client->status(), 200);
    QVERIFY(client->header("content-type").startsWith("application/json"));
    // Same dialect: Azure's answer reaches the client byte for byte, filter results included.
    QCOMPARE(client->body(), azureFixture(u"chat_response_with_content_filter_results.json"_s));

    QCOMPARE(m_fake->requests().size(), 1);
    const RecordedRequest seen = m_fake->lastRequest();
    QCOMPARE(seen.method, "POST"_ba);
    QCOMPARE(seen.path, "/openai/deployments/text/chat/completions?api-version=2024-10-21"_ba);
    QCOMPARE(seen.header("api-key"), kUpstreamKey);
    QVERIFY(seen.header("authorization").isEmpty());
    // Only "model" is rewritten, to the deployment; everything else passes untouched.
    QJsonObject expected = body;
    expected.insert("model"_L1, u"text"_s);
    QCOMPARE(seen.body, expected);
    for (const auto &[name, value] : seen.headers)
        QVERIFY2(!value.contains(kAccessKey), name.constData());
}

void AzureE2eTest::streamText()
{
    const auto client = chat(chatBody(u"text"_s, true));
    QVERIFY(client->isComplete());
    QCOMPARE(client->status(), 200);
    QVERIFY(client->header("content-type").startsWith("text/event-stream"));
    const QList<QByteArray> events = client->eventData();
    QCOMPARE(events, folded(azureEvents(u"chat_stream_prompt_filter_first_chunk.sse"_s)));
    QCOMPARE(events.constLast(), "[DONE]"_ba);
    // A strict reader: every chunk has choices[0].delta and the id of the first.
    const QString id = jsonOf(events.constFirst()).value("id"_L1).toString();
    QVERIFY(!id.isEmpty());
    for (const QByteArray &event : events.mid(0, events.size() - 1)) {
        const QJsonObject chunk = jsonOf(event);
        QCOMPARE(chunk.value("id"_L1).toString(), id);
        QVERIFY(chunk.value("choices"_L1).toArray().at(0).toObject().value("delta"_L1).isObject());
    }
    // Asked for on the client's behalf (2024-10-21 takes it) and dropped again.
    const RecordedRequest seen = m_fake->lastRequest();
    QCOMPARE(seen.body.value("stream_options"_L1).toObject().value("include_usage"_L1), QJsonValue(true));
    QCOMPARE(seen.header("accept"), "text/event-stream"_ba);
}

void AzureE2eTest::streamIncludeUsageRequested()
{
    const auto client = chat(chatBody(u"text"_s, true, {{"stream_options"_L1, QJsonObject{{"include_usage"_L1, true}}}}));
    QVERIFY(client->isComplete());
    QCOMPARE(client->status(), 200);
    const QList<QByteArray> events = client->eventData();
    QCOMPARE(events.size(), 7);
    QCOMPARE(events.at(5), sseData(azureFixture(u"chat_stream_usage_chunk.composed.sse"_s)));
    QCOMPARE(events.at(6), "[DONE]"_ba);
}

void AzureE2eTest::oldApiVersionGetsNoStreamOptions()
{
    const auto client = chat(chatBody(u"az-old/text"_s, true));
    QVERIFY(client->isComplete());
    QCOMPARE(client->status(), 200);
    QCOMPARE(client->eventData(), folded(azureEvents(u"chat_stream_prompt_filter_first_chunk.sse"_s)));
    const RecordedRequest seen = m_fake->lastRequest();
    QCOMPARE(seen.path, "/openai/deployments/text/chat/completions?api-version=2024-06-01"_ba);
    QVERIFY(!seen.body.contains("stream_options"_L1));

    // The client's own stream_options is its request; Azure's refusal comes back as sent.
    const auto refused = chat(chatBody(u"az-old/text"_s, true, {{"stream_options"_L1, QJsonObject{{"include_usage"_L1, true}}}}));
    QVERIFY(refused->isComplete());
    QCOMPARE(refused->status(), 400);
    QCOMPARE(refused->body(), azureFixture(u"error_400_stream_options_unrecognized.composed.json"_s));
}

void AzureE2eTest::toolCalls_data()
{
    QTest::addColumn<QString>("model");
    QTest::addColumn<bool>("stream");
    QTest::addColumn<QStringList>("names");

    const QStringList one{u"get_weather"_s};
    const QStringList two{u"GetWeatherArgs"_s, u"get_stock_price"_s};
    QTest::newRow("tool call") << u"tool"_s << false << one;
    QTest::newRow("tool call, stream") << u"tool"_s << true << one;
    QTest::newRow("parallel tool calls") << u"parallel-tools"_s << false << two;
    QTest::newRow("parallel tool calls, stream") << u"parallel-tools"_s << true << two;
}

void AzureE2eTest::toolCalls()
{
    QFETCH(QString, model);
    QFETCH(bool, stream);
    QFETCH(QStringList, names);

    const QJsonArray tools{QJsonObject{{"type"_L1, "function"_L1},
                                       {"function"_L1, QJsonObject{{"name"_L1, "get_weather"_L1},
                                                                   {"parameters"_L1, QJsonObject{{"type"_L1, "object"_L1}}}}}}};
    const auto client = chat(chatBody(model, stream, {{"tools"_L1, tools}}));
    QVERIFY(client->isComplete());
    QCOMPARE(client->status(), 200);
    QCOMPARE(m_fake->lastRequest().body.value("tools"_L1).toArray(), tools);

    QStringList seenNames;
    QString finish;
    if (!stream) {
        const QString file = model == u"tool"_s ? u"chat_response_tool_call.composed.json"_s
                                                : u"chat_response_parallel_tool_calls.composed.json"_s;
        QCOMPARE(client->body(), azureFixture(file));
        const QJsonObject choice = client->json().value("choices"_L1).toArray().at(0).toObject();
        for (const QJsonValue &call : choice.value("message"_L1).toObject().value("tool_calls"_L1).toArray()) {
            seenNames.append(call.toObject().value("function"_L1).toObject().value("name"_L1).toString());
            QVERIFY(jsonOf(call.toObject().value("function"_L1).toObject().value("arguments"_L1).toString().toUtf8()).size() > 0);
        }
        finish = choice.value("finish_reason"_L1).toString();
    } else {
        const QString file = model == u"tool"_s ? u"chat_stream_tool_call.composed.sse"_s
                                                : u"chat_stream_parallel_tool_calls.composed.sse"_s;
        const QList<QByteArray> events = client->eventData();
        QCOMPARE(events, withoutUsageOnlyChunk(folded(azureEvents(file))));
        // Reassembled as a client does: fragments per index, after the id and name.
        QMap<int, QString> callNames;
        QMap<int, QString> arguments;
        for (const QByteArray &event : events) {
            if (event == "[DONE]")
                continue;
            const QJsonObject delta = jsonOf(event).value("choices"_L1).toArray().at(0).toObject().value("delta"_L1).toObject();
            for (const QJsonValue &value : delta.value("tool_calls"_L1).toArray()) {
                const QJsonObject call = value.toObject();
                const int index = call.value("index"_L1).toInt();
                if (call.contains("id"_L1))
                    callNames[index] = call.value("function"_L1).toObject().value("name"_L1).toString();
                QVERIFY2(callNames.contains(index), "arguments before the call's id and name");
                arguments[index] += call.value("function"_L1).toObject().value("arguments"_L1).toString();
            }
        }
        seenNames = callNames.values();
        for (const QString &text : std::as_const(arguments))
            QVERIFY2(QJsonDocument::fromJson(text.toUtf8()).isObject(), qPrintable(text));
        finish = finishReasonOf(events);
    }
    QCOMPARE(seenNames, names);
    QCOMPARE(finish, u"tool_calls"_s);
}

void AzureE2eTest::imageInput()
{
    const QJsonArray content{
        QJsonObject{{"type"_L1, "text"_L1}, {"text"_L1, "What is in this image?"_L1}},
        QJsonObject{{"type"_L1, "image_url"_L1},
                    {"image_url"_L1, QJsonObject{{"url"_L1, "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYGD4DwABBAEAwS2OUAAAAABJRU5ErkJggg=="_L1},
                                                 {"detail"_L1, "low"_L1}}}}};
    const QJsonArray messages{QJsonObject{{"role"_L1, "user"_L1}, {"content"_L1, content}}};
    const auto client = chat(chatBody(u"text"_s, false, {{"messages"_L1, messages}}));
    QVERIFY(client->isComplete());
    QCOMPARE(client->status(), 200);
    // Azure takes OpenAI's image parts as they are: they reach it unchanged.
    QCOMPARE(m_fake->lastRequest().body.value("messages"_L1).toArray(), messages);
}

void AzureE2eTest::contentFilterError_data()
{
    QTest::addColumn<bool>("stream");
    QTest::newRow("non-stream") << false;
    QTest::newRow("stream") << true;
}

void AzureE2eTest::contentFilterError()
{
    QFETCH(bool, stream);
    const auto client = chat(chatBody(u"az/content-filter"_s, stream));
    QVERIFY(client->isComplete());
    // Already OpenAI-shaped, so untouched: innererror.content_filter_result included.
    QCOMPARE(client->status(), 400);
    QVERIFY(client->header("content-type").startsWith("application/json"));
    QCOMPARE(client->body(), azureFixture(u"error_400_content_filter.json"_s));
    const QJsonObject error = errorOf(client->body());
    QCOMPARE(error.value("code"_L1).toString(), u"content_filter"_s);
    QCOMPARE(error.value("innererror"_L1).toObject().value("content_filter_result"_L1).toObject()
                 .value("sexual"_L1).toObject().value("filtered"_L1),
             QJsonValue(true));
    QCOMPARE(m_fake->requests().size(), 1);  // a 400 is never retried
}

void AzureE2eTest::contentFilterFinish_data()
{
    QTest::addColumn<bool>("stream");
    QTest::newRow("non-stream") << false;
    QTest::newRow("stream") << true;
}

void AzureE2eTest::contentFilterFinish()
{
    QFETCH(bool, stream);
    const auto client = chat(chatBody(u"filtered"_s, stream));
    QVERIFY(client->isComplete());
    QCOMPARE(client->status(), 200);
    if (!stream) {
        QCOMPARE(client->body(), azureFixture(u"chat_response_finish_content_filter.composed.json"_s));
        QCOMPARE(client->json().value("choices"_L1).toArray().at(0).toObject().value("finish_reason"_L1).toString(),
                 u"content_filter"_s);
        return;
    }
    const QList<QByteArray> events = client->eventData();
    QCOMPARE(events, folded(azureEvents(u"chat_stream_finish_content_filter.composed.sse"_s)));
    QCOMPARE(finishReasonOf(events), u"content_filter"_s);
}

void AzureE2eTest::upstreamErrors_data()
{
    QTest::addColumn<QString>("model");
    QTest::addColumn<bool>("stream");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("fixture");
    QTest::addColumn<QByteArray>("retryAfter");

    const struct {
        const char *model;
        int status;
        const char *fixture;
        QByteArray retryAfter;
    } cases[] = {
        {"error-401", 401, "error_401_access_denied.composed.json", {}},
        {"error-404", 404, "error_404_deployment_not_found.composed.json", {}},
        {"error-429", 429, "error_429_rate_limit.composed.json", "7"_ba},
        {"error-500", 500, "error_500_server_error.composed.json", {}},
    };
    for (const auto &c : cases) {
        for (const bool stream : {false, true}) {
            QTest::addRow("%s%s", c.model, stream ? ", stream" : "")
                << QString(u"az/"_s + QLatin1String(c.model)) << stream << c.status << QString::fromLatin1(c.fixture)
                << c.retryAfter;
        }
    }
}

void AzureE2eTest::upstreamErrors()
{
    QFETCH(QString, model);
    QFETCH(bool, stream);
    QFETCH(int, status);
    QFETCH(QString, fixture);
    QFETCH(QByteArray, retryAfter);

    const auto client = chat(chatBody(model, stream));
    QVERIFY(client->isComplete());
    QCOMPARE(client->status(), status);
    QVERIFY(client->header("content-type").startsWith("application/json"));
    QCOMPARE(client->header("retry-after"), retryAfter);
    // Azure's error with the OpenAI fields it lacks added, nothing of Azure's lost.
    const QJsonObject error = errorOf(client->body());
    const QString problem = openAiErrorProblem(error);
    QVERIFY2(problem.isEmpty(), qPrintable(problem + u": "_s + QString::fromUtf8(client->body())));
    const QJsonObject azure = errorOf(azureFixture(fixture));
    for (auto it = azure.begin(); it != azure.end(); ++it)
        QCOMPARE(error.value(it.key()), it.value());
    QCOMPARE(m_fake->requests().size(), 1);
}

void AzureE2eTest::brokenStreams_data()
{
    QTest::addColumn<QString>("model");
    QTest::addColumn<int>("relayed");  // frames the client gets before the error
    QTest::addColumn<QByteArray>("upstreamError");

    // The fake sends 3 events (the prompt-filter chunk, the role chunk, "Hallo"), which
    // the client sees as 2 frames; midstream-error sends 2 and then the error.
    QTest::newRow("reset") << u"az/reset"_s << 2 << QByteArray();
    QTest::newRow("truncated") << u"az/truncated"_s << 2 << QByteArray();
    QTest::newRow("midstream-error")
        << u"az/midstream-error"_s << 1
        << R"({"error":{"message":"The server had an error while processing your request.","type":"server_error","param":null,"code":null}})"_ba;
}

void AzureE2eTest::brokenStreams()
{
    QFETCH(QString, model);
    QFETCH(int, relayed);
    QFETCH(QByteArray, upstreamError);

    const auto client = chat(chatBody(model, true));
    QVERIFY2(client->isComplete(), "the stream must end with the chunked terminator, not hang or drop");
    QCOMPARE(client->status(), 200);
    const QList<QByteArray> events = client->eventData();
    QCOMPARE(events.size(), relayed + 1);
    QCOMPARE(events.mid(0, relayed), folded(azureEvents(u"chat_stream_prompt_filter_first_chunk.sse"_s)).mid(0, relayed));
    const QJsonObject error = errorOf(events.constLast());
    const QString problem = openAiErrorProblem(error);
    QVERIFY2(problem.isEmpty(), qPrintable(problem + u": "_s + QString::fromUtf8(events.constLast())));
    QVERIFY(!events.contains("[DONE]"_ba));
    if (!upstreamError.isEmpty())
        QCOMPARE(events.constLast(), upstreamError);
    if (model.endsWith(u"truncated"_s))
        QCOMPARE(error.value("code"_L1).toString(), u"stream_truncated"_s);

    // And the gateway still serves.
    const auto next = chat(chatBody(u"text"_s, false));
    QCOMPARE(next->status(), 200);
}

void AzureE2eTest::stallHitsIdleTimeout()
{
    QSignalSpy upstreamAborted(m_fake.get(), &FakeUpstream::clientAborted);
    const auto client = chat(chatBody(u"az-idle/stall"_s, true));
    QVERIFY(client->isComplete());
    QCOMPARE(client->status(), 200);
    const QList<QByteArray> events = client->eventData();
    QCOMPARE(events.size(), 2);
    QCOMPARE(events.constFirst(), folded(azureEvents(u"chat_stream_prompt_filter_first_chunk.sse"_s)).constFirst());
    QCOMPARE(errorOf(events.constLast()).value("code"_L1).toString(), u"upstream_timeout"_s);
    QVERIFY(upstreamAborted.size() == 1 || upstreamAborted.wait(3000));
}

void AzureE2eTest::deploymentNameIsOnePathSegment()
{
    // The scenario "text" with a 20 ms pause: the '@' travels percent-encoded.
    const auto client = chat(chatBody(u"az/text@20"_s, true));
    QVERIFY(client->isComplete());
    QCOMPARE(client->status(), 200);
    QCOMPARE(client->eventData(), folded(azureEvents(u"chat_stream_prompt_filter_first_chunk.sse"_s)));
    const RecordedRequest seen = m_fake->lastRequest();
    QCOMPARE(seen.path, "/openai/deployments/text%4020/chat/completions?api-version=2024-10-21"_ba);
    QCOMPARE(seen.body.value("model"_L1).toString(), u"text@20"_s);
}

void AzureE2eTest::usageRows()
{
    const auto plain = chat(chatBody(u"text"_s, false));
    QCOMPARE(plain->status(), 200);
    const auto streamed = chat(chatBody(u"az/tool"_s, true));
    QCOMPARE(streamed->status(), 200);
    const auto old = chat(chatBody(u"az-old/text"_s, true));
    QCOMPARE(old->status(), 200);

    const QList<UsageRecord> rows = usageRows(3);
    QCOMPARE(rows.size(), 3);
    QMap<QString, UsageRecord> byModel;
    for (const UsageRecord &row : rows)
        byModel.insert(row.requestedModel, row);
    // Azure's own numbers: the recorded answer's usage, and the stream's usage chunk the
    // gateway asked for although the client did not.
    const UsageRecord plainRow = byModel.value(u"text"_s);
    QCOMPARE(plainRow.provider, u"az"_s);
    QCOMPARE(plainRow.upstreamModel, u"text"_s);
    QCOMPARE(plainRow.status, 200);
    QCOMPARE(plainRow.promptTokens, qint64(8));
    QCOMPARE(plainRow.completionTokens, qint64(5));
    QVERIFY(!plainRow.stream);
    const UsageRecord streamRow = byModel.value(u"az/tool"_s);
    QCOMPARE(streamRow.provider, u"az"_s);
    QCOMPARE(streamRow.upstreamModel, u"tool"_s);
    QCOMPARE(streamRow.promptTokens, qint64(44));
    QCOMPARE(streamRow.completionTokens, qint64(16));
    QVERIFY(streamRow.stream);
    QVERIFY(streamRow.firstTokenMs >= 0);
    // An api-version without stream_options reports nothing: recorded as zero, not guessed.
    const UsageRecord oldRow = byModel.value(u"az-old/text"_s);
    QCOMPARE(oldRow.provider, u"az-old"_s);
    QCOMPARE(oldRow.status, 200);
    QCOMPARE(oldRow.promptTokens, qint64(0));
    QCOMPARE(oldRow.completionTokens, qint64(0));
}

void AzureE2eTest::deploymentList()
{
    // The request the gateway's model catalog sends, over the same transport, to the fake.
    ProviderSettings settings;
    settings.id = u"az"_s;
    settings.kind = ProviderKind::Azure;
    settings.baseUrl = QUrl(m_fake->origin());
    settings.proxy.mode = ProxySetting::Mode::None;
    AzureAdapter adapter;
    ProviderTransport transport(settings.proxy);
    UpstreamCall *call = transport.start(adapter.modelListRequest(settings, kUpstreamKey), settings.policy, false, this);
    QByteArray body;
    connect(call, &UpstreamCall::dataReceived, this, [&body](const QByteArray &bytes) { body.append(bytes); });
    QSignalSpy finished(call, &UpstreamCall::finished);
    QVERIFY(finished.wait(5000));
    QCOMPARE(call->httpStatus(), 200);
    const ModelListResult list = adapter.decodeModelList(body);
    QVERIFY(!list.error);
    QCOMPARE(list.models, (QStringList{u"gpt-4o"_s, u"text"_s, u"embeddings-small"_s}));
    const RecordedRequest seen = m_fake->lastRequest();
    QCOMPARE(seen.method, "GET"_ba);
    QCOMPARE(seen.path, "/openai/deployments?api-version=2023-03-15-preview"_ba);
    QCOMPARE(seen.header("api-key"), kUpstreamKey);
    delete call;
}

void AzureE2eTest::fakeAnswersLikeAzure_data()
{
    // The fake's own fidelity, so the tests above mean something: what Azure does with a
    // request the gateway must never send.
    QTest::addColumn<QByteArray>("path");
    QTest::addColumn<QByteArray>("headerName");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("code");

    const QByteArray chat = "/openai/deployments/text/chat/completions"_ba;
    const QByteArray plain = R"({"messages":[{"role":"user","content":"hi"}]})"_ba;
    QTest::newRow("answers with the key in api-key") << chat + "?api-version=2024-10-21" << "api-key"_ba << plain << 200
                                                     << QString();
    QTest::newRow("no api-version") << chat << "api-key"_ba << plain << 404 << u"404"_s;
    QTest::newRow("key as a bearer token") << chat + "?api-version=2024-10-21" << "Authorization"_ba << plain << 401
                                           << u"401"_s;
    QTest::newRow("stream_options before 2024-09-01")
        << chat + "?api-version=2024-06-01" << "api-key"_ba
        << R"({"messages":[],"stream":true,"stream_options":{"include_usage":true}})"_ba << 400 << QString();
    QTest::newRow("unknown deployment") << "/openai/deployments/nope/chat/completions?api-version=2024-10-21"_ba
                                        << "api-key"_ba << plain << 404 << u"DeploymentNotFound"_s;
}

void AzureE2eTest::fakeAnswersLikeAzure()
{
    QFETCH(QByteArray, path);
    QFETCH(QByteArray, headerName);
    QFETCH(QByteArray, body);
    QFETCH(int, status);
    QFETCH(QString, code);
    TestHttpClient client(m_fake->port());
    const QByteArray value = headerName == "api-key" ? kUpstreamKey : "Bearer " + kUpstreamKey;
    client.send("POST"_ba, path, {{headerName, value}, {"Content-Type"_ba, "application/json"_ba}}, body);
    QVERIFY(client.waitForFinished());
    QCOMPARE(client.status(), status);
    if (status != 200)
        QCOMPARE(errorOf(client.body()).value("code"_L1).toString(), code);
}

QTEST_GUILESS_MAIN(AzureE2eTest)
#include "tst_azure_e2e.moc"
