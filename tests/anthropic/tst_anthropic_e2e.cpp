// The anthropic kind end to end: a GatewayService on its own thread, called over real
// sockets in the OpenAI dialect, translating to a FakeUpstream that speaks Anthropic's
// Messages API (recorded and composed wire data, tests/data/fixtures/anthropic) over
// real sockets, and writing a real usage database.

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
#include <QMap>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <memory>

using namespace onegate;
using namespace onegate::test;
using namespace Qt::StringLiterals;

namespace {

const QByteArray kAccessKey = "sk-test-anthropice2ea-4f1a"_ba;
const QByteArray kUpstreamKey = "sk-test-anthropice2eu-9c2e"_ba;
const QByteArray kChatPath = "/v1/chat/completions"_ba;

const QString kRecordedText =
    u"The weather in San Francisco, CA is currently **68°F and Sunny**. Great day out there!"_s;
const QString kRecordedStreamText =
    u"The weather in San Francisco, CA is currently:\n- **Temperature:** 68°F\n- **Condition:** Sunny\n\nIt's a nice sunny day!"_s;

// `claude` is the fake; `claude-idle` the same with a short idle timeout; `claude-badkey`
// holds a key the fake refuses. URLs are filled in with arg(): moc 6.4 takes a "//"
// inside a raw string for a comment.
QByteArray configJson(quint16 port)
{
    return QString::fromLatin1(R"({
  "listen": "127.0.0.1:0",
  "router": { "max_attempts": 1 },
  "access_keys": [ { "name": "main", "key": "env:ONEGATE_ANTHROPIC_E2E_KEY", "models": ["*"] } ],
  "providers": [
    { "id": "claude", "kind": "anthropic", "base_url": "%1",
      "api_key": "env:ONEGATE_ANTHROPIC_E2E_UPSTREAM", "proxy": "none",
      "models": ["text", "tool", "parallel-tools", "length", "thinking"] },
    { "id": "claude-idle", "kind": "anthropic", "base_url": "%1",
      "api_key": "env:ONEGATE_ANTHROPIC_E2E_UPSTREAM", "proxy": "none",
      "timeouts": { "idle_ms": 300 } },
    { "id": "claude-badkey", "kind": "anthropic", "base_url": "%1",
      "api_key": "env:ONEGATE_ANTHROPIC_E2E_WRONG", "proxy": "none" }
  ]
})")
        .arg(u"http://127.0.0.1:%1"_s.arg(port))
        .toUtf8();
}

RawHeaders jsonBearer()
{
    return {{"Authorization"_ba, "Bearer " + kAccessKey},
            {"Content-Type"_ba, "application/json"_ba}};
}

QJsonObject userMessage(const QJsonValue &content)
{
    return QJsonObject{{"role"_L1, "user"_L1}, {"content"_L1, content}};
}

QByteArray chatBody(const QString &model, bool stream, const QJsonObject &extra = {})
{
    QJsonObject body = extra;
    body.insert("model"_L1, model);
    if (!body.contains("messages"_L1))
        body.insert("messages"_L1, QJsonArray{userMessage(u"What's the weather in SF?"_s)});
    if (stream)
        body.insert("stream"_L1, true);
    return QJsonDocument(body).toJson(QJsonDocument::Compact);
}

QJsonObject errorOf(const QByteArray &body)
{
    return QJsonDocument::fromJson(body).object().value("error"_L1).toObject();
}

// Empty when `body` is an OpenAI error ({"error":{"message","type","param","code"}}).
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

// A stream as an OpenAI client reassembles it.
struct Streamed {
    QString content;
    QString reasoning;
    QStringList signatures;
    QMap<int, QString> ids;
    QMap<int, QString> names;
    QMap<int, QString> arguments;
    QString finishReason;
    std::optional<QJsonObject> usage;
    bool done = false;
    std::optional<QJsonObject> error;
    QString problem;
};

