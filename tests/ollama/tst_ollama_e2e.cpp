// The ollama kind end to end: a GatewayService on its own thread, called over real
// sockets with OpenAI Chat requests, relaying to the fake Ollama (tests/support/ollama,
// replaying Ollama's documented wire data as NDJSON) over real sockets, and writing a
// real usage database.

#include "ChunkReassembly.h"
#include "FakeUpstream.h"
#include "GatewayService.h"
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

const QByteArray kAccessKey = "sk-test-ollamae2eacce-9a1c"_ba;
const QByteArray kUpstreamKey = "sk-test-ollamae2eupst-2d4e"_ba;
const QByteArray kChatPath = "/v1/chat/completions"_ba;
// A 1x1 PNG.
const QByteArray kImageBase64 =
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="_ba;

// `local` is Ollama behind a proxy that wants a key (the fake checks it); `keyless` is
// the same server as a plain local Ollama.
QByteArray configJson(const QString &origin)
{
    // The URL goes in with arg(): moc 6.4 takes a "//" inside a raw string for a comment.
    return QString::fromLatin1(R"({
  "listen": "127.0.0.1:0",
  "router": { "max_attempts": 1 },
  "access_keys": [ { "name": "main", "key": "env:ONEGATE_TEST_KEY", "models": ["*"] } ],
  "providers": [
    { "id": "local", "kind": "ollama", "base_url": "%1",
      "api_key": "env:ONEGATE_TEST_UPSTREAM_KEY", "proxy": "none",
      "models": ["text", "tool", "parallel-tools", "length", "thinking"] },
    { "id": "keyless", "kind": "ollama", "base_url": "%1", "proxy": "none" }
  ]
})")
        .arg(origin)
        .toUtf8();
}

RawHeaders jsonBearer()
{
    return {{"Authorization"_ba, "Bearer " + kAccessKey}, {"Content-Type"_ba, "application/json"_ba}};
}

QJsonArray userMessage(const QJsonValue &content)
{
    return QJsonArray{QJsonObject{{"role"_L1, "user"_L1}, {"content"_L1, content}}};
}

const QJsonObject kTools{{"tools"_L1, QJsonArray{QJsonObject{
                              {"type"_L1, "function"_L1},
                              {"function"_L1, QJsonObject{{"name"_L1, "get_weather"_L1},
                                                          {"description"_L1, "Get the weather in a given city"_L1},
                                                          {"parameters"_L1, QJsonObject{{"type"_L1, "object"_L1}}}}}}}}};

QByteArray chatBody(const QString &model, bool stream, const QJsonObject &extra = {})
{
    QJsonObject body = extra;
    body.insert("model"_L1, model);
    if (!body.contains("messages"_L1))
        body.insert("messages"_L1, userMessage(u"What's the weather in Tokyo?"_s));
    if (stream)
        body.insert("stream"_L1, true);
    return QJsonDocument(body).toJson(QJsonDocument::Compact);
}

QJsonObject errorOf(const QByteArray &body)
{
    return QJsonDocument::fromJson(body).object().value("error"_L1).toObject();
}

// Empty when `body` is an OpenAI error body, otherwise what is wrong with it.
QString openAiErrorProblem(const QByteArray &body)
{
    const QJsonObject error = errorOf(body);
    if (error.isEmpty())
        return u"not an OpenAI error body: "_s + QString::fromUtf8(body.left(300));
    if (error.value("message"_L1).toString().isEmpty())
        return u"error.message missing or empty"_s;
    for (const QLatin1String field : {"type"_L1, "param"_L1, "code"_L1}) {
        const QJsonValue value = error.value(field);
        if (!value.isString() && !value.isNull())
            return u"error.%1 must be a string or null"_s.arg(field);
    }
    return {};
}

} // namespace

class OllamaE2eTest final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void nonStreamText();
    void streamText_data();
    void streamText();
    void answers_data();
    void answers();
    void imageInput();
    void imageUrlRefused();
    void usageRows();
    void upstreamErrors_data();
    void upstreamErrors();
    void brokenStreams_data();
    void brokenStreams();
    void garbageAnswer();
    void keylessProvider();
    void providerModelList();

