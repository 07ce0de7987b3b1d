// The gateway end to end: a GatewayService on its own thread, built from a config the
// way the app builds it, called over real sockets and relaying to FakeUpstream (recorded
// OpenAI wire data) over real sockets, writing a real usage database.

#include "FakeUpstream.h"
#include "GatewayService.h"
#include "TestHttpClient.h"
#include "UsageRows.h"
#include "config/ConfigParser.h"
#include "secrets/MemorySecretStore.h"
#include "usage/UsageRecorder.h"
#include "usage/UsageStore.h"

#include <QDir>
#include <QJsonArray>
#include <QMap>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace onegate;
using namespace onegate::test;
using namespace Qt::StringLiterals;

namespace {

// Distinct, greppable secrets: the usage database must never contain any of them.
const QByteArray kAccessKey = "og-e2e-access-7d1c4b2a9e"_ba;
const QByteArray kNarrowKey = "og-e2e-narrow-5b8e0f13c7"_ba;
const QByteArray kUpstreamKey = "sk-e2e-upstream-c0ffee42d1"_ba;

const QByteArray kChatPath = "/v1/chat/completions"_ba;

// The key "narrow" may use only `text` (also pinned). `fake-idle` is the same upstream
// with a short idle timeout; `claude` is an anthropic provider with nothing listening.
QByteArray configJson(quint16 upstreamPort)
{
    // The URLs are filled in with arg(): moc 6.4 takes a "//" inside a raw string for a
    // comment and then finds no test class in this file.
    return QString::fromLatin1(R"({
  "listen": "127.0.0.1:0",
  "limits": { "max_body_mb": 1 },
  "access_keys": [
    { "name": "main", "key": "env:ONEGATE_TEST_KEY", "models": ["*"] },
    { "name": "narrow", "key": "env:ONEGATE_TEST_NARROW_KEY", "models": ["text", "fake/text"] }
  ],
  "providers": [
    { "id": "fake", "kind": "openai", "base_url": "%1",
      "api_key": "env:ONEGATE_TEST_UPSTREAM_KEY", "proxy": "none",
      "models": ["text", "tool", "parallel-tools", "length"] },
    { "id": "fake-idle", "kind": "openai", "base_url": "%1",
      "api_key": "env:ONEGATE_TEST_UPSTREAM_KEY", "proxy": "none",
      "timeouts": { "idle_ms": 300 } },
    { "id": "claude", "kind": "anthropic", "base_url": "%2",
      "api_key": "env:ONEGATE_TEST_UPSTREAM_KEY", "proxy": "none", "models": ["claude-test"] }
  ],
  "models": [
    { "id": "smart", "routes": [ { "provider": "fake", "model": "text" } ] }
  ]
})")
        .arg(u"http://127.0.0.1:%1/v1"_s.arg(upstreamPort), u"http://127.0.0.1:9"_s)
        .toUtf8();
}

RawHeaders bearer(const QByteArray &key = kAccessKey)
{
    return {{"Authorization"_ba, "Bearer " + key}};
}

RawHeaders jsonBearer(const QByteArray &key = kAccessKey)
{
    RawHeaders headers = bearer(key);
    headers.append({"Content-Type"_ba, "application/json"_ba});
    return headers;
}

QByteArray chatBody(const QString &model, bool stream, const QJsonObject &extra = {})
{
    QJsonObject body = extra;
    body.insert("model"_L1, model);
    body.insert("messages"_L1,
                QJsonArray{QJsonObject{{"role"_L1, "user"_L1}, {"content"_L1, "What's the weather in SF?"_L1}}});
    if (stream)
        body.insert("stream"_L1, true);
    return QJsonDocument(body).toJson(QJsonDocument::Compact);
}

// Empty when `body` is an OpenAI error ({"error":{"message","type","param","code"}}),
// otherwise what is wrong with it.
QString openAiErrorProblem(const QByteArray &body)
{
    const QJsonDocument doc = QJsonDocument::fromJson(body);
    const QJsonObject error = doc.object().value("error"_L1).toObject();
    if (error.isEmpty())
        return u"not an OpenAI error body: "_s + QString::fromUtf8(body.left(300));
    if (!error.value("message"_L1).isString() || error.value("message"_L1).toString().isEmpty())
        return u"error.message missing or empty"_s;
    for (const QLatin1String field : {"type"_L1, "param"_L1, "code"_L1}) {
        const QJsonValue value = error.value(field);
        if (!value.isString() && !value.isNull())
            return u"error.%1 must be a string or null"_s.arg(field);
    }
    return {};
}

QJsonObject errorOf(const QByteArray &body)
{
    return QJsonDocument::fromJson(body).object().value("error"_L1).toObject();
}

QList<QByteArray> withoutUsageOnlyChunk(const QList<QByteArray> &events)
{
    QList<QByteArray> kept;
    for (const QByteArray &event : events) {
        const QJsonObject chunk = QJsonDocument::fromJson(event).object();
        if (chunk.value("usage"_L1).isObject() && chunk.value("choices"_L1).toArray().isEmpty())
            continue;
        kept.append(event);
    }
    return kept;
}

bool hasError(const QByteArray &event)
{
    return QJsonDocument::fromJson(event).object().value("error"_L1).isObject();
}

} // namespace

class GatewayE2eTest final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void health_data();
    void health();
    void pausedGatewayAnswers503();
    void modelsList_data();
    void modelsList();
    void modelById_data();
    void modelById();
    void auth_data();
    void auth();
    void authOnChatNeverReachesUpstream();
    void hostGuard_data();
    void hostGuard();
    void requestErrors_data();
    void requestErrors();
    void bodyLimit_data();
    void bodyLimit();

    void nonStreamText();
    void streamTextKeepsChunkSpacing();
    void streamIncludeUsageRequested();
    void toolCalls_data();
    void toolCalls();
    void upstreamErrors_data();
    void upstreamErrors();
    void brokenStreams_data();
    void brokenStreams();
    void stallHitsIdleTimeout();
    void redirectRefused_data();
    void redirectRefused();
    void garbageAnswer();
    void clientDisconnectAbortsUpstream();
    void usageRows();
    void gracefulShutdown();