Streamed reassemble(const QList<QByteArray> &events)
{
    Streamed out;
    for (qsizetype i = 0; i < events.size(); ++i) {
        const QByteArray &event = events.at(i);
        if (out.done || out.error)
            out.problem = u"an event after the end"_s;
        if (event == "[DONE]") {
            out.done = true;
            continue;
        }
        const QJsonObject chunk = QJsonDocument::fromJson(event).object();
        if (chunk.value("error"_L1).isObject()) {
            out.error = chunk.value("error"_L1).toObject();
            continue;
        }
        const QJsonArray choices = chunk.value("choices"_L1).toArray();
        if (choices.isEmpty()) {
            out.usage = chunk.value("usage"_L1).toObject();
            continue;
        }
        const QJsonObject choice = choices.at(0).toObject();
        const QJsonObject delta = choice.value("delta"_L1).toObject();
        if (i == 0 && delta.value("role"_L1).toString() != "assistant"_L1)
            out.problem = u"the first chunk has no role"_s;
        out.content += delta.value("content"_L1).toString();
        out.reasoning += delta.value("reasoning_content"_L1).toString();
        for (const QJsonValue &block : delta.value("thinking_blocks"_L1).toArray())
            out.signatures.append(block.toObject().value("signature"_L1).toString());
        for (const QJsonValue &entry : delta.value("tool_calls"_L1).toArray()) {
            const QJsonObject call = entry.toObject();
            const int index = call.value("index"_L1).toInt();
            if (call.contains("id"_L1)) {
                out.ids[index] = call.value("id"_L1).toString();
                out.names[index] = call.value("function"_L1).toObject().value("name"_L1).toString();
            } else if (!out.ids.contains(index)) {
                out.problem = u"arguments before the id of call %1"_s.arg(index);
            }
            out.arguments[index] +=
                call.value("function"_L1).toObject().value("arguments"_L1).toString();
        }
        if (choice.value("finish_reason"_L1).isString())
            out.finishReason = choice.value("finish_reason"_L1).toString();
    }
    return out;
}

QJsonArray weatherTools()
{
    return QJsonArray{QJsonObject{
        {"type"_L1, "function"_L1},
        {"function"_L1, QJsonObject{{"name"_L1, "get_weather"_L1},
                                    {"description"_L1, "Current weather"_L1},
                                    {"parameters"_L1, QJsonObject{{"type"_L1, "object"_L1}}}}}}};
}

} // namespace

class AnthropicE2eTest final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void nonStreamText();
    void streamText_data();
    void streamText();
    void toolCalls_data();
    void toolCalls();
    void toolResultsGoBackMerged();
    void unmatchedToolResultIsProviders400();
    void imageInput();
    void thinking_data();
    void thinking();
    void reasoningEffortEnablesThinking();
    void upstreamErrors_data();
    void upstreamErrors();
    void brokenStreams_data();
    void brokenStreams();
    void stallHitsIdleTimeout();
    void garbageAndRedirect_data();
    void garbageAndRedirect();
    void clientDisconnectAbortsUpstream();
    void usageRows();
    void providerModelList();

private:
    std::unique_ptr<TestHttpClient> chat(const QString &model, bool stream,
                                         const QJsonObject &extra = {}, int timeoutMs = 5000);
    QList<UsageRecord> usageRows(int expected);

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<FakeUpstream> m_fake;
    std::unique_ptr<UsageRecorder> m_usage;
    std::unique_ptr<GatewayService> m_service;
    quint16 m_port = 0;
};

void AnthropicE2eTest::initTestCase()
{
    qputenv("ONEGATE_ANTHROPIC_E2E_KEY", kAccessKey);
    qputenv("ONEGATE_ANTHROPIC_E2E_UPSTREAM", kUpstreamKey);
    qputenv("ONEGATE_ANTHROPIC_E2E_WRONG", "sk-test-anthropice2en-key");
}

void AnthropicE2eTest::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    // The fake demands the upstream key in x-api-key: every answer proves it was sent.
    m_fake = std::make_unique<FakeUpstream>(makeFakeDialect(u"anthropic"_s), kUpstreamKey);
    QVERIFY2(m_fake->listen(), qPrintable(m_fake->errorString()));

    ConfigResult parsed = parseConfig(configJson(m_fake->port()), u"anthropic-e2e.json"_s);
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

void AnthropicE2eTest::cleanup()
{
    m_service.reset();
    m_usage.reset();
    m_fake.reset();
    m_dir.reset();
}

std::unique_ptr<TestHttpClient> AnthropicE2eTest::chat(const QString &model, bool stream,
                                                       const QJsonObject &extra, int timeoutMs)
{
    auto client = std::make_unique<TestHttpClient>(m_port);
    client->send("POST"_ba, kChatPath, jsonBearer(), chatBody(model, stream, extra));
    client->waitForFinished(timeoutMs);
    return client;
}

QList<UsageRecord> AnthropicE2eTest::usageRows(int expected)
{
    return committedUsageRows(*m_usage, m_dir->filePath(u"usage.db"_s), expected);
}

// ---- answers ----------------------------------------------------------------------------