private:
    std::unique_ptr<TestHttpClient> chat(const QString &model, bool stream, const QJsonObject &extra = {});
    QList<UsageRecord> usageRows(int expected);

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<FakeUpstream> m_fake;
    std::unique_ptr<UsageRecorder> m_usage;
    std::unique_ptr<GatewayService> m_service;
    quint16 m_port = 0;
};

void OllamaE2eTest::initTestCase()
{
    qputenv("ONEGATE_TEST_KEY", kAccessKey);
    qputenv("ONEGATE_TEST_UPSTREAM_KEY", kUpstreamKey);
}

void OllamaE2eTest::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_fake = std::make_unique<FakeUpstream>(makeFakeDialect(u"ollama"_s), kUpstreamKey);
    QVERIFY2(m_fake->listen(), qPrintable(m_fake->errorString()));

    ConfigResult parsed = parseConfig(configJson(m_fake->origin()), u"ollama-e2e.json"_s);
    QVERIFY2(parsed.ok(), qPrintable(parsed.error.toString()));
    Config config = std::move(*parsed.config);
    MemorySecretStore secrets;
    const QStringList warnings = resolveSecrets(config, secrets);
    QVERIFY2(warnings.isEmpty(), qPrintable(warnings.join(u'\n')));

    m_usage = std::make_unique<UsageRecorder>();
    const QString usageError = m_usage->open(m_dir->filePath(u"usage.db"_s));
    QVERIFY2(usageError.isEmpty(), qPrintable(usageError));

    m_service = std::make_unique<GatewayService>();
    const ListenResult listening =
        m_service->start(std::make_shared<const Config>(std::move(config)), m_usage.get());
    QVERIFY2(listening.ok(), qPrintable(listening.error));
    m_port = listening.port;
}

void OllamaE2eTest::cleanup()
{
    m_service.reset();
    m_usage.reset();
    m_fake.reset();
    m_dir.reset();
}

std::unique_ptr<TestHttpClient> OllamaE2eTest::chat(const QString &model, bool stream, const QJsonObject &extra)
{
    auto client = std::make_unique<TestHttpClient>(m_port);
    client->send("POST"_ba, kChatPath, jsonBearer(), chatBody(model, stream, extra));
    client->waitForFinished(5000);
    return client;
}

QList<UsageRecord> OllamaE2eTest::usageRows(int expected)
{
    return committedUsageRows(*m_usage, m_dir->filePath(u"usage.db"_s), expected);
}

void OllamaE2eTest::nonStreamText()
{
    const auto client = chat(u"text"_s, false, {{"temperature"_L1, 0.25}});
    QVERIFY(client->isComplete());
    QCOMPARE(client->status(), 200);
    QVERIFY(client->header("content-type").startsWith("application/json"));
    const QJsonObject completion = client->json();
    QCOMPARE(completion.value("object"_L1).toString(), u"chat.completion"_s);
    const QJsonObject choice = completion.value("choices"_L1).toArray().at(0).toObject();
    QCOMPARE(choice.value("message"_L1).toObject().value("content"_L1).toString(), u"Hello! How are you today?"_s);
    QCOMPARE(choice.value("finish_reason"_L1).toString(), u"stop"_s);
    const QJsonObject usage = completion.value("usage"_L1).toObject();
    QCOMPARE(usage.value("prompt_tokens"_L1).toInt(), 26);
    QCOMPARE(usage.value("completion_tokens"_L1).toInt(), 298);
    QCOMPARE(usage.value("total_tokens"_L1).toInt(), 324);

    // What Ollama was asked: its native chat endpoint, its own body, the provider's key.
    QCOMPARE(m_fake->requests().size(), 1);
    const RecordedRequest seen = m_fake->lastRequest();
    QCOMPARE(seen.method, "POST"_ba);
    QCOMPARE(seen.path, "/api/chat"_ba);
    QCOMPARE(seen.header("authorization"), QByteArray("Bearer " + kUpstreamKey));
    const QJsonObject expected{{"model"_L1, "text"_L1},
                               {"messages"_L1, userMessage(u"What's the weather in Tokyo?"_s)},
                               {"stream"_L1, false},
                               {"options"_L1, QJsonObject{{"temperature"_L1, 0.25}}}};
    QCOMPARE(seen.body, expected);
    for (const auto &[name, value] : seen.headers)
        QVERIFY2(!value.contains(kAccessKey), name.constData());
}

