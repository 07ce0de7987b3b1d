// The Providers page, offscreen: providers added from templates, edited and removed with
// a fake keychain (keys go there, never into config.json), keychain failures, Test
// connection and Fetch models through a running GatewayService against FakeUpstream, and
// local model servers detected on FakeUpstream ports; the Health column for given
// health snapshots.

#include "FakeUpstream.h"
#include "GatewayService.h"
#include "ScriptedPrompts.h"
#include "UiServices.h"
#include "config/ConfigEditor.h"
#include "models/ProviderModelChoiceModel.h"
#include "models/ProviderTableModel.h"
#include "pages/ProvidersPage.h"
#include "pages/providers/ModelPickerDialog.h"
#include "pages/providers/ProviderDialog.h"
#include "pages/providers/ProviderDocument.h"
#include "pages/providers/ProviderTemplates.h"
#include "routing/HealthBook.h"
#include "secrets/MemorySecretStore.h"

#include <QAbstractItemModelTester>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QToolButton>
#include <list>

using namespace onegate;
using namespace onegate::test;
using namespace Qt::StringLiterals;

namespace {

const QByteArray kUpstreamKey = "sk-test-providersupst-6789"_ba;

// A keychain that can be read but refuses to store anything, like a locked keyring.
class WriteFailingStore final : public SecretStore {
public:
    SecretReadResult read(const QString &name) override { return m_store.read(name); }
    QString write(const QString &, const QByteArray &) override
    {
        return u"the keychain is locked or access was denied: unlock it and try again"_s;
    }
    QString remove(const QString &name) override { return m_store.remove(name); }

private:
    MemorySecretStore m_store;
};

QByteArray baseConfig(const QJsonArray &providers = {}, const QJsonArray &models = {})
{
    const QJsonObject root{{"listen"_L1, u"127.0.0.1:0"_s},
                           {"auth"_L1, QJsonObject{{"required"_L1, true}}},
                           {"access_keys"_L1, QJsonArray()},
                           {"providers"_L1, providers},
                           {"models"_L1, models}};
    return QJsonDocument(root).toJson();
}

template <typename T> T *child(QWidget *parent, const QString &name)
{
    T *found = parent ? parent->findChild<T *>(name) : nullptr;
    if (!found)
        qWarning("no child named %s", qPrintable(name));
    return found;
}

void pressOk(QDialog *dialog)
{
    child<QDialogButtonBox>(dialog, u"buttonBox"_s)->button(QDialogButtonBox::Ok)->click();
}

void chooseData(QComboBox *combo, const QVariant &data)
{
    combo->setCurrentIndex(combo->findData(data));
}

RouteHealth route(const char *provider, const char *model, BreakerState state,
                  qint64 cooldownLeftMs = 0)
{
    RouteHealth health;
    health.provider = QString::fromLatin1(provider);
    health.model = QString::fromLatin1(model);
    health.state = state;
    health.cooldownLeftMs = cooldownLeftMs;
    return health;
}

KeyHealth key(const char *provider, int index, qint64 cooldownLeftMs)
{
    return KeyHealth{QString::fromLatin1(provider), index, cooldownLeftMs};
}

} // namespace

class ProvidersPageTest final : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();

    void templatesFillKindAndUrl_data();
    void templatesFillKindAndUrl();
    void addFromTemplate_data();
    void addFromTemplate();
    void azurePlaceholderIsRefused();
    void editAppliesAndInvalidUrlIsRefused();
    void severalKeysRotateAndRemovedKeyLeavesKeychain();
    void removeDeletesKeysAndRoutes();
    void removeDeclinedChangesNothing();
    void keychainWriteFailureSavesNothing();
    void envReferenceNeedsNoKeychain();
    void keyStates();
    void healthColumn_data();
    void healthColumn();
    void healthRefreshedWhileVisible();
    void testConnection();
    void fetchModelsChoosesWhatToServe();
    void detectsLocalServers();
    void choiceModelUnderTester();
    void screenshot();

private:
    enum class With { Nothing, Gateway };
    void startPage(const QByteArray &config, SecretStore *secrets = nullptr,
                   With with = With::Nothing);
    void startGateway();
    QJsonObject onDisk() const;
    QByteArray fileBytes() const;
    QJsonObject providerOnDisk(const QString &id) const;
    ProviderDialog *addCustom(const QString &id, const QString &baseUrl, const QStringList &keys);

    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_path;
    MemorySecretStore m_secrets;
    ScriptedPrompts m_prompts;
    std::unique_ptr<ConfigEditor> m_editor;
    std::unique_ptr<GatewayService> m_gateway;
    std::unique_ptr<ProvidersPage> m_page;
    std::unique_ptr<QAbstractItemModelTester> m_tester;
    std::list<std::unique_ptr<FakeUpstream>> m_fakes;
};

void ProvidersPageTest::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_path = m_dir->filePath(u"config.json"_s);
    m_secrets = MemorySecretStore();
    m_prompts.shown.clear();
    m_prompts.confirmAnswer = true;
}

void ProvidersPageTest::cleanup()
{
    m_tester.reset();
    m_page.reset();
    m_gateway.reset();
    m_editor.reset();
    m_fakes.clear();
    m_dir.reset();
}

