// The Anthropic Messages front door (/v1/messages, /v1/messages/count_tokens and the
// Anthropic model list) end to end: raw HTTP over real sockets to a GatewayService on its
// own thread, through the router, to fake upstreams of every provider kind that replay
// the recorded wire formats (tests/data/fixtures), with a real usage database.
//
// To the anthropic kind a request passes through (only the model rewritten, answers byte
// for byte); to the openai, gemini and ollama kinds it is translated, and the stream
// must follow Anthropic's event grammar.

#include "FakeUpstream.h"
#include "GatewayFixture.h"
#include "NamedEvents.h"
#include "TestHttpClient.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QMap>
#include <QTest>
#include <memory>

using namespace onegate;
using namespace onegate::test;
using namespace Qt::StringLiterals;

namespace {

const QByteArray kAccessKey = "sk-test-msgs-key-5d1"_ba;
const QByteArray kUpstreamKey = "sk-test-msgs-up-7c4"_ba;
const QByteArray kBeta = "claude-code-20250219,interleaved-thinking-2025-05-14"_ba;

using Event = NamedEvent;

// What an Anthropic client reassembles from a stream.
struct Message {
    QString text;
    QString thinking;
    QStringList signatures;
    QList<QJsonObject> toolUses;  // {id, name, input}
    QString stopReason;
    QJsonObject usage;            // message_start's, merged with message_delta's
    QString model;
    bool stopped = false;         // message_stop seen
    std::optional<QJsonObject> error;
    int pings = 0;
};

// Empty when `events` follow the Messages stream grammar the SDKs check; otherwise the
// first violation. Fills `out` with what the stream said.
QString grammarProblem(const QList<Event> &events, Message &out)
{
    if (events.isEmpty() || events.first().name != "message_start")
        return u"the stream must begin with message_start"_s;
    int open = -1;
    int next = 0;
    QHash<int, QString> toolInput;
    for (qsizetype i = 0; i < events.size(); ++i) {
        const Event &event = events.at(i);
        const QByteArray type = event.data.value("type"_L1).toString().toUtf8();
        if (type != event.name)
            return u"event %1: name %2, data type %3"_s.arg(i).arg(QString::fromLatin1(event.name), QString::fromLatin1(type));
        if (out.stopped || out.error)
            return u"event %1 after the end"_s.arg(i);
        const int index = event.data.value("index"_L1).toInt(-1);
        if (event.name == "message_start") {
            if (i != 0)
                return u"a second message_start"_s;
            const QJsonObject message = event.data.value("message"_L1).toObject();
            out.usage = message.value("usage"_L1).toObject();
            out.model = message.value("model"_L1).toString();
            if (message.value("role"_L1).toString() != "assistant"_L1 || !message.value("content"_L1).isArray())
                return u"message_start without role/content"_s;
        } else if (event.name == "content_block_start") {
            if (open >= 0)
                return u"block %1 started while %2 is open"_s.arg(index).arg(open);
            if (index != next)
                return u"block index %1, expected %2"_s.arg(index).arg(next);
            open = index;
            ++next;
            const QJsonObject block = event.data.value("content_block"_L1).toObject();
            if (block.value("type"_L1).toString() == "tool_use"_L1) {
                out.toolUses.append(block);
                toolInput.insert(index, {});
            }
        } else if (event.name == "content_block_delta") {
            if (index != open)
                return u"a delta for block %1 while %2 is open"_s.arg(index).arg(open);
            const QJsonObject delta = event.data.value("delta"_L1).toObject();
            const QString kind = delta.value("type"_L1).toString();
            if (kind == "text_delta"_L1)
                out.text += delta.value("text"_L1).toString();
            else if (kind == "thinking_delta"_L1)
                out.thinking += delta.value("thinking"_L1).toString();
            else if (kind == "signature_delta"_L1)
                out.signatures.append(delta.value("signature"_L1).toString());
            else if (kind == "input_json_delta"_L1 && toolInput.contains(index))
                toolInput[index] += delta.value("partial_json"_L1).toString();
            else
                return u"unexpected delta %1 for block %2"_s.arg(kind).arg(index);
        } else if (event.name == "content_block_stop") {
            if (index != open)
                return u"stop for block %1 while %2 is open"_s.arg(index).arg(open);
            if (toolInput.contains(index)) {
                const QString json = toolInput.value(index);
                const QJsonDocument input = QJsonDocument::fromJson((json.isEmpty() ? u"{}"_s : json).toUtf8());
                if (!input.isObject())
                    return u"tool input of block %1 is not a JSON object: %2"_s.arg(index).arg(json);
                out.toolUses.last().insert("input"_L1, input.object());
            }
            open = -1;
        } else if (event.name == "message_delta") {
            if (open >= 0)
                return u"message_delta while block %1 is open"_s.arg(open);
            out.stopReason = event.data.value("delta"_L1).toObject().value("stop_reason"_L1).toString();
            const QJsonObject usage = event.data.value("usage"_L1).toObject();
            for (auto it = usage.begin(); it != usage.end(); ++it)
                out.usage.insert(it.key(), it.value());
        } else if (event.name == "message_stop") {
            if (out.stopReason.isEmpty())
                return u"message_stop before a message_delta with stop_reason"_s;
            out.stopped = true;
        } else if (event.name == "ping") {
            ++out.pings;
        } else if (event.name == "error") {
            out.error = event.data.value("error"_L1).toObject();
        } else {
            return u"unknown event %1"_s.arg(QString::fromLatin1(event.name));
        }
    }
    if (!out.stopped && !out.error)
        return u"the stream ended without message_stop or error"_s;
    return {};
}

// Empty when `body` is an Anthropic error of `type`.
QString anthropicErrorProblem(const QByteArray &body, const QString &type)
{
    const QJsonObject object = QJsonDocument::fromJson(body).object();
    const QJsonObject error = object.value("error"_L1).toObject();
    if (object.value("type"_L1).toString() != "error"_L1 || error.isEmpty())
        return u"not an Anthropic error: "_s + QString::fromUtf8(body.left(300));
    if (error.value("type"_L1).toString() != type)
        return u"error type %1, expected %2"_s.arg(error.value("type"_L1).toString(), type);
    if (error.value("message"_L1).toString().isEmpty())
        return u"empty error message"_s;
    return {};
}

QJsonObject messagesBody(const QString &model, bool stream, const QJsonObject &extra = {})
{
    QJsonObject body = extra;
    body.insert("model"_L1, model);
    if (!body.contains("max_tokens"_L1))
        body.insert("max_tokens"_L1, 1024);
    if (!body.contains("messages"_L1)) {
        body.insert("messages"_L1,
                    QJsonArray{QJsonObject{{"role"_L1, "user"_L1}, {"content"_L1, u"What's the weather in SF?"_s}}});
    }
    if (stream)
        body.insert("stream"_L1, true);
    return body;
}

QByteArray compact(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

} // namespace

class MessagesE2eTest final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void refusalsTakeAnthropicShape_data();
    void refusalsTakeAnthropicShape();
    void authByBearerOrXApiKey();