void OllamaE2eTest::streamText_data()
{
    QTest::addColumn<bool>("includeUsage");
    QTest::newRow("include_usage") << true;
    QTest::newRow("no usage asked") << false;
}

void OllamaE2eTest::streamText()
{
    QFETCH(bool, includeUsage);
    const QJsonObject options{{"stream_options"_L1, QJsonObject{{"include_usage"_L1, includeUsage}}}};
    const auto client = chat(u"local/text"_s, true, options);
    QVERIFY(client->isComplete());
    QCOMPARE(client->status(), 200);
    QVERIFY(client->header("content-type").startsWith("text/event-stream"));
    QVERIFY(client->isChunked());

    const Reassembled got = reassembleChunks(client->eventData());
    QVERIFY2(got.problems.isEmpty(), qPrintable(got.problems.join(u'\n')));
    QVERIFY(got.done);
    QCOMPARE(got.model, u"llama3.2"_s);
    QCOMPARE(got.content, u"The"_s);
    QCOMPARE(got.finishReason, u"stop"_s);
    QCOMPARE(got.usageChunks, includeUsage ? 1 : 0);
    if (includeUsage) {
        QCOMPARE(got.usage.value("prompt_tokens"_L1).toInt(), 26);
        QCOMPARE(got.usage.value("completion_tokens"_L1).toInt(), 282);
    }
    // role, "The", finish, [usage,] [DONE]
    QCOMPARE(client->eventData().size(), includeUsage ? 5 : 4);

    const RecordedRequest seen = m_fake->lastRequest();
    QCOMPARE(seen.path, "/api/chat"_ba);
    QCOMPARE(seen.body.value("stream"_L1), QJsonValue(true));
    QCOMPARE(seen.header("accept"), "application/x-ndjson"_ba);
    QVERIFY(!seen.body.contains("stream_options"_L1));
}

void OllamaE2eTest::answers_data()
{
    QTest::addColumn<QString>("model");
    QTest::addColumn<bool>("stream");
    QTest::addColumn<QString>("content");
    QTest::addColumn<QString>("reasoning");
    QTest::addColumn<QStringList>("cities");  // one get_weather call per city
    QTest::addColumn<QString>("finishReason");

    for (const bool stream : {false, true}) {
        const char *suffix = stream ? ", stream" : "";
        QTest::addRow("tool call%s", suffix) << u"tool"_s << stream << QString() << QString()
                                             << QStringList{u"Tokyo"_s} << u"tool_calls"_s;
        QTest::addRow("parallel tool calls%s", suffix) << u"parallel-tools"_s << stream << QString() << QString()
                                                       << QStringList{u"Tokyo"_s, u"Paris"_s} << u"tool_calls"_s;
        QTest::addRow("length%s", suffix) << u"length"_s << stream
                                          << (stream ? u"The sky is"_s : u"The sky is blue because"_s) << QString()
                                          << QStringList() << u"length"_s;
        QTest::addRow("thinking%s", suffix)
            << u"thinking"_s << stream << (stream ? u"There are 3."_s : u"There are 3 r's in strawberry."_s)
            << (stream ? u"Let me count the r's."_s
                       : u"Let me count the letters r in strawberry: st-r-awbe-r-r-y, so three."_s)
            << QStringList() << u"stop"_s;
    }
}

