// Config edits while the gateway runs: ConfigEditor (validation with the parser's own
// messages, atomic owner-only writes in the file's key order, hand edits, keychain
// reloads) and the live reload behind it (a stream in flight finishes on the config it
// started with while new requests see the new one; the listen address moves without
// dropping anyone, or stays when the new port is taken). Real files, real sockets,
// FakeUpstream as the provider.

#include "FakeUpstream.h"
#include "GatewayService.h"
#include "TestHttpClient.h"
#include "config/ConfigEditor.h"
#include "secrets/MemorySecretStore.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

#include <memory>
#include <sys/stat.h>

using namespace onegate;
using namespace onegate::test;
using namespace Qt::StringLiterals;

namespace {

const QByteArray kMainKey = "og-reload-main-4f2a91c7"_ba;
const QByteArray kFreshKey = "og-reload-fresh-b83d05e2"_ba;
const QByteArray kUpstreamKey = "sk-reload-upstream-77e1a0"_ba;
const QByteArray kChatPath = "/v1/chat/completions"_ba;
// 0600 as QFileInfo reports it for a file of the current user.
const QFileDevice::Permissions kOwnerOnly = QFileDevice::ReadOwner | QFileDevice::WriteOwner
                                            | QFileDevice::ReadUser | QFileDevice::WriteUser;

QJsonObject accessKey(const QString &name, const QString &variable)
{
    return {{"name"_L1, name}, {"key"_L1, QString(u"env:"_s + variable)}, {"models"_L1, QJsonArray{u"*"_s}}};
}

QJsonObject provider(const QString &id, const QString &baseUrl, const QStringList &models)
{
    return {{"id"_L1, id},
            {"kind"_L1, u"openai"_s},
            {"base_url"_L1, baseUrl},
            {"api_key"_L1, u"env:ONEGATE_RELOAD_UPSTREAM"_s},
            {"proxy"_L1, u"none"_s},
            {"models"_L1, QJsonArray::fromStringList(models)}};
}

QJsonObject document(const QString &listen, const QJsonArray &keys, const QJsonArray &providers)
{
    return {{"listen"_L1, listen},
            {"auth"_L1, QJsonObject{{"required"_L1, true}}},
            {"access_keys"_L1, keys},
            {"providers"_L1, providers},
            {"models"_L1, QJsonArray{}}};
}

QByteArray readFile(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

bool writeFile(const QString &path, const QByteArray &bytes)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly | QIODevice::Truncate) && file.write(bytes) == bytes.size();
}

ino_t inodeOf(const QString &path)
{
    struct stat info {};
    return ::stat(QFile::encodeName(path).constData(), &info) == 0 ? info.st_ino : 0;
}

QByteArray chatBody(const QString &model, bool stream)
{
    QJsonObject body{{"model"_L1, model},
                     {"messages"_L1, QJsonArray{QJsonObject{{"role"_L1, "user"_L1}, {"content"_L1, "hi"_L1}}}}};
    if (stream)
        body.insert("stream"_L1, true);
    return QJsonDocument(body).toJson(QJsonDocument::Compact);
}

RawHeaders jsonBearer(const QByteArray &key)
{
    return {{"Authorization"_ba, "Bearer " + key}, {"Content-Type"_ba, "application/json"_ba}};
}

// A port nothing listens on right now.
quint16 freePort()
{
    QTcpServer probe;
    if (!probe.listen(QHostAddress::LocalHost, 0))
        return 0;
    return probe.serverPort();
}

} // namespace

class ConfigReloadTest final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    // ConfigEditor
    void loadWritesDefaultOnFirstRun();
    void invalidEditIsRefused_data();
    void invalidEditIsRefused();
    void literalSecretIsRefused();
    void validEditIsWrittenAtomically();
    void handEditIsPickedUp();
    void invalidHandEditIsReported();
    void reloadSecretsReadsTheKeychain();

    // Live reload
    void streamInFlightSurvivesReload();
    void stopWhileRetiredProviderStreams();
    void changedProviderDropsCachedModelList();
    void bodyLimitChangeApplies();
    void listenMovesToNewPort();
    void listenToBusyPortKeepsOldListener();
    void lanAccessOnTheSamePort();