void AnthropicE2eTest::nonStreamText()
{
    const QJsonObject extra{
        {"messages"_L1,
         QJsonArray{
             QJsonObject{{"role"_L1, "system"_L1}, {"content"_L1, "Be brief."_L1}},
             userMessage(u"What's the weather in SF?"_s),
             QJsonObject{{"role"_L1, "developer"_L1}, {"content"_L1, "Use Fahrenheit."_L1}}}},
        {"temperature"_L1, 0.25}};
    const auto client = chat(u"text"_s, false, extra);
    QVERIFY(client->isComplete());
    QCOMPARE(client->status(), 200);
    QVERIFY(client->header("content-type").startsWith("application/json"));
    const QJsonObject completion = client->json();
    QCOMPARE(completion.value("object"_L1).toString(), u"chat.completion"_s);
    QCOMPARE(completion.value("id"_L1).toString(), u"msg_01C1RRE9d8CxcudwbihWU9di"_s);
    QCOMPARE(completion.value("model"_L1).toString(), u"claude-haiku-4-5-20251001"_s);
    const QJsonObject choice = completion.value("choices"_L1).toArray().at(0).toObject();
    QCOMPARE(choice.value("message"_L1).toObject().value("content"_L1).toString(), kRecordedText);
    QCOMPARE(choice.value("finish_reason"_L1).toString(), u"stop"_s);
    const QJsonObject usage = completion.value("usage"_L1).toObject();
    QCOMPARE(usage.value("prompt_tokens"_L1).toInt(), 770);
    QCOMPARE(usage.value("completion_tokens"_L1).toInt(), 26);
    QCOMPARE(usage.value("total_tokens"_L1).toInt(), 796);

    // What Anthropic received: its own path, headers and body shape.
    QCOMPARE(m_fake->requests().size(), 1);
    const RecordedRequest seen = m_fake->lastRequest();
    QCOMPARE(seen.method, "POST"_ba);
    QCOMPARE(seen.path, "/v1/messages"_ba);
    QCOMPARE(seen.header("x-api-key"), kUpstreamKey);
    QCOMPARE(seen.header("anthropic-version"), "2023-06-01"_ba);
    QVERIFY(seen.header("content-type").startsWith("application/json"));
    QVERIFY(seen.header("authorization").isEmpty());
    for (const auto &[name, value] : seen.headers)
        QVERIFY2(!value.contains(kAccessKey), name.constData());
    const QJsonObject expected{
        {"model"_L1, "text"_L1},
        {"max_tokens"_L1, 4096},
        {"system"_L1, "Be brief.\nUse Fahrenheit."_L1},
        {"messages"_L1, QJsonArray{userMessage(u"What's the weather in SF?"_s)}},
        {"temperature"_L1, 0.25},
    };
    QCOMPARE(seen.body, expected);
}

void AnthropicE2eTest::streamText_data()
{
    QTest::addColumn<bool>("includeUsage");
    QTest::newRow("without usage") << false;
    QTest::newRow("include_usage") << true;
}

void AnthropicE2eTest::streamText()
{
    QFETCH(bool, includeUsage);
    QJsonObject extra;
    if (includeUsage)
        extra.insert("stream_options"_L1, QJsonObject{{"include_usage"_L1, true}});
    const auto client = chat(u"text"_s, true, extra);
    QVERIFY(client->isComplete());
    QCOMPARE(client->status(), 200);
    QVERIFY(client->header("content-type").startsWith("text/event-stream"));
    QVERIFY(client->isChunked());
    const QList<QByteArray> events = client->eventData();
    const Streamed got = reassemble(events);
    QVERIFY2(got.problem.isEmpty(), qPrintable(got.problem));
    QVERIFY(got.done);
    QCOMPARE(events.constLast(), "[DONE]"_ba);
    QCOMPARE(got.content, kRecordedStreamText);
    QCOMPARE(got.finishReason, u"stop"_s);
    QCOMPARE(got.usage.has_value(), includeUsage);
    if (includeUsage) {
        QCOMPARE(got.usage->value("prompt_tokens"_L1).toInt(), 770);
        QCOMPARE(got.usage->value("completion_tokens"_L1).toInt(), 38);
        // The usage chunk comes alone, last before [DONE].
        QCOMPARE(QJsonDocument::fromJson(events.at(events.size() - 2))
                     .object()
                     .value("choices"_L1)
                     .toArray()
                     .size(),
                 0);
    }
    // role chunk + 9 text deltas + finish chunk (+ usage) + [DONE]
    QCOMPARE(events.size(), 12 + (includeUsage ? 1 : 0));
    QCOMPARE(m_fake->lastRequest().body.value("stream"_L1), QJsonValue(true));
    QVERIFY(m_fake->lastRequest().header("accept").contains("text/event-stream"));
}

void AnthropicE2eTest::toolCalls_data()
{
    QTest::addColumn<QString>("model");
    QTest::addColumn<bool>("stream");
    QTest::addColumn<QStringList>("calls"); // "id name" per call
    QTest::addColumn<QString>("finish");

    const QStringList one{u"toolu_01LRanfq6DmHn1yDTB4d1SAh get_weather"_s};
    const QStringList oneStreamed{u"toolu_018acGYLtfR52q9yDbWaEdQZ get_weather"_s};
    const QStringList two{u"toolu_01WeaTher0000000000000001 get_weather"_s,
                          u"toolu_01TiMe000000000000000002 get_time"_s};
    QTest::newRow("tool call") << u"tool"_s << false << one << u"tool_calls"_s;
    QTest::newRow("tool call, stream") << u"tool"_s << true << oneStreamed << u"tool_calls"_s;
    QTest::newRow("two tool calls") << u"parallel-tools"_s << false << two << u"tool_calls"_s;
    QTest::newRow("two tool calls, stream")
        << u"parallel-tools"_s << true << two << u"tool_calls"_s;
    QTest::newRow("finish length") << u"length"_s << false << QStringList() << u"length"_s;
    QTest::newRow("finish length, stream") << u"length"_s << true << QStringList() << u"length"_s;
}

