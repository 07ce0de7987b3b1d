// The Ollama-compatible surface end to end (issue 10): its own port, the requests the
// Ollama-only clients send (GitHub Copilot's Ollama provider: /api/version, /api/tags,
// /api/show, then /v1/chat/completions on the same port with an empty bearer; JetBrains
// AI Assistant: /api/tags and /api/chat), over real sockets to an openai-kind fake, with
// a real usage database. Answers are compared with what the main port's OpenAI
// endpoint says for the same scenario, so the translation is checked, not the fixture.

#include "FakeUpstream.h"
#include "GatewayFixture.h"
#include "TestHttpClient.h"
#include "config/ConfigParser.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>
#include <memory>
#include <optional>

using namespace onegate;
using namespace onegate::test;
using namespace Qt::StringLiterals;

namespace {

const QByteArray kAccessKey = "sk-test-ollsurf-key-7c2"_ba;
const QByteArray kNarrowKey = "sk-test-ollsurf-narrow-1d9"_ba;
const QByteArray kUpstreamKey = "sk-test-ollsurf-up-4e8"_ba;

QJsonObject parse(const QByteArray &line)
{
    return QJsonDocument::fromJson(line).object();
}

// The NDJSON lines of a body, each parsed.
QList<QJsonObject> lines(const QByteArray &body)
{
    QList<QJsonObject> out;
    for (const QByteArray &line : body.split('\n')) {
        if (!line.trimmed().isEmpty())
            out.append(parse(line));
    }
    return out;
}

} // namespace

class OllamaSurfaceE2eTest final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void offOnTheMainPort();
    void rootAndVersionNeedNoKey();
    void tagsListServedModels();
    void showDescribesModels();
    void showUnknownModelIs404();
    void keysOptionalOnLoopback();
    void keyAllowlistApplies();
    void hostGuardOnTheOllamaPort();
    void chatNonStream();
    void chatStreamIsNdjson();
    void chatToolCall();
    void generateStream();
    void loadCallAnswersAtOnce();
    void latestTagResolves();
    void embedAndLegacyEmbeddings();
    void copilotFlowOnOneBaseUrl();
    void runningListsRecentModels();
    void usageRecordedForOllamaClients();
    void badRequestsInOllamaShape();
    void nonLoopbackNeedsKey();

private:
    std::unique_ptr<TestHttpClient> request(quint16 port, const QByteArray &method, const QByteArray &path,
                                            const QJsonObject &body = {}, const RawHeaders &headers = {});
    QString chatText(const QString &model);
    QString streamedChatText(const QString &model);

    std::unique_ptr<FakeUpstream> m_openai;
    std::unique_ptr<GatewayFixture> m_gateway;
    quint16 m_ollama = 0;
};

void OllamaSurfaceE2eTest::initTestCase()
{
    qputenv("ONEGATE_OLLSURF_KEY", kAccessKey);
    qputenv("ONEGATE_OLLSURF_NARROW", kNarrowKey);
    qputenv("ONEGATE_OLLSURF_UPSTREAM", kUpstreamKey);
    m_openai = std::make_unique<FakeUpstream>(makeFakeDialect(u"openai"_s), kUpstreamKey);
    QVERIFY(m_openai->listen());
    const QByteArray config = uR"({
  "listen": "127.0.0.1:0",
  "ollama": { "listen": "127.0.0.1:0" },
  "router": { "max_attempts": 1 },
  "access_keys": [ { "name": "main", "key": "env:ONEGATE_OLLSURF_KEY", "models": ["*"] },
                   { "name": "narrow", "key": "env:ONEGATE_OLLSURF_NARROW", "models": ["too*"] } ],
  "providers": [
    { "id": "up", "kind": "openai", "base_url": "%1", "proxy": "none", "api_key": "env:ONEGATE_OLLSURF_UPSTREAM",
      "models": ["text", "tool"] } ],
  "models": [
    { "id": "text-embedding-3-small", "routes": [ { "provider": "up", "model": "text" } ] },
    { "id": "text", "context_window": 200000, "max_output_tokens": 8192, "capabilities": ["completion", "tools", "vision"],
      "prices": { "input": 2.5, "output": 10 } } ]
})"_s.arg(m_openai->baseUrl())
                                  .toUtf8();
    m_gateway = std::make_unique<GatewayFixture>();
    const QString error = m_gateway->start(config, u"ollama-surface-e2e.json"_s);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    m_ollama = m_gateway->ollamaPort();
    QVERIFY(m_ollama != 0);
    QVERIFY(m_ollama != m_gateway->port());
}