    void translatedAnswer_data();
    void translatedAnswer();
    void translatedStream_data();
    void translatedStream();
    void translatedErrors();
    void translatedMidStreamError();
    void toolRoundTripTranslated();
    void untranslatableOnlyNative();

    void nativePassthrough();
    void nativeStreamByteForByte_data();
    void nativeStreamByteForByte();
    void nativeErrorsRelayed();
    void nativeMidStreamError();
    void nativeUsageWithCacheTokens();

    void pingWhileWaiting();
    void countTokens();
    void anthropicModelList();

private:
    std::unique_ptr<TestHttpClient> post(const QByteArray &path, const QByteArray &body, const RawHeaders &extra = {},
                                         int timeoutMs = 10000);
    std::unique_ptr<TestHttpClient> messages(const QJsonObject &body, int timeoutMs = 10000)
    {
        return post("/v1/messages?beta=true"_ba, compact(body), {}, timeoutMs);
    }
    std::unique_ptr<TestHttpClient> get(const QByteArray &path, const RawHeaders &headers);
    // The same question in OpenAI Chat: the reference a Messages answer must agree with.
    std::unique_ptr<TestHttpClient> openAiChat(const QString &model, bool stream);

    QHash<QString, FakeUpstream *> m_fakes;
    std::vector<std::unique_ptr<FakeUpstream>> m_owned;
    std::unique_ptr<GatewayFixture> m_gateway;
};

void MessagesE2eTest::initTestCase()
{
    qputenv("ONEGATE_MESSAGES_E2E_KEY", kAccessKey);
    qputenv("ONEGATE_MESSAGES_E2E_UPSTREAM", kUpstreamKey);
    QString providers;
    for (const QString &kind : {u"openai"_s, u"anthropic"_s, u"gemini"_s, u"ollama"_s, u"azure"_s}) {
        auto fake = std::make_unique<FakeUpstream>(makeFakeDialect(kind), kind == "ollama"_L1 ? QByteArray() : kUpstreamKey);
        QVERIFY2(fake->listen(), qPrintable(fake->errorString()));
        const QString url = kind == "openai"_L1 ? fake->baseUrl() : fake->origin();
        providers += u"%1{ \"id\": \"%2\", \"kind\": \"%2\", \"base_url\": \"%3\", \"proxy\": \"none\"%4, \"models\": [\"text\"] }"_s
                         .arg(providers.isEmpty() ? QString() : u",\n"_s, kind, url,
                              kind == "ollama"_L1 ? QString() : u", \"api_key\": \"env:ONEGATE_MESSAGES_E2E_UPSTREAM\""_s);
        m_fakes.insert(kind, fake.get());
        m_owned.push_back(std::move(fake));
    }
    // A short keep-alive, so a slow fake shows pings within a test's time.
    const QByteArray config = uR"({
  "listen": "127.0.0.1:0",
  "router": { "max_attempts": 1 },
  "limits": { "stream_keepalive_ms": 150, "max_body_mb": 1 },
  "access_keys": [ { "name": "main", "key": "env:ONEGATE_MESSAGES_E2E_KEY", "models": ["*"] } ],
  "providers": [ %1,
    { "id": "down", "kind": "anthropic", "base_url": "http://127.0.0.1:9", "proxy": "none",
      "api_key": "env:ONEGATE_MESSAGES_E2E_UPSTREAM", "timeouts": { "connect_ms": 2000 } } ]
})"_s.arg(providers).toUtf8();
    m_gateway = std::make_unique<GatewayFixture>();
    const QString error = m_gateway->start(config, u"messages-e2e.json"_s);
    QVERIFY2(error.isEmpty(), qPrintable(error));
}