void AnthropicE2eTest::toolCalls()
{
    QFETCH(QString, model);
    QFETCH(bool, stream);
    QFETCH(QStringList, calls);
    QFETCH(QString, finish);

    const auto client =
        chat(model, stream, {{"tools"_L1, weatherTools()}, {"tool_choice"_L1, "auto"_L1}});
    QVERIFY(client->isComplete());
    QCOMPARE(client->status(), 200);
    const QJsonObject sent = m_fake->lastRequest().body;
    QCOMPARE(sent.value("tools"_L1).toArray(),
             (QJsonArray{QJsonObject{{"name"_L1, "get_weather"_L1},
                                     {"description"_L1, "Current weather"_L1},
                                     {"input_schema"_L1, QJsonObject{{"type"_L1, "object"_L1}}}}}));
    QCOMPARE(sent.value("tool_choice"_L1).toObject(), (QJsonObject{{"type"_L1, "auto"_L1}}));

    QStringList got;
    QStringList arguments;
    QString finishReason;
    if (!stream) {
        const QJsonObject choice = client->json().value("choices"_L1).toArray().at(0).toObject();
        for (const QJsonValue &entry :
             choice.value("message"_L1).toObject().value("tool_calls"_L1).toArray()) {
            const QJsonObject call = entry.toObject();
            got.append(call.value("id"_L1).toString() + u' ' +
                       call.value("function"_L1).toObject().value("name"_L1).toString());
            arguments.append(call.value("function"_L1).toObject().value("arguments"_L1).toString());
        }
        finishReason = choice.value("finish_reason"_L1).toString();
    } else {
        const Streamed streamed = reassemble(client->eventData());
        QVERIFY2(streamed.problem.isEmpty(), qPrintable(streamed.problem));
        QVERIFY(streamed.done);
        for (auto it = streamed.ids.cbegin(); it != streamed.ids.cend(); ++it) {
            got.append(it.value() + u' ' + streamed.names.value(it.key()));
            arguments.append(streamed.arguments.value(it.key()));
        }
        QCOMPARE(streamed.ids.keys(), (QList<int>{0, 1}).mid(0, calls.size()));
        finishReason = streamed.finishReason;
    }
    QCOMPARE(got, calls);
    for (const QString &text : std::as_const(arguments))
        QVERIFY2(QJsonDocument::fromJson(text.toUtf8()).isObject(), qPrintable(text));
    if (!calls.isEmpty())
        QCOMPARE(QJsonDocument::fromJson(arguments.constFirst().toUtf8())
                     .object()
                     .value("location"_L1)
                     .toString(),
                 u"San Francisco, CA"_s);
    QCOMPARE(finishReason, finish);
}

void AnthropicE2eTest::toolResultsGoBackMerged()
{
    // A history another provider produced: ids Anthropic would refuse, two results.
    const QJsonArray calls{
        QJsonObject{{"id"_L1, "functions.get_weather:0"_L1},
                    {"type"_L1, "function"_L1},
                    {"function"_L1, QJsonObject{{"name"_L1, "get_weather"_L1},
                                                {"arguments"_L1, R"({"location":"SF"})"_L1}}}},
        QJsonObject{{"id"_L1, "call|1"_L1},
                    {"type"_L1, "function"_L1},
                    {"function"_L1, QJsonObject{{"name"_L1, "get_weather"_L1},
                                                {"arguments"_L1, R"({"location":"NYC"})"_L1}}}}};
    const QJsonArray messages{userMessage(u"Weather in SF and NYC?"_s),
                              QJsonObject{{"role"_L1, "assistant"_L1},
                                          {"content"_L1, QJsonValue(QJsonValue::Null)},
                                          {"tool_calls"_L1, calls}},
                              QJsonObject{{"role"_L1, "tool"_L1},
                                          {"tool_call_id"_L1, "functions.get_weather:0"_L1},
                                          {"content"_L1, "68F"_L1}},
                              QJsonObject{{"role"_L1, "tool"_L1},
                                          {"tool_call_id"_L1, "call|1"_L1},
                                          {"content"_L1, "50F"_L1}}};
    const auto client =
        chat(u"text"_s, false, {{"messages"_L1, messages}, {"tools"_L1, weatherTools()}});
    QVERIFY(client->isComplete());
    // The fake checks the id pattern and that each result answers the turn before it.
    QCOMPARE(client->status(), 200);
    const QJsonArray sent = m_fake->lastRequest().body.value("messages"_L1).toArray();
    QCOMPARE(sent.size(), 3);
    const QJsonArray uses = sent.at(1).toObject().value("content"_L1).toArray();
    const QJsonArray results = sent.at(2).toObject().value("content"_L1).toArray();
    QCOMPARE(sent.at(2).toObject().value("role"_L1).toString(), u"user"_s);
    QCOMPARE(uses.size(), 2);
    QCOMPARE(results.size(), 2);
    for (int i = 0; i < 2; ++i) {
        const QString id = uses.at(i).toObject().value("id"_L1).toString();
        QVERIFY2(id != calls.at(i).toObject().value("id"_L1).toString(), qPrintable(id));
        QCOMPARE(results.at(i).toObject().value("tool_use_id"_L1).toString(), id);
        QCOMPARE(results.at(i).toObject().value("type"_L1).toString(), u"tool_result"_s);
    }
    QCOMPARE(uses.at(0).toObject().value("input"_L1).toObject(),
             (QJsonObject{{"location"_L1, "SF"_L1}}));
}

