// The gemini kind end to end: a GatewayService on its own thread, called over real
// sockets with OpenAI Chat requests, translating to a fake Gemini upstream
// (FakeUpstream + GeminiFakeDialect replaying recorded Gemini wire data) over real
// sockets, and writing a real usage database.

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
#include <QSet>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <memory>

using namespace onegate;
using namespace onegate::test;
using namespace Qt::StringLiterals;

namespace {

const QByteArray kAccessKey = "og-gemini-e2e-access-3b9d"_ba;
const QByteArray kUpstreamKey = "sk-test-geminiupstrea-a1c2"_ba;
const QByteArray kWrongUpstreamKey = "sk-test-geminiwrong0d-0d0d"_ba;
const QByteArray kChatPath = "/v1/chat/completions"_ba;

// `gem` serves the scenarios under their own names; `gem-badkey` holds a key the fake
// refuses; `gem-idle` gives up on a silent stream after 300 ms.
QByteArray configJson(const QString &origin)
{
    // The URL is filled in with arg(): moc 6.4 takes a "//" inside a raw string for a
    // comment and then finds no test class in this file.
    return QString::fromLatin1(R"({
  "listen": "127.0.0.1:0",
  "router": { "max_attempts": 1 },
  "access_keys": [ { "name": "main", "key": "env:ONEGATE_GEMINI_TEST_KEY", "models": ["*"] } ],
  "providers": [
    { "id": "gem", "kind": "gemini", "base_url": "%1",
      "api_key": "env:ONEGATE_GEMINI_UPSTREAM_KEY", "proxy": "none",
      "models": ["text", "tool", "parallel-tools", "thinking", "safety", "blocked", "cached", "length"] },
    { "id": "gem-badkey", "kind": "gemini", "base_url": "%1",
      "api_key": "env:ONEGATE_GEMINI_WRONG_KEY", "proxy": "none" },
    { "id": "gem-idle", "kind": "gemini", "base_url": "%1",
      "api_key": "env:ONEGATE_GEMINI_UPSTREAM_KEY", "proxy": "none", "timeouts": { "idle_ms": 300 } }
  ]
})")
        .arg(origin)
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

const QJsonObject kTools{
    {"tools"_L1,
     QJsonArray{QJsonObject{
         {"type"_L1, "function"_L1},
         {"function"_L1,
          QJsonObject{{"name"_L1, "find_theaters"_L1},
                      {"parameters"_L1,
                       QJsonObject{{"type"_L1, "object"_L1},
                                   {"additionalProperties"_L1, false},
                                   {"properties"_L1,
                                    QJsonObject{{"location"_L1,
                                                 QJsonObject{{"type"_L1, "string"_L1}}}}}}}}}}}}};

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
        if (!error.contains(field) ||
            !(error.value(field).isString() || error.value(field).isNull()))
            return u"error.%1 must be a string or null"_s.arg(field);
    }
    return {};
}

// A stream as an OpenAI client reassembles it.
struct StreamResult {
    QString content;
    QString reasoning;
    QStringList toolIds;
    QStringList toolNames;
    QStringList arguments;
    QStringList signatures;
    QString finish;
    int usageChunks = 0;
    QJsonObject usage;
    QString problem; // order violations
};