private:
    std::unique_ptr<TestHttpClient> call(const QByteArray &method, const QByteArray &path,
                                         const RawHeaders &headers = {}, const QByteArray &body = {},
                                         int timeoutMs = 5000);
    std::unique_ptr<TestHttpClient> chat(const QString &model, bool stream,
                                         const QJsonObject &extra = {}, int timeoutMs = 5000);
    // A fresh plain request that must succeed: the gateway still serves.
    void verifyStillServing();
    QList<UsageRecord> usageRows(int expected);

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<FakeUpstream> m_fake;
    std::unique_ptr<UsageRecorder> m_usage;
    std::unique_ptr<GatewayService> m_service;
    quint16 m_port = 0;
};

void GatewayE2eTest::initTestCase()
{
    qputenv("ONEGATE_TEST_KEY", kAccessKey);
    qputenv("ONEGATE_TEST_NARROW_KEY", kNarrowKey);
    qputenv("ONEGATE_TEST_UPSTREAM_KEY", kUpstreamKey);
}

void GatewayE2eTest::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    // The fake demands the upstream key: every relayed request proves the gateway sent it.
    m_fake = std::make_unique<FakeUpstream>(kUpstreamKey);
    QVERIFY2(m_fake->listen(), qPrintable(m_fake->errorString()));

    ConfigResult parsed = parseConfig(configJson(m_fake->port()), u"e2e.json"_s);
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
    QVERIFY(listening.port != 0);
    m_port = listening.port;
}

void GatewayE2eTest::cleanup()
{
    m_service.reset();
    m_usage.reset();
    m_fake.reset();
    m_dir.reset();
}

std::unique_ptr<TestHttpClient> GatewayE2eTest::call(const QByteArray &method, const QByteArray &path,
                                                     const RawHeaders &headers, const QByteArray &body,
                                                     int timeoutMs)
{
    auto client = std::make_unique<TestHttpClient>(m_port);
    client->send(method, path, headers, body);
    client->waitForFinished(timeoutMs);
    return client;
}

std::unique_ptr<TestHttpClient> GatewayE2eTest::chat(const QString &model, bool stream,
                                                     const QJsonObject &extra, int timeoutMs)
{
    return call("POST"_ba, kChatPath, jsonBearer(), chatBody(model, stream, extra), timeoutMs);
}

void GatewayE2eTest::verifyStillServing()
{
    const qsizetype before = m_fake->requests().size();
    const auto next = chat(u"smart"_s, false);
    QVERIFY(next->isComplete());
    QCOMPARE(next->status(), 200);
    QCOMPARE(next->body(), FakeUpstream::fixture(u"chat_response_text_recorded.json"_s));
    QCOMPARE(m_fake->requests().size(), before + 1);
}

QList<UsageRecord> GatewayE2eTest::usageRows(int expected)
{
    return committedUsageRows(*m_usage, m_dir->filePath(u"usage.db"_s), expected);
}

// ---- front door: health, models, auth, host guard, errors, limits ---------------------

void GatewayE2eTest::health_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QByteArray>("path");
    QTest::addColumn<bool>("hasBody");

    QTest::newRow("GET /health") << "GET"_ba << "/health"_ba << true;
    QTest::newRow("HEAD /") << "HEAD"_ba << "/"_ba << false;
    QTest::newRow("GET /") << "GET"_ba << "/"_ba << true;
    QTest::newRow("HEAD /health") << "HEAD"_ba << "/health"_ba << false;
}

void GatewayE2eTest::health()
{
    QFETCH(QByteArray, method);
    QFETCH(QByteArray, path);
    QFETCH(bool, hasBody);

    const auto response = call(method, path);  // no key: health needs none
    QVERIFY(response->isComplete());
    QCOMPARE(response->status(), 200);
    if (hasBody)
        QCOMPARE(response->json().value("status"_L1).toString(), u"ok"_s);
    else
        QVERIFY(response->body().isEmpty());
    QVERIFY(m_fake->requests().isEmpty());
}

void GatewayE2eTest::pausedGatewayAnswers503()
{
    m_service->setPaused(true);
    // The pause is a queued call to the gateway thread: poll until it took effect.
    QTRY_COMPARE(call("GET"_ba, "/health"_ba)->json().value("status"_L1).toString(), u"paused"_s);
    const auto refused = call("GET"_ba, "/v1/models"_ba, bearer());
    QCOMPARE(refused->status(), 503);
    QCOMPARE(refused->json().value("error"_L1).toObject().value("code"_L1).toString(), u"gateway_paused"_s);
    const auto chatRefused = chat(u"text"_s, false);
    QCOMPARE(chatRefused->status(), 503);
    QVERIFY(m_fake->requests().isEmpty());

    m_service->setPaused(false);
    QTRY_COMPARE(call("GET"_ba, "/v1/models"_ba, bearer())->status(), 200);
    QCOMPARE(call("GET"_ba, "/health"_ba)->json().value("status"_L1).toString(), u"ok"_s);
}

void GatewayE2eTest::modelsList_data()
{
    QTest::addColumn<QByteArray>("key");
    QTest::addColumn<QStringList>("ids");
    QTest::addColumn<QStringList>("owners");

    QTest::newRow("main key sees everything")
        << kAccessKey
        << QStringList{u"smart"_s, u"text"_s, u"tool"_s, u"parallel-tools"_s, u"length"_s, u"claude-test"_s}
        << QStringList{u"onegate"_s, u"fake"_s, u"fake"_s, u"fake"_s, u"fake"_s, u"claude"_s};
    QTest::newRow("narrow key sees its allowlist") << kNarrowKey << QStringList{u"text"_s}
                                                   << QStringList{u"fake"_s};
}