void MessagesE2eTest::cleanupTestCase()
{
    m_gateway.reset();
    m_owned.clear();
}

std::unique_ptr<TestHttpClient> MessagesE2eTest::post(const QByteArray &path, const QByteArray &body,
                                                      const RawHeaders &extra, int timeoutMs)
{
    RawHeaders headers{{"x-api-key"_ba, kAccessKey},
                       {"anthropic-version"_ba, "2023-06-01"_ba},
                       {"anthropic-beta"_ba, kBeta},
                       {"Content-Type"_ba, "application/json"_ba}};
    for (const auto &header : extra) {
        // Not a structured binding: clang 14 (the asan-ubsan build) cannot capture one.
        const QByteArray &name = header.first;
        headers.removeIf([&name](const auto &pair) { return pair.first.compare(name, Qt::CaseInsensitive) == 0; });
        if (!header.second.isNull())
            headers.append({name, header.second});
    }
    auto client = std::make_unique<TestHttpClient>(m_gateway->port());
    client->send("POST"_ba, path, headers, body);
    if (!client->waitForFinished(timeoutMs))
        qWarning("no complete answer for %s within %d ms", path.constData(), timeoutMs);
    return client;
}

std::unique_ptr<TestHttpClient> MessagesE2eTest::get(const QByteArray &path, const RawHeaders &headers)
{
    auto client = std::make_unique<TestHttpClient>(m_gateway->port());
    client->send("GET"_ba, path, headers);
    client->waitForFinished();
    return client;
}

std::unique_ptr<TestHttpClient> MessagesE2eTest::openAiChat(const QString &model, bool stream)
{
    QJsonObject body{{"model"_L1, model},
                     {"messages"_L1, QJsonArray{QJsonObject{{"role"_L1, "user"_L1}, {"content"_L1, u"What's the weather in SF?"_s}}}}};
    if (stream) {
        body.insert("stream"_L1, true);
        body.insert("stream_options"_L1, QJsonObject{{"include_usage"_L1, true}});
    }
    auto client = std::make_unique<TestHttpClient>(m_gateway->port());
    client->send("POST"_ba, "/v1/chat/completions"_ba,
                 {{"Authorization"_ba, "Bearer " + kAccessKey}, {"Content-Type"_ba, "application/json"_ba}}, compact(body));
    client->waitForFinished();
    return client;
}

void MessagesE2eTest::refusalsTakeAnthropicShape_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QByteArray>("path");
    QTest::addColumn<RawHeaders>("headers");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("type");

    const QByteArray ok = compact(messagesBody(u"openai/text"_s, false));
    const RawHeaders json{{"anthropic-version"_ba, "2023-06-01"_ba}, {"Content-Type"_ba, "application/json"_ba}};
    RawHeaders keyed = json;
    keyed.append({"x-api-key"_ba, kAccessKey});
    RawHeaders wrongKey = json;
    wrongKey.append({"x-api-key"_ba, "sk-test-not-a-key"_ba});
    RawHeaders badHost = keyed;
    badHost.append({"Host"_ba, "evil.example"_ba});

    QTest::newRow("no key") << "POST"_ba << "/v1/messages"_ba << json << ok << 401 << u"authentication_error"_s;
    QTest::newRow("wrong key") << "POST"_ba << "/v1/messages?beta=true"_ba << wrongKey << ok << 401 << u"authentication_error"_s;
    QTest::newRow("bad json") << "POST"_ba << "/v1/messages"_ba << keyed << "{\"model\":"_ba << 400 << u"invalid_request_error"_s;
    QTest::newRow("no max_tokens") << "POST"_ba << "/v1/messages"_ba << keyed
                                   << R"({"model":"openai/text","messages":[{"role":"user","content":"hi"}]})"_ba << 400
                                   << u"invalid_request_error"_s;
    QTest::newRow("unknown model") << "POST"_ba << "/v1/messages"_ba << keyed
                                   << compact(messagesBody(u"no-such-model"_s, false)) << 404 << u"not_found_error"_s;
    QTest::newRow("wrong method") << "GET"_ba << "/v1/messages"_ba << keyed << QByteArray() << 405
                                  << u"invalid_request_error"_s;
    QTest::newRow("unknown path") << "POST"_ba << "/v1/messages/batches"_ba << keyed << ok << 404 << u"not_found_error"_s;
    QTest::newRow("foreign host") << "POST"_ba << "/v1/messages"_ba << badHost << ok << 403 << u"permission_error"_s;
    QTest::newRow("models without key") << "GET"_ba << "/v1/models"_ba << json << QByteArray() << 401
                                        << u"authentication_error"_s;
    QTest::newRow("count without key") << "POST"_ba << "/v1/messages/count_tokens"_ba << json << ok << 401
                                       << u"authentication_error"_s;
    const QByteArray huge = compact(messagesBody(u"openai/text"_s, false,
                                                 {{"system"_L1, QString(1536 * 1024, u'x')}}));
    QTest::newRow("too large") << "POST"_ba << "/v1/messages?beta=true"_ba << keyed << huge << 413
                               << u"request_too_large"_s;
    QTest::newRow("too large, chunked") << "POST"_ba << "/v1/messages"_ba << keyed << huge << 413
                                        << u"request_too_large"_s;
    QTest::newRow("count bad json") << "POST"_ba << "/v1/messages/count_tokens"_ba << keyed << "[1,"_ba << 400
                                    << u"invalid_request_error"_s;
}