StreamResult reassemble(const QList<QByteArray> &events)
{
    StreamResult out;
    for (qsizetype i = 0; i < events.size(); ++i) {
        if (events.at(i) == "[DONE]") {
            if (i != events.size() - 1)
                out.problem = u"[DONE] is not last"_s;
            continue;
        }
        const QJsonObject chunk = QJsonDocument::fromJson(events.at(i)).object();
        if (chunk.value("usage"_L1).isObject()) {
            ++out.usageChunks;
            out.usage = chunk.value("usage"_L1).toObject();
        }
        const QJsonArray choices = chunk.value("choices"_L1).toArray();
        if (choices.isEmpty())
            continue;
        const QJsonObject choice = choices.first().toObject();
        const QJsonObject delta = choice.value("delta"_L1).toObject();
        if (i == 0 && delta.value("role"_L1).toString() != "assistant"_L1)
            out.problem = u"the first chunk has no role"_s;
        if (!out.finish.isEmpty())
            out.problem = u"a chunk with choices after the finish chunk"_s;
        out.content += delta.value("content"_L1).toString();
        out.reasoning += delta.value("reasoning_content"_L1).toString();
        for (const QJsonValue &entry : delta.value("tool_calls"_L1).toArray()) {
            const QJsonObject call = entry.toObject();
            const int index = call.value("index"_L1).toInt();
            if (call.contains("id"_L1)) {
                out.toolIds.append(call.value("id"_L1).toString());
                out.toolNames.append(
                    call.value("function"_L1).toObject().value("name"_L1).toString());
                out.arguments.append(QString());
                out.signatures.append(call.value("extra_content"_L1)
                                          .toObject()
                                          .value("google"_L1)
                                          .toObject()
                                          .value("thought_signature"_L1)
                                          .toString());
            }
            if (index >= out.arguments.size()) {
                out.problem = u"arguments before the call's id and name"_s;
                continue;
            }
            out.arguments[index] +=
                call.value("function"_L1).toObject().value("arguments"_L1).toString();
        }
        if (choice.value("finish_reason"_L1).isString())
            out.finish = choice.value("finish_reason"_L1).toString();
    }
    return out;
}

} // namespace

class GeminiE2eTest final : public QObject {
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
    void toolResultTurn();
    void imageInput();
    void finishReasons_data();
    void finishReasons();
    void usageRows();
    void upstreamErrors_data();
    void upstreamErrors();
    void brokenStreams_data();
    void brokenStreams();
    void stallHitsIdleTimeout();
    void garbageAnswer();
    void providerModelList();

private:
    std::unique_ptr<TestHttpClient> chat(const QString &model, bool stream,
                                         const QJsonObject &extra = {});
    QList<UsageRecord> usageRows(int expected);

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<FakeUpstream> m_fake;
    std::unique_ptr<UsageRecorder> m_usage;
    std::unique_ptr<GatewayService> m_service;
    quint16 m_port = 0;
};

void GeminiE2eTest::initTestCase()
{
    qputenv("ONEGATE_GEMINI_TEST_KEY", kAccessKey);
    qputenv("ONEGATE_GEMINI_UPSTREAM_KEY", kUpstreamKey);
    qputenv("ONEGATE_GEMINI_WRONG_KEY", kWrongUpstreamKey);
}

void GeminiE2eTest::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    // The fake demands the upstream key in x-goog-api-key, as Gemini does.
    m_fake = std::make_unique<FakeUpstream>(makeFakeDialect(u"gemini"_s), kUpstreamKey);
    QVERIFY2(m_fake->listen(), qPrintable(m_fake->errorString()));

    ConfigResult parsed = parseConfig(configJson(m_fake->origin()), u"gemini-e2e.json"_s);
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

void GeminiE2eTest::cleanup()
{
    m_service.reset();
    m_usage.reset();
    m_fake.reset();
    m_dir.reset();
}

std::unique_ptr<TestHttpClient> GeminiE2eTest::chat(const QString &model, bool stream,
                                                    const QJsonObject &extra)
{
    auto client = std::make_unique<TestHttpClient>(m_port);
    client->send("POST"_ba, kChatPath, jsonBearer(), chatBody(model, stream, extra));
    client->waitForFinished(8000);
    return client;
}

QList<UsageRecord> GeminiE2eTest::usageRows(int expected)
{
    return committedUsageRows(*m_usage, m_dir->filePath(u"usage.db"_s), expected);
}