private:
    QString configPath() const { return m_dir->filePath(u"config.json"_s); }
    // Writes `doc`, loads it into the editor, starts the gateway on it and lets every
    // accepted edit reach the gateway, as the app wires it.
    void startGateway(const QJsonObject &doc);
    // Applies `doc` through the editor and waits for the gateway's answer.
    ConfigApplyResult applyAndWait(const QJsonObject &doc);
    std::unique_ptr<TestHttpClient> call(quint16 port, const QByteArray &method, const QByteArray &path,
                                         const QByteArray &key = {}, const QByteArray &body = {});
    std::unique_ptr<TestHttpClient> chat(const QString &model, bool stream, const QByteArray &key = kMainKey);

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<FakeUpstream> m_fake;
    MemorySecretStore m_secrets;
    std::unique_ptr<ConfigEditor> m_editor;
    std::unique_ptr<GatewayService> m_service;
    QList<ConfigApplyResult> m_applied;
    quint16 m_port = 0;
};

void ConfigReloadTest::initTestCase()
{
    qputenv("ONEGATE_RELOAD_MAIN", kMainKey);
    qputenv("ONEGATE_RELOAD_FRESH", kFreshKey);
    qputenv("ONEGATE_RELOAD_UPSTREAM", kUpstreamKey);
}

void ConfigReloadTest::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_fake = std::make_unique<FakeUpstream>(kUpstreamKey);
    QVERIFY2(m_fake->listen(), qPrintable(m_fake->errorString()));
    m_applied.clear();
}

void ConfigReloadTest::cleanup()
{
    m_service.reset();
    m_editor.reset();
    m_fake.reset();
    m_dir.reset();
}

void ConfigReloadTest::startGateway(const QJsonObject &doc)
{
    QVERIFY(writeFile(configPath(), ConfigEditor::serialize(doc)));
    m_editor = std::make_unique<ConfigEditor>(configPath(), &m_secrets);
    const ConfigResult loaded = m_editor->load();
    QVERIFY2(loaded.ok(), qPrintable(loaded.error.toString()));
    QVERIFY2(m_editor->secretWarnings().isEmpty(), qPrintable(m_editor->secretWarnings().join(u'\n')));

    m_service = std::make_unique<GatewayService>();
    const ListenResult listening = m_service->start(m_editor->config(), nullptr);
    QVERIFY2(listening.ok(), qPrintable(listening.error));
    m_port = listening.port;
    connect(m_editor.get(), &ConfigEditor::changed, m_service.get(),
            [this](std::shared_ptr<const Config> config) { QVERIFY(m_service->applyConfig(std::move(config))); });
    connect(m_service.get(), &GatewayService::configApplied, this,
            [this](const ConfigApplyResult &result) { m_applied.append(result); });
}

ConfigApplyResult ConfigReloadTest::applyAndWait(const QJsonObject &doc)
{
    const qsizetype before = m_applied.size();
    const auto error = m_editor->apply(doc);
    if (error)
        qFatal("the editor refused the config: %s", qPrintable(error->toString()));
    if (!QTest::qWaitFor([&] { return m_applied.size() > before; }, 5000))
        qFatal("the gateway did not report the reload");
    return m_applied.constLast();
}

std::unique_ptr<TestHttpClient> ConfigReloadTest::call(quint16 port, const QByteArray &method, const QByteArray &path,
                                                       const QByteArray &key, const QByteArray &body)
{
    auto client = std::make_unique<TestHttpClient>(port);
    client->send(method, path, key.isEmpty() ? RawHeaders{} : jsonBearer(key), body);
    client->waitForFinished(5000);
    return client;
}

std::unique_ptr<TestHttpClient> ConfigReloadTest::chat(const QString &model, bool stream, const QByteArray &key)
{
    return call(m_port, "POST"_ba, kChatPath, key, chatBody(model, stream));
}

// ---- ConfigEditor --------------------------------------------------------------------

void ConfigReloadTest::loadWritesDefaultOnFirstRun()
{
    const QString path = m_dir->filePath(u"fresh/onegate/config.json"_s);
    ConfigEditor editor(path, &m_secrets);
    QSignalSpy changed(&editor, &ConfigEditor::changed);
    const ConfigResult loaded = editor.load();
    QVERIFY2(loaded.ok(), qPrintable(loaded.error.toString()));

    QCOMPARE(readFile(path), defaultConfigJson());
    QCOMPARE(QFileInfo(path).permissions(), kOwnerOnly);
    QCOMPARE(editor.document(), QJsonDocument::fromJson(defaultConfigJson()).object());
    QVERIFY(editor.config());
    QCOMPARE(editor.config()->listenHost, u"127.0.0.1"_s);
    QCOMPARE(editor.config()->listenPort, quint16(4141));
    QVERIFY(editor.config()->authRequired);
    QCOMPARE(editor.path(), path);
    QCOMPARE(changed.size(), 0);  // the caller starts from config()
    // The default is written in the order the serializer keeps, so a first GUI edit does
    // not reshuffle the file.
    QCOMPARE(ConfigEditor::serialize(editor.document()), defaultConfigJson());
}

