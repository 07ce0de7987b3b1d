// The Access keys page: a key created here is stored in the keychain (a
// MemorySecretStore), referenced from the config, shown once, and lets a client into a
// running GatewayService; revoking shuts it out; the allowlist limits it; last use and
// today's requests come from a usage.db filled through UsageRecorder. Limits edited in
// the Limits group are written to the config as the parser reads them and enforced by the
// running gateway; the key's use of them (and its budget alerts, in the tray) comes back
// from the gateway.

#include "FakeUpstream.h"
#include "GatewayService.h"
#include "ScriptedPrompts.h"
#include "TestHttpClient.h"
#include "TrayController.h"
#include "UiServices.h"
#include "config/ConfigEditor.h"
#include "limits/KeyLimiter.h"
#include "models/AccessKeyAllowlistModel.h"
#include "models/AccessKeyEditor.h"
#include "models/AccessKeyLimitsText.h"
#include "models/AccessKeyListModel.h"
#include "models/AccessKeyUsageReader.h"
#include "pages/AccessKeyLimitsBox.h"
#include "pages/AccessKeysCreatedDialog.h"
#include "pages/AccessKeysPage.h"
#include "secrets/MemorySecretStore.h"
#include "usage/UsageRecorder.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QDateTime>
#include <QDateTimeEdit>
#include <QDoubleSpinBox>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QProgressBar>
#include <QPushButton>
#include <QRadioButton>
#include <QRegularExpression>
#include <QSet>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <memory>

using namespace onegate;
using namespace onegate::test;
using namespace Qt::StringLiterals;

namespace {

const QByteArray kCiKey = "sk-test-keys-ci-9d03e1"_ba;
const QByteArray kUpstreamKey = "sk-test-keysupstream4-c7aa"_ba;

using Column = AccessKeyListModel::Column;

// One key "ci" from the environment; `smart` is an alias. The URL is filled in with
// arg(): moc 6.4 reads a "//" inside a raw string as a comment.
QByteArray configJson(quint16 upstreamPort)
{
    return QString::fromLatin1(R"({
  "listen": "127.0.0.1:0",
  "access_keys": [ { "name": "ci", "key": "env:ONEGATE_TEST_CI_KEY", "models": ["text"] } ],
  "providers": [
    { "id": "fake", "kind": "openai", "base_url": "%1",
      "api_key": "env:ONEGATE_TEST_UPSTREAM_KEY", "proxy": "none", "models": ["text", "tool"] }
  ],
  "models": [
    { "id": "smart", "routes": [ { "provider": "fake", "model": "text" } ] }
  ]
})")
        .arg(u"http://127.0.0.1:%1/v1"_s.arg(upstreamPort))
        .toUtf8();
}

QJsonObject accessKeyEntry(const QJsonObject &document, const QString &name)
{
    for (const QJsonValue &value : document.value("access_keys"_L1).toArray()) {
        if (value.toObject().value("name"_L1).toString() == name)
            return value.toObject();
    }
    return {};
}

QByteArray chatBody(const QString &model, bool stream = false)
{
    QJsonObject body{
        {u"model"_s, model},
        {u"messages"_s, QJsonArray{QJsonObject{{u"role"_s, u"user"_s}, {u"content"_s, u"Hi"_s}}}}};
    if (stream)
        body.insert(u"stream"_s, true);
    return QJsonDocument(body).toJson(QJsonDocument::Compact);
}

// The entry as the page created it, before any limit.
QJsonObject plainCiEntry()
{
    return QJsonObject{{u"name"_s, u"ci"_s},
                       {u"key"_s, u"env:ONEGATE_TEST_CI_KEY"_s},
                       {u"models"_s, QJsonArray{u"text"_s}}};
}

QString money(double amount)
{
    return QLocale().toString(amount, 'f', 2);
}

UsageRecord usageRow(const QString &key, qint64 timeMs)
{
    UsageRecord record;
    record.timeMs = timeMs;
    record.accessKey = key;
    record.requestedModel = u"text"_s;
    record.provider = u"fake"_s;
    record.upstreamModel = u"text"_s;
    record.status = 200;
    return record;
}

qint64 startOfToday()
{
    return QDate::currentDate().startOfDay().toMSecsSinceEpoch();
}

} // namespace

class AccessKeysPageTest final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void listsKeysMasked();
    void generatedKeys();
    void createKey();
    void createRefused_data();
    void createRefused();
    void copyKeyFromKeychain();
    void revokeKey();
    void allowlistEdit();
    void usageColumns();
    void usageWithoutDatabase();
    void limitsWritten_data();
    void limitsWritten();
    void limitsRefused_data();
    void limitsRefused();
    void limitsEnforcedByGateway();
    void useAndBudgetAlerts();
    void inFlightShown();
    void expiryRoundTrip();
    void looksRight();

private:
    QByteArray fileBytes() const;
    void startGateway();
    int statusOf(const QByteArray &method, const QByteArray &path, const QByteArray &key,
                 const QByteArray &body = {});
    // Types the name and clicks Create key; returns the key the dialog showed.
    QByteArray createThroughPage(const QString &name);
    void selectKey(const QString &name);
    bool waitForApplied(int count);
    // Changes the config as a hand edit would (the page follows ConfigEditor::changed).
    void editConfig(const std::function<void(QJsonObject &)> &edit);
    void mergeIntoKey(const QString &name, const QJsonObject &extra);
    template <typename Widget> Widget *child(const QString &name) const;
    QString text(const QString &labelName) const;
    QString cellText(const QString &keyName, Column column) const;

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<FakeUpstream> m_fake;
    std::unique_ptr<MemorySecretStore> m_secrets;
    std::unique_ptr<ConfigEditor> m_editor;
    std::unique_ptr<ScriptedPrompts> m_prompts;
    std::unique_ptr<UsageRecorder> m_usage;
    std::unique_ptr<GatewayService> m_gateway;
    std::unique_ptr<QSignalSpy> m_applied;
    std::unique_ptr<AccessKeysPage> m_page;
    std::unique_ptr<QAbstractItemModelTester> m_keysTester;
    std::unique_ptr<QAbstractItemModelTester> m_allowTester;
    AccessKeyListModel *m_keys = nullptr;
    AccessKeyAllowlistModel *m_allowlist = nullptr;
    quint16 m_port = 0;
};

void AccessKeysPageTest::initTestCase()
{
    // Eight hours east of UTC all year, so local and UTC times differ in every run.
    qputenv("TZ", "Asia/Shanghai");
    qputenv("ONEGATE_TEST_CI_KEY", kCiKey);
    qputenv("ONEGATE_TEST_UPSTREAM_KEY", kUpstreamKey);
}