void GeminiE2eTest::nonStreamText()
{
    const auto client = chat(u"text"_s, false, {{"temperature"_L1, 0.25}, {"max_tokens"_L1, 64}});
    QVERIFY(client->isComplete());
    QCOMPARE(client->status(), 200);
    QVERIFY(client->header("content-type").startsWith("application/json"));
    const QJsonObject answer = client->json();
    QCOMPARE(answer.value("object"_L1).toString(), u"chat.completion"_s);
    QCOMPARE(answer.value("model"_L1).toString(), u"gemini-2.0-flash"_s);
    const QJsonObject choice = answer.value("choices"_L1).toArray().first().toObject();
    QCOMPARE(
        choice.value("message"_L1).toObject().value("content"_L1).toString(),
        u"Google's headquarters, also known as the Googleplex, is located in **Mountain View, California**.\n"_s);
    QCOMPARE(choice.value("finish_reason"_L1).toString(), u"stop"_s);
    const QJsonObject usage = answer.value("usage"_L1).toObject();
    QCOMPARE(usage.value("prompt_tokens"_L1).toInteger(), 7);
    QCOMPARE(usage.value("completion_tokens"_L1).toInteger(), 22);
    QCOMPARE(usage.value("total_tokens"_L1).toInteger(), 29);

    QCOMPARE(m_fake->requests().size(), 1);
    const RecordedRequest seen = m_fake->lastRequest();
    QCOMPARE(seen.method, "POST"_ba);
    QCOMPARE(seen.path, "/v1beta/models/text:generateContent"_ba);
    QCOMPARE(seen.header("x-goog-api-key"), kUpstreamKey);
    QVERIFY(!seen.path.contains(kUpstreamKey));
    QVERIFY(seen.header("authorization").isEmpty());
    QCOMPARE(
        seen.body.value("contents"_L1).toArray(),
        (QJsonArray{QJsonObject{
            {"role"_L1, "user"_L1},
            {"parts"_L1, QJsonArray{QJsonObject{{"text"_L1, "What's the weather in SF?"_L1}}}}}}));
    QCOMPARE(seen.body.value("generationConfig"_L1).toObject(),
             (QJsonObject{{"temperature"_L1, 0.25}, {"maxOutputTokens"_L1, 64}}));
    // The client's access key stays at the gateway.
    for (const auto &[name, value] : seen.headers)
        QVERIFY2(!value.contains(kAccessKey), name.constData());
}

void GeminiE2eTest::streamText_data()
{
    QTest::addColumn<bool>("includeUsage");
    QTest::newRow("include_usage") << true;
    QTest::newRow("no usage asked") << false;
}

void GeminiE2eTest::streamText()
{
    QFETCH(bool, includeUsage);
    QJsonObject extra;
    if (includeUsage)
        extra.insert("stream_options"_L1, QJsonObject{{"include_usage"_L1, true}});
    const auto client = chat(u"gem/text"_s, true, extra);
    QVERIFY(client->isComplete());
    QCOMPARE(client->status(), 200);
    QVERIFY(client->header("content-type").startsWith("text/event-stream"));
    const QList<QByteArray> events = client->eventData();
    const StreamResult got = reassemble(events);
    QVERIFY2(got.problem.isEmpty(), qPrintable(got.problem));
    QCOMPARE(got.content, u"The capital of Wyoming is **Cheyenne**.\n"_s);
    QCOMPARE(got.finish, u"stop"_s);
    QCOMPARE(events.constLast(), "[DONE]"_ba);
    // role, 3 deltas, finish[, usage], [DONE]
    QCOMPARE(events.size(), includeUsage ? 7 : 6);
    QCOMPARE(got.usageChunks, includeUsage ? 1 : 0);
    if (includeUsage) {
        QCOMPARE(got.usage.value("prompt_tokens"_L1).toInteger(), 7);
        QCOMPARE(got.usage.value("completion_tokens"_L1).toInteger(), 10);
        QCOMPARE(got.usage.value("total_tokens"_L1).toInteger(), 17);
    }
    const RecordedRequest seen = m_fake->lastRequest();
    QCOMPARE(seen.path, "/v1beta/models/text:streamGenerateContent?alt=sse"_ba);
    QCOMPARE(seen.header("x-goog-api-key"), kUpstreamKey);
    QCOMPARE(seen.header("accept"), "text/event-stream"_ba);
    QVERIFY(!seen.body.contains("stream"_L1));
}