void OllamaSurfaceE2eTest::cleanupTestCase()
{
    m_gateway.reset();
    m_openai.reset();
}

std::unique_ptr<TestHttpClient> OllamaSurfaceE2eTest::request(quint16 port, const QByteArray &method,
                                                              const QByteArray &path, const QJsonObject &body,
                                                              const RawHeaders &headers)
{
    auto client = std::make_unique<TestHttpClient>(port);
    RawHeaders all = headers;
    QByteArray payload;
    if (method == "POST") {
        all.append({"Content-Type"_ba, "application/json"_ba});
        payload = QJsonDocument(body).toJson(QJsonDocument::Compact);
    }
    client->send(method, path, all, payload);
    client->waitForFinished(10000);
    return client;
}

// What the main port's OpenAI endpoint answers for `model`: the text every Ollama
// answer must carry.
QString OllamaSurfaceE2eTest::chatText(const QString &model)
{
    const QJsonObject body{{"model"_L1, model},
                           {"messages"_L1, QJsonArray{QJsonObject{{"role"_L1, "user"_L1}, {"content"_L1, "Hi"_L1}}}}};
    auto reply = request(m_gateway->port(), "POST"_ba, "/v1/chat/completions"_ba, body,
                         {{"Authorization"_ba, "Bearer " + kAccessKey}});
    return reply->json()["choices"_L1][0]["message"_L1]["content"_L1].toString();
}

// The same, streamed: the text of its deltas.
QString OllamaSurfaceE2eTest::streamedChatText(const QString &model)
{
    const QJsonObject body{{"model"_L1, model}, {"stream"_L1, true},
                           {"messages"_L1, QJsonArray{QJsonObject{{"role"_L1, "user"_L1}, {"content"_L1, "Hi"_L1}}}}};
    auto reply = request(m_gateway->port(), "POST"_ba, "/v1/chat/completions"_ba, body,
                         {{"Authorization"_ba, "Bearer " + kAccessKey}});
    QString text;
    for (const QByteArray &data : reply->eventData())
        text += parse(data)["choices"_L1][0]["delta"_L1]["content"_L1].toString();
    return text;
}

void OllamaSurfaceE2eTest::offOnTheMainPort()
{
    // The /api paths are the Ollama port's only; the main port does not know them.
    auto tags = request(m_gateway->port(), "GET"_ba, "/api/tags"_ba, {}, {{"Authorization"_ba, "Bearer " + kAccessKey}});
    QCOMPARE(tags->status(), 404);
    QCOMPARE(tags->json()["error"_L1]["code"_L1].toString(), u"unknown_url"_s);
    // And a config without the block opens no second port.
    GatewayFixture plain;
    QVERIFY(plain.start(R"({"listen":"127.0.0.1:0","auth":{"required":false},"providers":[]})"_ba).isEmpty());
    QCOMPARE(plain.ollamaPort(), quint16(0));
}

void OllamaSurfaceE2eTest::rootAndVersionNeedNoKey()
{
    auto root = request(m_ollama, "GET"_ba, "/"_ba);
    QCOMPARE(root->status(), 200);
    QCOMPARE(root->body(), "Ollama is running"_ba);
    auto head = request(m_ollama, "HEAD"_ba, "/"_ba);
    QCOMPARE(head->status(), 200);

    auto version = request(m_ollama, "GET"_ba, "/api/version"_ba);
    QCOMPARE(version->status(), 200);
    // Copilot refuses anything below 0.6.4.
    const QStringList parts = version->json()["version"_L1].toString().split(u'.');
    QCOMPARE(parts.size(), 3);
    const int number = parts.at(0).toInt() * 10000 + parts.at(1).toInt() * 100 + parts.at(2).toInt();
    QVERIFY2(number >= 604, qPrintable(parts.join(u'.')));
}