void AccessKeysPageTest::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_fake = std::make_unique<FakeUpstream>(kUpstreamKey);
    QVERIFY2(m_fake->listen(), qPrintable(m_fake->errorString()));
    QFile file(m_dir->filePath(u"config.json"_s));
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(configJson(m_fake->port()));
    file.close();

    m_secrets = std::make_unique<MemorySecretStore>();
    m_editor = std::make_unique<ConfigEditor>(file.fileName(), m_secrets.get());
    const ConfigResult loaded = m_editor->load();
    QVERIFY2(loaded.ok(), qPrintable(loaded.error.toString()));
    m_prompts = std::make_unique<ScriptedPrompts>();
    m_gateway = std::make_unique<GatewayService>();

    UiServices services{m_editor.get(), m_secrets.get(), m_gateway.get(), m_prompts.get(),
                        m_dir->path()};
    m_page = std::make_unique<AccessKeysPage>(services);
    m_keys = qobject_cast<AccessKeyListModel *>(
        m_page->findChild<QTableView *>(u"keysTable"_s)->model());
    m_allowlist = qobject_cast<AccessKeyAllowlistModel *>(
        m_page->findChild<QListView *>(u"allowlistView"_s)->model());
    QVERIFY(m_keys && m_allowlist);
    m_keysTester = std::make_unique<QAbstractItemModelTester>(
        m_keys, QAbstractItemModelTester::FailureReportingMode::QtTest);
    m_allowTester = std::make_unique<QAbstractItemModelTester>(
        m_allowlist, QAbstractItemModelTester::FailureReportingMode::QtTest);
}

void AccessKeysPageTest::cleanup()
{
    m_keysTester.reset();
    m_allowTester.reset();
    m_page.reset();
    m_applied.reset();
    m_gateway.reset();
    m_usage.reset();
    m_editor.reset();
    m_prompts.reset();
    m_secrets.reset();
    m_fake.reset();
    m_dir.reset();
}

QByteArray AccessKeysPageTest::fileBytes() const
{
    QFile file(m_editor->path());
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

void AccessKeysPageTest::startGateway()
{
    m_usage = std::make_unique<UsageRecorder>();
    const QString usageError = m_usage->open(m_dir->filePath(u"usage.db"_s));
    QVERIFY2(usageError.isEmpty(), qPrintable(usageError));
    const ListenResult listening = m_gateway->start(m_editor->config(), m_usage.get());
    QVERIFY2(listening.ok(), qPrintable(listening.error));
    m_port = listening.port;
    m_applied = std::make_unique<QSignalSpy>(m_gateway.get(), &GatewayService::configApplied);
    // What the app does (DesktopApp): every saved config goes to the running gateway.
    connect(
        m_editor.get(), &ConfigEditor::changed, m_gateway.get(),
        [this](const std::shared_ptr<const Config> &config) { m_gateway->applyConfig(config); });
}

bool AccessKeysPageTest::waitForApplied(int count)
{
    return waitUntil([this, count] { return m_applied->size() >= count; }, 5000);
}

void AccessKeysPageTest::editConfig(const std::function<void(QJsonObject &)> &edit)
{
    QJsonObject next = m_editor->document();
    edit(next);
    const auto error = m_editor->apply(next);
    QVERIFY2(!error, qPrintable(error ? error->toString() : QString()));
}

void AccessKeysPageTest::mergeIntoKey(const QString &name, const QJsonObject &extra)
{
    editConfig([&](QJsonObject &document) {
        QJsonArray keys = document.value("access_keys"_L1).toArray();
        for (qsizetype i = 0; i < keys.size(); ++i) {
            QJsonObject key = keys.at(i).toObject();
            if (key.value("name"_L1).toString() != name)
                continue;
            for (auto it = extra.begin(); it != extra.end(); ++it)
                key.insert(it.key(), it.value());
            keys.replace(i, key);
        }
        document.insert(u"access_keys"_s, keys);
    });
}

template <typename Widget> Widget *AccessKeysPageTest::child(const QString &name) const
{
    auto *widget = m_page->findChild<Widget *>(name);
    if (!widget)
        qWarning("no widget named %s", qPrintable(name));
    return widget;
}

QString AccessKeysPageTest::text(const QString &labelName) const
{
    return child<QLabel>(labelName)->text();
}

QString AccessKeysPageTest::cellText(const QString &keyName, Column column) const
{
    return m_keys->index(m_keys->rowOf(keyName), int(column)).data().toString();
}

int AccessKeysPageTest::statusOf(const QByteArray &method, const QByteArray &path,
                                 const QByteArray &key, const QByteArray &body)
{
    TestHttpClient client(m_port);
    RawHeaders headers{{"Authorization"_ba, "Bearer "_ba + key}};
    if (!body.isEmpty())
        headers.append({"Content-Type"_ba, "application/json"_ba});
    client.send(method, path, headers, body);
    client.waitForFinished();
    return client.status();
}

QByteArray AccessKeysPageTest::createThroughPage(const QString &name)
{
    m_page->findChild<QLineEdit *>(u"newKeyName"_s)->setText(name);
    m_page->findChild<QPushButton *>(u"createKeyButton"_s)->click();
    auto *dialog = m_page->findChild<AccessKeysCreatedDialog *>();
    if (!dialog)
        return {};
    const QByteArray key = dialog->findChild<QLineEdit *>(u"createdKeyField"_s)->text().toUtf8();
    dialog->close();
    // WA_DeleteOnClose: a deferred delete, which processEvents() alone leaves pending.
    QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
    return key;
}

void AccessKeysPageTest::selectKey(const QString &name)
{
    const int row = m_keys->rowOf(name);
    QVERIFY2(row >= 0, qPrintable(name));
    m_page->findChild<QTableView *>(u"keysTable"_s)->setCurrentIndex(m_keys->index(row, 0));
    QCOMPARE(m_allowlist->keyName(), name);
}

void AccessKeysPageTest::listsKeysMasked()
{
    QCOMPARE(m_keys->rowCount(), 1);
    QCOMPARE(m_keys->index(0, int(Column::Name)).data().toString(), u"ci"_s);
    const QString shown = m_keys->index(0, int(Column::Key)).data().toString();
    QVERIFY2(!shown.contains(QString::fromLatin1(kCiKey)), qPrintable(shown));
    QCOMPARE(shown, u"sk-…03e1"_s);
    QVERIFY(m_keys->index(0, int(Column::Key))
                .data(Qt::ToolTipRole)
                .toString()
                .contains(u"environment variable ONEGATE_TEST_CI_KEY"_s));
    QCOMPARE(m_keys->index(0, int(Column::Models)).data().toString(), u"text"_s);
    QCOMPARE(m_allowlist->keyName(), u"ci"_s);
    QVERIFY(!m_allowlist->allowsAll());
    QVERIFY(m_page->findChild<QRadioButton *>(u"someModelsRadio"_s)->isChecked());
    QVERIFY(m_page->findChild<QLabel *>(u"authNote"_s)->isHidden());
}

void AccessKeysPageTest::generatedKeys()
{
    const QRegularExpression shape(u"^og-[A-Za-z0-9]{40}$"_s);
    QSet<QByteArray> seen;
    for (int i = 0; i < 200; ++i) {
        const QByteArray key = AccessKeyEditor::generateKey();
        QVERIFY2(shape.match(QString::fromLatin1(key)).hasMatch(), key.constData());
        seen.insert(key);
    }
    QCOMPARE(seen.size(), 200);
}

void AccessKeysPageTest::createKey()
{
    startGateway();
    const QByteArray key = createThroughPage(u"vscode"_s);
    QVERIFY2(m_prompts->shown.isEmpty(), qPrintable(m_prompts->shown.join(u'\n')));
    QVERIFY(key.startsWith("og-"));

    // The secret is in the keychain, the config holds only the reference.
    const SecretReadResult stored = m_secrets->read(u"access/vscode"_s);
    QVERIFY2(stored.ok(), qPrintable(stored.error));
    QCOMPARE(stored.value, key);
    const QJsonObject expected{{u"name"_s, u"vscode"_s},
                               {u"key"_s, u"keychain:access/vscode"_s},
                               {u"models"_s, QJsonArray{u"*"_s}}};
    QCOMPARE(accessKeyEntry(m_editor->document(), u"vscode"_s), expected);
    QCOMPARE(accessKeyEntry(QJsonDocument::fromJson(fileBytes()).object(), u"vscode"_s), expected);
    QVERIFY(!fileBytes().contains(key));

    // Shown once: afterwards the page has it only masked.
    QVERIFY(!m_page->findChild<AccessKeysCreatedDialog *>());
    const int row = m_keys->rowOf(u"vscode"_s);
    QVERIFY(row >= 0);
    QCOMPARE(m_keys->index(row, int(Column::Key)).data().toString(),
             QString::fromLatin1(key.left(3)) + u'…' + QString::fromLatin1(key.right(4)));
    for (int column = 0; column < m_keys->columnCount(); ++column) {
        for (const int role : {int(Qt::DisplayRole), int(Qt::ToolTipRole)})
            QVERIFY(!m_keys->index(row, column)
                         .data(role)
                         .toString()
                         .contains(QString::fromLatin1(key)));
    }
    for (const auto *edit : m_page->findChildren<QLineEdit *>())
        QVERIFY(!edit->text().contains(QString::fromLatin1(key)));
    for (const auto *label : m_page->findChildren<QLabel *>())
        QVERIFY(!label->text().contains(QString::fromLatin1(key)));
    QCOMPARE(m_page->findChild<QTableView *>(u"keysTable"_s)->currentIndex().row(), row);

    // The running gateway takes it at once.
    QVERIFY(waitForApplied(1));
    QCOMPARE(statusOf("GET"_ba, "/v1/models"_ba, key), 200);
    QCOMPARE(statusOf("POST"_ba, "/v1/chat/completions"_ba, key, chatBody(u"tool"_s)), 200);
    QCOMPARE(statusOf("GET"_ba, "/v1/models"_ba, "og-not-a-key"_ba), 401);
}

void AccessKeysPageTest::createRefused_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("keychainFailure");
    QTest::addColumn<QString>("message");

    QTest::newRow("empty name") << u"  "_s << QString() << u"Enter a name for the key"_s;
    QTest::newRow("name taken") << u"ci"_s << QString()
                                << u"There is already a key named ci. Choose another name."_s;
    // The parser's own message, before anything reached the keychain.
    QTest::newRow("name the parser refuses")
        << u"my key"_s << QString()
        << u"config.json: access_keys[1].name: may contain only letters, digits, '.', '_' and "
           u"'-'"_s;
    QTest::newRow("keychain locked")
        << u"vscode"_s << u"the keyring is locked"_s
        << u"The new key could not be stored in the system keychain: the keyring is locked"_s;
}