void ConfigReloadTest::invalidEditIsRefused_data()
{
    QTest::addColumn<QJsonObject>("doc");
    QTest::addColumn<QString>("expected");

    // Runs before init(): no fake upstream yet, and none is needed.
    const QString url = u"http://127.0.0.1:9/v1"_s;
    QJsonObject badUrl = document(u"127.0.0.1:0"_s, {},
                                  {provider(u"a"_s, url, {u"x"_s}), provider(u"b"_s, u"ftp://example.com"_s, {})});
    QTest::newRow("bad base_url") << badUrl << u"config.json: providers[1].base_url: not an http(s) URL"_s;

    QJsonObject unknownKey = document(u"127.0.0.1:0"_s, {}, {});
    unknownKey.insert("listne"_L1, u"127.0.0.1:1"_s);
    QTest::newRow("unknown key") << unknownKey << u"config.json: listne: unknown key"_s;

    QJsonObject authOff = document(u"0.0.0.0:4141"_s, {}, {});
    authOff.insert("auth"_L1, QJsonObject{{"required"_L1, false}});
    QTest::newRow("auth off on the LAN") << authOff << QString();  // the parser's wording, checked below

    QJsonObject badRoute = document(u"127.0.0.1:0"_s, {}, {provider(u"a"_s, url, {})});
    badRoute.insert("models"_L1, QJsonArray{QJsonObject{
                                     {"id"_L1, u"smart"_s},
                                     {"routes"_L1, QJsonArray{QJsonObject{{"provider"_L1, u"nope"_s}, {"model"_L1, u"m"_s}}}}}});
    QTest::newRow("route to an unknown provider") << badRoute << QString();
}

void ConfigReloadTest::invalidEditIsRefused()
{
    QFETCH(QJsonObject, doc);
    QFETCH(QString, expected);

    ConfigEditor editor(configPath(), &m_secrets);
    QVERIFY(editor.load().ok());
    const QByteArray before = readFile(configPath());
    const ino_t inode = inodeOf(configPath());
    const std::shared_ptr<const Config> snapshot = editor.config();
    const QJsonObject document = editor.document();
    QSignalSpy changed(&editor, &ConfigEditor::changed);

    const std::optional<ConfigError> error = editor.apply(doc);
    QVERIFY(error.has_value());
    // Word for word what the parser (and so `onegate --headless`) says about this file.
    const ConfigResult parsed = parseConfig(ConfigEditor::serialize(doc), u"config.json"_s);
    QVERIFY(!parsed.ok());
    QCOMPARE(error->toString(), parsed.error.toString());
    if (!expected.isEmpty())
        QCOMPARE(error->toString(), expected);
    QVERIFY(!error->path.isEmpty());

    QCOMPARE(readFile(configPath()), before);
    QCOMPARE(inodeOf(configPath()), inode);
    QCOMPARE(editor.config(), snapshot);
    QCOMPARE(editor.document(), document);
    QTest::qWait(300);  // a stray write would be seen by the watcher by now
    QCOMPARE(changed.size(), 0);
}

void ConfigReloadTest::literalSecretIsRefused()
{
    ConfigEditor editor(configPath(), &m_secrets);
    QVERIFY(editor.load().ok());
    const QByteArray before = readFile(configPath());

    QJsonObject withKey = provider(u"openai"_s, u"https://api.openai.com/v1"_s, {u"gpt-4o"_s});
    withKey.insert("api_key"_L1, u"sk-test-literal-refused"_s);
    const auto error = editor.apply(document(u"127.0.0.1:4141"_s, {}, {withKey}));
    QVERIFY(error.has_value());
    QCOMPARE(error->file, u"config.json"_s);
    QCOMPARE(error->path, u"providers[0].api_key"_s);
    QVERIFY2(error->message.startsWith(u"literal secrets are refused"_s), qPrintable(error->message));
    QCOMPARE(readFile(configPath()), before);
    QVERIFY(!readFile(configPath()).contains("sk-test-literal-refused"));
}