void OllamaSurfaceE2eTest::tagsListServedModels()
{
    auto tags = request(m_ollama, "GET"_ba, "/api/tags"_ba);
    QCOMPARE(tags->status(), 200);
    QStringList names;
    for (const QJsonValue model : tags->json()["models"_L1].toArray()) {
        names.append(model["model"_L1].toString());
        QCOMPARE(model["name"_L1].toString(), model["model"_L1].toString());
        QVERIFY(model["digest"_L1].toString().size() == 64);
        QVERIFY(!model["modified_at"_L1].toString().isEmpty());
        QVERIFY(!model["details"_L1]["family"_L1].toString().isEmpty());
    }
    names.sort();
    QCOMPARE(names, (QStringList{u"text"_s, u"text-embedding-3-small"_s, u"tool"_s}));
}

void OllamaSurfaceE2eTest::showDescribesModels()
{
    // From the config: capabilities, context window, output limit.
    auto text = request(m_ollama, "POST"_ba, "/api/show"_ba, {{"model"_L1, "text"_L1}});
    QCOMPARE(text->status(), 200);
    const QJsonObject shown = text->json();
    QCOMPARE(shown["capabilities"_L1].toArray(), (QJsonArray{u"completion"_s, u"tools"_s, u"vision"_s}));
    const QJsonObject info = shown["model_info"_L1].toObject();
    const QString architecture = info["general.architecture"_L1].toString();
    QCOMPARE(info[architecture + u".context_length"_s].toInt(), 200000);
    QCOMPARE(info["general.basename"_L1].toString(), u"text"_s);
    QCOMPARE(info["onegate.max_output_tokens"_L1].toInt(), 8192);

    // Not configured: a chat model with tools, and an embedding model by its name.
    auto tool = request(m_ollama, "POST"_ba, "/api/show"_ba, {{"name"_L1, "tool"_L1}});
    QCOMPARE(tool->status(), 200);
    QCOMPARE(tool->json()["capabilities"_L1].toArray(), (QJsonArray{u"completion"_s, u"tools"_s}));
    QVERIFY(tool->json()["model_info"_L1]["onegate.context_length"_L1].toInt() >= 100000);
    auto embed = request(m_ollama, "POST"_ba, "/api/show"_ba, {{"model"_L1, "text-embedding-3-small"_L1}});
    QCOMPARE(embed->json()["capabilities"_L1].toArray(), (QJsonArray{u"embedding"_s}));

    // The same metadata in the OpenAI listing.
    auto models = request(m_gateway->port(), "GET"_ba, "/v1/models/text"_ba, {}, {{"Authorization"_ba, "Bearer " + kAccessKey}});
    QCOMPARE(models->status(), 200);
    const QJsonObject entry = models->json();
    QCOMPARE(entry["context_window"_L1].toInt(), 200000);
    QCOMPARE(entry["max_output_tokens"_L1].toInt(), 8192);
    QCOMPARE(entry["capabilities"_L1].toArray().size(), 3);
    QCOMPARE(entry["pricing"_L1]["input"_L1].toDouble(), 2.5);
    QCOMPARE(entry["pricing"_L1]["output"_L1].toDouble(), 10.0);
    auto plain = request(m_gateway->port(), "GET"_ba, "/v1/models/tool"_ba, {}, {{"Authorization"_ba, "Bearer " + kAccessKey}});
    QVERIFY(!plain->json().contains("context_window"_L1));
}

void OllamaSurfaceE2eTest::showUnknownModelIs404()
{
    auto missing = request(m_ollama, "POST"_ba, "/api/show"_ba, {{"model"_L1, "nope"_L1}});
    QCOMPARE(missing->status(), 404);
    QCOMPARE(missing->json()["error"_L1].toString(), u"model 'nope' not found"_s);
    auto noModel = request(m_ollama, "POST"_ba, "/api/show"_ba, {});
    QCOMPARE(noModel->status(), 400);
    QVERIFY(noModel->json()["error"_L1].isString());
}