void GeminiE2eTest::toolCalls_data()
{
    QTest::addColumn<QString>("model");
    QTest::addColumn<bool>("stream");
    QTest::addColumn<QStringList>("names");
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<bool>("thinking");

    const QStringList theaters{uR"({"location":"Mountain View, CA","movie":"Barbie"})"_s};
    const QStringList sums{uR"({"x":2,"y":1})"_s, uR"({"x":4,"y":3})"_s, uR"({"x":6,"y":5})"_s};
    for (const bool stream : {false, true}) {
        const char *suffix = stream ? ", stream" : "";
        QTest::addRow("tool%s", suffix)
            << u"tool"_s << stream << QStringList{u"find_theaters"_s} << theaters << false;
        QTest::addRow("parallel-tools%s", suffix)
            << u"parallel-tools"_s << stream << QStringList{u"sum"_s, u"sum"_s, u"sum"_s} << sums
            << false;
        QTest::addRow("thinking + signature%s", suffix)
            << u"thinking"_s << stream << QStringList{u"now"_s} << QStringList{u"{}"_s} << true;
    }
}

void GeminiE2eTest::toolCalls()
{
    QFETCH(QString, model);
    QFETCH(bool, stream);
    QFETCH(QStringList, names);
    QFETCH(QStringList, arguments);
    QFETCH(bool, thinking);

    const auto client = chat(model, stream, kTools);
    QVERIFY(client->isComplete());
    QCOMPARE(client->status(), 200);
    // The tool went out as a functionDeclaration, without the keyword Gemini refuses.
    QCOMPARE(m_fake->lastRequest().body.value("tools"_L1).toArray(),
             (QJsonArray{QJsonObject{
                 {"functionDeclarations"_L1,
                  QJsonArray{QJsonObject{
                      {"name"_L1, "find_theaters"_L1},
                      {"parameters"_L1,
                       QJsonObject{{"type"_L1, "object"_L1},
                                   {"properties"_L1,
                                    QJsonObject{{"location"_L1,
                                                 QJsonObject{{"type"_L1, "string"_L1}}}}}}}}}}}}));

    QStringList ids;
    QStringList gotNames;
    QStringList gotArguments;
    QStringList signatures;
    QString finish;
    QString reasoning;
    if (!stream) {
        const QJsonObject choice = client->json().value("choices"_L1).toArray().first().toObject();
        const QJsonObject message = choice.value("message"_L1).toObject();
        QVERIFY(message.value("content"_L1).isNull());
        reasoning = message.value("reasoning_content"_L1).toString();
        for (const QJsonValue &entry : message.value("tool_calls"_L1).toArray()) {
            const QJsonObject call = entry.toObject();
            ids.append(call.value("id"_L1).toString());
            gotNames.append(call.value("function"_L1).toObject().value("name"_L1).toString());
            gotArguments.append(
                call.value("function"_L1).toObject().value("arguments"_L1).toString());
            signatures.append(call.value("extra_content"_L1)
                                  .toObject()
                                  .value("google"_L1)
                                  .toObject()
                                  .value("thought_signature"_L1)
                                  .toString());
        }
        finish = choice.value("finish_reason"_L1).toString();
    } else {
        const StreamResult got = reassemble(client->eventData());
        QVERIFY2(got.problem.isEmpty(), qPrintable(got.problem));
        QCOMPARE(client->eventData().constLast(), "[DONE]"_ba);
        ids = got.toolIds;
        gotNames = got.toolNames;
        gotArguments = got.arguments;
        signatures = got.signatures;
        finish = got.finish;
        reasoning = got.reasoning;
    }
    QCOMPARE(gotNames, names);
    QCOMPARE(gotArguments, arguments);
    QCOMPARE(finish, u"tool_calls"_s);
    QCOMPARE(QSet<QString>(ids.begin(), ids.end()).size(), names.size());
    for (const QString &id : std::as_const(ids))
        QVERIFY2(id.startsWith(u"call_"_s), qPrintable(id));
    QCOMPARE(!reasoning.isEmpty(), thinking);
    QCOMPARE(!signatures.first().isEmpty(), thinking);
}