void GatewayE2eTest::modelsList()
{
    QFETCH(QByteArray, key);
    QFETCH(QStringList, ids);
    QFETCH(QStringList, owners);

    const auto response = call("GET"_ba, "/v1/models"_ba, bearer(key));
    QVERIFY(response->isComplete());
    QCOMPARE(response->status(), 200);
    const QJsonObject list = response->json();
    QCOMPARE(list.value("object"_L1).toString(), u"list"_s);
    QStringList seenIds;
    QStringList seenOwners;
    for (const QJsonValue &entry : list.value("data"_L1).toArray()) {
        const QJsonObject model = entry.toObject();
        QCOMPARE(model.value("object"_L1).toString(), u"model"_s);
        QVERIFY(model.value("created"_L1).toInteger() > 0);
        seenIds.append(model.value("id"_L1).toString());
        seenOwners.append(model.value("owned_by"_L1).toString());
    }
    QCOMPARE(seenIds, ids);
    QCOMPARE(seenOwners, owners);
    // The list is the gateway's own: nothing is asked of the provider.
    QVERIFY(m_fake->requests().isEmpty());
}

void GatewayE2eTest::modelById_data()
{
    QTest::addColumn<QByteArray>("key");
    QTest::addColumn<QByteArray>("path");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("id");
    QTest::addColumn<QString>("owner");

    QTest::newRow("provider model") << kAccessKey << "/v1/models/text"_ba << 200 << u"text"_s << u"fake"_s;
    QTest::newRow("alias") << kAccessKey << "/v1/models/smart"_ba << 200 << u"smart"_s << u"onegate"_s;
    QTest::newRow("pinned id with a slash")
        << kAccessKey << "/v1/models/fake/text"_ba << 200 << u"fake/text"_s << u"fake"_s;
    QTest::newRow("pinned id, slash percent-encoded")
        << kAccessKey << "/v1/models/fake%2Ftext"_ba << 200 << u"fake/text"_s << u"fake"_s;
    QTest::newRow("pinned id, narrow key allowed")
        << kNarrowKey << "/v1/models/fake/text"_ba << 200 << u"fake/text"_s << u"fake"_s;
    QTest::newRow("without /v1") << kAccessKey << "/models/tool"_ba << 200 << u"tool"_s << u"fake"_s;
    QTest::newRow("model the key may not use") << kNarrowKey << "/v1/models/tool"_ba << 404 << QString() << QString();
    QTest::newRow("alias the key may not use") << kNarrowKey << "/v1/models/smart"_ba << 404 << QString() << QString();
    QTest::newRow("unknown model") << kAccessKey << "/v1/models/no-such-model"_ba << 404 << QString() << QString();
    QTest::newRow("unknown pinned provider")
        << kAccessKey << "/v1/models/nobody/text"_ba << 404 << QString() << QString();
}

void GatewayE2eTest::modelById()
{
    QFETCH(QByteArray, key);
    QFETCH(QByteArray, path);
    QFETCH(int, status);
    QFETCH(QString, id);
    QFETCH(QString, owner);

    const auto response = call("GET"_ba, path, bearer(key));
    QVERIFY(response->isComplete());
    QCOMPARE(response->status(), status);
    if (status == 200) {
        const QJsonObject model = response->json();
        QCOMPARE(model.value("id"_L1).toString(), id);
        QCOMPARE(model.value("object"_L1).toString(), u"model"_s);
        QCOMPARE(model.value("owned_by"_L1).toString(), owner);
    } else {
        const QString problem = openAiErrorProblem(response->body());
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
        QCOMPARE(errorOf(response->body()).value("code"_L1).toString(), u"model_not_found"_s);
    }
}

void GatewayE2eTest::auth_data()
{
    QTest::addColumn<QByteArray>("name");
    QTest::addColumn<QByteArray>("value");
    QTest::addColumn<int>("status");

    QTest::newRow("no key") << QByteArray() << QByteArray() << 401;
    QTest::newRow("wrong bearer") << "Authorization"_ba << "Bearer og-e2e-wrong"_ba << 401;
    QTest::newRow("key with a suffix") << "Authorization"_ba << QByteArray("Bearer " + kAccessKey + "x") << 401;
    QTest::newRow("upstream key is no access key") << "Authorization"_ba << QByteArray("Bearer " + kUpstreamKey) << 401;
    QTest::newRow("bare key in Authorization") << "Authorization"_ba << kAccessKey << 401;
    QTest::newRow("wrong x-api-key") << "x-api-key"_ba << "og-e2e-wrong"_ba << 401;
    QTest::newRow("Bearer") << "Authorization"_ba << QByteArray("Bearer " + kAccessKey) << 200;
    QTest::newRow("bearer, lower case scheme") << "authorization"_ba << QByteArray("bearer " + kAccessKey) << 200;
    QTest::newRow("x-api-key") << "x-api-key"_ba << kAccessKey << 200;
    QTest::newRow("X-Api-Key, mixed case name") << "X-Api-Key"_ba << kAccessKey << 200;
    QTest::newRow("api-key") << "api-key"_ba << kAccessKey << 200;
}

void GatewayE2eTest::auth()
{
    QFETCH(QByteArray, name);
    QFETCH(QByteArray, value);
    QFETCH(int, status);

    RawHeaders headers;
    if (!name.isEmpty())
        headers.append({name, value});
    const auto response = call("GET"_ba, "/v1/models"_ba, headers);
    QVERIFY(response->isComplete());
    QCOMPARE(response->status(), status);
    if (status == 401) {
        const QString problem = openAiErrorProblem(response->body());
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
        const QJsonObject error = errorOf(response->body());
        QCOMPARE(error.value("code"_L1).toString(), u"invalid_api_key"_s);
        QCOMPARE(error.value("type"_L1).toString(), u"invalid_request_error"_s);
        QVERIFY(error.value("param"_L1).isNull());
        // Never echo what was presented: it may be a real key pasted in the wrong place.
        QVERIFY(!response->body().contains(kUpstreamKey));
    } else {
        QCOMPARE(response->json().value("object"_L1).toString(), u"list"_s);
    }
}