void OllamaSurfaceE2eTest::keysOptionalOnLoopback()
{
    const QJsonObject body{{"model"_L1, "text"_L1}, {"stream"_L1, false},
                           {"messages"_L1, QJsonArray{QJsonObject{{"role"_L1, "user"_L1}, {"content"_L1, "Hi"_L1}}}}};
    // No key, and Copilot's empty bearer: both served.
    QCOMPARE(request(m_ollama, "POST"_ba, "/api/chat"_ba, body)->status(), 200);
    QCOMPARE(request(m_ollama, "POST"_ba, "/api/chat"_ba, body, {{"Authorization"_ba, "Bearer "_ba}})->status(), 200);
    // A key that is sent is checked.
    auto wrong = request(m_ollama, "POST"_ba, "/api/chat"_ba, body, {{"Authorization"_ba, "Bearer sk-wrong"_ba}});
    QCOMPARE(wrong->status(), 401);
    QVERIFY(wrong->json()["error"_L1].toString().contains("Incorrect API key"_L1));
    QCOMPARE(request(m_ollama, "POST"_ba, "/api/chat"_ba, body, {{"Authorization"_ba, "Bearer " + kAccessKey}})->status(), 200);
    // The main port still wants its key.
    QCOMPARE(request(m_gateway->port(), "POST"_ba, "/v1/chat/completions"_ba, body)->status(), 401);
}

void OllamaSurfaceE2eTest::keyAllowlistApplies()
{
    const RawHeaders narrow{{"Authorization"_ba, "Bearer " + kNarrowKey}};
    auto tags = request(m_ollama, "GET"_ba, "/api/tags"_ba, {}, narrow);
    QCOMPARE(tags->json()["models"_L1].toArray().size(), 1);
    QCOMPARE(tags->json()["models"_L1][0]["name"_L1].toString(), u"tool"_s);
    const QJsonObject body{{"model"_L1, "text"_L1}, {"stream"_L1, false},
                           {"messages"_L1, QJsonArray{QJsonObject{{"role"_L1, "user"_L1}, {"content"_L1, "Hi"_L1}}}}};
    auto refused = request(m_ollama, "POST"_ba, "/api/chat"_ba, body, narrow);
    QCOMPARE(refused->status(), 403);
    QVERIFY(refused->json()["error"_L1].toString().contains("may not use the model 'text'"_L1));
    QCOMPARE(request(m_ollama, "POST"_ba, "/api/show"_ba, {{"model"_L1, "text"_L1}}, narrow)->status(), 404);
}

void OllamaSurfaceE2eTest::hostGuardOnTheOllamaPort()
{
    // DNS rebinding (Ollama's own CVE-2024-28224): a page's host name is refused.
    auto rebound = request(m_ollama, "GET"_ba, "/api/tags"_ba, {}, {{"Host"_ba, "evil.example:"_ba + QByteArray::number(m_ollama)}});
    QCOMPARE(rebound->status(), 403);
    QVERIFY(rebound->json()["error"_L1].isString());
    auto local = request(m_ollama, "GET"_ba, "/api/tags"_ba, {}, {{"Host"_ba, "localhost:"_ba + QByteArray::number(m_ollama)}});
    QCOMPARE(local->status(), 200);
}

void OllamaSurfaceE2eTest::chatNonStream()
{
    const QString expected = chatText(u"text"_s);
    QVERIFY(!expected.isEmpty());
    const QJsonObject body{{"model"_L1, "text"_L1}, {"stream"_L1, false},
                           {"messages"_L1, QJsonArray{QJsonObject{{"role"_L1, "user"_L1}, {"content"_L1, "Hi"_L1}}}}};
    auto reply = request(m_ollama, "POST"_ba, "/api/chat"_ba, body);
    QCOMPARE(reply->status(), 200);
    const QJsonObject answer = reply->json();
    QCOMPARE(answer["model"_L1].toString(), u"text"_s);
    QCOMPARE(answer["message"_L1]["role"_L1].toString(), u"assistant"_s);
    QCOMPARE(answer["message"_L1]["content"_L1].toString(), expected);
    QCOMPARE(answer["done"_L1].toBool(), true);
    QCOMPARE(answer["done_reason"_L1].toString(), u"stop"_s);
    QVERIFY(answer["prompt_eval_count"_L1].toInt() > 0);
    QVERIFY(answer["eval_count"_L1].toInt() > 0);
    QVERIFY(answer["total_duration"_L1].toDouble() > 0);
    // The provider got an OpenAI body, with no Ollama field left in it.
    const QJsonObject sent = m_openai->lastRequest().body;
    QCOMPARE(sent["model"_L1].toString(), u"text"_s);
    QCOMPARE(sent["messages"_L1][0]["content"_L1].toString(), u"Hi"_s);
    QVERIFY(!sent.contains("options"_L1));
}