void OllamaE2eTest::answers()
{
    QFETCH(QString, model);
    QFETCH(bool, stream);
    QFETCH(QString, content);
    QFETCH(QString, reasoning);
    QFETCH(QStringList, cities);
    QFETCH(QString, finishReason);

    const auto client = chat(model, stream, kTools);
    QVERIFY(client->isComplete());
    QCOMPARE(client->status(), 200);
    // The tools reach Ollama in OpenAI's function shape, which it takes as it is.
    QCOMPARE(m_fake->lastRequest().body.value("tools"_L1), kTools.value("tools"_L1));

    QList<ToolCallSeen> calls;
    QString gotContent;
    QString gotReasoning;
    QString gotFinish;
    if (stream) {
        const Reassembled got = reassembleChunks(client->eventData());
        QVERIFY2(got.problems.isEmpty(), qPrintable(got.problems.join(u'\n')));
        QVERIFY(got.done);
        calls = got.toolCalls;
        gotContent = got.content;
        gotReasoning = got.reasoning;
        gotFinish = got.finishReason;
    } else {
        const QJsonObject choice = client->json().value("choices"_L1).toArray().at(0).toObject();
        const QJsonObject message = choice.value("message"_L1).toObject();
        for (const QJsonValue &value : message.value("tool_calls"_L1).toArray()) {
            const QJsonObject call = value.toObject();
            const QJsonObject function = call.value("function"_L1).toObject();
            calls.append({call.value("id"_L1).toString(), function.value("name"_L1).toString(),
                          function.value("arguments"_L1).toString()});
        }
        gotContent = message.value("content"_L1).toString();
        gotReasoning = message.value("reasoning_content"_L1).toString();
        gotFinish = choice.value("finish_reason"_L1).toString();
    }
    QCOMPARE(gotContent, content);
    QCOMPARE(gotReasoning, reasoning);
    QCOMPARE(gotFinish, finishReason);
    QCOMPARE(calls.size(), cities.size());
    for (qsizetype i = 0; i < calls.size(); ++i) {
        QVERIFY2(calls.at(i).id.startsWith(u"call_"_s), qPrintable(calls.at(i).id));
        QCOMPARE(calls.at(i).name, u"get_weather"_s);
        QCOMPARE(QJsonDocument::fromJson(calls.at(i).arguments.toUtf8()).object(),
                 (QJsonObject{{"city"_L1, cities.at(i)}}));
    }
    if (calls.size() == 2)
        QVERIFY(calls.at(0).id != calls.at(1).id);
}

void OllamaE2eTest::imageInput()
{
    const QJsonArray content{
        QJsonObject{{"type"_L1, "text"_L1}, {"text"_L1, "What is in this picture?"_L1}},
        QJsonObject{{"type"_L1, "image_url"_L1},
                    {"image_url"_L1, QJsonObject{{"url"_L1, QString::fromLatin1("data:image/png;base64," + kImageBase64)}}}}};
    const auto client = chat(u"text"_s, false, {{"messages"_L1, userMessage(content)}});
    QCOMPARE(client->status(), 200);
    // Ollama takes images as base64 strings on the message, next to its text.
    const QJsonObject message = m_fake->lastRequest().body.value("messages"_L1).toArray().at(0).toObject();
    QCOMPARE(message.value("role"_L1).toString(), u"user"_s);
    QCOMPARE(message.value("content"_L1).toString(), u"What is in this picture?"_s);
    QCOMPARE(message.value("images"_L1).toArray(), QJsonArray{QString::fromLatin1(kImageBase64)});
}

void OllamaE2eTest::imageUrlRefused()
{
    // /api/chat has no image URLs and OneGate does not fetch them: a clear 400, and
    // nothing is sent to Ollama.
    const QJsonArray content{
        QJsonObject{{"type"_L1, "text"_L1}, {"text"_L1, "What is this?"_L1}},
        QJsonObject{{"type"_L1, "image_url"_L1}, {"image_url"_L1, QJsonObject{{"url"_L1, "https://example.com/cat.png"_L1}}}}};
    for (const bool stream : {false, true}) {
        const auto client = chat(u"text"_s, stream, {{"messages"_L1, userMessage(content)}});
        QCOMPARE(client->status(), 400);
        const QString problem = openAiErrorProblem(client->body());
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
        const QJsonObject error = errorOf(client->body());
        QCOMPARE(error.value("type"_L1).toString(), u"invalid_request_error"_s);
        QCOMPARE(error.value("param"_L1).toString(), u"messages[0].content[1].image_url.url"_s);
        QVERIFY(error.value("message"_L1).toString().contains(u"data: URL"_s));
    }
    QVERIFY(m_fake->requests().isEmpty());
}