void MessagesE2eTest::refusalsTakeAnthropicShape()
{
    QFETCH(QByteArray, method);
    QFETCH(QByteArray, path);
    QFETCH(RawHeaders, headers);
    QFETCH(QByteArray, body);
    QFETCH(int, status);
    QFETCH(QString, type);
    TestHttpClient client(m_gateway->port());
    const bool chunked = QByteArrayView(QTest::currentDataTag()).endsWith("chunked");
    client.send(method, path, headers, body,
                chunked ? TestHttpClient::BodyMode::Chunked : TestHttpClient::BodyMode::ContentLength);
    QVERIFY(client.waitForFinished());
    QCOMPARE(client.status(), status);
    const QString problem = anthropicErrorProblem(client.body(), type);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
}

void MessagesE2eTest::authByBearerOrXApiKey()
{
    const QByteArray body = compact(messagesBody(u"openai/text"_s, false));
    auto bearer = post("/v1/messages"_ba, body, {{"x-api-key"_ba, QByteArray()}, {"Authorization"_ba, "Bearer " + kAccessKey}});
    QCOMPARE(bearer->status(), 200);
    QCOMPARE(bearer->json().value("type"_L1).toString(), u"message"_s);
    auto xApiKey = post("/v1/messages"_ba, body);
    QCOMPARE(xApiKey->status(), 200);
}

void MessagesE2eTest::translatedAnswer_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QString>("scenario");
    for (const char *kind : {"openai", "azure", "gemini", "ollama"}) {
        for (const char *scenario : {"text", "tool", "length"})
            QTest::addRow("%s %s", kind, scenario) << QString::fromLatin1(kind) << QString::fromLatin1(scenario);
    }
}

void MessagesE2eTest::translatedAnswer()
{
    QFETCH(QString, kind);
    QFETCH(QString, scenario);
    const QString model = kind + u'/' + scenario;
    // The same request in OpenAI Chat is the reference: both dialects see one answer.
    auto chat = openAiChat(model, false);
    QCOMPARE(chat->status(), 200);
    const QJsonObject choice = chat->json().value("choices"_L1).toArray().first().toObject();
    const QJsonObject reference = choice.value("message"_L1).toObject();

    auto client = messages(messagesBody(model, false));
    QCOMPARE(client->status(), 200);
    const QJsonObject message = client->json();
    QCOMPARE(message.value("type"_L1).toString(), u"message"_s);
    QCOMPARE(message.value("role"_L1).toString(), u"assistant"_s);
    QCOMPARE(message.value("model"_L1).toString(), model);
    QVERIFY(message.value("id"_L1).toString().startsWith("msg_"_L1));
    QString text;
    QList<QJsonObject> tools;
    for (const QJsonValue &block : message.value("content"_L1).toArray()) {
        if (block.toObject().value("type"_L1).toString() == "text"_L1)
            text += block.toObject().value("text"_L1).toString();
        else if (block.toObject().value("type"_L1).toString() == "tool_use"_L1)
            tools.append(block.toObject());
    }
    QCOMPARE(text, reference.value("content"_L1).toString());
    const QJsonArray calls = reference.value("tool_calls"_L1).toArray();
    QCOMPARE(tools.size(), calls.size());
    for (qsizetype i = 0; i < tools.size(); ++i) {
        const QJsonObject function = calls.at(i).toObject().value("function"_L1).toObject();
        QCOMPARE(tools.at(i).value("name"_L1).toString(), function.value("name"_L1).toString());
        QCOMPARE(tools.at(i).value("input"_L1).toObject(),
                 QJsonDocument::fromJson(function.value("arguments"_L1).toString().toUtf8()).object());
        QVERIFY(!tools.at(i).value("id"_L1).toString().isEmpty());
    }
    const QString finish = choice.value("finish_reason"_L1).toString();
    const QString expectedStop = finish == "tool_calls"_L1 ? u"tool_use"_s
        : finish == "length"_L1                            ? u"max_tokens"_s
                                                           : u"end_turn"_s;
    QCOMPARE(message.value("stop_reason"_L1).toString(), expectedStop);
    const QJsonObject usage = message.value("usage"_L1).toObject();
    const QJsonObject openAiUsage = chat->json().value("usage"_L1).toObject();
    QCOMPARE(usage.value("output_tokens"_L1).toInteger(), openAiUsage.value("completion_tokens"_L1).toInteger());
    QCOMPARE(usage.value("input_tokens"_L1).toInteger() + usage.value("cache_read_input_tokens"_L1).toInteger()
                 + usage.value("cache_creation_input_tokens"_L1).toInteger(),
             openAiUsage.value("prompt_tokens"_L1).toInteger());
}

void MessagesE2eTest::translatedStream_data()
{
    translatedAnswer_data();
}