void ConfigReloadTest::validEditIsWrittenAtomically()
{
    ConfigEditor editor(configPath(), &m_secrets);
    QVERIFY(editor.load().ok());
    const ino_t inode = inodeOf(configPath());
    QSignalSpy changed(&editor, &ConfigEditor::changed);

    const QString kLocalUrl = u"http://127.0.0.1:11434/v1"_s;
    const QString kReferer = u"https://example.com"_s;
    QJsonObject full = document(u"127.0.0.1:4242"_s, {accessKey(u"vscode"_s, u"ONEGATE_RELOAD_MAIN"_s)},
                                {provider(u"local"_s, kLocalUrl, {u"llama3"_s, u"qwen2.5"_s})});
    QJsonObject tuned = full.value("providers"_L1).toArray().at(0).toObject();
    tuned.insert("timeouts"_L1, QJsonObject{{"total_ms"_L1, 9000}, {"connect_ms"_L1, 500}});
    tuned.insert("headers"_L1, QJsonObject{{"X-Title"_L1, u"OneGate"_s}, {"HTTP-Referer"_L1, kReferer}});
    full.insert("providers"_L1, QJsonArray{tuned});
    full.insert("models"_L1, QJsonArray{QJsonObject{
                                 {"routes"_L1, QJsonArray{QJsonObject{{"weight"_L1, 2}, {"model"_L1, u"llama3"_s},
                                                                      {"provider"_L1, u"local"_s}}}},
                                 {"id"_L1, u"smart"_s}}});
    full.insert("limits"_L1, QJsonObject{{"max_body_mb"_L1, 8}});

    const auto error = editor.apply(full);
    QVERIFY2(!error, error ? qPrintable(error->toString()) : "");

    // The keys come in CONTRACT.md's order, not QJsonDocument's alphabetical one; free
    // maps (headers) are alphabetical.
    // The URLs go in with arg(): moc 6.4 takes a "//" inside a raw string for a comment.
    const QByteArray expected = QString::fromLatin1(R"({
    "listen": "127.0.0.1:4242",
    "auth": {
        "required": true
    },
    "access_keys": [
        {
            "name": "vscode",
            "key": "env:ONEGATE_RELOAD_MAIN",
            "models": ["*"]
        }
    ],
    "providers": [
        {
            "id": "local",
            "kind": "openai",
            "base_url": "%1",
            "api_key": "env:ONEGATE_RELOAD_UPSTREAM",
            "models": ["llama3", "qwen2.5"],
            "proxy": "none",
            "timeouts": {
                "connect_ms": 500,
                "total_ms": 9000
            },
            "headers": {
                "HTTP-Referer": "%2",
                "X-Title": "OneGate"
            }
        }
    ],
    "models": [
        {
            "id": "smart",
            "routes": [
                {
                    "provider": "local",
                    "model": "llama3",
                    "weight": 2
                }
            ]
        }
    ],
    "limits": {
        "max_body_mb": 8
    }
}
)")
                                    .arg(kLocalUrl, kReferer)
                                    .toUtf8();
    const QByteArray written = readFile(configPath());
    QCOMPARE(written, expected);
    QCOMPARE(QJsonDocument::fromJson(written).object(), full);

    // Replaced by rename (QSaveFile), owner-only, no temporary file left behind.
    QVERIFY(inodeOf(configPath()) != inode);
    QCOMPARE(QFileInfo(configPath()).permissions(), kOwnerOnly);
    QCOMPARE(QDir(m_dir->path()).entryList(QDir::Files), QStringList{u"config.json"_s});

    QCOMPARE(changed.size(), 1);
    const auto config = changed.at(0).at(0).value<std::shared_ptr<const Config>>();
    QCOMPARE(config, editor.config());
    QCOMPARE(config->listenPort, quint16(4242));
    QCOMPARE(config->providers.size(), 1);
    QCOMPARE(config->accessKeys.constFirst().key.value, kMainKey);  // secrets resolved
    QCOMPARE(config->maxBodyBytes, qint64(8) * 1024 * 1024);
    QCOMPARE(editor.document(), full);

    // A model's annotations and prices keep the order people read them in.
    const QJsonObject annotated{{"models"_L1, QJsonArray{QJsonObject{
        {"prices"_L1, QJsonObject{{"output"_L1, 10}, {"cache_write"_L1, 3.75}, {"input"_L1, 2.5}}},
        {"enabled"_L1, false},
        {"context_window"_L1, 128000},
        {"id"_L1, u"gpt-4o"_s}}}}};
    QCOMPARE(ConfigEditor::serialize(annotated), R"({
    "models": [
        {
            "id": "gpt-4o",
            "enabled": false,
            "context_window": 128000,
            "prices": {
                "input": 2.5,
                "output": 10,
                "cache_write": 3.75
            }
        }
    ]
}
)"_ba);

    // Our own write is not mistaken for a hand edit.
    QSignalSpy rejected(&editor, &ConfigEditor::externalEditRejected);
    QTest::qWait(500);
    QCOMPARE(changed.size(), 1);
    QCOMPARE(rejected.size(), 0);
}