void AnthropicE2eTest::unmatchedToolResultIsProviders400()
{
    // A result for a call the history does not hold: Anthropic's own 400, in OpenAI's shape.
    const QJsonArray messages{userMessage(u"Hi"_s),
                              QJsonObject{{"role"_L1, "tool"_L1},
                                          {"tool_call_id"_L1, "toolu_missing"_L1},
                                          {"content"_L1, "x"_L1}}};
    const auto client = chat(u"text"_s, false, {{"messages"_L1, messages}});
    QVERIFY(client->isComplete());
    QCOMPARE(client->status(), 400);
    const QString problem = openAiErrorProblem(client->body());
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    const QJsonObject error = errorOf(client->body());
    QCOMPARE(error.value("type"_L1).toString(), u"invalid_request_error"_s);
    QVERIFY(error.value("message"_L1).toString().contains(u"tool_use_id"_s));
    QVERIFY(error.value("message"_L1).toString().contains(u"req_011CYHyk9NPsBYeGbC9LuDNK"_s));
}

void AnthropicE2eTest::imageInput()
{
    const QString png =
        u"iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="_s;
    const QString url =
        u"https://upload.wikimedia.org/wikipedia/commons/a/a7/Camponotus_flavomarginatus_ant.jpg"_s;
    const QJsonArray content{
        QJsonObject{{"type"_L1, "text"_L1}, {"text"_L1, "What is in these images?"_L1}},
        QJsonObject{
            {"type"_L1, "image_url"_L1},
            {"image_url"_L1, QJsonObject{{"url"_L1, QString(u"data:image/png;base64,"_s + png)}}}},
        QJsonObject{{"type"_L1, "image_url"_L1},
                    {"image_url"_L1, QJsonObject{{"url"_L1, url}, {"detail"_L1, "low"_L1}}}}};
    const auto client = chat(u"text"_s, false, {{"messages"_L1, QJsonArray{userMessage(content)}}});
    QVERIFY(client->isComplete());
    QCOMPARE(client->status(), 200);
    const QJsonArray blocks = m_fake->lastRequest()
                                  .body.value("messages"_L1)
                                  .toArray()
                                  .at(0)
                                  .toObject()
                                  .value("content"_L1)
                                  .toArray();
    const QJsonArray expected{
        QJsonObject{{"type"_L1, "text"_L1}, {"text"_L1, "What is in these images?"_L1}},
        QJsonObject{{"type"_L1, "image"_L1},
                    {"source"_L1, QJsonObject{{"type"_L1, "base64"_L1},
                                              {"media_type"_L1, "image/png"_L1},
                                              {"data"_L1, png}}}},
        QJsonObject{{"type"_L1, "image"_L1},
                    {"source"_L1, QJsonObject{{"type"_L1, "url"_L1}, {"url"_L1, url}}}}};
    QCOMPARE(blocks, expected);
}

void AnthropicE2eTest::thinking_data()
{
    QTest::addColumn<bool>("stream");
    QTest::newRow("non-stream") << false;
    QTest::newRow("stream") << true;
}