void GeminiE2eTest::toolResultTurn()
{
    // The client's second turn: its assistant message with the call (and the signature it
    // got in extra_content), then the result. Gemini must get the functionCall back with
    // its signature and a functionResponse named after the call.
    const QJsonObject assistant{
        {"role"_L1, "assistant"_L1},
        {"content"_L1, QJsonValue(QJsonValue::Null)},
        {"tool_calls"_L1,
         QJsonArray{QJsonObject{
             {"id"_L1, "call_x1"_L1},
             {"type"_L1, "function"_L1},
             {"function"_L1, QJsonObject{{"name"_L1, "now"_L1}, {"arguments"_L1, "{}"_L1}}},
             {"extra_content"_L1, QJsonObject{{"google"_L1, QJsonObject{{"thought_signature"_L1,
                                                                         "c2lnbmF0dXJl"_L1}}}}}}}}};
    const QJsonObject result{
        {"role"_L1, "tool"_L1}, {"tool_call_id"_L1, "call_x1"_L1}, {"content"_L1, "2025-12-01"_L1}};
    const QJsonObject extra{{"messages"_L1, QJsonArray{userMessage(u"Days until New Year's Eve?"_s),
                                                       assistant, result}}};
    const auto client = chat(u"text"_s, false, extra);
    QCOMPARE(client->status(), 200);
    const QJsonArray contents = m_fake->lastRequest().body.value("contents"_L1).toArray();
    QCOMPARE(contents.size(), 3);
    QCOMPARE(
        contents.at(1).toObject(),
        (QJsonObject{{"role"_L1, "model"_L1},
                     {"parts"_L1, QJsonArray{QJsonObject{
                                      {"functionCall"_L1, QJsonObject{{"name"_L1, "now"_L1},
                                                                      {"args"_L1, QJsonObject()}}},
                                      {"thoughtSignature"_L1, "c2lnbmF0dXJl"_L1}}}}}));
    QCOMPARE(
        contents.at(2).toObject(),
        (QJsonObject{
            {"role"_L1, "user"_L1},
            {"parts"_L1,
             QJsonArray{QJsonObject{
                 {"functionResponse"_L1,
                  QJsonObject{{"name"_L1, "now"_L1},
                              {"response"_L1, QJsonObject{{"content"_L1, "2025-12-01"_L1}}}}}}}}}));
}

void GeminiE2eTest::imageInput()
{
    const QJsonArray content{
        QJsonObject{{"type"_L1, "text"_L1}, {"text"_L1, "What is in these images?"_L1}},
        QJsonObject{{"type"_L1, "image_url"_L1},
                    {"image_url"_L1,
                     QJsonObject{{"url"_L1, "data:image/png;base64,iVBORw0KGgoAAAANSUhEUg=="_L1}}}},
        QJsonObject{
            {"type"_L1, "image_url"_L1},
            {"image_url"_L1, QJsonObject{{"url"_L1, "https://upload.example.org/cat.webp"_L1}}}}};
    const auto client = chat(u"text"_s, false, {{"messages"_L1, QJsonArray{userMessage(content)}}});
    QCOMPARE(client->status(), 200);
    QCOMPARE(
        m_fake->lastRequest()
            .body.value("contents"_L1)
            .toArray()
            .first()
            .toObject()
            .value("parts"_L1)
            .toArray(),
        (QJsonArray{
            QJsonObject{{"text"_L1, "What is in these images?"_L1}},
            QJsonObject{{"inlineData"_L1, QJsonObject{{"mimeType"_L1, "image/png"_L1},
                                                      {"data"_L1, "iVBORw0KGgoAAAANSUhEUg=="_L1}}}},
            QJsonObject{{"fileData"_L1,
                         QJsonObject{{"mimeType"_L1, "image/webp"_L1},
                                     {"fileUri"_L1, "https://upload.example.org/cat.webp"_L1}}}}}));

    // A plain-http image cannot be fetched by Gemini: a 400 before anything is sent.
    const QJsonArray plain{QJsonObject{
        {"type"_L1, "image_url"_L1},
        {"image_url"_L1, QJsonObject{{"url"_L1, "http://upload.example.org/cat.png"_L1}}}}};
    const qsizetype before = m_fake->requests().size();
    const auto refused = chat(u"text"_s, false, {{"messages"_L1, QJsonArray{userMessage(plain)}}});
    QCOMPARE(refused->status(), 400);
    const QString problem = openAiErrorProblem(refused->body());
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    QCOMPARE(errorOf(refused->body()).value("param"_L1).toString(), u"messages[0].content"_s);
    QCOMPARE(m_fake->requests().size(), before);
}