void MessagesE2eTest::translatedStream()
{
    QFETCH(QString, kind);
    QFETCH(QString, scenario);
    const QString model = kind + u'/' + scenario;
    // The same request streamed in OpenAI Chat is the reference: both dialects must tell
    // the same answer (text, tool calls, stop, output tokens).
    auto chat = openAiChat(model, true);
    QCOMPARE(chat->status(), 200);
    QString referenceText;
    QMap<int, QPair<QString, QString>> referenceTools;  // index -> name, arguments
    QString referenceFinish;
    qint64 referenceOutput = -1;
    for (const QByteArray &data : chat->eventData()) {
        const QJsonObject chunk = QJsonDocument::fromJson(data).object();
        if (chunk.value("usage"_L1).isObject())
            referenceOutput = chunk.value("usage"_L1).toObject().value("completion_tokens"_L1).toInteger();
        const QJsonObject choice = chunk.value("choices"_L1).toArray().first().toObject();
        const QJsonObject delta = choice.value("delta"_L1).toObject();
        referenceText += delta.value("content"_L1).toString();
        for (const QJsonValue &call : delta.value("tool_calls"_L1).toArray()) {
            const QJsonObject object = call.toObject();
            auto &tool = referenceTools[object.value("index"_L1).toInt()];
            tool.first += object.value("function"_L1).toObject().value("name"_L1).toString();
            tool.second += object.value("function"_L1).toObject().value("arguments"_L1).toString();
        }
        if (choice.value("finish_reason"_L1).isString())
            referenceFinish = choice.value("finish_reason"_L1).toString();
    }

    auto client = messages(messagesBody(model, true));
    QCOMPARE(client->status(), 200);
    QVERIFY(client->header("content-type").startsWith("text/event-stream"));
    QVERIFY(client->isComplete());
    Message streamed;
    const QString problem = grammarProblem(namedEvents(client->body()), streamed);
    QVERIFY2(problem.isEmpty(), qPrintable(problem + u"\n"_s + QString::fromUtf8(client->body())));
    QVERIFY(!streamed.error);
    QCOMPARE(streamed.model, model);
    QCOMPARE(streamed.text, referenceText);
    QCOMPARE(streamed.toolUses.size(), referenceTools.size());
    qsizetype i = 0;
    for (const auto &[name, arguments] : std::as_const(referenceTools)) {
        QCOMPARE(streamed.toolUses.at(i).value("name"_L1).toString(), name);
        QCOMPARE(streamed.toolUses.at(i).value("input"_L1).toObject(), QJsonDocument::fromJson(arguments.toUtf8()).object());
        QVERIFY(!streamed.toolUses.at(i).value("id"_L1).toString().isEmpty());
        ++i;
    }
    const QString expectedStop = referenceFinish == "tool_calls"_L1 ? u"tool_use"_s
        : referenceFinish == "length"_L1                            ? u"max_tokens"_s
                                                                    : u"end_turn"_s;
    QCOMPARE(streamed.stopReason, expectedStop);
    // A provider that reports no usage (the recorded Gemini tool stream): 0 both ways.
    referenceOutput = std::max<qint64>(referenceOutput, 0);
    QCOMPARE(streamed.usage.value("output_tokens"_L1).toInteger(), referenceOutput);

    const QList<UsageRecord> rows = m_gateway->usageRows(1);
    QVERIFY(!rows.isEmpty());
    QCOMPARE(rows.first().requestedModel, model);
    QCOMPARE(rows.first().provider, kind);
    QVERIFY(rows.first().stream);
    QCOMPARE(rows.first().status, 200);
    QCOMPARE(rows.first().completionTokens, referenceOutput);
}

void MessagesE2eTest::translatedErrors()
{
    // A 429 before the stream: Anthropic's type and status, Retry-After kept, and the
    // provider's own wording (Claude Code reads it to decide on retries).
    const QJsonObject upstream =
        QJsonDocument::fromJson(FakeUpstream::fixture(u"error_429_rate_limit_exceeded.json"_s)).object().value("error"_L1).toObject();
    for (const bool stream : {false, true}) {
        auto client = messages(messagesBody(u"openai/error-429"_s, stream));
        QCOMPARE(client->status(), 429);
        QVERIFY2(anthropicErrorProblem(client->body(), u"rate_limit_error"_s).isEmpty(), client->body().constData());
        QCOMPARE(client->json().value("error"_L1).toObject().value("message"_L1).toString(),
                 upstream.value("message"_L1).toString());
        QCOMPARE(client->header("retry-after"), "7"_ba);
    }
    auto notFound = messages(messagesBody(u"openai/error-404"_s, false));
    QCOMPARE(notFound->status(), 404);
    QVERIFY(anthropicErrorProblem(notFound->body(), u"not_found_error"_s).isEmpty());
    auto server = messages(messagesBody(u"gemini/error-500"_s, true));
    QCOMPARE(server->status(), 500);
    QVERIFY(anthropicErrorProblem(server->body(), u"api_error"_s).isEmpty());
}

void MessagesE2eTest::translatedMidStreamError()
{
    auto client = messages(messagesBody(u"openai/midstream-error"_s, true));
    QCOMPARE(client->status(), 200);
    Message streamed;
    const QString problem = grammarProblem(namedEvents(client->body()), streamed);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    QVERIFY(!streamed.text.isEmpty());  // content came first
    QVERIFY(streamed.error);
    QVERIFY(!streamed.stopped);
    QCOMPARE(streamed.error->value("type"_L1).toString(), u"api_error"_s);
}