void AccessKeysPageTest::createRefused()
{
    QFETCH(QString, name);
    QFETCH(QString, keychainFailure);
    QFETCH(QString, message);

    const QByteArray before = fileBytes();
    m_secrets->setFailure(keychainFailure);
    m_page->findChild<QLineEdit *>(u"newKeyName"_s)->setText(name);
    auto *create = m_page->findChild<QPushButton *>(u"createKeyButton"_s);
    if (name.trimmed().isEmpty()) {
        QVERIFY(!create->isEnabled());
        const AccessKeyEditor::Created created =
            AccessKeyEditor(m_editor.get(), m_secrets.get()).create(name);
        QVERIFY(created.error.contains(message));
        return;
    }
    create->click();
    QCOMPARE(m_prompts->shown.size(), 1);
    QVERIFY2(m_prompts->last().startsWith(u"warning: "_s), qPrintable(m_prompts->last()));
    QVERIFY2(m_prompts->last().contains(message), qPrintable(m_prompts->last()));
    QVERIFY(!m_page->findChild<AccessKeysCreatedDialog *>());
    QCOMPARE(fileBytes(), before);
    m_secrets->setFailure({});
    QVERIFY(!m_secrets->read(u"access/"_s + name.trimmed()).ok());
    // What the user typed stays, to be corrected.
    QCOMPARE(m_page->findChild<QLineEdit *>(u"newKeyName"_s)->text(), name);
}