void GeminiE2eTest::finishReasons_data()
{
    QTest::addColumn<QString>("model");
    QTest::addColumn<bool>("stream");
    QTest::addColumn<QString>("content");
    QTest::addColumn<QString>("finish");

    for (const bool stream : {false, true}) {
        const char *suffix = stream ? ", stream" : "";
        // The text scenario's answer and stream, recorded separately, differ in content.
        QTest::addRow("MAX_TOKENS%s", suffix)
            << u"length"_s << stream
            << (stream
                    ? u"The capital of Wyoming is **Cheyenne**.\n"_s
                    : u"Google's headquarters, also known as the Googleplex, is located in **Mountain View, California**.\n"_s)
            << u"length"_s;
        QTest::addRow("candidate SAFETY%s", suffix)
            << u"safety"_s << stream << u"Safety error incoming in 5, 4, 3, 2..."_s
            << u"content_filter"_s;
        QTest::addRow("prompt blocked%s", suffix)
            << u"blocked"_s << stream << QString() << u"content_filter"_s;
    }
}

void GeminiE2eTest::finishReasons()
{
    QFETCH(QString, model);
    QFETCH(bool, stream);
    QFETCH(QString, content);
    QFETCH(QString, finish);

    const auto client = chat(model, stream);
    QVERIFY(client->isComplete());
    // A blocked prompt is an answer, never an error or an empty choices array.
    QCOMPARE(client->status(), 200);
    if (!stream) {
        const QJsonArray choices = client->json().value("choices"_L1).toArray();
        QCOMPARE(choices.size(), 1);
        const QJsonObject choice = choices.first().toObject();
        QCOMPARE(choice.value("message"_L1).toObject().value("content"_L1).toString(), content);
        QVERIFY(choice.value("message"_L1).toObject().value("content"_L1).isString());
        QCOMPARE(choice.value("finish_reason"_L1).toString(), finish);
        return;
    }
    const QList<QByteArray> events = client->eventData();
    const StreamResult got = reassemble(events);
    QVERIFY2(got.problem.isEmpty(), qPrintable(got.problem));
    QCOMPARE(got.content, content);
    QCOMPARE(got.finish, finish);
    QCOMPARE(events.constLast(), "[DONE]"_ba);
}