void OllamaSurfaceE2eTest::chatStreamIsNdjson()
{
    const QString expected = streamedChatText(u"text"_s);
    // Ollama streams unless told not to.
    const QJsonObject body{{"model"_L1, "text"_L1},
                           {"messages"_L1, QJsonArray{QJsonObject{{"role"_L1, "user"_L1}, {"content"_L1, "Hi"_L1}}}}};
    auto reply = request(m_ollama, "POST"_ba, "/api/chat"_ba, body);
    QCOMPARE(reply->status(), 200);
    QCOMPARE(reply->header("content-type"), "application/x-ndjson"_ba);
    QVERIFY(reply->isComplete());
    const QList<QJsonObject> objects = lines(reply->body());
    QVERIFY(objects.size() >= 2);
    QString text;
    for (qsizetype i = 0; i + 1 < objects.size(); ++i) {
        QCOMPARE(objects.at(i)["done"_L1].toBool(), false);
        text += objects.at(i)["message"_L1]["content"_L1].toString();
    }
    QCOMPARE(text, expected);
    const QJsonObject last = objects.constLast();
    QCOMPARE(last["done"_L1].toBool(), true);
    QCOMPARE(last["done_reason"_L1].toString(), u"stop"_s);
    QVERIFY(last["eval_count"_L1].toInt() > 0);
    // The relay asked the provider for the usage the last line carries.
    QCOMPARE(m_openai->lastRequest().body["stream_options"_L1]["include_usage"_L1].toBool(), true);
}

void OllamaSurfaceE2eTest::chatToolCall()
{
    const QJsonArray tools{QJsonObject{
        {"type"_L1, "function"_L1},
        {"function"_L1, QJsonObject{{"name"_L1, "get_current_weather"_L1},
                                    {"parameters"_L1, QJsonObject{{"type"_L1, "object"_L1}}}}}}};
    const QJsonObject body{{"model"_L1, "tool"_L1}, {"stream"_L1, false}, {"tools"_L1, tools},
                           {"messages"_L1, QJsonArray{QJsonObject{{"role"_L1, "user"_L1}, {"content"_L1, "Weather?"_L1}}}}};
    auto reply = request(m_ollama, "POST"_ba, "/api/chat"_ba, body);
    QCOMPARE(reply->status(), 200);
    const QJsonArray calls = reply->json()["message"_L1]["tool_calls"_L1].toArray();
    QVERIFY(!calls.isEmpty());
    // Arguments are an object, as Ollama sends them, not a JSON string.
    QVERIFY(calls.at(0)["function"_L1]["arguments"_L1].isObject());
    QVERIFY(!calls.at(0)["function"_L1]["name"_L1].toString().isEmpty());
    QCOMPARE(m_openai->lastRequest().body["tools"_L1].toArray().size(), 1);

    // The second turn: the call and its result go back as OpenAI messages, paired by id.
    QJsonObject assistant{{"role"_L1, "assistant"_L1}, {"content"_L1, ""_L1}, {"tool_calls"_L1, calls}};
    const QJsonObject result{{"role"_L1, "tool"_L1}, {"tool_name"_L1, calls.at(0)["function"_L1]["name"_L1]},
                             {"content"_L1, "22 degrees"_L1}};
    QJsonObject second = body;
    second.insert("model"_L1, "text"_L1);
    second.insert("messages"_L1, QJsonArray{body["messages"_L1][0], assistant, result});
    auto turn = request(m_ollama, "POST"_ba, "/api/chat"_ba, second);
    QCOMPARE(turn->status(), 200);
    const QJsonArray sent = m_openai->lastRequest().body["messages"_L1].toArray();
    QCOMPARE(sent.size(), 3);
    const QString id = sent.at(1)["tool_calls"_L1][0]["id"_L1].toString();
    QVERIFY(!id.isEmpty());
    QCOMPARE(sent.at(2)["role"_L1].toString(), u"tool"_s);
    QCOMPARE(sent.at(2)["tool_call_id"_L1].toString(), id);
}