void AccessKeysPageTest::copyKeyFromKeychain()
{
    const QByteArray key = createThroughPage(u"zed"_s);
    QGuiApplication::clipboard()->clear();

    selectKey(u"zed"_s);
    m_page->findChild<QPushButton *>(u"copyKeyButton"_s)->click();
    QCOMPARE(QGuiApplication::clipboard()->text().toUtf8(), key);
    QVERIFY(m_page->findChild<QLabel *>(u"keysStatus"_s)->text().contains(u"zed"_s));
    QVERIFY(!m_page->findChild<AccessKeysCreatedDialog *>()); // copied, not shown again
    const int readsBefore = m_secrets->readCount();

    // An environment key is copied as the config resolved it.
    selectKey(u"ci"_s);
    m_page->findChild<QPushButton *>(u"copyKeyButton"_s)->click();
    QCOMPARE(QGuiApplication::clipboard()->text().toUtf8(), kCiKey);
    QCOMPARE(m_secrets->readCount(), readsBefore);

    // A keychain that cannot answer is explained, and the clipboard is left alone.
    selectKey(u"zed"_s);
    m_secrets->setFailure(u"the keyring is locked; unlock it and try again"_s);
    m_page->findChild<QPushButton *>(u"copyKeyButton"_s)->click();
    QVERIFY2(m_prompts->last().contains(u"The key zed could not be read: the keyring is locked"_s),
             qPrintable(m_prompts->last()));
    QCOMPARE(QGuiApplication::clipboard()->text().toUtf8(), kCiKey);

    // The dialog's own Copy button.
    m_secrets->setFailure({});
    m_page->findChild<QLineEdit *>(u"newKeyName"_s)->setText(u"aider"_s);
    m_page->findChild<QPushButton *>(u"createKeyButton"_s)->click();
    auto *dialog = m_page->findChild<AccessKeysCreatedDialog *>();
    QVERIFY(dialog);
    dialog->findChild<QPushButton *>(u"copyCreatedKeyButton"_s)->click();
    QCOMPARE(QGuiApplication::clipboard()->text().toUtf8(),
             m_secrets->read(u"access/aider"_s).value);
    QVERIFY(!dialog->findChild<QLabel *>(u"createdKeyCopied"_s)->text().isEmpty());
    dialog->close();
}

void AccessKeysPageTest::revokeKey()
{
    startGateway();
    const QByteArray key = createThroughPage(u"cline"_s);
    QVERIFY(waitForApplied(1));
    QCOMPARE(statusOf("GET"_ba, "/v1/models"_ba, key), 200);

    selectKey(u"cline"_s);
    auto *revoke = m_page->findChild<QPushButton *>(u"revokeKeyButton"_s);
    m_prompts->confirmAnswer = false;
    revoke->click();
    QVERIFY(m_prompts->last().startsWith(u"confirm: "_s));
    QVERIFY(m_secrets->read(u"access/cline"_s).ok());
    QVERIFY(!accessKeyEntry(m_editor->document(), u"cline"_s).isEmpty());

    m_prompts->confirmAnswer = true;
    revoke->click();
    QVERIFY(accessKeyEntry(m_editor->document(), u"cline"_s).isEmpty());
    QVERIFY(!fileBytes().contains("cline"));
    QVERIFY(!m_secrets->read(u"access/cline"_s).ok());
    QCOMPARE(m_keys->rowOf(u"cline"_s), -1);
    QVERIFY(waitForApplied(2));
    QCOMPARE(statusOf("GET"_ba, "/v1/models"_ba, key), 401);
    QCOMPARE(statusOf("GET"_ba, "/v1/models"_ba, kCiKey), 200);

    // A keychain that refuses to delete: the key is revoked anyway, and the user is told
    // what is left behind.
    createThroughPage(u"zed"_s);
    selectKey(u"zed"_s);
    m_secrets->setFailure(u"the keyring is locked"_s);
    revoke->click();
    QVERIFY(accessKeyEntry(m_editor->document(), u"zed"_s).isEmpty());
    QVERIFY2(m_prompts->last().contains(u"The key zed is revoked"_s),
             qPrintable(m_prompts->last()));
    QVERIFY(m_prompts->last().contains(u"access/zed"_s));
}

void AccessKeysPageTest::allowlistEdit()
{
    startGateway();
    const QByteArray key = createThroughPage(u"continue"_s);
    selectKey(u"continue"_s);
    QVERIFY(m_allowlist->allowsAll());
    auto *all = m_page->findChild<QRadioButton *>(u"allModelsRadio"_s);
    auto *some = m_page->findChild<QRadioButton *>(u"someModelsRadio"_s);
    QVERIFY(all->isChecked());
    QVERIFY(!m_page->findChild<QListView *>(u"allowlistView"_s)->isEnabled());
    // Served models, as GET /v1/models lists them.
    QCOMPARE(m_allowlist->rowCount(), 3);
    QCOMPARE(m_allowlist->index(0, 0).data().toString(), u"smart"_s);

    // "Only these" starts from everything served, so nothing is lost by the switch.
    some->click();
    QTRY_COMPARE(m_editor->config()->accessKeys.constLast().models,
                 (QStringList{u"smart"_s, u"text"_s, u"tool"_s}));
    QVERIFY(m_page->findChild<QListView *>(u"allowlistView"_s)->isEnabled());

    const int toolRow = 2;
    QCOMPARE(m_allowlist->index(toolRow, 0).data().toString(), u"tool"_s);
    QVERIFY(m_allowlist->setData(m_allowlist->index(toolRow, 0), QVariant::fromValue(Qt::Unchecked),
                                 Qt::CheckStateRole));
    QTRY_COMPARE(m_editor->config()->accessKeys.constLast().models,
                 (QStringList{u"smart"_s, u"text"_s}));
    QCOMPARE(accessKeyEntry(QJsonDocument::fromJson(fileBytes()).object(), u"continue"_s)
                 .value("models"_L1)
                 .toArray(),
             (QJsonArray{u"smart"_s, u"text"_s}));
    QCOMPARE(m_keys->index(m_keys->rowOf(u"continue"_s), int(Column::Models)).data().toString(),
             u"smart, text"_s);

    QVERIFY(waitForApplied(3));
    QCOMPARE(statusOf("POST"_ba, "/v1/chat/completions"_ba, key, chatBody(u"tool"_s)), 403);
    QCOMPARE(statusOf("POST"_ba, "/v1/chat/completions"_ba, key, chatBody(u"text"_s)), 200);
    QCOMPARE(statusOf("POST"_ba, "/v1/chat/completions"_ba, key, chatBody(u"smart"_s)), 200);

    all->click();
    QTRY_COMPARE(m_editor->config()->accessKeys.constLast().models, QStringList{u"*"_s});
    QVERIFY(waitForApplied(4));
    QCOMPARE(statusOf("POST"_ba, "/v1/chat/completions"_ba, key, chatBody(u"tool"_s)), 200);
    QVERIFY2(m_prompts->shown.isEmpty(), qPrintable(m_prompts->shown.join(u'\n')));

    // A model in the allowlist that nothing serves is listed, so it can be unchecked.
    selectKey(u"ci"_s);
    QJsonObject next = m_editor->document();
    QJsonArray keys = next.value("access_keys"_L1).toArray();
    QJsonObject ci = keys.at(0).toObject();
    ci.insert(u"models"_s, QJsonArray{u"text"_s, u"gone"_s});
    keys.replace(0, ci);
    next.insert(u"access_keys"_s, keys);
    QVERIFY(!m_editor->apply(next));
    QCOMPARE(m_allowlist->rowCount(), 4);
    QVERIFY(m_allowlist->index(3, 0).data().toString().startsWith(u"gone"_s));
    QVERIFY(m_allowlist->setData(m_allowlist->index(3, 0), QVariant::fromValue(Qt::Unchecked),
                                 Qt::CheckStateRole));
    QTRY_COMPARE(m_editor->config()->accessKeys.constFirst().models, QStringList{u"text"_s});
}