void GeminiE2eTest::usageRows()
{
    QCOMPARE(chat(u"cached"_s, false)->status(), 200);
    QCOMPARE(chat(u"gem/thinking"_s, true)->status(), 200);
    QCOMPARE(chat(u"gem/text"_s, true)->status(), 200);

    const QList<UsageRecord> rows = usageRows(3);
    QCOMPARE(rows.size(), 3);
    const UsageRecord *cached = nullptr;
    const UsageRecord *thinking = nullptr;
    const UsageRecord *text = nullptr;
    for (const UsageRecord &row : rows) {
        if (row.upstreamModel == "cached"_L1)
            cached = &row;
        else if (row.upstreamModel == "thinking"_L1)
            thinking = &row;
        else if (row.upstreamModel == "text"_L1)
            text = &row;
    }
    QVERIFY(cached && thinking && text);
    for (const UsageRecord *row : {cached, thinking, text}) {
        QCOMPARE(row->provider, u"gem"_s);
        QCOMPARE(row->status, 200);
        QCOMPARE(row->accessKey, u"main"_s);
    }
    // NOTES.md section 5: completion = candidates + thoughts, reasoning = thoughts.
    QCOMPARE(cached->promptTokens, qint64(12013));
    QCOMPARE(cached->cachedTokens, qint64(11243));
    QCOMPARE(cached->completionTokens, qint64(15 + 73));
    QCOMPARE(cached->reasoningTokens, qint64(73));
    QVERIFY(!cached->stream);
    // Streams: the last chunk's usageMetadata wins.
    QCOMPARE(thinking->promptTokens, qint64(38));
    QCOMPARE(thinking->completionTokens, qint64(6 + 168));
    QCOMPARE(thinking->reasoningTokens, qint64(168));
    QVERIFY(thinking->stream);
    QVERIFY(thinking->firstTokenMs >= 0);
    QCOMPARE(text->promptTokens, qint64(7));
    QCOMPARE(text->completionTokens, qint64(10));
}

void GeminiE2eTest::upstreamErrors_data()
{
    QTest::addColumn<QString>("model");
    QTest::addColumn<bool>("stream");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("code");
    QTest::addColumn<QString>("message");

    const struct {
        const char *model;
        int status;
        const char *code;
        const char *message;
    } cases[] = {
        {"gem/error-401", 401, "invalid_api_key", "API key not valid"},
        {"gem-badkey/text", 401, "invalid_api_key", "API key not valid"},
        {"gem/error-404", 404, "model_not_found", "models/gemini-5.0-flash is not found"},
        {"gem/no-such-model", 404, "model_not_found", "is not found"},
        {"gem/error-429", 429, "rate_limit_exceeded", "Quota exceeded"},
        {"gem/error-500", 500, "", "An internal error has occurred"},
    };
    for (const auto &c : cases) {
        for (const bool stream : {false, true}) {
            QTest::addRow("%s%s", c.model, stream ? ", stream" : "")
                << QString::fromLatin1(c.model) << stream << c.status << QString::fromLatin1(c.code)
                << QString::fromLatin1(c.message);
        }
    }
}

void GeminiE2eTest::upstreamErrors()
{
    QFETCH(QString, model);
    QFETCH(bool, stream);
    QFETCH(int, status);
    QFETCH(QString, code);
    QFETCH(QString, message);

    const auto client = chat(model, stream);
    QVERIFY(client->isComplete());
    QCOMPARE(client->status(), status);
    QVERIFY(client->header("content-type").startsWith("application/json"));
    const QString problem = openAiErrorProblem(client->body());
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    const QJsonObject error = errorOf(client->body());
    if (code.isEmpty())
        QVERIFY(error.value("code"_L1).isNull());
    else
        QCOMPARE(error.value("code"_L1).toString(), code);
    QVERIFY2(error.value("message"_L1).toString().contains(message),
             qPrintable(error.value("message"_L1).toString()));
    // Neither key, nor the key Gemini's error details quote, reaches the client.
    for (const QByteArray &secret : {kUpstreamKey, kWrongUpstreamKey, "key1234"_ba})
        QVERIFY(!client->body().contains(secret));
    QCOMPARE(m_fake->requests().size(), 1);
}

void GeminiE2eTest::brokenStreams_data()
{
    QTest::addColumn<QString>("model");
    QTest::addColumn<QString>("relayed"); // text the client got before the error
    QTest::addColumn<QString>("code");    // empty: any

    QTest::newRow("reset") << u"gem/reset"_s << u"The capital of Wyoming"_s << QString();
    QTest::newRow("truncated") << u"gem/truncated"_s << u"The capital of Wyoming"_s
                               << u"stream_truncated"_s;
    QTest::newRow("midstream-error")
        << u"gem/midstream-error"_s << u"First Second "_s << u"upstream_cancelled"_s;
}

