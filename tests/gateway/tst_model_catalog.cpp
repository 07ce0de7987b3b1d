// A provider's own model list, fetched through the running gateway (the GUI's "fetch
// models"), against FakeUpstream over real sockets: decoded ids, the cache, refresh,
// coalesced fetches, and the provider's errors.

#include "FakeUpstream.h"
#include "GatewayService.h"
#include "config/ConfigParser.h"
#include "secrets/MemorySecretStore.h"

#include <QSignalSpy>
#include <QTest>

using namespace onegate;
using namespace onegate::test;
using namespace Qt::StringLiterals;

namespace {

const QByteArray kUpstreamKey = "sk-test-catalog-upstream"_ba;

QByteArray configJson(quint16 port)
{
    return QString::fromLatin1(R"({
  "listen": "127.0.0.1:0",
  "providers": [
    { "id": "fake", "kind": "openai", "base_url": "%1", "api_key": "env:ONEGATE_CATALOG_KEY", "proxy": "none" },
    { "id": "wrong-key", "kind": "openai", "base_url": "%1", "api_key": "env:ONEGATE_CATALOG_WRONG", "proxy": "none" },
    { "id": "no-key", "kind": "openai", "base_url": "%1", "api_key": "env:ONEGATE_CATALOG_UNSET", "proxy": "none" }
  ]
})")
        .arg(u"http://127.0.0.1:%1/v1"_s.arg(port))
        .toUtf8();
}

} // namespace

class ModelCatalogTest final : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void fetchDecodesAndCaches();
    void concurrentFetchesShareOneRequest();
    void providerErrorIsRelayedAndNotCached();
    void unusableKeyAndUnknownProvider();

private:
    ProviderModels fetch(const QString &provider, bool refresh);
    int modelListRequests() const;

    std::unique_ptr<FakeUpstream> m_fake;
    std::unique_ptr<GatewayService> m_service;
};

void ModelCatalogTest::init()
{
    qputenv("ONEGATE_CATALOG_KEY", kUpstreamKey);
    qputenv("ONEGATE_CATALOG_WRONG", "sk-test-not-the-right-one");
    qunsetenv("ONEGATE_CATALOG_UNSET");
    m_fake = std::make_unique<FakeUpstream>(kUpstreamKey);
    QVERIFY2(m_fake->listen(), qPrintable(m_fake->errorString()));
    ConfigResult parsed = parseConfig(configJson(m_fake->port()), u"config.json"_s);
    QVERIFY2(parsed.ok(), qPrintable(parsed.error.toString()));
    MemorySecretStore store;
    resolveSecrets(*parsed.config, store);
    m_service = std::make_unique<GatewayService>();
    const ListenResult listening = m_service->start(std::make_shared<const Config>(*parsed.config), nullptr);
    QVERIFY2(listening.ok(), qPrintable(listening.error));
}

void ModelCatalogTest::cleanup()
{
    m_service.reset();
    m_fake.reset();
}

ProviderModels ModelCatalogTest::fetch(const QString &provider, bool refresh)
{
    std::optional<ProviderModels> answer;
    m_service->fetchProviderModels(provider, refresh, this, [&answer](const ProviderModels &result) { answer = result; });
    // The fake lives on this thread: keep its event loop turning while waiting.
    if (!QTest::qWaitFor([&answer] { return answer.has_value(); }, 5000))
        qFatal("no answer from the model catalog");
    return *answer;
}

int ModelCatalogTest::modelListRequests() const
{
    int count = 0;
    for (const RecordedRequest &request : m_fake->requests()) {
        if (request.method == "GET" && request.pathOnly() == "/v1/models")
            ++count;
    }
    return count;
}

void ModelCatalogTest::fetchDecodesAndCaches()
{
    const ProviderModels first = fetch(u"fake"_s, false);
    QVERIFY(!first.error);
    QCOMPARE(first.models, (QStringList{u"model-id-0"_s, u"model-id-1"_s, u"model-id-2"_s}));
    QVERIFY(!first.fromCache);
    QCOMPARE(m_fake->lastRequest().header("authorization"), "Bearer " + kUpstreamKey);

    const ProviderModels second = fetch(u"fake"_s, false);
    QVERIFY(second.fromCache);
    QCOMPARE(second.models, first.models);
    QCOMPARE(modelListRequests(), 1);

    const ProviderModels refreshed = fetch(u"fake"_s, true);
    QVERIFY(!refreshed.fromCache);
    QCOMPARE(modelListRequests(), 2);
}

void ModelCatalogTest::concurrentFetchesShareOneRequest()
{
    int answers = 0;
    for (int i = 0; i < 3; ++i)
        m_service->fetchProviderModels(u"fake"_s, true, this, [&answers](const ProviderModels &result) {
            QVERIFY(!result.error);
            ++answers;
        });
    QVERIFY(QTest::qWaitFor([&answers] { return answers == 3; }, 5000));
    QCOMPARE(modelListRequests(), 1);
}

void ModelCatalogTest::providerErrorIsRelayedAndNotCached()
{
    const ProviderModels failed = fetch(u"wrong-key"_s, false);
    QVERIFY(failed.error.has_value());
    QCOMPARE(failed.error->status, 401);
    QCOMPARE(failed.error->code, u"invalid_api_key"_s);
    QVERIFY(failed.models.isEmpty());
    fetch(u"wrong-key"_s, false);
    QCOMPARE(modelListRequests(), 2);  // errors are asked again, never served from cache
}

void ModelCatalogTest::unusableKeyAndUnknownProvider()
{
    const ProviderModels noKey = fetch(u"no-key"_s, false);
    QVERIFY(noKey.error.has_value());
    QCOMPARE(noKey.error->status, 503);
    QVERIFY(noKey.error->message.contains(u"ONEGATE_CATALOG_UNSET"_s));

    const ProviderModels unknown = fetch(u"nope"_s, false);
    QVERIFY(unknown.error.has_value());
    QCOMPARE(unknown.error->status, 404);
    QCOMPARE(modelListRequests(), 0);
}

QTEST_GUILESS_MAIN(ModelCatalogTest)
#include "tst_model_catalog.moc"