void MessagesE2eTest::toolRoundTripTranslated()
{
    for (const QString &kind : {u"openai"_s, u"azure"_s, u"gemini"_s, u"ollama"_s}) {
        auto first = messages(messagesBody(kind + u"/tool"_s, false));
        QCOMPARE(first->status(), 200);
        const QJsonArray content = first->json().value("content"_L1).toArray();
        QJsonObject toolUse;
        for (const QJsonValue &block : content) {
            if (block.toObject().value("type"_L1).toString() == "tool_use"_L1)
                toolUse = block.toObject();
        }
        QVERIFY(!toolUse.isEmpty());
        // The second turn: the assistant's tool_use as it came, then its result.
        const QJsonArray turns{
            QJsonObject{{"role"_L1, "user"_L1}, {"content"_L1, u"What's the weather in SF?"_s}},
            QJsonObject{{"role"_L1, "assistant"_L1}, {"content"_L1, content}},
            QJsonObject{{"role"_L1, "user"_L1},
                        {"content"_L1, QJsonArray{QJsonObject{{"type"_L1, "tool_result"_L1},
                                                              {"tool_use_id"_L1, toolUse.value("id"_L1)},
                                                              {"content"_L1, u"68°F, sunny"_s}}}}},
        };
        FakeUpstream *fake = m_fakes.value(kind);
        const qsizetype before = fake->requests().size();
        auto second = messages(messagesBody(kind + u"/text"_s, false, {{"messages"_L1, turns}}));
        QCOMPARE(second->status(), 200);
        QCOMPARE(fake->requests().size(), before + 1);
        // The provider saw the call and its result tied by the same id and name.
        const QByteArray sent = fake->lastRequest().rawBody;
        QVERIFY2(sent.contains(toolUse.value("name"_L1).toString().toUtf8()), sent.constData());
        QVERIFY2(sent.contains("68°F, sunny"_ba) || sent.contains("68\\u00b0F"_ba), sent.constData());
        if (kind != "gemini"_L1 && kind != "ollama"_L1) {
            // Kinds with call ids get back the id the client was given.
            QVERIFY2(sent.count(toolUse.value("id"_L1).toString().toUtf8()) >= 2, sent.constData());
        }
    }
}

void MessagesE2eTest::untranslatableOnlyNative()
{
    const QJsonArray document{QJsonObject{{"role"_L1, "user"_L1},
                                          {"content"_L1, QJsonArray{QJsonObject{{"type"_L1, "document"_L1},
                                                                                {"source"_L1, QJsonObject{{"type"_L1, "text"_L1},
                                                                                                          {"media_type"_L1, "text/plain"_L1},
                                                                                                          {"data"_L1, "A note."_L1}}}},
                                                                    QJsonObject{{"type"_L1, "text"_L1}, {"text"_L1, "Summarise."_L1}}}}}};
    auto translated = messages(messagesBody(u"openai/text"_s, false, {{"messages"_L1, document}}));
    QCOMPARE(translated->status(), 400);
    QVERIFY(anthropicErrorProblem(translated->body(), u"invalid_request_error"_s).isEmpty());
    QVERIFY2(translated->json().value("error"_L1).toObject().value("message"_L1).toString().contains("document"_L1),
             translated->body().constData());
    auto native = messages(messagesBody(u"anthropic/text"_s, false, {{"messages"_L1, document}}));
    QCOMPARE(native->status(), 200);
    QCOMPARE(m_fakes.value(u"anthropic"_s)->lastRequest().body.value("messages"_L1).toArray(), document);
}

void MessagesE2eTest::nativePassthrough()
{
    FakeUpstream *fake = m_fakes.value(u"anthropic"_s);
    // Fields OneGate does not model must arrive as the client sent them.
    const QJsonObject extra{
        {"system"_L1, QJsonArray{QJsonObject{{"type"_L1, "text"_L1}, {"text"_L1, "Be brief."_L1},
                                             {"cache_control"_L1, QJsonObject{{"type"_L1, "ephemeral"_L1}}}}}},
        {"context_management"_L1, QJsonObject{{"edits"_L1, QJsonArray{QJsonObject{{"type"_L1, "clear_thinking_20251015"_L1}}}}}},
        {"metadata"_L1, QJsonObject{{"user_id"_L1, "user_abc"_L1}}},
        {"tools"_L1, QJsonArray{QJsonObject{{"type"_L1, "web_search_20250305"_L1}, {"name"_L1, "web_search"_L1}},
                                QJsonObject{{"name"_L1, "Read"_L1}, {"description"_L1, "read a file"_L1},
                                            {"input_schema"_L1, QJsonObject{{"type"_L1, "object"_L1}}},
                                            {"defer_loading"_L1, true}}}},
        {"x_future_field"_L1, QJsonArray{1, 2}},
    };
    const QJsonObject body = messagesBody(u"anthropic/text"_s, false, extra);
    auto client = messages(body);
    QCOMPARE(client->status(), 200);
    QCOMPARE(client->body(), fake->dialect().fixture(u"messages_response_text_recorded.json"_s));

    const RecordedRequest sent = fake->lastRequest();
    QCOMPARE(sent.pathOnly(), "/v1/messages"_ba);
    QJsonObject expected = body;
    expected.insert("model"_L1, u"text"_s);
    QCOMPARE(sent.body, expected);
    QCOMPARE(sent.header("anthropic-version"), "2023-06-01"_ba);
    QCOMPARE(sent.header("anthropic-beta"), kBeta);
    QCOMPARE(sent.header("x-api-key"), kUpstreamKey);  // the provider's key, never the client's
    QVERIFY(sent.header("authorization").isEmpty());
}