void OllamaSurfaceE2eTest::generateStream()
{
    const QString expected = streamedChatText(u"text"_s);
    const QJsonObject body{{"model"_L1, "text"_L1}, {"prompt"_L1, "Hi"_L1}, {"system"_L1, "Be brief"_L1}};
    auto reply = request(m_ollama, "POST"_ba, "/api/generate"_ba, body);
    QCOMPARE(reply->status(), 200);
    const QList<QJsonObject> objects = lines(reply->body());
    QVERIFY(objects.size() >= 2);
    QString text;
    for (const QJsonObject &object : objects)
        text += object["response"_L1].toString();
    QCOMPARE(text, expected);
    QCOMPARE(objects.constLast()["done"_L1].toBool(), true);
    const QJsonArray sent = m_openai->lastRequest().body["messages"_L1].toArray();
    QCOMPARE(sent.at(0)["role"_L1].toString(), u"system"_s);
    QCOMPARE(sent.at(1)["content"_L1].toString(), u"Hi"_s);
}

void OllamaSurfaceE2eTest::loadCallAnswersAtOnce()
{
    const qsizetype before = m_openai->requests().size();
    auto load = request(m_ollama, "POST"_ba, "/api/generate"_ba, {{"model"_L1, "text"_L1}});
    QCOMPARE(load->status(), 200);
    QCOMPARE(load->json()["done"_L1].toBool(), true);
    QCOMPARE(load->json()["done_reason"_L1].toString(), u"load"_s);
    auto chatLoad = request(m_ollama, "POST"_ba, "/api/chat"_ba, {{"model"_L1, "text"_L1}, {"messages"_L1, QJsonArray()}});
    QCOMPARE(chatLoad->status(), 200);
    QCOMPARE(chatLoad->json()["message"_L1]["role"_L1].toString(), u"assistant"_s);
    QCOMPARE(m_openai->requests().size(), before);  // no provider was asked
    auto unknown = request(m_ollama, "POST"_ba, "/api/generate"_ba, {{"model"_L1, "nope"_L1}});
    QCOMPARE(unknown->status(), 404);
}

void OllamaSurfaceE2eTest::latestTagResolves()
{
    // Ollama clients add ":latest" to bare names.
    auto show = request(m_ollama, "POST"_ba, "/api/show"_ba, {{"model"_L1, "text:latest"_L1}});
    QCOMPARE(show->status(), 200);
    const QJsonObject body{{"model"_L1, "text:latest"_L1}, {"stream"_L1, false}, {"prompt"_L1, "Hi"_L1}};
    auto reply = request(m_ollama, "POST"_ba, "/api/generate"_ba, body);
    QCOMPARE(reply->status(), 200);
    QCOMPARE(m_openai->lastRequest().body["model"_L1].toString(), u"text"_s);
}

void OllamaSurfaceE2eTest::embedAndLegacyEmbeddings()
{
    auto embed = request(m_ollama, "POST"_ba, "/api/embed"_ba,
                         {{"model"_L1, "text-embedding-3-small"_L1}, {"input"_L1, QJsonArray{u"one"_s, u"two"_s}}});
    QCOMPARE(embed->status(), 200);
    const QJsonObject answer = embed->json();
    QCOMPARE(answer["model"_L1].toString(), u"text-embedding-3-small"_s);
    const QJsonArray vectors = answer["embeddings"_L1].toArray();
    QCOMPARE(vectors.size(), 2);
    QVERIFY(!vectors.at(0).toArray().isEmpty());
    QVERIFY(vectors.at(0).toArray() != vectors.at(1).toArray());
    QVERIFY(answer["prompt_eval_count"_L1].toInt() > 0);
    // The provider was asked for floats, whatever the client's SDK default.
    const QJsonObject sent = m_openai->lastRequest().body;
    QCOMPARE(sent["encoding_format"_L1].toString(), u"float"_s);
    QCOMPARE(sent["input"_L1].toArray().size(), 2);

    // The same vector through /v1/embeddings on the main port.
    auto openAi = request(m_gateway->port(), "POST"_ba, "/v1/embeddings"_ba,
                          {{"model"_L1, "text-embedding-3-small"_L1}, {"input"_L1, "one"_L1}},
                          {{"Authorization"_ba, "Bearer " + kAccessKey}});
    QCOMPARE(openAi->status(), 200);
    QCOMPARE(openAi->json()["data"_L1][0]["embedding"_L1].toArray(), vectors.at(0).toArray());

    auto legacy = request(m_ollama, "POST"_ba, "/api/embeddings"_ba,
                          {{"model"_L1, "text-embedding-3-small"_L1}, {"prompt"_L1, "one"_L1}});
    QCOMPARE(legacy->status(), 200);
    QCOMPARE(legacy->json()["embedding"_L1].toArray(), vectors.at(0).toArray());

    auto empty = request(m_ollama, "POST"_ba, "/api/embed"_ba, {{"model"_L1, "text-embedding-3-small"_L1}, {"input"_L1, QJsonArray()}});
    QCOMPARE(empty->status(), 400);
    QVERIFY(empty->json()["error"_L1].toString().contains("input"_L1));
}