void ConfigReloadTest::handEditIsPickedUp()
{
    ConfigEditor editor(configPath(), &m_secrets);
    QVERIFY(editor.load().ok());
    QSignalSpy changed(&editor, &ConfigEditor::changed);
    QSignalSpy rejected(&editor, &ConfigEditor::externalEditRejected);

    // In place, as `echo > config.json` does.
    const QByteArray edited = R"({ "listen": "127.0.0.1:5151", "auth": { "required": true } })"_ba;
    QVERIFY(writeFile(configPath(), edited));
    QVERIFY(changed.wait(5000));
    QCOMPARE(changed.size(), 1);
    QCOMPARE(editor.config()->listenPort, quint16(5151));
    QCOMPARE(editor.document(), QJsonDocument::fromJson(edited).object());

    // Written aside and renamed over it, as most editors save: the watcher must follow
    // the new file.
    const QByteArray renamed = R"({ "listen": "127.0.0.1:5252" })"_ba;
    const QString aside = m_dir->filePath(u"config.json.swp"_s);
    QVERIFY(writeFile(aside, renamed));
    QVERIFY(QFile::remove(configPath()));
    QVERIFY(QFile::rename(aside, configPath()));
    QVERIFY(QTest::qWaitFor([&] { return changed.size() == 2; }, 5000));
    QCOMPARE(editor.config()->listenPort, quint16(5252));

    // And again after that, on the replaced file.
    QVERIFY(writeFile(configPath(), R"({ "listen": "127.0.0.1:5353" })"_ba));
    QVERIFY(QTest::qWaitFor([&] { return changed.size() == 3; }, 5000));
    QCOMPARE(editor.config()->listenPort, quint16(5353));
    QCOMPARE(rejected.size(), 0);
}

void ConfigReloadTest::invalidHandEditIsReported()
{
    ConfigEditor editor(configPath(), &m_secrets);
    QVERIFY(editor.load().ok());
    const std::shared_ptr<const Config> snapshot = editor.config();
    const QJsonObject document = editor.document();
    QSignalSpy changed(&editor, &ConfigEditor::changed);
    QSignalSpy rejected(&editor, &ConfigEditor::externalEditRejected);

    const QByteArray broken = QString::fromLatin1(R"({ "listen": "127.0.0.1:4141",
  "providers": [ { "id": "a", "kind": "openai", "base_url": "%1" },
                 { "id": "b", "kind": "openai", "base_url": "not a url" } ] })")
                                  .arg(m_fake->baseUrl())
                                  .toUtf8();
    QVERIFY(writeFile(configPath(), broken));
    QVERIFY(rejected.wait(5000));
    const auto error = rejected.at(0).at(0).value<ConfigError>();
    QCOMPARE(error.toString(), u"config.json: providers[1].base_url: not an http(s) URL"_s);
    QCOMPARE(editor.config(), snapshot);
    QCOMPARE(editor.document(), document);
    QTest::qWait(400);
    QCOMPARE(rejected.size(), 1);  // reported once, not on every notification
    QCOMPARE(changed.size(), 0);

    // Fixing the file applies it.
    QVERIFY(writeFile(configPath(), R"({ "listen": "127.0.0.1:4343" })"_ba));
    QVERIFY(changed.wait(5000));
    QCOMPARE(editor.config()->listenPort, quint16(4343));
}

void ConfigReloadTest::reloadSecretsReadsTheKeychain()
{
    QJsonObject keyed = provider(u"fake"_s, m_fake->baseUrl(), {u"text"_s});
    keyed.insert("api_key"_L1, u"keychain:provider/fake"_s);
    QVERIFY(writeFile(configPath(), ConfigEditor::serialize(document(u"127.0.0.1:0"_s, {}, {keyed}))));
    ConfigEditor editor(configPath(), &m_secrets);
    QVERIFY(editor.load().ok());
    QCOMPARE(editor.secretWarnings().size(), 1);
    QVERIFY2(editor.secretWarnings().constFirst().startsWith(u"providers[0].api_key: "_s),
             qPrintable(editor.secretWarnings().constFirst()));
    QVERIFY(!editor.config()->providers.constFirst().apiKeys.constFirst().isResolved());

    QSignalSpy changed(&editor, &ConfigEditor::changed);
    QCOMPARE(m_secrets.write(u"provider/fake"_s, kUpstreamKey), QString());
    editor.reloadSecrets();
    QCOMPARE(changed.size(), 1);
    QVERIFY(editor.secretWarnings().isEmpty());
    QCOMPARE(editor.config()->providers.constFirst().apiKeys.constFirst().value, kUpstreamKey);
    QCOMPARE(changed.at(0).at(0).value<std::shared_ptr<const Config>>(), editor.config());
    QCOMPARE(readFile(configPath()), ConfigEditor::serialize(editor.document()));  // file untouched
    QVERIFY(!readFile(configPath()).contains(kUpstreamKey));
}