void AccessKeysPageTest::usageColumns()
{
    createThroughPage(u"vscode"_s);
    createThroughPage(u"idle"_s);
    // Rows as the gateway writes them.
    UsageRecorder recorder;
    QCOMPARE(recorder.open(m_dir->filePath(u"usage.db"_s)), QString());
    const qint64 today = startOfToday();
    const qint64 latest = today + 3'000;
    recorder.record(usageRow(u"vscode"_s, today + 1'000));
    recorder.record(usageRow(u"vscode"_s, latest)); // recorded before a longer, earlier one
    recorder.record(usageRow(u"vscode"_s, today + 2'000));
    recorder.record(usageRow(u"vscode"_s, today - 3'600'000)); // yesterday
    recorder.record(usageRow(u"ci"_s, today - 2 * 86'400'000));
    recorder.record(usageRow(u"revoked-long-ago"_s, today + 5'000));
    recorder.flush();

    QVERIFY(cellText(u"vscode"_s, Column::RequestsToday).isEmpty()); // not asked yet

    // Asked when the page is shown, answered from the reader's thread.
    auto *reader = m_page->findChild<AccessKeyUsageReader *>();
    QVERIFY(reader);
    QSignalSpy answered(reader, &AccessKeyUsageReader::finished);
    m_page->show();
    QTRY_COMPARE_WITH_TIMEOUT(answered.size(), 1, 5000);
    QCOMPARE(answered.constFirst().at(1).toString(), QString());

    const QLocale locale;
    QCOMPARE(cellText(u"vscode"_s, Column::RequestsToday), locale.toString(3));
    QCOMPARE(cellText(u"vscode"_s, Column::LastUsed),
             u"Today at %1"_s.arg(locale.toString(QDateTime::fromMSecsSinceEpoch(latest).time(),
                                                  QLocale::ShortFormat)));
    QCOMPARE(cellText(u"ci"_s, Column::RequestsToday), locale.toString(0));
    QCOMPARE(cellText(u"ci"_s, Column::LastUsed),
             locale.toString(QDateTime::fromMSecsSinceEpoch(today - 2 * 86'400'000),
                             QLocale::ShortFormat));
    QCOMPARE(cellText(u"idle"_s, Column::LastUsed), u"Never"_s);
    QCOMPARE(cellText(u"idle"_s, Column::RequestsToday), locale.toString(0));

    // Hidden: no refreshing. Shown again: fresh numbers.
    m_page->hide();
    recorder.record(usageRow(u"idle"_s, today + 10'000));
    recorder.flush();
    m_page->show();
    QTRY_COMPARE_WITH_TIMEOUT(answered.size(), 2, 5000);
    QCOMPARE(cellText(u"idle"_s, Column::RequestsToday), locale.toString(1));
    QCOMPARE(AccessKeysPage::kUsageRefreshMs, 30'000);
}

void AccessKeysPageTest::usageWithoutDatabase()
{
    // Nothing has been recorded yet: no usage.db, no error, every key unused.
    QVERIFY(!QFile::exists(m_dir->filePath(u"usage.db"_s)));
    auto *reader = m_page->findChild<AccessKeyUsageReader *>();
    QSignalSpy answered(reader, &AccessKeyUsageReader::finished);
    m_page->show();
    QTRY_COMPARE_WITH_TIMEOUT(answered.size(), 1, 5000);
    QCOMPARE(answered.constFirst().at(1).toString(), QString());
    QCOMPARE(m_keys->index(0, int(Column::LastUsed)).data().toString(), u"Never"_s);
    QVERIFY(!QFile::exists(m_dir->filePath(u"usage.db"_s))); // a reader creates nothing

    // Requests made while a run is under way share one more run.
    answered.clear();
    for (int i = 0; i < 5; ++i)
        reader->refresh({u"ci"_s});
    QTRY_VERIFY_WITH_TIMEOUT(!answered.isEmpty(), 5000);
    QTest::qWait(200);
    QVERIFY(answered.size() <= 2);
}

void AccessKeysPageTest::limitsWritten_data()
{
    QTest::addColumn<QJsonObject>("before"); // on the ci entry before the edit
    // What the form is set to; -1: left as loaded.
    QTest::addColumn<int>("rpm");
    QTest::addColumn<int>("tpm");
    QTest::addColumn<int>("concurrent");
    QTest::addColumn<double>("budget");
    QTest::addColumn<int>("warnPercent");
    QTest::addColumn<QJsonObject>("after"); // on the ci entry in the file

    QTest::newRow("requests per minute")
        << QJsonObject{} << 60 << -1 << -1 << -1.0 << -1 << QJsonObject{{u"rpm"_s, 60}};
    QTest::newRow("every limit") << QJsonObject{} << 60 << 200'000 << 4 << 20.0 << 50
                                 << QJsonObject{{u"rpm"_s, 60},
                                                {u"tpm"_s, 200'000},
                                                {u"max_concurrent"_s, 4},
                                                {u"budget"_s, QJsonObject{{u"monthly"_s, 20},
                                                                          {u"warn_at"_s, 0.5}}}};
    // The parser's default threshold is not written.
    QTest::newRow("budget at the default warning")
        << QJsonObject{} << -1 << -1 << -1 << 12.5 << 80
        << QJsonObject{{u"budget"_s, QJsonObject{{u"monthly"_s, 12.5}}}};
    // 0 is "no limit": the keys go, the file stays minimal; the expiry is left alone.
    QTest::newRow("all cleared") << QJsonObject{{u"rpm"_s, 5},
                                                {u"tpm"_s, 100},
                                                {u"max_concurrent"_s, 2},
                                                {u"budget"_s, QJsonObject{{u"monthly"_s, 3},
                                                                          {u"warn_at"_s, 0.9}}},
                                                {u"expires"_s, u"2030-01-31T00:00:00Z"_s}}
                                 << 0 << 0 << 0 << 0.0 << -1
                                 << QJsonObject{{u"expires"_s, u"2030-01-31T00:00:00Z"_s}};
    // The form shows cents and whole percents; what the user did not touch keeps its
    // exact value.
    QTest::newRow("untouched fields kept exactly")
        << QJsonObject{{u"budget"_s, QJsonObject{{u"monthly"_s, 20.125}, {u"warn_at"_s, 0.855}}}}
        << 10 << -1 << -1 << -1.0 << -1
        << QJsonObject{{u"rpm"_s, 10},
                       {u"budget"_s, QJsonObject{{u"monthly"_s, 20.125}, {u"warn_at"_s, 0.855}}}};
}

void AccessKeysPageTest::limitsWritten()
{
    QFETCH(QJsonObject, before);
    QFETCH(int, rpm);
    QFETCH(int, tpm);
    QFETCH(int, concurrent);
    QFETCH(double, budget);
    QFETCH(int, warnPercent);
    QFETCH(QJsonObject, after);

    if (!before.isEmpty())
        mergeIntoKey(u"ci"_s, before);
    selectKey(u"ci"_s);
    auto *box = m_page->findChild<AccessKeyLimitsBox *>();
    QVERIFY(box && box->isEnabled());
    QCOMPARE(box->title(), u"Limits of ci"_s);
    auto *save = child<QPushButton>(u"saveLimitsButton"_s);
    QVERIFY(!box->isModified());
    QVERIFY(!save->isEnabled());

    const QList<QPair<QString, int>> counts{{u"rpmSpin"_s, rpm},
                                            {u"tpmSpin"_s, tpm},
                                            {u"concurrentSpin"_s, concurrent},
                                            {u"warnSpin"_s, warnPercent}};
    for (const auto &[name, value] : counts) {
        if (value >= 0)
            child<QSpinBox>(name)->setValue(value);
    }
    if (budget >= 0)
        child<QDoubleSpinBox>(u"budgetSpin"_s)->setValue(budget);
    QVERIFY(box->isModified());
    QVERIFY(save->isEnabled());
    save->click();
    QVERIFY2(m_prompts->shown.isEmpty(), qPrintable(m_prompts->shown.join(u'\n')));

    QJsonObject expected = plainCiEntry();
    for (auto it = after.begin(); it != after.end(); ++it)
        expected.insert(it.key(), it.value());
    QCOMPARE(accessKeyEntry(QJsonDocument::fromJson(fileBytes()).object(), u"ci"_s), expected);
    // The form shows what is saved now.
    QVERIFY(!box->isModified());
    QVERIFY(!save->isEnabled());
    QCOMPARE(text(u"limitsStatus"_s), u"Saved."_s);
    const AccessKeyLimits saved = m_editor->config()->accessKeys.constFirst().limits;
    QCOMPARE(box->limits(), saved);
    QCOMPARE(cellText(u"ci"_s, Column::Limits),
             AccessKeyLimitsText::summary(saved, QDateTime::currentMSecsSinceEpoch()));
    // Another edit makes the message go.
    child<QSpinBox>(u"rpmSpin"_s)->setValue(7);
    QCOMPARE(text(u"limitsStatus"_s), QString());
}

void AccessKeysPageTest::limitsRefused_data()
{
    QTest::addColumn<QString>("field");
    QTest::addColumn<double>("value");
    QTest::addColumn<QString>("message");

    // The widgets take more than the parser does: its own message says what it takes.
    QTest::newRow("tokens per minute")
        << u"tpmSpin"_s << 2e9
        << u"config.json: access_keys[0].tpm: expected an integer from 1 to 1000000000"_s;
    QTest::newRow("requests at once")
        << u"concurrentSpin"_s << 200'000.0
        << u"config.json: access_keys[0].max_concurrent: expected an integer from 1 to 100000"_s;
    QTest::newRow("budget")
        << u"budgetSpin"_s << 2e12
        << u"config.json: access_keys[0].budget.monthly: expected a number above 0"_s;
}

void AccessKeysPageTest::limitsRefused()
{
    QFETCH(QString, field);
    QFETCH(double, value);
    QFETCH(QString, message);

    mergeIntoKey(u"ci"_s, QJsonObject{{u"rpm"_s, 30}});
    selectKey(u"ci"_s);
    const QByteArray before = fileBytes();
    if (auto *spin = m_page->findChild<QSpinBox *>(field))
        spin->setValue(int(value));
    else
        child<QDoubleSpinBox>(field)->setValue(value);
    child<QPushButton>(u"saveLimitsButton"_s)->click();

    QCOMPARE(m_prompts->shown.size(), 1);
    QVERIFY2(
        m_prompts->last().startsWith(u"warning: Access keys: The limits of ci were not saved."_s),
        qPrintable(m_prompts->last()));
    QVERIFY2(m_prompts->last().contains(message), qPrintable(m_prompts->last()));
    QCOMPARE(fileBytes(), before);
    // What was typed stays, to be corrected, with the reason beside it.
    auto *box = m_page->findChild<AccessKeyLimitsBox *>();
    QVERIFY(box->isModified());
    QVERIFY2(text(u"limitsStatus"_s).contains(message), qPrintable(text(u"limitsStatus"_s)));

    child<QPushButton>(u"revertLimitsButton"_s)->click();
    QVERIFY(!box->isModified());
    QCOMPARE(child<QSpinBox>(u"rpmSpin"_s)->value(), 30);
    QCOMPARE(box->limits(), m_editor->config()->accessKeys.constFirst().limits);
    QCOMPARE(text(u"limitsStatus"_s), QString());

    // A key revoked meanwhile (another window, the file) is said plainly.
    QCOMPARE(AccessKeyEditor(m_editor.get(), m_secrets.get()).setLimits(u"gone"_s, {}),
             u"There is no key named gone."_s);
}

void AccessKeysPageTest::limitsEnforcedByGateway()
{
    startGateway();
    m_page->show();
    selectKey(u"ci"_s);
    child<QSpinBox>(u"rpmSpin"_s)->setValue(1);
    child<QPushButton>(u"saveLimitsButton"_s)->click();
    QCOMPARE(accessKeyEntry(QJsonDocument::fromJson(fileBytes()).object(), u"ci"_s)
                 .value("rpm"_L1)
                 .toInt(),
             1);
    QCOMPARE(cellText(u"ci"_s, Column::Limits), u"1/min"_s);
    QVERIFY(waitForApplied(1));

    QCOMPARE(statusOf("POST"_ba, "/v1/chat/completions"_ba, kCiKey, chatBody(u"text"_s)), 200);
    QCOMPARE(statusOf("POST"_ba, "/v1/chat/completions"_ba, kCiKey, chatBody(u"text"_s)), 429);
    m_page->refreshStandings();
    QTRY_COMPARE(text(u"rpmUse"_s), u"1 of 1 in the last minute"_s);
    // No tokens-per-minute limit: the minute's tokens are still counted with rpm.
    QCOMPARE(text(u"tpmUse"_s), u"%1 tokens in the last minute"_s.arg(QLocale().toString(51)));

    // Lifting the limit lets the key in again.
    child<QSpinBox>(u"rpmSpin"_s)->setValue(0);
    child<QPushButton>(u"saveLimitsButton"_s)->click();
    QVERIFY(!accessKeyEntry(m_editor->document(), u"ci"_s).contains("rpm"_L1));
    QCOMPARE(cellText(u"ci"_s, Column::Limits), u"None"_s);
    QVERIFY(waitForApplied(2));
    QCOMPARE(statusOf("POST"_ba, "/v1/chat/completions"_ba, kCiKey, chatBody(u"text"_s)), 200);
    QVERIFY2(m_prompts->shown.isEmpty(), qPrintable(m_prompts->shown.join(u'\n')));
}

void AccessKeysPageTest::useAndBudgetAlerts()
{
    // 14 prompt and 37 completion tokens per "text" answer at 0.10 each: 5.10 a request.
    // "tool" has no price.
    editConfig([](QJsonObject &document) {
        document.insert(
            u"models"_s,
            QJsonArray{QJsonObject{
                {u"id"_s, u"text"_s},
                {u"prices"_s, QJsonObject{{u"input"_s, 100'000}, {u"output"_s, 100'000}}}}});
    });
    mergeIntoKey(u"ci"_s,
                 QJsonObject{{u"models"_s, QJsonArray{u"text"_s, u"tool"_s}},
                             {u"tpm"_s, 200'000},
                             {u"budget"_s, QJsonObject{{u"monthly"_s, 20}, {u"warn_at"_s, 0.5}}}});
    startGateway();
    // What DesktopApp does: budget alerts go to the tray.
    TrayController tray;
    connect(m_gateway.get(), &GatewayService::budgetAlert, &tray, &TrayController::notifyBudget);
    m_page->show();
    selectKey(u"ci"_s);
    const QLocale locale;
    auto *bar = child<QProgressBar>(u"budgetBar"_s);
    auto *unpriced = child<QLabel>(u"unpricedNote"_s);

    m_page->refreshStandings();
    QTRY_COMPARE(text(u"budgetUse"_s),
                 u"Spent %1 of %2 this month (0 %)"_s.arg(money(0), money(20)));
    QVERIFY(bar->isVisible());
    QCOMPARE(bar->value(), 0);
    QVERIFY(unpriced->isHidden());

    QCOMPARE(statusOf("POST"_ba, "/v1/chat/completions"_ba, kCiKey, chatBody(u"text"_s)), 200);
    m_page->refreshStandings();
    QTRY_COMPARE(text(u"budgetUse"_s),
                 u"Spent %1 of %2 this month (25 %)"_s.arg(money(5.1), money(20)));
    QCOMPARE(bar->value(), 255);
    QCOMPARE(text(u"tpmUse"_s), u"%1 of %2 tokens in the last minute"_s.arg(
                                    locale.toString(51), locale.toString(200'000)));
    QCOMPARE(text(u"rpmUse"_s), u"1 in the last minute"_s);
    QCOMPARE(text(u"concurrentUse"_s), u"0 in flight"_s);
    QCOMPARE(cellText(u"ci"_s, Column::ThisMonth), u"%1 of %2"_s.arg(money(5.1), money(20)));
    QVERIFY(unpriced->isHidden());
    QVERIFY(tray.lastMessage().isEmpty());

    // A model without a price: counted apart, and said so.
    QCOMPARE(statusOf("POST"_ba, "/v1/chat/completions"_ba, kCiKey, chatBody(u"tool"_s)), 200);
    m_page->refreshStandings();
    QTRY_VERIFY(unpriced->isVisible());
    QCOMPARE(unpriced->text(),
             u"Requests this month that used a model without a price: 1. The budget cannot "
             u"count them; add the model's prices on the Models page."_s);
    QVERIFY(m_keys->index(m_keys->rowOf(u"ci"_s), int(Column::ThisMonth))
                .data(Qt::ToolTipRole)
                .toString()
                .contains(u"without a price: 1."_s));

    // Past the warning share: the tray says so, once.
    QCOMPARE(statusOf("POST"_ba, "/v1/chat/completions"_ba, kCiKey, chatBody(u"text"_s)), 200);
    QTRY_COMPARE(
        tray.lastMessage(),
        u"Budget warning\nThe key ci has used 51 % of its monthly budget (%1 of %2)."_s.arg(
            money(10.2), money(20)));

    // The budget spent: the tray says until when, and the gateway refuses the key.
    QCOMPARE(statusOf("POST"_ba, "/v1/chat/completions"_ba, kCiKey, chatBody(u"text"_s)), 200);
    QCOMPARE(statusOf("POST"_ba, "/v1/chat/completions"_ba, kCiKey, chatBody(u"text"_s)), 200);
    const QString nextMonth =
        AccessKeyLimitsText::localTime(nextMonthStartMs(QDateTime::currentMSecsSinceEpoch()));
    QTRY_COMPARE(tray.lastMessage(),
                 u"Budget reached\nThe key ci reached its monthly budget (%1 of %2): its requests "
                 u"are refused until %3 or until you raise the budget."_s.arg(
                     money(20.4), money(20), nextMonth));
    QCOMPARE(statusOf("POST"_ba, "/v1/chat/completions"_ba, kCiKey, chatBody(u"text"_s)), 429);
    m_page->refreshStandings();
    QTRY_COMPARE(text(u"budgetUse"_s),
                 u"Spent %1 of %2 this month (102 %)"_s.arg(money(20.4), money(20)));
    QCOMPARE(bar->value(), bar->maximum());
    QCOMPARE(m_keys->index(m_keys->rowOf(u"ci"_s), int(Column::ThisMonth))
                 .data(Qt::ForegroundRole)
                 .value<QColor>(),
             QColor(0xc0, 0x39, 0x2b));
}

void AccessKeysPageTest::inFlightShown()
{
    mergeIntoKey(u"ci"_s, QJsonObject{{u"max_concurrent"_s, 4}});
    startGateway();
    m_page->show();
    selectKey(u"ci"_s);
    m_page->refreshStandings();
    QTRY_COMPARE(text(u"concurrentUse"_s), u"0 of 4 in flight"_s);
    QCOMPARE(cellText(u"ci"_s, Column::Limits), u"4 at once"_s);

    // The upstream sends one event, then nothing: the request stays in flight.
    m_fake->setScript({u"stall"_s});
    TestHttpClient client(m_port);
    client.send(
        "POST"_ba, "/v1/chat/completions"_ba,
        {{"Authorization"_ba, "Bearer "_ba + kCiKey}, {"Content-Type"_ba, "application/json"_ba}},
        chatBody(u"text"_s, true));
    QVERIFY(waitUntil([this] { return !m_fake->requests().isEmpty(); }, 5000));
    m_page->refreshStandings();
    QTRY_COMPARE(text(u"concurrentUse"_s), u"1 of 4 in flight"_s);

    // The client leaves. The page asks again by itself while it is visible.
    client.abort();
    QTRY_COMPARE_WITH_TIMEOUT(text(u"concurrentUse"_s), u"0 of 4 in flight"_s,
                              AccessKeysPage::kStandingsRefreshMs + 5000);
    QCOMPARE(AccessKeysPage::kStandingsRefreshMs, 3'000);
}

void AccessKeysPageTest::expiryRoundTrip()
{
    // A hand-written UTC time is shown in local time (UTC+8 here).
    mergeIntoKey(u"ci"_s, QJsonObject{{u"expires"_s, u"2030-01-31T00:00:00Z"_s}});
    selectKey(u"ci"_s);
    auto *check = child<QCheckBox>(u"expiresCheck"_s);
    auto *edit = child<QDateTimeEdit>(u"expiryEdit"_s);
    auto *save = child<QPushButton>(u"saveLimitsButton"_s);
    QVERIFY(check->isChecked());
    QVERIFY(edit->isEnabled());
    QCOMPARE(edit->dateTime(), QDateTime(QDate(2030, 1, 31), QTime(8, 0)));
    QCOMPARE(edit->text(), u"2030-01-31 08:00"_s);
    QCOMPARE(cellText(u"ci"_s, Column::Limits), u"until 2030-01-31"_s);
    QVERIFY2(text(u"expiryUse"_s).startsWith(u"Expires in "_s), qPrintable(text(u"expiryUse"_s)));
    QVERIFY(text(u"expiryUse"_s).endsWith(u" days"_s));

    // Typed in local time, saved in UTC.
    edit->setDateTime(QDateTime(QDate(2031, 3, 15), QTime(9, 30)));
    save->click();
    QVERIFY2(m_prompts->shown.isEmpty(), qPrintable(m_prompts->shown.join(u'\n')));
    QCOMPARE(accessKeyEntry(QJsonDocument::fromJson(fileBytes()).object(), u"ci"_s)
                 .value("expires"_L1)
                 .toString(),
             u"2031-03-15T01:30:00Z"_s);
    QCOMPARE(m_editor->config()->accessKeys.constFirst().limits.expiresMs,
             QDateTime(QDate(2031, 3, 15), QTime(1, 30), Qt::UTC).toMSecsSinceEpoch());
    QCOMPARE(edit->dateTime(), QDateTime(QDate(2031, 3, 15), QTime(9, 30)));

    // Off: the key leaves the entry.
    check->setChecked(false);
    QVERIFY(!edit->isEnabled());
    save->click();
    QCOMPARE(accessKeyEntry(QJsonDocument::fromJson(fileBytes()).object(), u"ci"_s),
             plainCiEntry());
    QCOMPARE(text(u"expiryUse"_s), QString());

    // In the past: the running gateway refuses the key, and the page says it expired.
    startGateway();
    QCOMPARE(statusOf("GET"_ba, "/v1/models"_ba, kCiKey), 200);
    check->setChecked(true);
    edit->setDateTime(QDateTime::currentDateTime().addSecs(-3600));
    save->click();
    QVERIFY(waitForApplied(1));
    QCOMPARE(statusOf("GET"_ba, "/v1/models"_ba, kCiKey), 401);
    QCOMPARE(text(u"expiryUse"_s), u"Expired"_s);
    QCOMPARE(cellText(u"ci"_s, Column::Limits), u"expired"_s);
    QCOMPARE(m_keys->index(m_keys->rowOf(u"ci"_s), int(Column::Limits))
                 .data(Qt::ForegroundRole)
                 .value<QColor>(),
             QColor(0xc0, 0x39, 0x2b));
}

void AccessKeysPageTest::looksRight()
{
    createThroughPage(u"vscode"_s);
    createThroughPage(u"claude-code"_s);
    mergeIntoKey(u"ci"_s, QJsonObject{{u"rpm"_s, 60},
                                      {u"max_concurrent"_s, 4},
                                      {u"budget"_s, QJsonObject{{u"monthly"_s, 20}}},
                                      {u"expires"_s, u"2030-01-31T00:00:00Z"_s}});
    selectKey(u"ci"_s);
    UsageRecorder recorder;
    QCOMPARE(recorder.open(m_dir->filePath(u"usage.db"_s)), QString());
    for (int i = 0; i < 12; ++i)
        recorder.record(usageRow(u"vscode"_s, QDateTime::currentMSecsSinceEpoch() - i * 60'000));
    recorder.record(usageRow(u"ci"_s, startOfToday() - 86'400'000));
    recorder.flush();
    QSignalSpy answered(m_page->findChild<AccessKeyUsageReader *>(),
                        &AccessKeyUsageReader::finished);
    m_page->resize(820, 640);
    m_page->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_page.get()));
    QTRY_COMPARE_WITH_TIMEOUT(answered.size(), 1, 5000);
    const QString folder = qEnvironmentVariable("ONEGATE_SCREENSHOT_DIR");
    if (!folder.isEmpty())
        QVERIFY(m_page->grab().save(folder + u"/access-keys-page.png"_s));
    for (auto *button : m_page->findChildren<QPushButton *>()) {
        if (button->isVisible())
            QVERIFY2(button->width() >= button->sizeHint().width(), qPrintable(button->text()));
    }
    // The Limits group's one-line labels are not cut off.
    for (auto *label : m_page->findChild<AccessKeyLimitsBox *>()->findChildren<QLabel *>()) {
        if (label->isVisible() && !label->wordWrap())
            QVERIFY2(label->width() >= label->sizeHint().width(), qPrintable(label->text()));
    }

    m_page->findChild<QLineEdit *>(u"newKeyName"_s)->setText(u"jetbrains"_s);
    m_page->findChild<QPushButton *>(u"createKeyButton"_s)->click();
    auto *dialog = m_page->findChild<AccessKeysCreatedDialog *>();
    QVERIFY(dialog);
    QVERIFY(QTest::qWaitForWindowExposed(dialog));
    auto *field = dialog->findChild<QLineEdit *>(u"createdKeyField"_s);
    // The whole key fits: it is read (and checked) by eye before it is pasted.
    QVERIFY(field->width() >= field->fontMetrics().horizontalAdvance(field->text()));
    if (!folder.isEmpty())
        QVERIFY(dialog->grab().save(folder + u"/access-key-created.png"_s));
    dialog->close();
}

QTEST_MAIN(AccessKeysPageTest)
#include "tst_ui_access_keys.moc"