void GatewayE2eTest::authOnChatNeverReachesUpstream()
{
    const auto response = call("POST"_ba, kChatPath, bearer("og-e2e-wrong"_ba), chatBody(u"smart"_s, false));
    QCOMPARE(response->status(), 401);
    QCOMPARE(errorOf(response->body()).value("code"_L1).toString(), u"invalid_api_key"_s);
    QVERIFY(m_fake->requests().isEmpty());
}

void GatewayE2eTest::hostGuard_data()
{
    // "{port}" is the gateway's port, known only once init() started it.
    QTest::addColumn<QByteArray>("host");
    QTest::addColumn<QByteArray>("path");
    QTest::addColumn<int>("status");

    QTest::newRow("evil host, health") << "evil.example"_ba << "/health"_ba << 403;
    QTest::newRow("evil host with our port, health") << "evil.example:{port}"_ba << "/health"_ba << 403;
    QTest::newRow("evil host, chat") << "evil.example"_ba << kChatPath << 403;
    QTest::newRow("evil host with our port, chat") << "evil.example:{port}"_ba << kChatPath << 403;
    QTest::newRow("wrong port, health") << "127.0.0.1:{otherport}"_ba << "/health"_ba << 403;
    QTest::newRow("wrong port, chat") << "localhost:{otherport}"_ba << kChatPath << 403;
    QTest::newRow("no port") << "127.0.0.1"_ba << "/health"_ba << 403;
    QTest::newRow("localhost, health") << "localhost:{port}"_ba << "/health"_ba << 200;
    QTest::newRow("localhost, chat") << "localhost:{port}"_ba << kChatPath << 200;
    QTest::newRow("LOCALHOST upper case, chat") << "LOCALHOST:{port}"_ba << kChatPath << 200;
    QTest::newRow("127.0.0.1, health") << "127.0.0.1:{port}"_ba << "/health"_ba << 200;
    QTest::newRow("127.0.0.1, chat") << "127.0.0.1:{port}"_ba << kChatPath << 200;
}

void GatewayE2eTest::hostGuard()
{
    QFETCH(QByteArray, host);
    QFETCH(QByteArray, path);
    QFETCH(int, status);

    host.replace("{port}", QByteArray::number(m_port));
    host.replace("{otherport}", QByteArray::number(m_port == 65535 ? 1 : m_port + 1));
    const bool isChat = path == kChatPath;
    RawHeaders headers = jsonBearer();
    headers.append({"Host"_ba, host});
    const auto response = call(isChat ? "POST"_ba : "GET"_ba, path, headers,
                               isChat ? chatBody(u"smart"_s, false) : QByteArray());
    QVERIFY(response->isComplete());
    QCOMPARE(response->status(), status);
    if (status == 403) {
        const QString problem = openAiErrorProblem(response->body());
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
        QCOMPARE(errorOf(response->body()).value("code"_L1).toString(), u"host_not_allowed"_s);
        QVERIFY(m_fake->requests().isEmpty());
    } else if (isChat) {
        QCOMPARE(response->body(), FakeUpstream::fixture(u"chat_response_text_recorded.json"_s));
    }
}

void GatewayE2eTest::requestErrors_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QByteArray>("path");
    QTest::addColumn<QByteArray>("key");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("code");  // empty: JSON null
    QTest::addColumn<QByteArray>("allow");

    const QByteArray none;
    QTest::newRow("unknown path") << "GET"_ba << "/v1/nope"_ba << kAccessKey << none << 404
                                  << u"unknown_url"_s << none;
    QTest::newRow("unknown path, no key") << "POST"_ba << "/v2/chat/completions"_ba << QByteArray() << none
                                          << 404 << u"unknown_url"_s << none;
    QTest::newRow("GET chat") << "GET"_ba << kChatPath << kAccessKey << none << 405 << u"method_not_allowed"_s
                              << "POST"_ba;
    QTest::newRow("DELETE models") << "DELETE"_ba << "/v1/models"_ba << kAccessKey << none << 405
                                   << u"method_not_allowed"_s << "GET"_ba;
    QTest::newRow("POST health") << "POST"_ba << "/health"_ba << QByteArray() << none << 405
                                 << u"method_not_allowed"_s << "GET, HEAD"_ba;
    QTest::newRow("malformed JSON") << "POST"_ba << kChatPath << kAccessKey << R"({"model": "smart", )"_ba
                                    << 400 << QString() << none;
    QTest::newRow("empty body") << "POST"_ba << kChatPath << kAccessKey << none << 400 << QString() << none;
    QTest::newRow("JSON array body") << "POST"_ba << kChatPath << kAccessKey << "[1, 2]"_ba << 400
                                     << QString() << none;
    QTest::newRow("missing model") << "POST"_ba << kChatPath << kAccessKey << R"({"messages": []})"_ba << 400
                                   << QString() << none;
    QTest::newRow("model not a string") << "POST"_ba << kChatPath << kAccessKey
                                        << R"({"model": 5, "messages": []})"_ba << 400 << QString() << none;
    QTest::newRow("stream not a boolean") << "POST"_ba << kChatPath << kAccessKey
                                          << R"({"model": "smart", "messages": [], "stream": "yes"})"_ba << 400
                                          << QString() << none;
    QTest::newRow("model not allowed for the key") << "POST"_ba << kChatPath << kNarrowKey
                                                   << chatBody(u"tool"_s, false) << 403 << u"model_not_allowed"_s
                                                   << none;
    QTest::newRow("unknown model") << "POST"_ba << kChatPath << kAccessKey << chatBody(u"no-such-model"_s, false)
                                   << 404 << u"model_not_found"_s << none;
    QTest::newRow("unknown pinned provider") << "POST"_ba << kChatPath << kAccessKey
                                             << chatBody(u"nobody/text"_s, false) << 404 << u"model_not_found"_s
                                             << none;
    QTest::newRow("anthropic provider, nothing listening") << "POST"_ba << kChatPath << kAccessKey
                                                           << chatBody(u"claude-test"_s, false) << 502
                                                           << u"upstream_unreachable"_s << none;
}