void AnthropicE2eTest::thinking()
{
    QFETCH(bool, stream);
    const auto client = chat(u"thinking"_s, stream);
    QVERIFY(client->isComplete());
    QCOMPARE(client->status(), 200);
    if (!stream) {
        const QJsonObject message = client->json()
                                        .value("choices"_L1)
                                        .toArray()
                                        .at(0)
                                        .toObject()
                                        .value("message"_L1)
                                        .toObject();
        QCOMPARE(message.value("content"_L1).toString(), u"27 * 453 = 12,231"_s);
        QVERIFY(message.value("reasoning_content"_L1)
                    .toString()
                    .startsWith(u"Let me solve this step by step"_s));
        const QJsonArray blocks = message.value("thinking_blocks"_L1).toArray();
        QCOMPARE(blocks.size(), 2);
        QCOMPARE(blocks.at(0).toObject().value("signature"_L1).toString(),
                 u"EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds"_s);
        QCOMPARE(blocks.at(1).toObject().value("type"_L1).toString(), u"redacted_thinking"_s);

        // The next turn hands the blocks back; Anthropic gets them first and unchanged.
        QJsonObject assistant = message;
        const QJsonArray next{userMessage(u"What is 27 * 453?"_s), assistant,
                              userMessage(u"And times 2?"_s)};
        const auto followUp = chat(u"text"_s, false, {{"messages"_L1, next}});
        QCOMPARE(followUp->status(), 200);
        const QJsonArray sentBlocks = m_fake->lastRequest()
                                          .body.value("messages"_L1)
                                          .toArray()
                                          .at(1)
                                          .toObject()
                                          .value("content"_L1)
                                          .toArray();
        QCOMPARE(sentBlocks.size(), 3);
        QCOMPARE(sentBlocks.at(0).toObject().value("type"_L1).toString(), u"thinking"_s);
        QCOMPARE(sentBlocks.at(0).toObject().value("signature"_L1),
                 blocks.at(0).toObject().value("signature"_L1));
        QCOMPARE(sentBlocks.at(1).toObject(), blocks.at(1).toObject());
        QCOMPARE(sentBlocks.at(2).toObject().value("text"_L1).toString(), u"27 * 453 = 12,231"_s);
        return;
    }
    const Streamed got = reassemble(client->eventData());
    QVERIFY2(got.problem.isEmpty(), qPrintable(got.problem));
    QVERIFY(got.done);
    QVERIFY(got.reasoning.endsWith(u"10,800 + 1,350 + 81 = 12,231"_s));
    QCOMPARE(got.signatures,
             QStringList{u"EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds..."_s});
    QCOMPARE(got.content, u"27 * 453 = 12,231"_s);

    // The next turn as a client assembles it from the stream: the signature block from
    // its delta and the text from reasoning_content go back to Anthropic as one block.
    const QJsonObject assistant{
        {"role"_L1, "assistant"_L1},
        {"content"_L1, got.content},
        {"reasoning_content"_L1, got.reasoning},
        {"thinking_blocks"_L1,
         QJsonArray{QJsonObject{{"type"_L1, "thinking"_L1},
                                {"thinking"_L1, QString()},
                                {"signature"_L1, got.signatures.constFirst()}}}}};
    const QJsonArray next{userMessage(u"What is 27 * 453?"_s), assistant,
                          userMessage(u"And times 2?"_s)};
    const auto followUp = chat(u"text"_s, false, {{"messages"_L1, next}});
    QCOMPARE(followUp->status(), 200);
    const QJsonObject sentThinking = m_fake->lastRequest()
                                         .body.value("messages"_L1)
                                         .toArray()
                                         .at(1)
                                         .toObject()
                                         .value("content"_L1)
                                         .toArray()
                                         .at(0)
                                         .toObject();
    QCOMPARE(sentThinking, (QJsonObject{{"type"_L1, "thinking"_L1},
                                        {"thinking"_L1, got.reasoning},
                                        {"signature"_L1, got.signatures.constFirst()}}));
}

void AnthropicE2eTest::reasoningEffortEnablesThinking()
{
    const auto client = chat(u"thinking"_s, false, {{"reasoning_effort"_L1, "low"_L1}});
    QCOMPARE(client->status(), 200);
    const QJsonObject sent = m_fake->lastRequest().body;
    QCOMPARE(sent.value("thinking"_L1).toObject(),
             (QJsonObject{{"type"_L1, "enabled"_L1}, {"budget_tokens"_L1, 2048}}));
    QCOMPARE(sent.value("max_tokens"_L1).toInt(), 4096 + 2048);
}

// ---- failures ---------------------------------------------------------------------------

void AnthropicE2eTest::upstreamErrors_data()
{
    QTest::addColumn<QString>("model");
    QTest::addColumn<bool>("stream");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("type");
    QTest::addColumn<QString>("code");
    QTest::addColumn<QString>("requestId");
    QTest::addColumn<QByteArray>("retryAfter");

    const struct {
        const char *model;
        int status;
        const char *type;
        const char *code;
        const char *requestId;
        QByteArray retryAfter;
    } cases[] = {
        {"claude/error-400", 400, "invalid_request_error", "", "req_011CYHyk9NPsBYeGbC9LuDNK", {}},
        {"claude/error-401",
         401,
         "invalid_request_error",
         "invalid_api_key",
         "req_011CAuthEnTicAtion0000001",
         {}},
        {"claude-badkey/text",
         401,
         "invalid_request_error",
         "invalid_api_key",
         "req_011CAuthEnTicAtion0000001",
         {}},
        {"claude/error-404", 404, "invalid_request_error", "model_not_found", "", {}},
        {"claude/error-429", 429, "requests", "rate_limit_exceeded", "req_011CYK5mje9HkutJtmfPzzNC",
         "7"_ba},
        {"claude/error-500", 500, "server_error", "", "req_011CApiErr0r000000000001", {}},
        {"claude/overloaded", 503, "server_error", "overloaded", "", {}},
    };
    for (const auto &c : cases) {
        for (const bool stream : {false, true}) {
            QTest::addRow("%s%s", c.model, stream ? ", stream" : "")
                << QString::fromLatin1(c.model) << stream << c.status << QString::fromLatin1(c.type)
                << QString::fromLatin1(c.code) << QString::fromLatin1(c.requestId) << c.retryAfter;
        }
    }
}