void GeminiE2eTest::brokenStreams()
{
    QFETCH(QString, model);
    QFETCH(QString, relayed);
    QFETCH(QString, code);

    const auto client = chat(model, true);
    QVERIFY2(client->isComplete(),
             "the stream must end with the chunked terminator, not hang or drop");
    QCOMPARE(client->status(), 200);
    const QList<QByteArray> events = client->eventData();
    QVERIFY(events.size() >= 2);
    const StreamResult got = reassemble(events.mid(0, events.size() - 1));
    QCOMPARE(got.content, relayed);
    QVERIFY(got.finish.isEmpty());
    // OpenAI SDKs raise on a data event carrying "error"; no [DONE] may follow it.
    const QString problem = openAiErrorProblem(events.constLast());
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    QVERIFY(!events.contains("[DONE]"_ba));
    if (!code.isEmpty())
        QCOMPARE(errorOf(events.constLast()).value("code"_L1).toString(), code);
    const QList<UsageRecord> rows = usageRows(1);
    QCOMPARE(rows.size(), 1);
    QVERIFY(rows.constFirst().status >= 500);
    QVERIFY(rows.constFirst().stream);
}

void GeminiE2eTest::stallHitsIdleTimeout()
{
    QSignalSpy upstreamAborted(m_fake.get(), &FakeUpstream::clientAborted);
    const auto client = chat(u"gem-idle/stall"_s, true);
    QVERIFY(client->isComplete());
    QCOMPARE(client->status(), 200);
    const QList<QByteArray> events = client->eventData();
    QCOMPARE(reassemble(events.mid(0, events.size() - 1)).content, u"The"_s);
    QCOMPARE(errorOf(events.constLast()).value("code"_L1).toString(), u"upstream_timeout"_s);
    QVERIFY(upstreamAborted.size() == 1 || upstreamAborted.wait(3000));
}

void GeminiE2eTest::garbageAnswer()
{
    const auto client = chat(u"gem/garbage"_s, false);
    QVERIFY(client->isComplete());
    QCOMPARE(client->status(), 502);
    const QString problem = openAiErrorProblem(client->body());
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    QCOMPARE(errorOf(client->body()).value("code"_L1).toString(), u"bad_upstream_response"_s);
}

void GeminiE2eTest::providerModelList()
{
    QObject receiver;
    std::optional<ProviderModels> got;
    m_service->fetchProviderModels(u"gem"_s, true, &receiver,
                                   [&](const ProviderModels &models) { got = models; });
    QVERIFY(waitUntil([&] { return got.has_value(); }, 5000));
    QVERIFY2(!got->error, got->error ? qPrintable(got->error->message) : "");
    QCOMPARE(got->models, (QStringList{u"gemini-2.0-flash"_s, u"gemini-2.0-flash-001"_s,
                                       u"gemini-2.0-flash-lite"_s}));
    const RecordedRequest seen = m_fake->lastRequest();
    QCOMPARE(seen.method, "GET"_ba);
    QCOMPARE(seen.path, "/v1beta/models?pageSize=1000"_ba);
    QCOMPARE(seen.header("x-goog-api-key"), kUpstreamKey);

    // A refused key comes back as the 401 it means, not Gemini's 400.
    got.reset();
    m_service->fetchProviderModels(u"gem-badkey"_s, true, &receiver,
                                   [&](const ProviderModels &models) { got = models; });
    QVERIFY(waitUntil([&] { return got.has_value(); }, 5000));
    QVERIFY(got->error.has_value());
    QCOMPARE(got->error->status, 401);
    QCOMPARE(got->error->code, u"invalid_api_key"_s);
}

QTEST_GUILESS_MAIN(GeminiE2eTest)
#include "tst_gemini_e2e.moc"