void GatewayE2eTest::requestErrors()
{
    QFETCH(QByteArray, method);
    QFETCH(QByteArray, path);
    QFETCH(QByteArray, key);
    QFETCH(QByteArray, body);
    QFETCH(int, status);
    QFETCH(QString, code);
    QFETCH(QByteArray, allow);

    RawHeaders headers = key.isEmpty() ? RawHeaders() : jsonBearer(key);
    const auto response = call(method, path, headers, body);
    QVERIFY(response->isComplete());
    QCOMPARE(response->status(), status);
    const QString problem = openAiErrorProblem(response->body());
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    const QJsonValue errorCode = errorOf(response->body()).value("code"_L1);
    if (code.isEmpty())
        QVERIFY2(errorCode.isNull(), qPrintable(errorCode.toString()));
    else
        QCOMPARE(errorCode.toString(), code);
    if (!allow.isEmpty())
        QCOMPARE(response->header("allow"), allow);
    QVERIFY(m_fake->requests().isEmpty());
    verifyStillServing();
}

void GatewayE2eTest::bodyLimit_data()
{
    QTest::addColumn<bool>("chunked");
    QTest::newRow("Content-Length") << false;
    QTest::newRow("chunked") << true;
}

void GatewayE2eTest::bodyLimit()
{
    QFETCH(bool, chunked);

    // A valid chat request, only too big: 3 MB against the config's 1 MB limit.
    const QByteArray body = chatBody(u"smart"_s, false, {{"padding"_L1, QString(3 * 1024 * 1024, u'x')}});
    TestHttpClient client(m_port);
    client.send("POST"_ba, kChatPath, jsonBearer(), body,
                chunked ? TestHttpClient::BodyMode::Chunked : TestHttpClient::BodyMode::ContentLength);
    QVERIFY(client.waitForFinished());
    QVERIFY2(client.isComplete(), qPrintable(client.socketError() + u" status %1 body "_s.arg(client.status()) + QString::fromUtf8(client.body())));
    QCOMPARE(client.status(), 413);
    const QString problem = openAiErrorProblem(client.body());
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    QCOMPARE(errorOf(client.body()).value("code"_L1).toString(), u"request_too_large"_s);
    QVERIFY(m_fake->requests().isEmpty());

    // Just under the limit still goes through.
    const QByteArray fits = chatBody(u"smart"_s, false, {{"padding"_L1, QString(900 * 1024, u'x')}});
    TestHttpClient under(m_port);
    under.send("POST"_ba, kChatPath, jsonBearer(), fits,
               chunked ? TestHttpClient::BodyMode::Chunked : TestHttpClient::BodyMode::ContentLength);
    QVERIFY(under.waitForFinished());
    QCOMPARE(under.status(), 200);
    QCOMPARE(m_fake->requests().size(), 1);
    QCOMPARE(m_fake->lastRequest().body.value("padding"_L1).toString().size(), 900 * 1024);

    verifyStillServing();
}

// ---- relaying --------------------------------------------------------------------------

void GatewayE2eTest::nonStreamText()
{
    // A stock client (QNetworkAccessManager) rather than the raw one.
    QNetworkAccessManager manager;
    manager.setProxy(QNetworkProxy(QNetworkProxy::NoProxy));
    QNetworkRequest request(QUrl(u"http://127.0.0.1:%1/v1/chat/completions"_s.arg(m_port)));
    request.setHeader(QNetworkRequest::ContentTypeHeader, u"application/json"_s);
    request.setRawHeader("Authorization"_ba, "Bearer " + kAccessKey);
    const QJsonObject custom{{"a"_L1, 1}};
    const QByteArray body = chatBody(u"smart"_s, false, {{"x_custom"_L1, custom}, {"temperature"_L1, 0.25}});
    std::unique_ptr<QNetworkReply> reply(manager.post(request, body));
    QSignalSpy finished(reply.get(), &QNetworkReply::finished);
    QVERIFY(finished.wait(5000));

    QCOMPARE(reply->error(), QNetworkReply::NoError);
    QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
    QVERIFY(reply->header(QNetworkRequest::ContentTypeHeader).toString().startsWith(u"application/json"_s));
    // Same dialect in and out: the provider's answer reaches the client byte for byte.
    QCOMPARE(reply->readAll(), FakeUpstream::fixture(u"chat_response_text_recorded.json"_s));

    QCOMPARE(m_fake->requests().size(), 1);
    const RecordedRequest seen = m_fake->lastRequest();
    QCOMPARE(seen.method, "POST"_ba);
    QCOMPARE(seen.path, "/v1/chat/completions"_ba);
    QCOMPARE(seen.header("authorization"), QByteArray("Bearer " + kUpstreamKey));
    // Only the model name is rewritten (alias -> upstream name); everything else, unknown
    // fields included, passes through untouched.
    QJsonObject expected = QJsonDocument::fromJson(body).object();
    expected.insert("model"_L1, u"text"_s);
    QCOMPARE(seen.body, expected);
    QCOMPARE(seen.body.value("x_custom"_L1).toObject(), custom);
    QVERIFY(!seen.body.contains("stream_options"_L1));
    // The client's access key stays at the gateway.
    for (const auto &[name, value] : seen.headers)
        QVERIFY2(!value.contains(kAccessKey), name.constData());
}