void AnthropicE2eTest::upstreamErrors()
{
    QFETCH(QString, model);
    QFETCH(bool, stream);
    QFETCH(int, status);
    QFETCH(QString, type);
    QFETCH(QString, code);
    QFETCH(QString, requestId);
    QFETCH(QByteArray, retryAfter);

    const auto client = chat(model, stream);
    QVERIFY(client->isComplete());
    // An error before the first byte is a plain HTTP error, stream or not.
    QCOMPARE(client->status(), status);
    QVERIFY(client->header("content-type").startsWith("application/json"));
    const QString problem = openAiErrorProblem(client->body());
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    const QJsonObject error = errorOf(client->body());
    QCOMPARE(error.value("type"_L1).toString(), type);
    QCOMPARE(error.value("code"_L1).toString(), code);
    if (!requestId.isEmpty())
        QVERIFY2(error.value("message"_L1).toString().contains(requestId),
                 qPrintable(error.value("message"_L1).toString()));
    QCOMPARE(client->header("retry-after"), retryAfter);
    QVERIFY(!client->body().contains(kUpstreamKey));
    QCOMPARE(m_fake->requests().size(), 1);
}

void AnthropicE2eTest::brokenStreams_data()
{
    QTest::addColumn<QString>("model");
    QTest::addColumn<QString>("content"); // what reached the client before the error
    QTest::addColumn<int>("status");      // recorded in the usage row
    QTest::addColumn<QStringList>("codes");

    // A reset shows either as a network error or as a body that ended too soon,
    // depending on what the transport read before it: both are a truncated answer.
    QTest::newRow("reset") << u"claude/reset"_s
                           << u"The weather in San Francisco, CA is currently"_s << 502
                           << QStringList{u"upstream_unreachable"_s, u"stream_truncated"_s};
    QTest::newRow("truncated") << u"claude/truncated"_s
                               << u"The weather in San Francisco, CA is currently"_s << 502
                               << QStringList{u"stream_truncated"_s};
    QTest::newRow("midstream-error")
        << u"claude/midstream-error"_s << u"The weather in San Francisco, CA is"_s << 503
        << QStringList{u"overloaded"_s};
}

void AnthropicE2eTest::brokenStreams()
{
    QFETCH(QString, model);
    QFETCH(QString, content);
    QFETCH(int, status);
    QFETCH(QStringList, codes);

    const auto client = chat(model, true);
    QVERIFY2(client->isComplete(),
             "the stream must end with the chunked terminator, not hang or drop");
    QCOMPARE(client->status(), 200);
    const QList<QByteArray> events = client->eventData();
    const Streamed got = reassemble(events);
    QVERIFY2(got.problem.isEmpty(), qPrintable(got.problem));
    QCOMPARE(got.content, content);
    // OpenAI SDKs raise on a data event carrying "error"; no [DONE] may follow it.
    QVERIFY(got.error);
    QVERIFY(!got.done);
    const QString problem = openAiErrorProblem(events.constLast());
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    QVERIFY2(codes.contains(got.error->value("code"_L1).toString()),
             events.constLast().constData());

    const QList<UsageRecord> rows = usageRows(1);
    QCOMPARE(rows.size(), 1);
    QCOMPARE(rows.constFirst().status, status);
    QVERIFY(rows.constFirst().stream);
    QCOMPARE(rows.constFirst().promptTokens, 770); // message_start's counts were kept
}

void AnthropicE2eTest::stallHitsIdleTimeout()
{
    QSignalSpy upstreamAborted(m_fake.get(), &FakeUpstream::clientAborted);
    const auto client = chat(u"claude-idle/stall"_s, true);
    QVERIFY(client->isComplete());
    // Only message_start came before the silence: no content reached the client, so the
    // router could still have failed over, and with nowhere else to go the client gets
    // a plain error rather than a stream holding nothing but an error.
    QCOMPARE(client->status(), 504);
    QCOMPARE(client->json().value("error"_L1).toObject().value("code"_L1).toString(), u"upstream_timeout"_s);
    QVERIFY(upstreamAborted.size() == 1 || upstreamAborted.wait(3000));
}