void MessagesE2eTest::nativeStreamByteForByte_data()
{
    QTest::addColumn<QString>("scenario");
    QTest::addColumn<QString>("fixture");
    QTest::newRow("text") << u"text"_s << u"messages_stream_text_recorded.sse"_s;
    QTest::newRow("tool") << u"tool"_s << u"messages_stream_tool_use_recorded.sse"_s;
    QTest::newRow("thinking") << u"thinking"_s << u"messages_stream_thinking_docs.sse"_s;
    QTest::newRow("parallel-tools") << u"parallel-tools"_s << u"messages_stream_parallel_tool_use.composed.sse"_s;
}

void MessagesE2eTest::nativeStreamByteForByte()
{
    QFETCH(QString, scenario);
    QFETCH(QString, fixture);
    auto client = messages(messagesBody(u"anthropic/"_s + scenario, true));
    QCOMPARE(client->status(), 200);
    const QList<QByteArray> expected = sseFrames(m_fakes.value(u"anthropic"_s)->dialect().fixture(fixture));
    QList<QByteArray> received = sseFrames(client->body());
    // Frames are written as Anthropic frames them; compare event and data, in order.
    QCOMPARE(received.size(), expected.size());
    const QList<Event> got = namedEvents(client->body());
    const QList<Event> want = namedEvents(expected.join());
    for (qsizetype i = 0; i < want.size(); ++i) {
        QCOMPARE(got.at(i).name, want.at(i).name);
        QCOMPARE(sseData(received.at(i)), sseData(expected.at(i)));
    }
    Message streamed;
    const QString problem = grammarProblem(got, streamed);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
}

void MessagesE2eTest::nativeErrorsRelayed()
{
    const FakeDialect &dialect = m_fakes.value(u"anthropic"_s)->dialect();
    struct Case {
        QString scenario;
        int status;
        QString fixture;
    };
    const Case cases[] = {
        {u"error-429"_s, 429, u"error_429_rate_limit_recorded.json"_s},
        {u"overloaded"_s, 529, u"error_529_overloaded.json"_s},
        {u"error-400"_s, 400, u"error_400_invalid_request_recorded.json"_s},
        {u"error-500"_s, 500, u"error_500_api_error.composed.json"_s},
    };
    for (const Case &c : cases) {
        for (const bool stream : {false, true}) {
            auto client = messages(messagesBody(u"anthropic/"_s + c.scenario, stream));
            QCOMPARE(client->status(), c.status);
            // Byte for byte: the provider's wording, type and request_id.
            QCOMPARE(client->body(), dialect.fixture(c.fixture));
        }
    }
}

void MessagesE2eTest::nativeMidStreamError()
{
    auto client = messages(messagesBody(u"anthropic/midstream-error"_s, true));
    QCOMPARE(client->status(), 200);
    const QList<Event> events = namedEvents(client->body());
    QVERIFY(!events.isEmpty());
    QCOMPARE(events.last().name, "error"_ba);
    const QByteArray expected =
        sseData(sseFrames(m_fakes.value(u"anthropic"_s)->dialect().fixture(u"stream_error_event_overloaded_docs.sse"_s)).first());
    QCOMPARE(QJsonDocument(events.last().data).toJson(QJsonDocument::Compact),
             QJsonDocument::fromJson(expected).toJson(QJsonDocument::Compact));
    Message streamed;
    QVERIFY(grammarProblem(events, streamed).isEmpty());
}

void MessagesE2eTest::nativeUsageWithCacheTokens()
{
    for (const bool stream : {false, true}) {
        auto client = messages(messagesBody(u"anthropic/parallel-tools"_s, stream));
        QCOMPARE(client->status(), 200);
        QJsonObject usage;
        if (stream) {
            Message streamed;
            QVERIFY(grammarProblem(namedEvents(client->body()), streamed).isEmpty());
            usage = streamed.usage;
        } else {
            usage = client->json().value("usage"_L1).toObject();
        }
        const qint64 read = usage.value("cache_read_input_tokens"_L1).toInteger();
        const qint64 written = usage.value("cache_creation_input_tokens"_L1).toInteger();
        QVERIFY(read > 0 || written > 0);
        const QList<UsageRecord> rows = m_gateway->usageRows(1);
        QVERIFY(!rows.isEmpty());
        const UsageRecord &row = rows.first();
        QCOMPARE(row.provider, u"anthropic"_s);
        QCOMPARE(row.stream, stream);
        QCOMPARE(row.cachedTokens, read);
        QCOMPARE(row.cacheWriteTokens, written);
        QCOMPARE(row.promptTokens, usage.value("input_tokens"_L1).toInteger() + read + written);
        QCOMPARE(row.completionTokens, usage.value("output_tokens"_L1).toInteger());
    }
}

void MessagesE2eTest::pingWhileWaiting()
{
    // 400 ms between the provider's events, a 150 ms keep-alive: pings in between, and
    // the stream is still well formed.
    for (const QString &model : {u"openai/text@400"_s, u"anthropic/text@400"_s}) {
        auto client = messages(messagesBody(model, true), 30000);
        QCOMPARE(client->status(), 200);
        Message streamed;
        const QString problem = grammarProblem(namedEvents(client->body()), streamed);
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
        QVERIFY(streamed.stopped);
        QVERIFY2(streamed.pings > 0, qPrintable(model));
    }
}