void GatewayE2eTest::streamTextKeepsChunkSpacing()
{
    TestHttpClient client(m_port);
    client.send("POST"_ba, kChatPath, jsonBearer(), chatBody(u"fake/text@200"_s, true));
    QVERIFY(client.waitForFinished(15000));
    QCOMPARE(client.status(), 200);
    QVERIFY(client.header("content-type").startsWith("text/event-stream"));
    QVERIFY(client.isChunked());
    QVERIFY(client.isComplete());

    // Every event passes through unchanged, minus the usage-only chunk the gateway asked
    // for on its own behalf; [DONE] closes the stream.
    const QList<QByteArray> expected =
        withoutUsageOnlyChunk(FakeUpstream::fixtureEvents(u"chat_stream_text_include_usage.sse"_s));
    QCOMPARE(client.eventData(), expected);
    QCOMPARE(client.eventData().constLast(), "[DONE]"_ba);

    // The one timing check: events are relayed as they arrive (200 ms apart at the
    // fake), not buffered. Generous bounds, since the machine may be busy.
    const QList<ReceivedEvent> &events = client.events();
    for (qsizetype i = 1; i < events.size(); ++i) {
        const qint64 gap = events.at(i).atMs - events.at(i - 1).atMs;
        QVERIFY2(gap >= 120, qPrintable(u"event %1 came %2 ms after the previous one"_s.arg(i).arg(gap)));
    }
    QVERIFY(events.constFirst().atMs + 3000 < events.constLast().atMs);

    const RecordedRequest seen = m_fake->lastRequest();
    QCOMPARE(seen.body.value("model"_L1).toString(), u"text@200"_s);
    // Asked for although the client did not, so the stream's usage can be recorded.
    QCOMPARE(seen.body.value("stream_options"_L1).toObject().value("include_usage"_L1), QJsonValue(true));
}

void GatewayE2eTest::streamIncludeUsageRequested()
{
    const QJsonObject options{{"stream_options"_L1, QJsonObject{{"include_usage"_L1, true}}}};
    const auto client = chat(u"fake/text"_s, true, options);
    QVERIFY(client->isComplete());
    QCOMPARE(client->status(), 200);
    // The client asked for usage, so it gets the whole recorded stream, usage chunk included.
    QCOMPARE(client->eventData(), FakeUpstream::fixtureEvents(u"chat_stream_text_include_usage.sse"_s));
    QCOMPARE(m_fake->lastRequest().body.value("stream_options"_L1).toObject().value("include_usage"_L1),
             QJsonValue(true));
}

void GatewayE2eTest::toolCalls_data()
{
    QTest::addColumn<QString>("model");
    QTest::addColumn<bool>("stream");
    QTest::addColumn<QString>("fixture");
    QTest::addColumn<QStringList>("toolNames");
    QTest::addColumn<QString>("finishReason");

    const QStringList one{u"get_weather"_s};
    const QStringList two{u"GetWeatherArgs"_s, u"get_stock_price"_s};
    QTest::newRow("tool call") << u"tool"_s << false << u"chat_response_tool_call_recorded.json"_s << one
                               << u"tool_calls"_s;
    QTest::newRow("tool call, stream") << u"tool"_s << true << u"chat_stream_tool_call.sse"_s << one
                                       << u"tool_calls"_s;
    QTest::newRow("parallel tool calls") << u"parallel-tools"_s << false
                                         << u"chat_response_parallel_tool_calls_recorded.json"_s << two
                                         << u"tool_calls"_s;
    QTest::newRow("parallel tool calls, stream") << u"parallel-tools"_s << true
                                                 << u"chat_stream_parallel_tool_calls.sse"_s << two
                                                 << u"tool_calls"_s;
    QTest::newRow("finish length") << u"length"_s << false << u"chat_response_finish_length_recorded.json"_s
                                   << QStringList() << u"length"_s;
    QTest::newRow("finish length, stream") << u"length"_s << true << u"chat_stream_finish_length.sse"_s
                                           << QStringList() << u"length"_s;
}

void GatewayE2eTest::toolCalls()
{
    QFETCH(QString, model);
    QFETCH(bool, stream);
    QFETCH(QString, fixture);
    QFETCH(QStringList, toolNames);
    QFETCH(QString, finishReason);

    const QJsonObject tools{{"tools"_L1, QJsonArray{QJsonObject{
                                 {"type"_L1, "function"_L1},
                                 {"function"_L1, QJsonObject{{"name"_L1, "get_weather"_L1},
                                                             {"parameters"_L1, QJsonObject{{"type"_L1, "object"_L1}}}}}}}}};
    const auto client = chat(model, stream, tools);
    QVERIFY(client->isComplete());
    QCOMPARE(client->status(), 200);
    QCOMPARE(m_fake->lastRequest().body.value("tools"_L1), tools.value("tools"_L1));

    QStringList names;
    QString finish;
    if (!stream) {
        QCOMPARE(client->body(), FakeUpstream::fixture(fixture));
        const QJsonObject choice = client->json().value("choices"_L1).toArray().at(0).toObject();
        for (const QJsonValue &call : choice.value("message"_L1).toObject().value("tool_calls"_L1).toArray())
            names.append(call.toObject().value("function"_L1).toObject().value("name"_L1).toString());
        finish = choice.value("finish_reason"_L1).toString();
    } else {
        QCOMPARE(client->eventData(), withoutUsageOnlyChunk(FakeUpstream::fixtureEvents(fixture)));
        // Reassemble the calls as a client does: fragments concatenated per index.
        QMap<int, QString> arguments;
        QMap<int, QString> callNames;
        for (const QByteArray &event : client->eventData()) {
            if (event == "[DONE]")
                continue;
            const QJsonObject choice =
                QJsonDocument::fromJson(event).object().value("choices"_L1).toArray().at(0).toObject();
            for (const QJsonValue &delta : choice.value("delta"_L1).toObject().value("tool_calls"_L1).toArray()) {
                const QJsonObject call = delta.toObject();
                const int index = call.value("index"_L1).toInt();
                const QJsonObject function = call.value("function"_L1).toObject();
                if (function.contains("name"_L1))
                    callNames[index] = function.value("name"_L1).toString();
                arguments[index] += function.value("arguments"_L1).toString();
            }
            if (choice.value("finish_reason"_L1).isString())
                finish = choice.value("finish_reason"_L1).toString();
        }
        names = callNames.values();
        for (const QString &text : std::as_const(arguments))
            QVERIFY2(QJsonDocument::fromJson(text.toUtf8()).isObject(), qPrintable(text));
    }
    QCOMPARE(names, toolNames);
    QCOMPARE(finish, finishReason);
}