void ProvidersPageTest::startPage(const QByteArray &config, SecretStore *secrets, With with)
{
    QFile file(m_path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(config);
    file.close();
    SecretStore *store = secrets ? secrets : &m_secrets;
    m_editor = std::make_unique<ConfigEditor>(m_path, store);
    const ConfigResult loaded = m_editor->load();
    QVERIFY2(loaded.ok(), qPrintable(loaded.error.toString()));
    if (with == With::Gateway)
        startGateway();
    UiServices services{m_editor.get(), store, m_gateway.get(), &m_prompts, m_dir->path()};
    m_page = std::make_unique<ProvidersPage>(services);
    // Keep the tests away from servers that may really run on this machine.
    m_page->localServerProbe()->setTargets({});
    m_page->resize(1040 - 200, 680);
    m_tester = std::make_unique<QAbstractItemModelTester>(
        m_page->model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
}

void ProvidersPageTest::startGateway()
{
    m_gateway = std::make_unique<GatewayService>();
    const ListenResult listening = m_gateway->start(m_editor->config(), nullptr);
    QVERIFY2(listening.ok(), qPrintable(listening.error));
    // What DesktopApp does: every accepted edit reaches the running gateway.
    connect(
        m_editor.get(), &ConfigEditor::changed, m_gateway.get(),
        [this](const std::shared_ptr<const Config> &config) { m_gateway->applyConfig(config); });
}

QByteArray ProvidersPageTest::fileBytes() const
{
    QFile file(m_path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

QJsonObject ProvidersPageTest::onDisk() const
{
    return QJsonDocument::fromJson(fileBytes()).object();
}

QJsonObject ProvidersPageTest::providerOnDisk(const QString &id) const
{
    return ProviderDocument(onDisk()).provider(id);
}

ProviderDialog *ProvidersPageTest::addCustom(const QString &id, const QString &baseUrl,
                                             const QStringList &keys)
{
    ProviderDialog *dialog = m_page->openAddDialog(u"custom"_s);
    if (!dialog)
        return nullptr;
    child<QLineEdit>(dialog, u"idEdit"_s)->setText(id);
    child<QLineEdit>(dialog, u"baseUrlEdit"_s)->setText(baseUrl);
    chooseData(child<QComboBox>(dialog, u"proxyCombo"_s), int(ProxyChoice::None));
    auto *newKey = child<QLineEdit>(dialog, u"newKeyEdit"_s);
    for (const QString &key : keys) {
        newKey->setText(key);
        child<QPushButton>(dialog, u"addKeyButton"_s)->click();
    }
    pressOk(dialog);
    return dialog;
}

// ---- templates ------------------------------------------------------------------------

void ProvidersPageTest::templatesFillKindAndUrl_data()
{
    QTest::addColumn<QString>("templateId");
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QString>("baseUrl");
    const auto row = [](const char *id, const char *kind, const char *url) {
        QTest::newRow(id) << QString::fromLatin1(id) << QString::fromLatin1(kind)
                          << QString::fromLatin1(url);
    };
    row("openai", "openai", "https://api.openai.com/v1");
    row("anthropic", "anthropic", "https://api.anthropic.com");
    row("gemini", "gemini", "https://generativelanguage.googleapis.com");
    row("azure", "azure", "https://YOUR-RESOURCE.openai.azure.com");
    row("deepseek", "openai", "https://api.deepseek.com/v1");
    row("moonshot", "openai", "https://api.moonshot.cn/v1");
    row("qwen", "openai", "https://dashscope.aliyuncs.com/compatible-mode/v1");
    row("zhipu", "openai", "https://open.bigmodel.cn/api/paas/v4");
    row("siliconflow", "openai", "https://api.siliconflow.cn/v1");
    row("openrouter", "openai", "https://openrouter.ai/api/v1");
    row("groq", "openai", "https://api.groq.com/openai/v1");
    row("mistral", "openai", "https://api.mistral.ai/v1");
    row("xai", "openai", "https://api.x.ai/v1");
    row("ollama", "ollama", "http://127.0.0.1:11434");
    row("lmstudio", "openai", "http://127.0.0.1:1234/v1");
    row("vllm", "openai", "http://127.0.0.1:8000/v1");
    row("custom", "openai", "");
}

void ProvidersPageTest::templatesFillKindAndUrl()
{
    QFETCH(QString, templateId);
    QFETCH(QString, kind);
    QFETCH(QString, baseUrl);
    startPage(baseConfig());
    const ProviderTemplate *providerTemplate = findProviderTemplate(templateId);
    QVERIFY(providerTemplate);
    QVERIFY(!providerTemplate->displayName().isEmpty());
    ProviderDialog *dialog = m_page->openAddDialog(templateId);
    QVERIFY(dialog);
    QVERIFY(dialog->isVisible());
    QCOMPARE(child<QLineEdit>(dialog, u"idEdit"_s)->text(), templateId);
    QCOMPARE(child<QComboBox>(dialog, u"kindCombo"_s)->currentData().toString(), kind);
    QCOMPARE(child<QLineEdit>(dialog, u"baseUrlEdit"_s)->text(), baseUrl);
    QVERIFY(dialog->windowTitle().contains(providerTemplate->displayName()));
    // Local servers are reached directly, whatever the system proxy.
    const auto proxy =
        ProxyChoice(child<QComboBox>(dialog, u"proxyCombo"_s)->currentData().toInt());
    QCOMPARE(proxy == ProxyChoice::None, providerTemplate->isLocal());
}

void ProvidersPageTest::addFromTemplate_data()
{
    QTest::addColumn<QString>("templateId");
    QTest::addColumn<QString>("key");
    QTest::newRow("openai") << u"openai"_s << u"sk-test-openaikey0-3f9a"_s;
    QTest::newRow("anthropic") << u"anthropic"_s << u"sk-test-antkey000-77aa"_s;
    QTest::newRow("deepseek") << u"deepseek"_s << u"sk-test-deepseek-0042"_s;
    QTest::newRow("ollama, no key") << u"ollama"_s << QString();
}

void ProvidersPageTest::addFromTemplate()
{
    QFETCH(QString, templateId);
    QFETCH(QString, key);
    startPage(baseConfig());
    QSignalSpy changed(m_editor.get(), &ConfigEditor::changed);
    ProviderDialog *dialog = m_page->openAddDialog(templateId);
    QVERIFY(dialog);
    child<QLineEdit>(dialog, u"newKeyEdit"_s)->setText(key);
    child<QPlainTextEdit>(dialog, u"modelsEdit"_s)->setPlainText(u"model-a\nmodel-b"_s);
    QPointer<ProviderDialog> guard(dialog);
    pressOk(dialog);
    QVERIFY2(m_prompts.shown.isEmpty(), qPrintable(m_prompts.shown.join(u'\n')));
    QTRY_VERIFY(!guard); // closed and deleted
    QCOMPARE(changed.size(), 1);

    const ProviderTemplate *providerTemplate = findProviderTemplate(templateId);
    const QJsonObject provider = providerOnDisk(templateId);
    QCOMPARE(provider.value("kind"_L1).toString(), providerKindName(providerTemplate->kind));
    QCOMPARE(provider.value("base_url"_L1).toString(), providerTemplate->baseUrl);
    QCOMPARE(provider.value("models"_L1).toArray(), QJsonArray({u"model-a"_s, u"model-b"_s}));
    if (key.isEmpty()) {
        QVERIFY(!provider.contains("api_key"_L1));
        QCOMPARE(provider.value("proxy"_L1).toString(), u"none"_s);
    } else {
        QCOMPARE(provider.value("api_key"_L1).toString(), u"keychain:provider/"_s + templateId);
        QCOMPARE(m_secrets.read(u"provider/"_s + templateId).value, key.toUtf8());
        QVERIFY(!fileBytes().contains(key.toUtf8()));
    }
    QCOMPARE(m_page->model()->rowCount(), 1);
    QCOMPARE(m_page->model()->providerId(0), templateId);
    const QString keyState =
        m_page->model()->index(0, int(ProviderTableModel::Column::Key)).data().toString();
    QCOMPARE(keyState, key.isEmpty() ? u"not needed"_s : u"in keychain"_s);

    // A second provider from the same template gets its own id.
    ProviderDialog *second = m_page->openAddDialog(templateId);
    QCOMPARE(child<QLineEdit>(second, u"idEdit"_s)->text(), templateId + u"-2"_s);
}

void ProvidersPageTest::azurePlaceholderIsRefused()
{
    startPage(baseConfig());
    const QByteArray before = fileBytes();
    ProviderDialog *dialog = m_page->openAddDialog(u"azure"_s);
    child<QLineEdit>(dialog, u"newKeyEdit"_s)->setText(u"sk-test-azure-cdef"_s);
    pressOk(dialog);
    QCOMPARE(m_prompts.shown.size(), 1);
    QVERIFY(m_prompts.last().contains(u"YOUR-RESOURCE"_s));
    QVERIFY(dialog->isVisible());
    QCOMPARE(fileBytes(), before);
    QVERIFY(!m_secrets.read(u"provider/azure"_s).ok());

    child<QLineEdit>(dialog, u"baseUrlEdit"_s)->setText(u"https://my-res.openai.azure.com"_s);
    child<QLineEdit>(dialog, u"apiVersionEdit"_s)->setText(u"2024-10-21"_s);
    pressOk(dialog);
    QCOMPARE(m_prompts.shown.size(), 1);
    const QJsonObject provider = providerOnDisk(u"azure"_s);
    QCOMPARE(provider.value("api_version"_L1).toString(), u"2024-10-21"_s);
    QCOMPARE(provider.value("base_url"_L1).toString(), u"https://my-res.openai.azure.com"_s);
}

// ---- editing --------------------------------------------------------------------------

void ProvidersPageTest::editAppliesAndInvalidUrlIsRefused()
{
    const QByteArray key = "sk-test-editkey000-3f9a"_ba;
    QVERIFY(m_secrets.write(u"provider/main"_s, key).isEmpty());
    startPage(
        baseConfig(QJsonArray{QJsonObject{{"id"_L1, u"main"_s},
                                          {"kind"_L1, u"openai"_s},
                                          {"base_url"_L1, u"https://api.example.com/v1"_s},
                                          {"api_key"_L1, u"keychain:provider/main"_s},
                                          {"timeouts"_L1, QJsonObject{{"idle_ms"_L1, 300000}}}}}));

    ProviderDialog *dialog = m_page->openEditDialog(u"main"_s);
    QVERIFY(dialog);
    QVERIFY(child<QLineEdit>(dialog, u"idEdit"_s)->isReadOnly());
    // The stored key is listed masked only.
    auto *keys = child<QListWidget>(dialog, u"keyList"_s);
    QCOMPARE(keys->count(), 1);
    QVERIFY2(keys->item(0)->text().startsWith(u"sk-…3f9a"_s), qPrintable(keys->item(0)->text()));
    for (QLineEdit *edit : dialog->findChildren<QLineEdit *>())
        QVERIFY(!edit->text().toUtf8().contains(key));

    child<QLineEdit>(dialog, u"baseUrlEdit"_s)->setText(u"https://proxy.example.org/openai/v1"_s);
    QPointer<ProviderDialog> guard(dialog);
    pressOk(dialog);
    QVERIFY2(m_prompts.shown.isEmpty(), qPrintable(m_prompts.shown.join(u'\n')));
    QTRY_VERIFY(!guard);
    QJsonObject provider = providerOnDisk(u"main"_s);
    QCOMPARE(provider.value("base_url"_L1).toString(), u"https://proxy.example.org/openai/v1"_s);
    QCOMPARE(provider.value("api_key"_L1).toString(), u"keychain:provider/main"_s);
    // Fields the dialog does not show survive an edit.
    QCOMPARE(provider.value("timeouts"_L1).toObject().value("idle_ms"_L1).toInt(), 300000);
    QCOMPARE(m_page->model()->index(0, int(ProviderTableModel::Column::BaseUrl)).data().toString(),
             u"https://proxy.example.org/openai/v1"_s);

    // An invalid URL: the parser's own message, the file untouched, the input kept.
    const QByteArray before = fileBytes();
    dialog = m_page->openEditDialog(u"main"_s);
    child<QLineEdit>(dialog, u"baseUrlEdit"_s)->setText(u"not a url"_s);
    pressOk(dialog);
    QCOMPARE(m_prompts.shown.size(), 1);
    QCOMPARE(m_prompts.last(),
             u"warning: Providers: config.json: providers[0].base_url: not an http(s) URL"_s);
    QVERIFY(dialog->isVisible());
    QCOMPARE(child<QLineEdit>(dialog, u"baseUrlEdit"_s)->text(), u"not a url"_s);
    QCOMPARE(fileBytes(), before);
    QCOMPARE(m_secrets.read(u"provider/main"_s).value, key);
}

void ProvidersPageTest::severalKeysRotateAndRemovedKeyLeavesKeychain()
{
    startPage(baseConfig());
    const QString first = u"sk-test-first-1111"_s;
    const QString second = u"sk-test-second-2222"_s;
    const QString third = u"sk-test-third-3333"_s;
    QPointer<ProviderDialog> dialog =
        addCustom(u"pool"_s, u"https://api.example.com/v1"_s, {first, second});
    QTRY_VERIFY(!dialog);
    QJsonObject provider = providerOnDisk(u"pool"_s);
    QCOMPARE(provider.value("api_key"_L1).toArray(),
             QJsonArray({u"keychain:provider/pool"_s, u"keychain:provider/pool/2"_s}));
    QCOMPARE(m_secrets.read(u"provider/pool"_s).value, first.toUtf8());
    QCOMPARE(m_secrets.read(u"provider/pool/2"_s).value, second.toUtf8());
    QCOMPARE(m_page->model()->index(0, int(ProviderTableModel::Column::Key)).data().toString(),
             u"2 keys in keychain"_s);

    // Drop the first key and add a third: the first leaves the keychain (after a yes).
    dialog = m_page->openEditDialog(u"pool"_s);
    auto *keys = child<QListWidget>(dialog, u"keyList"_s);
    QCOMPARE(keys->count(), 2);
    keys->setCurrentRow(0);
    child<QPushButton>(dialog, u"removeKeyButton"_s)->click();
    QCOMPARE(keys->count(), 1);
    child<QLineEdit>(dialog, u"newKeyEdit"_s)->setText(third);
    pressOk(dialog);
    QTRY_VERIFY(!dialog);
    QCOMPARE(m_prompts.shown.size(), 1);
    QVERIFY(m_prompts.last().startsWith(u"confirm: "_s));
    QVERIFY(m_prompts.last().contains(u"provider/pool"_s));
    provider = providerOnDisk(u"pool"_s);
    // The new key never takes a name the old config still used.
    QCOMPARE(provider.value("api_key"_L1).toArray(),
             QJsonArray({u"keychain:provider/pool/2"_s, u"keychain:provider/pool/3"_s}));
    QVERIFY(!m_secrets.read(u"provider/pool"_s).ok());
    QCOMPARE(m_secrets.read(u"provider/pool/3"_s).value, third.toUtf8());

    // Declining the confirm keeps everything, and the dialog stays open.
    m_prompts.confirmAnswer = false;
    const QByteArray before = fileBytes();
    dialog = m_page->openEditDialog(u"pool"_s);
    keys = child<QListWidget>(dialog, u"keyList"_s);
    keys->setCurrentRow(1);
    child<QPushButton>(dialog, u"removeKeyButton"_s)->click();
    pressOk(dialog);
    QVERIFY(dialog && dialog->isVisible());
    QCOMPARE(fileBytes(), before);
    QVERIFY(m_secrets.read(u"provider/pool/3"_s).ok());
}

// ---- removing -------------------------------------------------------------------------

void ProvidersPageTest::removeDeletesKeysAndRoutes()
{
    QVERIFY(m_secrets.write(u"provider/gone"_s, "sk-test-gone-cdef"_ba).isEmpty());
    QVERIFY(m_secrets.write(u"provider/gone/2"_s, "sk-test-gonetwo-89ab"_ba).isEmpty());
    QVERIFY(m_secrets.write(u"provider/stays"_s, "sk-test-stays-abcd"_ba).isEmpty());
    const QJsonArray providers{
        QJsonObject{
            {"id"_L1, u"gone"_s},
            {"kind"_L1, u"openai"_s},
            {"base_url"_L1, u"https://a.example.com/v1"_s},
            {"api_key"_L1, QJsonArray{u"keychain:provider/gone"_s, u"keychain:provider/gone/2"_s}}},
        QJsonObject{{"id"_L1, u"stays"_s},
                    {"kind"_L1, u"openai"_s},
                    {"base_url"_L1, u"https://b.example.com/v1"_s},
                    {"api_key"_L1, u"keychain:provider/stays"_s}}};
    const auto route = [](const QString &provider) {
        return QJsonObject{{"provider"_L1, provider}, {"model"_L1, u"m"_s}};
    };
    const QJsonArray models{
        QJsonObject{{"id"_L1, u"shared"_s},
                    {"routes"_L1, QJsonArray{route(u"gone"_s), route(u"stays"_s)}}},
        QJsonObject{{"id"_L1, u"only-gone"_s}, {"routes"_L1, QJsonArray{route(u"gone"_s)}}}};
    startPage(baseConfig(providers, models));
    QCOMPARE(m_page->model()->rowCount(), 2);

    m_page->removeProvider(u"gone"_s);
    QCOMPARE(m_prompts.shown.size(), 1);
    const QString question = m_prompts.last();
    QVERIFY(question.startsWith(u"confirm: Remove provider: Remove the provider gone?"_s));
    QVERIFY(question.contains(u"provider/gone, provider/gone/2"_s));
    QVERIFY(question.contains(u"shared, only-gone"_s));

    const QJsonObject document = onDisk();
    QCOMPARE(ProviderDocument(document).providerIds(), QStringList{u"stays"_s});
    const QJsonArray left = document.value("models"_L1).toArray();
    QCOMPARE(left.size(), 1);
    QCOMPARE(left.at(0).toObject().value("id"_L1).toString(), u"shared"_s);
    QCOMPARE(left.at(0).toObject().value("routes"_L1).toArray(), QJsonArray{route(u"stays"_s)});
    QVERIFY(!m_secrets.read(u"provider/gone"_s).ok());
    QVERIFY(!m_secrets.read(u"provider/gone/2"_s).ok());
    QVERIFY(m_secrets.read(u"provider/stays"_s).ok());
    QCOMPARE(m_page->model()->rowCount(), 1);
}

void ProvidersPageTest::removeDeclinedChangesNothing()
{
    QVERIFY(m_secrets.write(u"provider/kept"_s, "sk-test-kept-cdef"_ba).isEmpty());
    startPage(baseConfig(
        QJsonArray{QJsonObject{{"id"_L1, u"kept"_s},
                               {"kind"_L1, u"openai"_s},
                               {"base_url"_L1, u"https://a.example.com/v1"_s},
                               {"api_key"_L1, u"keychain:provider/kept"_s}}},
        QJsonArray{QJsonObject{{"id"_L1, u"alias"_s},
                               {"routes"_L1, QJsonArray{QJsonObject{{"provider"_L1, u"kept"_s},
                                                                    {"model"_L1, u"m"_s}}}}}}));
    const QByteArray before = fileBytes();
    m_prompts.confirmAnswer = false;
    m_page->removeProvider(u"kept"_s);
    QCOMPARE(m_prompts.shown.size(), 1);
    QCOMPARE(fileBytes(), before);
    QVERIFY(m_secrets.read(u"provider/kept"_s).ok());
    QCOMPARE(m_page->model()->rowCount(), 1);
}

// ---- the keychain ---------------------------------------------------------------------

void ProvidersPageTest::keychainWriteFailureSavesNothing()
{
    WriteFailingStore store;
    startPage(baseConfig(), &store);
    const QByteArray before = fileBytes();
    const QString key = u"sk-test-neverwritten-89ab"_s;
    ProviderDialog *dialog = m_page->openAddDialog(u"openai"_s);
    child<QLineEdit>(dialog, u"newKeyEdit"_s)->setText(key);
    pressOk(dialog);
    QCOMPARE(m_prompts.shown.size(), 1);
    const QString shown = m_prompts.last();
    QVERIFY2(shown.startsWith(u"warning: Key not saved: "_s), qPrintable(shown));
    QVERIFY(shown.contains(u"the keychain is locked or access was denied"_s));
    QVERIFY(shown.contains(u"Start or unlock a keyring"_s));
    QVERIFY(shown.contains(u"env:NAME"_s));
    QVERIFY(!shown.contains(key));
    QVERIFY(dialog->isVisible());
    QCOMPARE(fileBytes(), before);
    QVERIFY(!fileBytes().contains(key.toUtf8()));
    QCOMPARE(m_page->model()->rowCount(), 0);
}

void ProvidersPageTest::envReferenceNeedsNoKeychain()
{
    WriteFailingStore store;
    startPage(baseConfig(), &store);
    qunsetenv("ONEGATE_TEST_UNSET_KEY");
    ProviderDialog *dialog = m_page->openAddDialog(u"groq"_s);
    child<QLineEdit>(dialog, u"newKeyEdit"_s)->setText(u"env:ONEGATE_TEST_UNSET_KEY"_s);
    pressOk(dialog);
    QVERIFY2(m_prompts.shown.isEmpty(), qPrintable(m_prompts.shown.join(u'\n')));
    QCOMPARE(providerOnDisk(u"groq"_s).value("api_key"_L1).toString(),
             u"env:ONEGATE_TEST_UNSET_KEY"_s);
    QCOMPARE(m_page->model()->index(0, int(ProviderTableModel::Column::Key)).data().toString(),
             u"missing: environment variable ONEGATE_TEST_UNSET_KEY is not set"_s);
}

void ProvidersPageTest::keyStates()
{
    qputenv("ONEGATE_TEST_SET_KEY", "sk-test-fromenv-cdef");
    QVERIFY(m_secrets.write(u"provider/k"_s, "sk-test-keychain-bcde"_ba).isEmpty());
    const auto provider = [](const char *id, const QString &url, const QJsonValue &key) {
        QJsonObject object{
            {"id"_L1, QString::fromLatin1(id)}, {"kind"_L1, u"openai"_s}, {"base_url"_L1, url}};
        if (!key.isUndefined())
            object.insert("api_key"_L1, key);
        return object;
    };
    startPage(baseConfig(
        QJsonArray{provider("k", u"https://a.example.com/v1"_s, u"keychain:provider/k"_s),
                   provider("e", u"https://a.example.com/v1"_s, u"env:ONEGATE_TEST_SET_KEY"_s),
                   provider("m", u"https://a.example.com/v1"_s, u"keychain:provider/none"_s),
                   provider("l", u"http://127.0.0.1:8000/v1"_s, QJsonValue::Undefined),
                   provider("mix", u"https://a.example.com/v1"_s,
                            QJsonArray{u"keychain:provider/k"_s, u"env:ONEGATE_TEST_SET_KEY"_s})}));
    const auto state = [this](int row) {
        return m_page->model()->index(row, int(ProviderTableModel::Column::Key)).data().toString();
    };
    QCOMPARE(state(0), u"in keychain"_s);
    QCOMPARE(state(1), u"from environment"_s);
    QCOMPARE(state(2), u"missing: no entry named provider/none in the OneGate keychain"_s);
    QCOMPARE(state(3), u"not needed"_s);
    QCOMPARE(state(4), u"2 keys from keychain and environment"_s);
    QCOMPARE(m_page->model()->index(0, int(ProviderTableModel::Column::LastTest)).data().toString(),
             u"not tested"_s);
    // A live language switch re-reads every text; with no translation loaded they stay.
    QEvent languageChange(QEvent::LanguageChange);
    QCoreApplication::sendEvent(m_page.get(), &languageChange);
    QCOMPARE(state(0), u"in keychain"_s);
    QCOMPARE(child<QToolButton>(m_page.get(), u"addProviderButton"_s)->text(), u"Add provider"_s);
    QCOMPARE(m_page->model()->headerData(0, Qt::Horizontal).toString(), u"Provider"_s);
    qunsetenv("ONEGATE_TEST_SET_KEY");
}

// ---- route health ---------------------------------------------------------------------

void ProvidersPageTest::healthColumn_data()
{
    QTest::addColumn<QList<RouteHealth>>("routes");
    QTest::addColumn<QList<KeyHealth>>("keys");
    QTest::addColumn<QString>("pair");        // the Health column of `pair` (two keys)
    QTest::addColumn<QStringList>("details"); // lines its tooltip has
    QTest::addColumn<QString>("solo");        // and of `solo` (one key)

    const auto closed = BreakerState::Closed;
    const auto open = BreakerState::Open;
    const auto halfOpen = BreakerState::HalfOpen;
    QTest::newRow("nothing about it")
        << QList<RouteHealth>{route("solo", "m3", closed)} << QList<KeyHealth>()
        << u"No traffic yet"_s
        << QStringList{u"No request has gone to this provider since OneGate started."_s} << u"OK"_s;
    QTest::newRow("every route closed")
        << QList<RouteHealth>{route("pair", "m1", closed), route("pair", "m2", closed)}
        << QList<KeyHealth>() << u"OK"_s
        << QStringList{u"Every route that carried traffic works, and no key is cooling down."_s,
                       u"Routes with traffic: 2, cooling down: 0, being probed: 0"_s}
        << u"No traffic yet"_s;
    QTest::newRow("one route open")
        << QList<RouteHealth>{route("pair", "m1", open, 9500), route("pair", "m2", closed)}
        << QList<KeyHealth>() << u"Degraded"_s
        << QStringList{u"Some routes or keys are failing; requests go to the others meanwhile."_s,
                       u"Routes with traffic: 2, cooling down: 1, being probed: 0"_s,
                       u"The first route is back in 10 s."_s}
        << u"No traffic yet"_s;
    QTest::newRow("the only route probing")
        << QList<RouteHealth>{route("pair", "m1", halfOpen)} << QList<KeyHealth>() << u"Degraded"_s
        << QStringList{u"Routes with traffic: 1, cooling down: 0, being probed: 1"_s}
        << u"No traffic yet"_s;
    QTest::newRow("every route open")
        << QList<RouteHealth>{route("pair", "m1", open, 20'000), route("pair", "m2", open, 4200),
                              route("solo", "m3", closed)}
        << QList<KeyHealth>() << u"Down"_s
        << QStringList{u"Every route that carried traffic is cooling down after failures. "
                       u"OneGate tries again when the cooldown ends."_s,
                       u"Routes with traffic: 2, cooling down: 2, being probed: 0"_s,
                       u"The first route is back in 5 s."_s}
        << u"OK"_s;
    QTest::newRow("one of two keys cooling")
        << QList<RouteHealth>() << QList<KeyHealth>{key("pair", 1, 60'000)} << u"Degraded"_s
        << QStringList{u"Keys cooling down: 1 of 2"_s, u"Key 2: back in 60 s"_s}
        << u"No traffic yet"_s;
    QTest::newRow("both keys cooling")
        << QList<RouteHealth>{route("pair", "m1", closed)}
        << QList<KeyHealth>{key("pair", 0, 30'000), key("pair", 1, 999)} << u"Down"_s
        << QStringList{u"The provider rejected every key. OneGate tries them again when their "
                       u"cooldown ends; check them with Edit."_s,
                       u"Keys cooling down: 2 of 2"_s, u"Key 1: back in 30 s"_s,
                       u"Key 2: back in 1 s"_s}
        << u"No traffic yet"_s;
    QTest::newRow("a key being tried again")
        << QList<RouteHealth>() << QList<KeyHealth>{key("pair", 0, 0)} << u"Degraded"_s
        << QStringList{u"Key 1: being tried again"_s} << u"No traffic yet"_s;
    QTest::newRow("the only key of another provider cooling")
        << QList<RouteHealth>() << QList<KeyHealth>{key("solo", 0, 5000)} << u"No traffic yet"_s
        << QStringList() << u"Down"_s;
}

// The Health column for snapshots built here: values, as GatewayService::fetchHealth
// hands them to the page.
void ProvidersPageTest::healthColumn()
{
    QFETCH(QList<RouteHealth>, routes);
    QFETCH(QList<KeyHealth>, keys);
    QFETCH(QString, pair);
    QFETCH(QStringList, details);
    QFETCH(QString, solo);

    QVERIFY(m_secrets.write(u"provider/a"_s, "sk-test-healthkeyaa-1111"_ba).isEmpty());
    QVERIFY(m_secrets.write(u"provider/b"_s, "sk-test-healthkeybb-2222"_ba).isEmpty());
    const auto provider = [](const char *id, const QJsonValue &key, const QStringList &models) {
        return QJsonObject{{"id"_L1, QString::fromLatin1(id)},
                           {"kind"_L1, u"openai"_s},
                           {"base_url"_L1, u"https://%1.example.com/v1"_s.arg(QLatin1String(id))},
                           {"api_key"_L1, key},
                           {"models"_L1, QJsonArray::fromStringList(models)}};
    };
    startPage(baseConfig(
        QJsonArray{provider("pair", QJsonArray{u"keychain:provider/a"_s, u"keychain:provider/b"_s},
                            {u"m1"_s, u"m2"_s}),
                   provider("solo", u"keychain:provider/a"_s, {u"m3"_s})}));
    ProviderTableModel *model = m_page->model();
    const auto cell = [model](const char *id, int role = Qt::DisplayRole) {
        return model
            ->index(model->rowOf(QString::fromLatin1(id)), int(ProviderTableModel::Column::Health))
            .data(role)
            .toString();
    };
    QCOMPARE(model->headerData(int(ProviderTableModel::Column::Health), Qt::Horizontal).toString(),
             u"Health"_s);
    // Before the first snapshot the column says nothing.
    QVERIFY(cell("pair").isEmpty());
    QVERIFY(cell("pair", Qt::ToolTipRole).isEmpty());
    QVERIFY(!model->health(u"pair"_s));

    QSignalSpy reset(model, &QAbstractItemModel::modelReset);
    model->setHealth(HealthSnapshot{routes, keys});
    QCOMPARE(reset.size(), 0);
    QCOMPARE(cell("pair"), pair);
    QCOMPARE(cell("solo"), solo);
    const QStringList tip = cell("pair", Qt::ToolTipRole).split(u'\n');
    for (const QString &line : details)
        QVERIFY2(tip.contains(line), qPrintable(tip.join(u" | "_s)));
    const QVariant colour =
        model->index(model->rowOf(u"pair"_s), int(ProviderTableModel::Column::Health))
            .data(Qt::ForegroundRole);
    QCOMPARE(colour.isValid(), pair == "Down"_L1 || pair == "Degraded"_L1);
    QVERIFY(model->health(u"pair"_s));

    // No gateway to ask: empty again.
    model->clearHealth();
    QVERIFY(cell("pair").isEmpty());
    QVERIFY(cell("solo").isEmpty());
}

void ProvidersPageTest::healthRefreshedWhileVisible()
{
    startPage(baseConfig(QJsonArray{QJsonObject{{"id"_L1, u"local"_s},
                                                {"kind"_L1, u"ollama"_s},
                                                {"base_url"_L1, u"http://127.0.0.1:9"_s},
                                                {"models"_L1, QJsonArray{u"m"_s}}}}));
    auto *timer = m_page->findChild<QTimer *>(u"healthTimer"_s);
    QVERIFY(timer);
    QVERIFY(!timer->isActive());
    ProviderTableModel *model = m_page->model();
    HealthSnapshot snapshot;
    snapshot.routes.append(route("local", "m", BreakerState::Open, 1000));
    snapshot.routes.last().lastError = u"connection refused"_s;
    snapshot.routes.last().lastErrorAtMs = QDateTime::currentMSecsSinceEpoch();
    model->setHealth(snapshot);
    const QModelIndex cell = model->index(0, int(ProviderTableModel::Column::Health));
    QCOMPARE(cell.data().toString(), u"Down"_s);
    QVERIFY2(cell.data(Qt::ToolTipRole).toString().contains(u"): connection refused"_s),
             qPrintable(cell.data(Qt::ToolTipRole).toString()));

    // Shown, the page asks at once and then every two seconds; this one has no gateway
    // to ask, so it has nothing to say.
    m_page->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_page.get()));
    QVERIFY(timer->isActive());
    QVERIFY(cell.data().toString().isEmpty());
    m_page->hide();
    QVERIFY(!timer->isActive());
}

// ---- through the gateway --------------------------------------------------------------

void ProvidersPageTest::testConnection()
{
    auto &fake = m_fakes.emplace_back(std::make_unique<FakeUpstream>(kUpstreamKey));
    QVERIFY2(fake->listen(), qPrintable(fake->errorString()));
    startPage(baseConfig(), nullptr, With::Gateway);

    QPointer<ProviderDialog> dialog =
        addCustom(u"fake"_s, fake->baseUrl(), {QString::fromLatin1(kUpstreamKey)});
    QTRY_VERIFY(!dialog);
    dialog = addCustom(u"wrong"_s, fake->baseUrl(), {u"sk-test-nottherightke-0000"_s});
    QTRY_VERIFY(!dialog);
    QVERIFY2(m_prompts.shown.isEmpty(), qPrintable(m_prompts.shown.join(u'\n')));

    QSignalSpy answered(m_page.get(), &ProvidersPage::providerAnswered);
    m_page->testConnection(u"fake"_s);
    QCOMPARE(m_page->model()->testResult(u"fake"_s).state, ProviderTestResult::State::Running);
    QVERIFY(answered.wait(5000));
    ProviderTestResult result = m_page->model()->testResult(u"fake"_s);
    QCOMPARE(result.state, ProviderTestResult::State::Passed);
    QCOMPARE(result.modelCount, 3);
    QCOMPARE(
        m_page->model()
            ->index(m_page->model()->rowOf(u"fake"_s), int(ProviderTableModel::Column::LastTest))
            .data()
            .toString(),
        u"OK: 3 model(s)"_s);
    QCOMPARE(fake->lastRequest().header("authorization"), "Bearer " + kUpstreamKey);
    QCOMPARE(child<QLabel>(m_page.get(), u"statusLabel"_s)->text(),
             u"fake answered and lists 3 model(s)."_s);

    m_page->testConnection(u"wrong"_s);
    QVERIFY(answered.wait(5000));
    result = m_page->model()->testResult(u"wrong"_s);
    QCOMPARE(result.state, ProviderTestResult::State::Failed);
    QVERIFY2(result.message.startsWith(u"Incorrect API key provided"_s),
             qPrintable(result.message));
    QVERIFY(result.message.endsWith(u"(HTTP 401)"_s));
    QVERIFY(child<QLabel>(m_page.get(), u"statusLabel"_s)->text().contains(u"Incorrect API key"_s));
    // The first provider's result stays as it was.
    QCOMPARE(m_page->model()->testResult(u"fake"_s).state, ProviderTestResult::State::Passed);
}

void ProvidersPageTest::fetchModelsChoosesWhatToServe()
{
    auto &fake = m_fakes.emplace_back(std::make_unique<FakeUpstream>(kUpstreamKey));
    QVERIFY2(fake->listen(), qPrintable(fake->errorString()));
    QVERIFY(m_secrets.write(u"provider/fake"_s, kUpstreamKey).isEmpty());
    startPage(
        baseConfig(QJsonArray{QJsonObject{{"id"_L1, u"fake"_s},
                                          {"kind"_L1, u"openai"_s},
                                          {"base_url"_L1, fake->baseUrl()},
                                          {"api_key"_L1, u"keychain:provider/fake"_s},
                                          {"models"_L1, QJsonArray{u"model-id-1"_s, u"retired"_s}},
                                          {"proxy"_L1, u"none"_s}}}),
        nullptr, With::Gateway);

    QSignalSpy answered(m_page.get(), &ProvidersPage::providerAnswered);
    m_page->fetchModels(u"fake"_s);
    QVERIFY(answered.wait(5000));
    QVERIFY2(m_prompts.shown.isEmpty(), qPrintable(m_prompts.shown.join(u'\n')));
    QPointer<ModelPickerDialog> picker = m_page->modelPicker();
    QVERIFY(picker);
    QVERIFY(picker->isVisible());
    ProviderModelChoiceModel *choices = picker->choices();
    QAbstractItemModelTester tester(choices,
                                    QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(choices->rowCount(), 4);
    QCOMPARE(choices->modelAt(0), u"model-id-0"_s);
    QCOMPARE(choices->modelAt(3), u"retired"_s);
    // What is served now starts checked; a served model the provider no longer lists stays.
    QCOMPARE(choices->checkedModels(), QStringList({u"model-id-1"_s, u"retired"_s}));
    QVERIFY(!choices->index(3, int(ProviderModelChoiceModel::Column::Note))
                 .data()
                 .toString()
                 .isEmpty());

    picker->setFilter(u"id-2"_s);
    picker->setShownChecked(true);
    QVERIFY(choices->setData(choices->index(3, 0), Qt::Unchecked, Qt::CheckStateRole));
    QVERIFY(choices->setData(choices->index(0, 0), Qt::Checked, Qt::CheckStateRole));
    QCOMPARE(choices->checkedModels(),
             QStringList({u"model-id-0"_s, u"model-id-1"_s, u"model-id-2"_s}));
    pressOk(picker);
    QTRY_VERIFY(!picker);
    QCOMPARE(providerOnDisk(u"fake"_s).value("models"_L1).toArray(),
             QJsonArray({u"model-id-0"_s, u"model-id-1"_s, u"model-id-2"_s}));
    QCOMPARE(m_page->model()->index(0, int(ProviderTableModel::Column::Models)).data().toString(),
             u"model-id-0, model-id-1, model-id-2"_s);

    // A provider error is shown in the provider's own words.
    fake->setExpectedKey("sk-test-somethingelse-y-00"_ba);
    m_page->fetchModels(u"fake"_s);
    QVERIFY(answered.wait(5000));
    QCOMPARE(m_prompts.shown.size(), 1);
    QVERIFY2(m_prompts.last().startsWith(u"warning: Fetch models: fake did not list its models: "
                                         u"Incorrect API key provided"_s),
             qPrintable(m_prompts.last()));
}

// ---- local model servers --------------------------------------------------------------

void ProvidersPageTest::detectsLocalServers()
{
    auto &ollama = m_fakes.emplace_back(
        std::make_unique<FakeUpstream>(makeFakeDialect(u"ollama"_s), QByteArray()));
    QVERIFY2(ollama->listen(), qPrintable(ollama->errorString()));
    auto &lmStudio = m_fakes.emplace_back(std::make_unique<FakeUpstream>());
    QVERIFY2(lmStudio->listen(), qPrintable(lmStudio->errorString()));
    // Jan answers 401 without the key set in its settings.
    auto &jan = m_fakes.emplace_back(std::make_unique<FakeUpstream>(kUpstreamKey));
    QVERIFY2(jan->listen(), qPrintable(jan->errorString()));
    // Nothing listens here: a port just freed.
    quint16 closedPort = 0;
    {
        QTcpServer server;
        QVERIFY(server.listen(QHostAddress::LocalHost));
        closedPort = server.serverPort();
    }
    startPage(baseConfig());

    QList<LocalServerTarget> targets = LocalServerProbe::defaultTargets();
    QCOMPARE(targets.size(), 5);
    const QHash<QString, quint16> ports{{u"ollama"_s, ollama->port()},
                                        {u"lmstudio"_s, lmStudio->port()},
                                        {u"llamacpp"_s, closedPort},
                                        {u"vllm"_s, closedPort},
                                        {u"jan"_s, jan->port()}};
    for (LocalServerTarget &target : targets)
        target.port = ports.value(target.templateId);
    m_page->localServerProbe()->setTargets(targets);

    QSignalSpy offersChanged(m_page.get(), &ProvidersPage::localServerOffersChanged);
    m_page->detectLocalServers();
    QTRY_VERIFY(!m_page->localServerProbe()->isRunning());
    const QList<LocalServer> offers = m_page->localServerOffers();
    QCOMPARE(offers.size(), 3);
    QCOMPARE(offers.at(0).target.templateId, u"ollama"_s);
    QCOMPARE(offers.at(0).models, QStringList({u"deepseek-r1:latest"_s, u"llama3.2:latest"_s}));
    QCOMPARE(offers.at(1).target.templateId, u"lmstudio"_s);
    QCOMPARE(offers.at(1).models.size(), 3);
    QCOMPARE(offers.at(2).target.templateId, u"jan"_s);
    QVERIFY(offers.at(2).needsKey);
    QCOMPARE(ollama->lastRequest().path, "/api/tags"_ba);
    QCOMPARE(lmStudio->lastRequest().path, "/v1/models"_ba);

    const QString buttonName = u"addLocalServer_ollama_%1"_s.arg(ollama->port());
    auto *button = child<QPushButton>(m_page.get(), buttonName);
    QVERIFY(button);
    QCOMPARE(button->text(), u"Add Ollama at 127.0.0.1:%1 (2 model(s))"_s.arg(ollama->port()));

    // One click adds it, with its models and no proxy; the offer goes away.
    button->click();
    QVERIFY2(m_prompts.shown.isEmpty(), qPrintable(m_prompts.shown.join(u'\n')));
    const QJsonObject provider = providerOnDisk(u"ollama"_s);
    QCOMPARE(provider.value("kind"_L1).toString(), u"ollama"_s);
    QCOMPARE(provider.value("base_url"_L1).toString(), ollama->origin());
    QCOMPARE(provider.value("models"_L1).toArray(),
             QJsonArray({u"deepseek-r1:latest"_s, u"llama3.2:latest"_s}));
    QCOMPARE(provider.value("proxy"_L1).toString(), u"none"_s);
    QVERIFY(!provider.contains("api_key"_L1));
    QCOMPARE(m_page->localServerOffers().size(), 2);
    QVERIFY(!m_page->findChild<QPushButton *>(buttonName));

    // LM Studio through its button too: kind openai with the /v1 path.
    child<QPushButton>(m_page.get(), u"addLocalServer_lmstudio_%1"_s.arg(lmStudio->port()))
        ->click();
    QCOMPARE(providerOnDisk(u"lmstudio"_s).value("base_url"_L1).toString(), lmStudio->baseUrl());
    QCOMPARE(m_page->localServerOffers().size(), 1);

    // Jan wants its key: the add dialog opens, filled in.
    child<QPushButton>(m_page.get(), u"addLocalServer_jan_%1"_s.arg(jan->port()))->click();
    ProviderDialog *dialog = m_page->providerDialog();
    QVERIFY(dialog && dialog->isVisible());
    QCOMPARE(child<QLineEdit>(dialog, u"baseUrlEdit"_s)->text(), jan->baseUrl());
    child<QLineEdit>(dialog, u"newKeyEdit"_s)->setText(QString::fromLatin1(kUpstreamKey));
    pressOk(dialog);
    QCOMPARE(providerOnDisk(u"jan"_s).value("api_key"_L1).toString(), u"keychain:provider/jan"_s);
    QVERIFY(m_page->localServerOffers().isEmpty());
    QVERIFY(child<QLabel>(m_page.get(), u"localServersStatus"_s)->text().contains(u"set up"_s));
    QVERIFY(offersChanged.size() >= 4);
}

void ProvidersPageTest::choiceModelUnderTester()
{
    ProviderModelChoiceModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setChoices({u"a"_s, u"b"_s}, {u"b"_s, u"c"_s});
    QCOMPARE(model.rowCount(), 3);
    QCOMPARE(model.checkedModels(), QStringList({u"b"_s, u"c"_s}));
    QVERIFY(model.flags(model.index(0, 0)).testFlag(Qt::ItemIsUserCheckable));
    QVERIFY(!model.setData(model.index(0, 1), Qt::Checked, Qt::CheckStateRole));
    model.setChecked(0, true);
    QCOMPARE(model.checkedModels(), QStringList({u"a"_s, u"b"_s, u"c"_s}));
    model.setChoices({}, {});
    QCOMPARE(model.rowCount(), 0);
}

// Set ONEGATE_UI_SHOTS to a folder to get PNGs of the page and its dialogs for review.
void ProvidersPageTest::screenshot()
{
    const QString folder = qEnvironmentVariable("ONEGATE_UI_SHOTS");
    if (folder.isEmpty())
        QSKIP("ONEGATE_UI_SHOTS is not set");
    qputenv("ONEGATE_SHOT_KEY", "sk-test-env-cdef");
    QVERIFY(m_secrets.write(u"provider/openai"_s, "sk-test-shot012345678-3f9a"_ba)
                .isEmpty());
    QVERIFY(m_secrets.write(u"provider/deepseek"_s, "sk-test-deep012345678-77aa"_ba)
                .isEmpty());
    QVERIFY(m_secrets.write(u"provider/deepseek/2"_s, "sk-test-deep012345678-0042"_ba)
                .isEmpty());
    const auto provider = [](const char *id, const char *kind, const char *url,
                             const QJsonValue &key, const QStringList &models) {
        QJsonObject object{{"id"_L1, QString::fromLatin1(id)},
                           {"kind"_L1, QString::fromLatin1(kind)},
                           {"base_url"_L1, QString::fromLatin1(url)},
                           {"models"_L1, QJsonArray::fromStringList(models)}};
        if (!key.isUndefined())
            object.insert("api_key"_L1, key);
        return object;
    };
    startPage(baseConfig(QJsonArray{
        provider("openai", "openai", "https://api.openai.com/v1", u"keychain:provider/openai"_s,
                 {u"gpt-4o-mini"_s, u"gpt-4o"_s}),
        provider("deepseek", "openai", "https://api.deepseek.com/v1",
                 QJsonArray{u"keychain:provider/deepseek"_s, u"keychain:provider/deepseek/2"_s},
                 {u"deepseek-chat"_s, u"deepseek-reasoner"_s}),
        provider("claude", "anthropic", "https://api.anthropic.com",
                 u"env:ANTHROPIC_API_KEY_UNSET"_s, {u"claude-sonnet-4-5"_s}),
        provider("gemini", "gemini", "https://generativelanguage.googleapis.com",
                 u"env:ONEGATE_SHOT_KEY"_s, {u"gemini-2.5-flash"_s}),
        provider("local", "ollama", "http://127.0.0.1:11434", QJsonValue::Undefined,
                 {u"llama3.2"_s})}));
    m_page->model()->setTestResult(
        u"openai"_s, {ProviderTestResult::State::Passed, 87, {}, QDateTime::currentDateTime()});
    m_page->model()->setTestResult(u"claude"_s,
                                   {ProviderTestResult::State::Failed, 0,
                                    u"Provider 'claude' has no usable API key (HTTP 503)"_s,
                                    QDateTime::currentDateTime()});
    auto ollama = std::make_unique<FakeUpstream>(makeFakeDialect(u"ollama"_s), QByteArray());
    QVERIFY(ollama->listen());
    auto lm = std::make_unique<FakeUpstream>();
    QVERIFY(lm->listen());
    QList<LocalServerTarget> targets = LocalServerProbe::defaultTargets();
    targets[0].port = ollama->port();
    targets[1].port = lm->port();
    targets[2].port = 1;
    targets[3].port = 1;
    targets[4].port = 1;
    m_page->localServerProbe()->setTargets(targets);
    m_page->show();
    m_page->detectLocalServers();
    QTRY_VERIFY(!m_page->localServerProbe()->isRunning());
    m_page->grab().save(folder + u"/providers-page.png"_s);

    ProviderDialog *dialog = m_page->openEditDialog(u"deepseek"_s);
    QTest::qWait(50);
    dialog->grab().save(folder + u"/providers-edit.png"_s);
    dialog->close();
    dialog = m_page->openAddDialog(u"azure"_s);
    QTest::qWait(50);
    dialog->grab().save(folder + u"/providers-add-azure.png"_s);
    dialog->close();
    ModelPickerDialog picker(u"openai"_s, {u"gpt-4o"_s, u"gpt-4o-mini"_s, u"o3"_s},
                             {u"gpt-4o"_s, u"old"_s}, {}, nullptr);
    picker.show();
    QTest::qWait(50);
    picker.grab().save(folder + u"/providers-models.png"_s);
}

QTEST_MAIN(ProvidersPageTest)
#include "tst_ui_providers.moc"