void OllamaE2eTest::usageRows()
{
    QCOMPARE(chat(u"text"_s, false)->status(), 200);
    QCOMPARE(chat(u"local/tool"_s, true)->status(), 200);

    const QList<UsageRecord> rows = usageRows(2);
    QCOMPARE(rows.size(), 2);
    const UsageRecord *plain = nullptr;
    const UsageRecord *streamed = nullptr;
    for (const UsageRecord &row : rows)
        (row.stream ? streamed : plain) = &row;
    QVERIFY(plain && streamed);

    // prompt_eval_count and eval_count of the replayed answers.
    QCOMPARE(plain->provider, u"local"_s);
    QCOMPARE(plain->upstreamModel, u"text"_s);
    QCOMPARE(plain->status, 200);
    QCOMPARE(plain->promptTokens, qint64(26));
    QCOMPARE(plain->completionTokens, qint64(298));
    QCOMPARE(plain->cachedTokens, qint64(0));

    QCOMPARE(streamed->requestedModel, u"local/tool"_s);
    QCOMPARE(streamed->upstreamModel, u"tool"_s);
    QCOMPARE(streamed->status, 200);
    QCOMPARE(streamed->promptTokens, qint64(169));
    QCOMPARE(streamed->completionTokens, qint64(15));
    QVERIFY(streamed->firstTokenMs >= 0);
    QVERIFY(streamed->firstTokenMs <= streamed->latencyMs);
}

void OllamaE2eTest::upstreamErrors_data()
{
    QTest::addColumn<QString>("model");
    QTest::addColumn<bool>("stream");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("type");
    QTest::addColumn<QString>("code");
    QTest::addColumn<QString>("message");
    QTest::addColumn<QByteArray>("retryAfter");

    const struct {
        const char *model;
        int status;
        const char *type;
        const char *code;
        const char *message;
        QByteArray retryAfter;
    } cases[] = {
        {"error-401", 401, "api_error", "", "unauthorized", {}},
        {"error-404", 404, "not_found_error", "model_not_found", "model \"error-404\" not found, try pulling it first", {}},
        {"error-429", 429, "api_error", "", "rate limit exceeded, please try again later", "7"_ba},
        {"error-500", 500, "api_error", "", "the model failed to generate a response", {}},
    };
    for (const auto &c : cases) {
        for (const bool stream : {false, true}) {
            QTest::addRow("%s%s", c.model, stream ? ", stream" : "")
                << QString::fromLatin1(c.model) << stream << c.status << QString::fromLatin1(c.type)
                << QString::fromLatin1(c.code) << QString::fromLatin1(c.message) << c.retryAfter;
        }
    }
}

void OllamaE2eTest::upstreamErrors()
{
    QFETCH(QString, model);
    QFETCH(bool, stream);
    QFETCH(int, status);
    QFETCH(QString, type);
    QFETCH(QString, code);
    QFETCH(QString, message);
    QFETCH(QByteArray, retryAfter);

    const auto client = chat(u"local/"_s + model, stream);
    QVERIFY(client->isComplete());
    // Ollama answers errors before any line of a stream: the client gets a plain HTTP
    // error with Ollama's status, in OpenAI's shape.
    QCOMPARE(client->status(), status);
    QVERIFY(client->header("content-type").startsWith("application/json"));
    const QString problem = openAiErrorProblem(client->body());
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    const QJsonObject error = errorOf(client->body());
    QCOMPARE(error.value("message"_L1).toString(), message);
    QCOMPARE(error.value("type"_L1).toString(), type);
    if (code.isEmpty())
        QVERIFY(error.value("code"_L1).isNull());
    else
        QCOMPARE(error.value("code"_L1).toString(), code);
    QCOMPARE(client->header("retry-after"), retryAfter);
    QCOMPARE(m_fake->requests().size(), 1);
}