void AnthropicE2eTest::garbageAndRedirect_data()
{
    QTest::addColumn<QString>("model");
    QTest::addColumn<bool>("stream");
    QTest::addColumn<QString>("code");
    QTest::newRow("garbage") << u"claude/garbage"_s << false << u"bad_upstream_response"_s;
    QTest::newRow("redirect") << u"claude/redirect"_s << false << u"upstream_unreachable"_s;
    QTest::newRow("redirect, stream") << u"claude/redirect"_s << true << u"upstream_unreachable"_s;
}

void AnthropicE2eTest::garbageAndRedirect()
{
    QFETCH(QString, model);
    QFETCH(bool, stream);
    QFETCH(QString, code);
    const auto client = chat(model, stream);
    QVERIFY(client->isComplete());
    QCOMPARE(client->status(), 502);
    const QString problem = openAiErrorProblem(client->body());
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    QCOMPARE(errorOf(client->body()).value("code"_L1).toString(), code);
    QVERIFY(!client->body().contains(kUpstreamKey));
    QCOMPARE(m_fake->requests().size(), 1); // a redirect is never followed
}

void AnthropicE2eTest::clientDisconnectAbortsUpstream()
{
    QSignalSpy upstreamAborted(m_fake.get(), &FakeUpstream::clientAborted);
    TestHttpClient client(m_port);
    client.send("POST"_ba, kChatPath, jsonBearer(), chatBody(u"claude/text@200"_s, true));
    QVERIFY(client.waitForEvents(2));
    client.abort();
    QVERIFY(upstreamAborted.wait(3000));
    QCOMPARE(m_fake->clientAborts(), 1);
    const QList<UsageRecord> rows = usageRows(1);
    QCOMPARE(rows.size(), 1);
    QCOMPARE(rows.constFirst().status, 499);
}

// ---- bookkeeping --------------------------------------------------------------------------

void AnthropicE2eTest::usageRows()
{
    const auto plain = chat(u"parallel-tools"_s, false);
    QCOMPARE(plain->status(), 200);
    const auto streamed = chat(u"claude/text"_s, true);
    QCOMPARE(streamed->status(), 200);
    QCOMPARE(streamed->eventData().constLast(), "[DONE]"_ba);

    const QList<UsageRecord> rows = usageRows(2);
    QCOMPARE(rows.size(), 2);
    const UsageRecord &plainRow = rows.at(0).stream ? rows.at(1) : rows.at(0);
    const UsageRecord &streamRow = rows.at(0).stream ? rows.at(0) : rows.at(1);
    QCOMPARE(plainRow.provider, u"claude"_s);
    QCOMPARE(plainRow.upstreamModel, u"parallel-tools"_s);
    QCOMPARE(plainRow.status, 200);
    // input 12 + cache write 300 + cache read 2048 (NOTES.md section 5)
    QCOMPARE(plainRow.promptTokens, 2360);
    QCOMPARE(plainRow.cachedTokens, 2048);
    QCOMPARE(plainRow.completionTokens, 121);
    QVERIFY(!plainRow.stream);

    QCOMPARE(streamRow.requestedModel, u"claude/text"_s);
    QCOMPARE(streamRow.status, 200);
    QCOMPARE(streamRow.promptTokens, 770);
    QCOMPARE(streamRow.completionTokens, 38); // message_delta's total, not 8 + 38
    QVERIFY(streamRow.firstTokenMs >= 0);
    QVERIFY(streamRow.firstTokenMs <= streamRow.latencyMs);
}

void AnthropicE2eTest::providerModelList()
{
    auto fetch = [this](const QString &provider) {
        std::optional<ProviderModels> answer;
        m_service->fetchProviderModels(
            provider, true, this, [&answer](const ProviderModels &result) { answer = result; });
        if (!QTest::qWaitFor([&answer] { return answer.has_value(); }, 5000))
            qFatal("no answer from the model catalog");
        return *answer;
    };
    const ProviderModels models = fetch(u"claude"_s);
    QVERIFY2(!models.error, models.error ? qPrintable(models.error->message) : "");
    QCOMPARE(models.models, (QStringList{u"claude-opus-4-6"_s, u"claude-haiku-4-5-20251001"_s}));
    const RecordedRequest seen = m_fake->lastRequest();
    QCOMPARE(seen.method, "GET"_ba);
    QCOMPARE(seen.path, "/v1/models?limit=1000"_ba);
    QCOMPARE(seen.header("x-api-key"), kUpstreamKey);
    QCOMPARE(seen.header("anthropic-version"), "2023-06-01"_ba);

    const ProviderModels refused = fetch(u"claude-badkey"_s);
    QVERIFY(refused.error);
    QCOMPARE(refused.error->status, 401);
    QCOMPARE(refused.error->code, u"invalid_api_key"_s);
}

QTEST_GUILESS_MAIN(AnthropicE2eTest)
#include "tst_anthropic_e2e.moc"