void GatewayE2eTest::upstreamErrors_data()
{
    QTest::addColumn<QString>("model");
    QTest::addColumn<bool>("stream");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("fixture");
    QTest::addColumn<QByteArray>("retryAfter");
    QTest::addColumn<int>("calls");

    // With the default router (max_attempts 3): a 500 is retried on the one route and
    // the last answer relayed; a 401 has no other key to try; a 429 asking for 7 s is
    // longer than retry_after_max_ms and goes straight back with its Retry-After.
    const struct {
        const char *model;
        int status;
        const char *fixture;
        QByteArray retryAfter;
        int calls;
    } cases[] = {
        {"error-401", 401, "error_401_invalid_api_key.json", {}, 1},
        {"error-404", 404, "error_404_model_not_found.json", {}, 1},
        {"error-429", 429, "error_429_rate_limit_exceeded.json", "7"_ba, 1},
        {"error-500", 500, "error_500_server_error.composed.json", {}, 3},
    };
    for (const auto &c : cases) {
        for (const bool stream : {false, true}) {
            QTest::addRow("%s%s", c.model, stream ? ", stream" : "")
                << QString(u"fake/"_s + QLatin1String(c.model)) << stream << c.status << QString::fromLatin1(c.fixture)
                << c.retryAfter << c.calls;
        }
    }
}

void GatewayE2eTest::upstreamErrors()
{
    QFETCH(QString, model);
    QFETCH(bool, stream);
    QFETCH(int, status);
    QFETCH(QString, fixture);
    QFETCH(QByteArray, retryAfter);
    QFETCH(int, calls);

    const auto client = chat(model, stream);
    QVERIFY(client->isComplete());
    // The provider's own status and body, not a 200 stream with an error inside.
    QCOMPARE(client->status(), status);
    QVERIFY(client->header("content-type").startsWith("application/json"));
    QCOMPARE(client->body(), FakeUpstream::fixture(fixture));
    QCOMPARE(client->header("retry-after"), retryAfter);
    QCOMPARE(m_fake->requests().size(), calls);
    QCOMPARE(client->header("x-onegate-attempts"), QByteArray::number(calls));
}

void GatewayE2eTest::brokenStreams_data()
{
    QTest::addColumn<QString>("model");
    QTest::addColumn<int>("relayed");  // events the fake sent before breaking
    QTest::addColumn<QByteArray>("upstreamError");  // relayed verbatim when set

    QTest::newRow("reset") << u"fake/reset"_s << 3 << QByteArray();
    QTest::newRow("truncated") << u"fake/truncated"_s << 3 << QByteArray();
    QTest::newRow("midstream-error")
        << u"fake/midstream-error"_s << 2
        << R"({"error":{"message":"The server had an error while processing your request.","type":"server_error","param":null,"code":null}})"_ba;
}

void GatewayE2eTest::brokenStreams()
{
    QFETCH(QString, model);
    QFETCH(int, relayed);
    QFETCH(QByteArray, upstreamError);

    const auto client = chat(model, true);
    QVERIFY2(client->isComplete(), "the stream must end with the chunked terminator, not hang or drop");
    QCOMPARE(client->status(), 200);
    const QList<QByteArray> events = client->eventData();
    QCOMPARE(events.size(), relayed + 1);
    QCOMPARE(events.mid(0, relayed), FakeUpstream::fixtureEvents(u"chat_stream_text_include_usage.sse"_s).mid(0, relayed));
    // OpenAI SDKs raise on a data event carrying "error"; no [DONE] may follow it.
    QVERIFY2(hasError(events.constLast()), events.constLast().constData());
    const QString problem = openAiErrorProblem(events.constLast());
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    QVERIFY(!events.contains("[DONE]"_ba));
    if (!upstreamError.isEmpty())
        QCOMPARE(events.constLast(), upstreamError);
    QVERIFY(!client->isClosed() || client->isComplete());

    verifyStillServing();
}

void GatewayE2eTest::stallHitsIdleTimeout()
{
    QSignalSpy upstreamAborted(m_fake.get(), &FakeUpstream::clientAborted);
    const auto client = chat(u"fake-idle/stall"_s, true);
    QVERIFY(client->isComplete());
    QCOMPARE(client->status(), 200);
    const QList<QByteArray> events = client->eventData();
    QCOMPARE(events.size(), 2);
    QCOMPARE(events.constFirst(), FakeUpstream::fixtureEvents(u"chat_stream_text_include_usage.sse"_s).constFirst());
    const QJsonObject error = errorOf(events.constLast());
    QCOMPARE(error.value("code"_L1).toString(), u"upstream_timeout"_s);
    QVERIFY2(error.value("message"_L1).toString().contains(u"0.3 s"_s), qPrintable(error.value("message"_L1).toString()));
    // The gateway hung up on the silent provider rather than leaving the call open.
    QVERIFY(upstreamAborted.size() == 1 || upstreamAborted.wait(3000));
    QCOMPARE(m_fake->clientAborts(), 1);
}

void GatewayE2eTest::redirectRefused_data()
{
    QTest::addColumn<bool>("stream");
    QTest::newRow("non-stream") << false;
    QTest::newRow("stream") << true;
}

void GatewayE2eTest::redirectRefused()
{
    QFETCH(bool, stream);

    const auto client = chat(u"fake/redirect"_s, stream);
    QVERIFY(client->isComplete());
    QCOMPARE(client->status(), 502);
    const QString problem = openAiErrorProblem(client->body());
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    const QString message = errorOf(client->body()).value("message"_L1).toString();
    QVERIFY2(message.contains(u"redirect"_s), qPrintable(message));
    QVERIFY2(!client->body().contains(kUpstreamKey), client->body().constData());
    // The key went to the configured host once and nowhere else.
    QCOMPARE(m_fake->requests().size(), 1);
}