void OllamaSurfaceE2eTest::copilotFlowOnOneBaseUrl()
{
    // Copilot's sequence, with its empty bearer on every request, all on one base URL.
    const RawHeaders copilot{{"Authorization"_ba, "Bearer "_ba}, {"User-Agent"_ba, "GitHubCopilotChat/0.33.0"_ba}};
    QCOMPARE(request(m_ollama, "GET"_ba, "/api/version"_ba, {}, copilot)->status(), 200);
    auto tags = request(m_ollama, "GET"_ba, "/api/tags"_ba, {}, copilot);
    QCOMPARE(tags->status(), 200);
    for (const QJsonValue model : tags->json()["models"_L1].toArray())
        QCOMPARE(request(m_ollama, "POST"_ba, "/api/show"_ba, {{"model"_L1, model["model"_L1]}}, copilot)->status(), 200);
    const QJsonObject body{{"model"_L1, "text"_L1}, {"stream"_L1, true},
                           {"stream_options"_L1, QJsonObject{{"include_usage"_L1, true}}},
                           {"messages"_L1, QJsonArray{QJsonObject{{"role"_L1, "user"_L1}, {"content"_L1, "Hi"_L1}}}}};
    auto chat = request(m_ollama, "POST"_ba, "/v1/chat/completions"_ba, body, copilot);
    QCOMPARE(chat->status(), 200);
    QCOMPARE(chat->header("content-type"), "text/event-stream"_ba);
    QVERIFY(chat->eventData().contains("[DONE]"_ba));
    // Errors off /api stay OpenAI-shaped there.
    auto missing = request(m_ollama, "POST"_ba, "/v1/chat/completions"_ba, {{"model"_L1, "nope"_L1}, {"messages"_L1, body["messages"_L1]}}, copilot);
    QCOMPARE(missing->status(), 404);
    QVERIFY(missing->json()["error"_L1].isObject());
}

void OllamaSurfaceE2eTest::runningListsRecentModels()
{
    request(m_ollama, "POST"_ba, "/api/generate"_ba, {{"model"_L1, "tool"_L1}});
    auto ps = request(m_ollama, "GET"_ba, "/api/ps"_ba);
    QCOMPARE(ps->status(), 200);
    QStringList names;
    for (const QJsonValue model : ps->json()["models"_L1].toArray()) {
        names.append(model["name"_L1].toString());
        QVERIFY(!model["expires_at"_L1].toString().isEmpty());
    }
    QVERIFY2(names.contains(u"tool"_s), qPrintable(names.join(u',')));
}

void OllamaSurfaceE2eTest::usageRecordedForOllamaClients()
{
    const QJsonObject body{{"model"_L1, "text"_L1}, {"stream"_L1, false}, {"prompt"_L1, "usage please"_L1}};
    QCOMPARE(request(m_ollama, "POST"_ba, "/api/generate"_ba, body)->status(), 200);
    const QList<UsageRecord> rows = m_gateway->usageRows(1);
    QVERIFY(!rows.isEmpty());
    bool found = false;
    for (const UsageRecord &row : rows) {
        if (row.accessKey == "ollama"_L1 && row.requestedModel == "text"_L1 && row.status == 200 && row.promptTokens > 0)
            found = true;
    }
    QVERIFY(found);
}