void OllamaE2eTest::brokenStreams_data()
{
    QTest::addColumn<QString>("model");
    QTest::addColumn<QString>("content");  // relayed before the break
    QTest::addColumn<QString>("code");
    QTest::addColumn<QString>("message");  // a part of the error message

    // The fake sends the docs' recorded lines as /api/chat objects: "That", "'", "s", ...
    // A reset is reported as the transport failure, or, when the transport takes the
    // RST for the end of the body, as the missing done object: either way an error.
    QTest::newRow("reset") << u"reset"_s << u"That's"_s << u"upstream_unreachable|stream_truncated"_s << QString();
    QTest::newRow("truncated") << u"truncated"_s << u"That's"_s << u"stream_truncated"_s << u"done"_s;
    QTest::newRow("midstream-error") << u"midstream-error"_s << u" Yes.Ican"_s << QString()
                                     << u"an error was encountered while running the model"_s;
}

void OllamaE2eTest::brokenStreams()
{
    QFETCH(QString, model);
    QFETCH(QString, content);
    QFETCH(QString, code);
    QFETCH(QString, message);

    const auto client = chat(u"local/"_s + model, true);
    QVERIFY2(client->isComplete(), "the stream must end with the chunked terminator, not hang or drop");
    QCOMPARE(client->status(), 200);
    QList<QByteArray> events = client->eventData();
    QVERIFY(events.size() >= 2);
    // OpenAI SDKs raise on a data event carrying "error"; no [DONE] may follow it.
    const QByteArray last = events.takeLast();
    const QString problem = openAiErrorProblem(last);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    QVERIFY(!events.contains("[DONE]"_ba));
    const Reassembled got = reassembleChunks(events);
    QVERIFY2(got.problems.isEmpty(), qPrintable(got.problems.join(u'\n')));
    QCOMPARE(got.content, content);
    QVERIFY(got.finishReason.isEmpty());
    const QJsonObject error = errorOf(last);
    if (!code.isEmpty())
        QVERIFY2(code.split(u'|').contains(error.value("code"_L1).toString()), qPrintable(error.value("code"_L1).toString()));
    QVERIFY2(error.value("message"_L1).toString().contains(message), qPrintable(error.value("message"_L1).toString()));

    // The gateway still serves.
    QCOMPARE(chat(u"text"_s, false)->status(), 200);
}

void OllamaE2eTest::garbageAnswer()
{
    const auto client = chat(u"local/garbage"_s, false);
    QCOMPARE(client->status(), 502);
    const QString problem = openAiErrorProblem(client->body());
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    QCOMPARE(errorOf(client->body()).value("code"_L1).toString(), u"bad_upstream_response"_s);
}

void OllamaE2eTest::keylessProvider()
{
    // A plain local Ollama: no key configured, no Authorization header sent.
    m_fake->setExpectedKey({});
    const auto client = chat(u"keyless/text"_s, true);
    QCOMPARE(client->status(), 200);
    QCOMPARE(reassembleChunks(client->eventData()).content, u"The"_s);
    const RecordedRequest seen = m_fake->lastRequest();
    QVERIFY(seen.header("authorization").isEmpty());
    QCOMPARE(seen.body.value("model"_L1).toString(), u"text"_s);
}

void OllamaE2eTest::providerModelList()
{
    std::optional<ProviderModels> answer;
    m_service->fetchProviderModels(u"local"_s, true, this, [&answer](const ProviderModels &result) { answer = result; });
    QVERIFY(waitUntil([&answer] { return answer.has_value(); }, 5000));
    QVERIFY2(!answer->error, qPrintable(answer->error ? answer->error->message : QString()));
    QCOMPARE(answer->models, (QStringList{u"deepseek-r1:latest"_s, u"llama3.2:latest"_s}));
    const RecordedRequest seen = m_fake->lastRequest();
    QCOMPARE(seen.method, "GET"_ba);
    QCOMPARE(seen.path, "/api/tags"_ba);
    QCOMPARE(seen.header("authorization"), QByteArray("Bearer " + kUpstreamKey));
}

QTEST_GUILESS_MAIN(OllamaE2eTest)
#include "tst_ollama_e2e.moc"