void MessagesE2eTest::countTokens()
{
    const FakeDialect &dialect = m_fakes.value(u"anthropic"_s)->dialect();
    struct Case {
        QString request;
        QString response;
    };
    const Case cases[] = {
        {u"count_tokens_request_docs.json"_s, u"count_tokens_response_docs.json"_s},
        {u"count_tokens_request_tools_docs.json"_s, u"count_tokens_response_tools_docs.json"_s},
    };
    for (const Case &c : cases) {
        QJsonObject request = QJsonDocument::fromJson(dialect.fixture(c.request)).object();
        const qint64 truth = QJsonDocument::fromJson(dialect.fixture(c.response)).object().value("input_tokens"_L1).toInteger();
        QVERIFY(truth > 0);
        // The anthropic kind counts exactly: its answer comes back as it is.
        request.insert("model"_L1, u"anthropic/text"_s);
        auto exact = post("/v1/messages/count_tokens?beta=true"_ba, compact(request));
        QCOMPARE(exact->status(), 200);
        QCOMPARE(exact->header("x-onegate-token-count"), "exact"_ba);
        QCOMPARE(exact->json().value("input_tokens"_L1).toInteger(), truth);
        const RecordedRequest sent = m_fakes.value(u"anthropic"_s)->lastRequest();
        QCOMPARE(sent.pathOnly(), "/v1/messages/count_tokens"_ba);
        QCOMPARE(sent.body.value("model"_L1).toString(), u"text"_s);
        // Other kinds: the local estimate, never below the true count.
        for (const QString &kind : {u"openai"_s, u"azure"_s, u"gemini"_s, u"ollama"_s}) {
            request.insert("model"_L1, QString(kind + u"/text"_s));
            auto estimate = post("/v1/messages/count_tokens"_ba, compact(request));
            QCOMPARE(estimate->status(), 200);
            QCOMPARE(estimate->header("x-onegate-token-count"), "estimate"_ba);
            const qint64 counted = estimate->json().value("input_tokens"_L1).toInteger();
            QVERIFY2(counted >= truth && counted <= truth * 2,
                     qPrintable(u"estimate %1 for a true %2"_s.arg(counted).arg(truth)));
        }
    }
    // An Anthropic provider that cannot be reached: the estimate, rather than an error.
    QJsonObject request = QJsonDocument::fromJson(dialect.fixture(cases[0].request)).object();
    request.insert("model"_L1, u"down/claude-sonnet-4-5"_s);
    auto unreachable = post("/v1/messages/count_tokens"_ba, compact(request));
    QCOMPARE(unreachable->status(), 200);
    QCOMPARE(unreachable->header("x-onegate-token-count"), "estimate"_ba);
    QVERIFY(unreachable->json().value("input_tokens"_L1).toInteger() >= 14);

    auto unknown = post("/v1/messages/count_tokens"_ba, compact(messagesBody(u"no-such-model"_s, false)));
    QCOMPARE(unknown->status(), 404);
    QVERIFY(anthropicErrorProblem(unknown->body(), u"not_found_error"_s).isEmpty());
}

void MessagesE2eTest::anthropicModelList()
{
    const RawHeaders headers{{"x-api-key"_ba, kAccessKey}, {"anthropic-version"_ba, "2023-06-01"_ba}};
    auto all = get("/v1/models?limit=1000"_ba, headers);
    QCOMPARE(all->status(), 200);
    const QJsonArray data = all->json().value("data"_L1).toArray();
    QVERIFY(!data.isEmpty());
    for (const QJsonValue &entry : data) {
        const QJsonObject model = entry.toObject();
        QCOMPARE(model.value("type"_L1).toString(), u"model"_s);
        QVERIFY(!model.value("id"_L1).toString().isEmpty());
        QVERIFY(!model.value("display_name"_L1).toString().isEmpty());
        QVERIFY(QDateTime::fromString(model.value("created_at"_L1).toString(), Qt::ISODate).isValid());
    }
    QCOMPARE(all->json().value("has_more"_L1).toBool(true), false);
    QCOMPARE(all->json().value("first_id"_L1), data.first().toObject().value("id"_L1));
    QCOMPARE(all->json().value("last_id"_L1), data.last().toObject().value("id"_L1));

    // Pages: one at a time, following last_id.
    QStringList paged;
    QByteArray path = "/v1/models?limit=1"_ba;
    for (int guard = 0; guard < 20; ++guard) {
        auto page = get(path, headers);
        QCOMPARE(page->status(), 200);
        const QJsonArray one = page->json().value("data"_L1).toArray();
        QCOMPARE(one.size(), 1);
        paged.append(one.first().toObject().value("id"_L1).toString());
        if (!page->json().value("has_more"_L1).toBool())
            break;
        path = "/v1/models?limit=1&after_id=" + QUrl::toPercentEncoding(paged.last());
    }
    QCOMPARE(paged.size(), data.size());

    auto one = get("/v1/models/text"_ba, headers);
    QCOMPARE(one->status(), 200);
    QCOMPARE(one->json().value("type"_L1).toString(), u"model"_s);
    auto missing = get("/v1/models/nope"_ba, headers);
    QCOMPARE(missing->status(), 404);
    QVERIFY(anthropicErrorProblem(missing->body(), u"not_found_error"_s).isEmpty());
    // Without anthropic-version: the OpenAI list, as before.
    auto openAi = get("/v1/models"_ba, {{"Authorization"_ba, "Bearer " + kAccessKey}});
    QCOMPARE(openAi->json().value("object"_L1).toString(), u"list"_s);
}

QTEST_GUILESS_MAIN(MessagesE2eTest)
#include "tst_messages_e2e.moc"