// ---- live reload ---------------------------------------------------------------------

void ConfigReloadTest::streamInFlightSurvivesReload()
{
    const QString url = m_fake->baseUrl();
    startGateway(document(u"127.0.0.1:0"_s, {accessKey(u"main"_s, u"ONEGATE_RELOAD_MAIN"_s)},
                          {provider(u"old"_s, url, {u"text"_s})}));
    if (QTest::currentTestFailed())
        return;

    TestHttpClient stream(m_port);
    stream.send("POST"_ba, kChatPath, jsonBearer(kMainKey), chatBody(u"old/text@200"_s, true));
    QVERIFY(stream.waitForEvents(2, 5000));

    // The stream's provider and key go away, another provider and key arrive.
    const ConfigApplyResult result = applyAndWait(
        document(u"127.0.0.1:0"_s, {accessKey(u"fresh"_s, u"ONEGATE_RELOAD_FRESH"_s)},
                 {provider(u"new"_s, url, {u"tool"_s})}));
    QVERIFY2(result.ok(), qPrintable(result.error + result.listen.error));
    QVERIFY(!result.listenChanged);
    QCOMPARE(result.listen.port, m_port);
    QVERIFY2(!stream.isComplete(), "the stream should still be running for this test to mean anything");

    // New requests see the new config at once.
    const auto models = call(m_port, "GET"_ba, "/v1/models"_ba, kFreshKey);
    QCOMPARE(models->status(), 200);
    QStringList ids;
    for (const QJsonValue &model : models->json().value("data"_L1).toArray())
        ids.append(model.toObject().value("id"_L1).toString());
    QCOMPARE(ids, QStringList{u"tool"_s});

    const auto served = chat(u"tool"_s, false, kFreshKey);
    QCOMPARE(served->status(), 200);
    QCOMPARE(served->body(), FakeUpstream::fixture(u"chat_response_tool_call_recorded.json"_s));

    const auto removed = chat(u"old/text"_s, false, kFreshKey);
    QCOMPARE(removed->status(), 404);
    const auto removedToo = chat(u"text"_s, false, kFreshKey);
    QCOMPARE(removedToo->status(), 404);
    QCOMPARE(removedToo->json().value("error"_L1).toObject().value("code"_L1).toString(), u"model_not_found"_s);

    const auto revoked = chat(u"tool"_s, false, kMainKey);
    QCOMPARE(revoked->status(), 401);

    // The stream in flight ends normally, every event in order, on the retired provider.
    QVERIFY(stream.waitForFinished(20000));
    QCOMPARE(stream.status(), 200);
    QVERIFY(stream.isComplete());
    QList<QByteArray> expected;
    for (const QByteArray &event : FakeUpstream::fixtureEvents(u"chat_stream_text_include_usage.sse"_s)) {
        const QJsonObject chunk = QJsonDocument::fromJson(event).object();
        if (!(chunk.value("usage"_L1).isObject() && chunk.value("choices"_L1).toArray().isEmpty()))
            expected.append(event);
    }
    QCOMPARE(stream.eventData(), expected);
    QCOMPARE(stream.eventData().constLast(), "[DONE]"_ba);
    QCOMPARE(m_fake->clientAborts(), 0);

    // The retired runtime has been let go by now; the gateway keeps serving.
    QTest::qWait(50);
    QCOMPARE(chat(u"new/tool"_s, false, kFreshKey)->status(), 200);
}

void ConfigReloadTest::stopWhileRetiredProviderStreams()
{
    // The gateway goes away while a stream still runs on a provider a reload retired and
    // a model-list fetch waits on it: everything must be released once, in an order that
    // never touches freed memory (this is what the ASan build is for).
    const QString url = m_fake->baseUrl();
    const QJsonArray keys{accessKey(u"main"_s, u"ONEGATE_RELOAD_MAIN"_s)};
    startGateway(document(u"127.0.0.1:0"_s, keys, {provider(u"old"_s, url, {u"text"_s})}));
    if (QTest::currentTestFailed())
        return;
    TestHttpClient stream(m_port);
    stream.send("POST"_ba, kChatPath, jsonBearer(kMainKey), chatBody(u"old/text@200"_s, true));
    QVERIFY(stream.waitForEvents(2, 5000));
    // Answered or dropped with the gateway: either is fine here, as long as it is safe.
    auto answered = std::make_shared<bool>(false);
    m_service->fetchProviderModels(u"old"_s, true, this, [answered](const ProviderModels &) { *answered = true; });
    QVERIFY(applyAndWait(document(u"127.0.0.1:0"_s, keys, {provider(u"new"_s, url, {u"tool"_s})})).ok());

    m_service.reset();
    QVERIFY(stream.waitForClosed(5000));
    QVERIFY(!stream.isComplete());
}