void GatewayE2eTest::garbageAnswer()
{
    const auto client = chat(u"fake/garbage"_s, false);
    QVERIFY(client->isComplete());
    QCOMPARE(client->status(), 502);
    QVERIFY(client->header("content-type").startsWith("application/json"));
    const QString problem = openAiErrorProblem(client->body());
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    QCOMPARE(errorOf(client->body()).value("code"_L1).toString(), u"bad_upstream_response"_s);
}

void GatewayE2eTest::clientDisconnectAbortsUpstream()
{
    QSignalSpy upstreamAborted(m_fake.get(), &FakeUpstream::clientAborted);
    TestHttpClient client(m_port);
    client.send("POST"_ba, kChatPath, jsonBearer(), chatBody(u"fake/text@200"_s, true));
    QVERIFY(client.waitForEvents(1));
    client.abort();

    // The provider bills for every token it still generates: the gateway must hang up
    // at once, long before the ~7 s stream would have ended.
    QVERIFY(upstreamAborted.wait(3000));
    QCOMPARE(m_fake->clientAborts(), 1);

    const QList<UsageRecord> rows = usageRows(1);
    QCOMPARE(rows.size(), 1);
    QCOMPARE(rows.constFirst().status, 499);
    QCOMPARE(rows.constFirst().requestedModel, u"fake/text@200"_s);
    QVERIFY(rows.constFirst().stream);

    verifyStillServing();
}

void GatewayE2eTest::usageRows()
{
    const auto plain = chat(u"smart"_s, false);
    QCOMPARE(plain->status(), 200);
    const auto streamed = chat(u"fake/text"_s, true);
    QCOMPARE(streamed->status(), 200);
    QCOMPARE(streamed->eventData().constLast(), "[DONE]"_ba);
    // Refused before routing, yet recorded: by the key's name, never its value.
    const auto refused = call("POST"_ba, kChatPath, jsonBearer(kNarrowKey), chatBody(u"tool"_s, false));
    QCOMPARE(refused->status(), 403);

    const QList<UsageRecord> rows = usageRows(3);
    QCOMPARE(rows.size(), 3);
    const UsageRecord *plainRow = nullptr;
    const UsageRecord *streamRow = nullptr;
    const UsageRecord *refusedRow = nullptr;
    for (const UsageRecord &row : rows) {
        if (row.status == 403)
            refusedRow = &row;
        else if (row.stream)
            streamRow = &row;
        else
            plainRow = &row;
    }
    QVERIFY(plainRow && streamRow && refusedRow);

    // Token counts are the recorded responses' own usage numbers.
    QCOMPARE(plainRow->accessKey, u"main"_s);
    QCOMPARE(plainRow->requestedModel, u"smart"_s);
    QCOMPARE(plainRow->provider, u"fake"_s);
    QCOMPARE(plainRow->upstreamModel, u"text"_s);
    QCOMPARE(plainRow->status, 200);
    QCOMPARE(plainRow->promptTokens, qint64(14));
    QCOMPARE(plainRow->completionTokens, qint64(37));
    QVERIFY(!plainRow->stream);
    QVERIFY(plainRow->latencyMs >= 0);
    QVERIFY(plainRow->error.isEmpty());

    QCOMPARE(streamRow->accessKey, u"main"_s);
    QCOMPARE(streamRow->requestedModel, u"fake/text"_s);
    QCOMPARE(streamRow->provider, u"fake"_s);
    QCOMPARE(streamRow->upstreamModel, u"text"_s);
    QCOMPARE(streamRow->status, 200);
    QCOMPARE(streamRow->promptTokens, qint64(14));
    QCOMPARE(streamRow->completionTokens, qint64(30));
    QVERIFY(streamRow->firstTokenMs >= 0);
    QVERIFY(streamRow->firstTokenMs <= streamRow->latencyMs);

    QCOMPARE(refusedRow->accessKey, u"narrow"_s);
    QCOMPARE(refusedRow->requestedModel, u"tool"_s);

    // No secret anywhere in the database files, WAL included.
    const QDir dir(m_dir->path());
    const QStringList files = dir.entryList({u"usage.db*"_s}, QDir::Files);
    QVERIFY(files.contains(u"usage.db"_s));
    for (const QString &name : files) {
        QFile file(dir.filePath(name));
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray bytes = file.readAll();
        for (const QByteArray &secret : {kAccessKey, kNarrowKey, kUpstreamKey})
            QVERIFY2(!bytes.contains(secret), qPrintable(name + u" holds a secret"_s));
    }
}

void GatewayE2eTest::gracefulShutdown()
{
    QSignalSpy stopped(m_service.get(), &GatewayService::stopped);
    QSignalSpy upstreamAborted(m_fake.get(), &FakeUpstream::clientAborted);
    TestHttpClient client(m_port);
    client.send("POST"_ba, kChatPath, jsonBearer(), chatBody(u"fake/stall"_s, true));
    QVERIFY(client.waitForEvents(1));

    m_service->shutdown(300);
    QVERIFY(stopped.wait(5000));
    QVERIFY(!m_service->isRunning());

    QVERIFY(client.waitForFinished(3000));
    QVERIFY(client.isComplete());
    const QList<QByteArray> events = client.eventData();
    QCOMPARE(events.size(), 2);
    QCOMPARE(errorOf(events.constLast()).value("code"_L1).toString(), u"server_shutting_down"_s);
    QVERIFY(!events.contains("[DONE]"_ba));
    QVERIFY(upstreamAborted.size() == 1 || upstreamAborted.wait(3000));

    // Nothing listens any more.
    TestHttpClient late(m_port);
    late.send("GET"_ba, "/health"_ba);
    QVERIFY(late.waitForFinished());
    QVERIFY(!late.hasHead());
}

QTEST_GUILESS_MAIN(GatewayE2eTest)
#include "tst_gateway_e2e.moc"