void OllamaSurfaceE2eTest::badRequestsInOllamaShape()
{
    auto raw = std::make_unique<TestHttpClient>(m_ollama);
    raw->send("POST"_ba, "/api/chat"_ba, {{"Content-Type"_ba, "application/json"_ba}}, "{not json"_ba);
    QVERIFY(raw->waitForFinished(5000));
    QCOMPARE(raw->status(), 400);
    QVERIFY(raw->json()["error"_L1].isString());
    auto suffix = request(m_ollama, "POST"_ba, "/api/generate"_ba, {{"model"_L1, "text"_L1}, {"prompt"_L1, "a"_L1}, {"suffix"_L1, "b"_L1}});
    QCOMPARE(suffix->status(), 400);
    QVERIFY(suffix->json()["error"_L1].toString().contains("/v1/completions"_L1));
    auto wrongMethod = request(m_ollama, "GET"_ba, "/api/chat"_ba);
    QCOMPARE(wrongMethod->status(), 405);
    QCOMPARE(wrongMethod->header("allow"), "POST"_ba);
    QVERIFY(wrongMethod->json()["error"_L1].isString());
    auto unknown = request(m_ollama, "POST"_ba, "/api/pull"_ba, {{"model"_L1, "x"_L1}});
    QCOMPARE(unknown->status(), 404);
    QVERIFY(unknown->json()["error"_L1].isString());
    // The surface keeps serving after all of that.
    QCOMPARE(request(m_ollama, "GET"_ba, "/api/version"_ba)->status(), 200);
}

void OllamaSurfaceE2eTest::nonLoopbackNeedsKey()
{
    // Listening beyond this computer, the surface is like the main port: a key or 401.
    GatewayFixture wide;
    const QByteArray config = uR"({"listen":"127.0.0.1:0","ollama":{"listen":"0.0.0.0:0"},
        "access_keys":[{"name":"main","key":"env:ONEGATE_OLLSURF_KEY","models":["*"]}],
        "providers":[{"id":"up","kind":"openai","base_url":"%1","proxy":"none","api_key":"env:ONEGATE_OLLSURF_UPSTREAM","models":["text"]}]})"_s
                                  .arg(m_openai->baseUrl())
                                  .toUtf8();
    QVERIFY(wide.start(config).isEmpty());
    QVERIFY(wide.ollamaPort() != 0);
    auto anonymous = request(wide.ollamaPort(), "GET"_ba, "/api/tags"_ba);
    QCOMPARE(anonymous->status(), 401);
    QVERIFY(anonymous->json()["error"_L1].isString());
    auto keyed = request(wide.ollamaPort(), "GET"_ba, "/api/tags"_ba, {}, {{"Authorization"_ba, "Bearer " + kAccessKey}});
    QCOMPARE(keyed->status(), 200);

    // Turned off by a reload, its port closes; on again, it opens.
    ConfigResult off = parseConfig(QByteArray(config).replace(R"("ollama":{"listen":"0.0.0.0:0"},)", ""), u"off.json"_s);
    QVERIFY(off.ok());
    Config offConfig = *off.config;
    MemorySecretStore secrets;
    QVERIFY(resolveSecrets(offConfig, secrets).isEmpty());
    std::optional<ConfigApplyResult> applied;
    connect(&wide.service(), &GatewayService::configApplied, this,
            [&applied](const ConfigApplyResult &result) { applied = result; });
    QVERIFY(wide.service().applyConfig(std::make_shared<const Config>(offConfig)));
    QVERIFY(waitUntil([&applied] { return applied.has_value(); }, 5000));
    QVERIFY(applied->ok());
    QCOMPARE(applied->ollama.port, quint16(0));
    auto closed = request(wide.ollamaPort(), "GET"_ba, "/api/version"_ba);
    QCOMPARE(closed->status(), 0);

    applied.reset();
    QVERIFY(wide.service().applyConfig(std::make_shared<const Config>(*parseConfig(
        uR"({"listen":"127.0.0.1:0","ollama":{"listen":"127.0.0.1:0"},"auth":{"required":false},"providers":[]})"_s.toUtf8(),
        u"on.json"_s).config)));
    QVERIFY(waitUntil([&applied] { return applied.has_value(); }, 5000));
    QVERIFY2(applied->ollama.error.isEmpty(), qPrintable(applied->ollama.error));
    QVERIFY(applied->ollama.port != 0);
    QCOMPARE(request(applied->ollama.port, "GET"_ba, "/api/version"_ba)->status(), 200);
}

QTEST_GUILESS_MAIN(OllamaSurfaceE2eTest)
#include "tst_ollama_surface_e2e.moc"