void ConfigReloadTest::changedProviderDropsCachedModelList()
{
    FakeUpstream other(kUpstreamKey);
    QVERIFY2(other.listen(), qPrintable(other.errorString()));
    const QJsonArray keys{accessKey(u"main"_s, u"ONEGATE_RELOAD_MAIN"_s)};
    startGateway(document(u"127.0.0.1:0"_s, keys, {provider(u"p"_s, m_fake->baseUrl(), {u"text"_s})}));
    if (QTest::currentTestFailed())
        return;

    const auto fetch = [this] {
        std::optional<ProviderModels> answer;
        m_service->fetchProviderModels(u"p"_s, false, this, [&answer](const ProviderModels &models) { answer = models; });
        if (!QTest::qWaitFor([&answer] { return answer.has_value(); }, 5000))
            qFatal("no answer from the model catalog");
        return *answer;
    };
    QVERIFY(!fetch().fromCache);
    QVERIFY(fetch().fromCache);

    // Choosing other models to serve keeps the provider, and its list.
    QVERIFY(applyAndWait(document(u"127.0.0.1:0"_s, keys,
                                  {provider(u"p"_s, m_fake->baseUrl(), {u"text"_s, u"tool"_s})}))
                .ok());
    QVERIFY(fetch().fromCache);

    // Another base URL is another provider: its list is asked for anew, from it.
    QVERIFY(applyAndWait(document(u"127.0.0.1:0"_s, keys, {provider(u"p"_s, other.baseUrl(), {u"text"_s})})).ok());
    const ProviderModels fresh = fetch();
    QVERIFY(!fresh.fromCache);
    QVERIFY(!fresh.error);
    QCOMPARE(other.requests().size(), 1);
    QCOMPARE(other.lastRequest().pathOnly(), "/v1/models"_ba);
}

void ConfigReloadTest::bodyLimitChangeApplies()
{
    QJsonObject doc = document(u"127.0.0.1:0"_s, {accessKey(u"main"_s, u"ONEGATE_RELOAD_MAIN"_s)},
                               {provider(u"p"_s, m_fake->baseUrl(), {u"text"_s})});
    doc.insert("limits"_L1, QJsonObject{{"max_body_mb"_L1, 1}});
    startGateway(doc);
    if (QTest::currentTestFailed())
        return;
    // Not JSON, so once past the size guard it is refused with a 400 without reaching
    // the provider.
    const QByteArray big(3 * 512 * 1024, 'x');
    QCOMPARE(call(m_port, "POST"_ba, kChatPath, kMainKey, big)->status(), 413);

    doc.insert("limits"_L1, QJsonObject{{"max_body_mb"_L1, 4}});
    const ConfigApplyResult result = applyAndWait(doc);
    QVERIFY(result.ok());
    QCOMPARE(result.listen.port, m_port);  // same port, never closed
    QCOMPARE(call(m_port, "POST"_ba, kChatPath, kMainKey, big)->status(), 400);
    QCOMPARE(chat(u"text"_s, false)->status(), 200);
}

void ConfigReloadTest::lanAccessOnTheSamePort()
{
    // 127.0.0.1:P -> 0.0.0.0:P (LAN access turned on): our own socket holds the port, so
    // the move must hand it over rather than report "in use".
    const QJsonArray keys{accessKey(u"main"_s, u"ONEGATE_RELOAD_MAIN"_s)};
    const QJsonArray providers{provider(u"p"_s, m_fake->baseUrl(), {u"text"_s})};
    const quint16 port = freePort();
    QVERIFY(port != 0);
    startGateway(document(u"127.0.0.1:%1"_s.arg(port), keys, providers));
    if (QTest::currentTestFailed())
        return;
    const ConfigApplyResult result = applyAndWait(document(u"0.0.0.0:%1"_s.arg(port), keys, providers));
    QVERIFY2(result.ok(), qPrintable(result.listen.error));
    QVERIFY(result.listenChanged);
    QCOMPARE(result.listen.port, port);
    QCOMPARE(call(port, "GET"_ba, "/health"_ba)->status(), 200);
    QCOMPARE(chat(u"text"_s, false)->status(), 200);

    // And back to loopback only.
    const ConfigApplyResult back = applyAndWait(document(u"127.0.0.1:%1"_s.arg(port), keys, providers));
    QVERIFY2(back.ok(), qPrintable(back.listen.error));
    QCOMPARE(call(port, "GET"_ba, "/health"_ba)->status(), 200);
}

void ConfigReloadTest::listenMovesToNewPort()
{
    const QJsonArray keys{accessKey(u"main"_s, u"ONEGATE_RELOAD_MAIN"_s)};
    const QJsonArray providers{provider(u"p"_s, m_fake->baseUrl(), {u"text"_s})};
    startGateway(document(u"127.0.0.1:0"_s, keys, providers));
    if (QTest::currentTestFailed())
        return;
    const quint16 oldPort = m_port;

    TestHttpClient stream(oldPort);
    stream.send("POST"_ba, kChatPath, jsonBearer(kMainKey), chatBody(u"p/text@100"_s, true));
    QVERIFY(stream.waitForEvents(2, 5000));

    const quint16 newPort = freePort();
    QVERIFY(newPort != 0);
    const ConfigApplyResult result = applyAndWait(document(u"127.0.0.1:%1"_s.arg(newPort), keys, providers));
    QVERIFY2(result.ok(), qPrintable(result.listen.error));
    QVERIFY(result.listenChanged);
    QCOMPARE(result.listen.port, newPort);

    // The new port answers, its Host header accepted; the old one takes nobody new.
    const auto health = call(newPort, "GET"_ba, "/health"_ba);
    QCOMPARE(health->status(), 200);
    m_port = newPort;
    QCOMPARE(chat(u"text"_s, false)->status(), 200);
    TestHttpClient refused(oldPort);
    refused.send("GET"_ba, "/health"_ba);
    QVERIFY(refused.waitForClosed(5000));
    QVERIFY(!refused.hasHead());
    QVERIFY(!refused.socketError().isEmpty());

    // The stream that came in on the old port runs to its end.
    QVERIFY(stream.waitForFinished(15000));
    QCOMPARE(stream.status(), 200);
    QVERIFY(stream.isComplete());
    QCOMPARE(stream.eventData().constLast(), "[DONE]"_ba);

    // "Any free port" is satisfied by the port already held: no move.
    const ConfigApplyResult again = applyAndWait(document(u"127.0.0.1:0"_s, keys, providers));
    QVERIFY(again.ok());
    QVERIFY(again.listenChanged);
    QCOMPARE(again.listen.port, newPort);
    QCOMPARE(call(newPort, "GET"_ba, "/health"_ba)->status(), 200);
}

void ConfigReloadTest::listenToBusyPortKeepsOldListener()
{
    const QJsonArray providers{provider(u"p"_s, m_fake->baseUrl(), {u"text"_s})};
    startGateway(document(u"127.0.0.1:0"_s, {accessKey(u"main"_s, u"ONEGATE_RELOAD_MAIN"_s)}, providers));
    if (QTest::currentTestFailed())
        return;

    auto occupier = std::make_unique<QTcpServer>();
    QVERIFY(occupier->listen(QHostAddress::LocalHost, 0));
    const quint16 busy = occupier->serverPort();
    // A new key comes with the move: the rest of the edit applies even though the port
    // cannot.
    const QJsonObject moved = document(u"127.0.0.1:%1"_s.arg(busy),
                                       {accessKey(u"fresh"_s, u"ONEGATE_RELOAD_FRESH"_s)}, providers);
    const ConfigApplyResult result = applyAndWait(moved);
    QVERIFY(result.error.isEmpty());
    QVERIFY(result.listenChanged);
    QVERIFY(!result.listen.ok());
    QVERIFY(result.listen.addressInUse);
    QVERIFY2(result.listen.error.startsWith(u"127.0.0.1:%1 is already in use"_s.arg(busy)),
             qPrintable(result.listen.error));
    QCOMPARE(result.listen.port, m_port);  // still serving there

    QCOMPARE(call(m_port, "GET"_ba, "/health"_ba)->status(), 200);
    QCOMPARE(chat(u"text"_s, false, kFreshKey)->status(), 200);
    QCOMPARE(chat(u"text"_s, false, kMainKey)->status(), 401);

    // Once the port is free, applying the same config again moves there.
    occupier.reset();
    const ConfigApplyResult retried = applyAndWait(moved);
    QVERIFY2(retried.ok(), qPrintable(retried.listen.error));
    QVERIFY(retried.listenChanged);
    QCOMPARE(retried.listen.port, busy);
    m_port = busy;
    QCOMPARE(chat(u"text"_s, false, kFreshKey)->status(), 200);
}

QTEST_GUILESS_MAIN(ConfigReloadTest)
#include "tst_config_reload.moc"
