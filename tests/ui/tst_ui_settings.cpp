// The Settings page: listen address and port through ConfigEditor with the parser's own
// refusals, LAN access and the auth toggle, a port conflict on rebind, browser origins
// (the allowlist, extensions, refused origins and Allow, each checked against real
// requests), live language and theme switching, start at login (XDG autostart), data
// folder and usage retention.

#include "TestHttpClient.h"
#include "common/AppSettings.h"
#include "common/Autostart.h"
#include "common/UiLanguage.h"
#include "common/UiTheme.h"
#include "pages/ConnectPage.h"
#include "pages/RefusedOriginsModel.h"
#include "pages/SettingsPage.h"
#include "tst_ui_connect_gateway.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QGroupBox>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QNetworkInterface>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QStyle>
#include <QTableView>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTcpServer>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace onegate;
using onegate::test::RunningGateway;

class TestUiSettings final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void showsTheConfigsAddress();
    void portOutOfRangeIsRefused();
    void invalidAddressShowsTheParsersMessage();
    void lanAccessWarnsAndLocksAuth();
    void authOffOnLoopbackIsApplied();
    void lanAccessAnswersDevicesOnTheNetwork();
    void lanAccessOnTheSamePortAppliesLive();
    void newPortIsServed();
    void portConflictIsExplained();
    void ollamaSurfaceTurnsOnAndOff();
    void ollamaPortInUseIsExplained();
    void originsAddedAndRemovedReachTheGateway();
    void typedOrigin_data();
    void typedOrigin();
    void originAlreadyAllowedIsNotAddedTwice();
    void nullOriginIsConfirmedFirst();
    void extensionsAllowExtensionOrigins();
    void refusedOriginListedOnceThenAllowed();
    void refusedOriginCanBeDismissed();
    void refusedOriginsStayBounded();
    void languageSwitchRetranslatesLive();
    void missingTranslationIsExplained();
    void themeSwitchesPalette();
    void autostartEntryWrittenAndRemoved();
    void autostartExecEscaping_data();
    void autostartExecEscaping();
    void autostartHiddenCountsAsOff();
    void dataFolderChangeTakesEffectAfterRestart();
    void retentionIsStoredAndAnnounced();
    void screenshot();

private:
    SettingsPage *makePage();
    template <typename T> T *child(const QString &name) const
    {
        T *widget = m_page->findChild<T *>(name);
        Q_ASSERT(widget);
        return widget;
    }
    QString documentListen() const
    {
        return m_gateway->editor->document().value(u"listen"_s).toString();
    }
    void setPort(int port);
    QStringList documentOrigins() const
    {
        QStringList origins;
        const QJsonValue cors = m_gateway->editor->document().value(u"cors"_s);
        for (const QJsonValue &origin : cors[u"origins"_s].toArray())
            origins.append(origin.toString());
        return origins;
    }
    QStringList shownOrigins() const
    {
        QStringList origins;
        const QAbstractItemModel *model = child<QListView>(u"allowedOriginsView"_s)->model();
        for (int row = 0; row < model->rowCount(); ++row)
            origins.append(model->index(row, 0).data().toString());
        return origins;
    }
    void typeOrigin(const QString &text)
    {
        auto *edit = child<QLineEdit>(u"originEdit"_s);
        edit->clear();
        QTest::keyClicks(edit, text);
        QTest::mouseClick(child<QPushButton>(u"addOrigin"_s), Qt::LeftButton);
    }
    // A page's request from `origin` with a valid key: its status and the CORS header.
    std::pair<int, QByteArray> requestFrom(const QByteArray &origin) const
    {
        test::TestHttpClient client(m_gateway->port);
        client.send("GET"_ba, "/v1/models"_ba,
                    {{"Authorization"_ba, "Bearer sk-test-laptop-3f9a"_ba}, {"Origin"_ba, origin}});
        client.waitForFinished();
        return {client.status(), client.header("access-control-allow-origin")};
    }
    // Counts the configs the running gateway has taken, to wait for the next one.
    std::unique_ptr<QSignalSpy> appliedSpy() const
    {
        return std::make_unique<QSignalSpy>(m_gateway->gateway.get(), &GatewayService::configApplied);
    }
    // On the box itself: a click in the middle of a wide check box lands past its label,
    // which does not toggle it.
    static void clickCheckBox(QCheckBox *box)
    {
        QTest::mouseClick(box, Qt::LeftButton, {}, QPoint(8, box->height() / 2));
    }

    std::unique_ptr<RunningGateway> m_gateway;
    std::unique_ptr<SettingsPage> m_page;
    std::unique_ptr<QTemporaryDir> m_xdg;
};

void TestUiSettings::initTestCase()
{
    // AppSettings (QSettings) goes to a test location, never the user's own.
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(u"OneGateTest"_s);
    QCoreApplication::setApplicationName(u"tst_ui_settings"_s);
}

void TestUiSettings::init()
{
    QSettings().clear();
    m_xdg = std::make_unique<QTemporaryDir>();
    QVERIFY(m_xdg->isValid());
    qputenv("XDG_CONFIG_HOME", m_xdg->path().toUtf8());
    m_gateway = std::make_unique<RunningGateway>();
    const QString error = m_gateway->start();
    QVERIFY2(error.isEmpty(), qPrintable(error));
    m_gateway->followEdits();
}

void TestUiSettings::cleanup()
{
    m_page.reset();
    m_gateway.reset();
    UiLanguage::apply(u"en"_s);
    applyTheme(AppTheme::System);
    qunsetenv("XDG_CONFIG_HOME");
    m_xdg.reset();
}

SettingsPage *TestUiSettings::makePage()
{
    m_page = std::make_unique<SettingsPage>(m_gateway->services());
    m_page->resize(1040 - 200, 680);
    m_page->show();
    return m_page.get();
}

void TestUiSettings::setPort(int port)
{
    auto *spin = child<QSpinBox>(u"portSpin"_s);
    spin->setValue(port);
}

void TestUiSettings::showsTheConfigsAddress()
{
    makePage();
    QCOMPARE(child<QLineEdit>(u"hostEdit"_s)->text(), u"127.0.0.1"_s);
    QCOMPARE(child<QSpinBox>(u"portSpin"_s)->value(), int(m_gateway->port));
    QVERIFY(!child<QCheckBox>(u"lanCheck"_s)->isChecked());
    QVERIFY(child<QCheckBox>(u"authCheck"_s)->isChecked());
    QVERIFY(child<QCheckBox>(u"authCheck"_s)->isEnabled());
    QVERIFY(!child<QLabel>(u"lanWarning"_s)->isVisibleTo(m_page.get()));
    QVERIFY(!child<QPushButton>(u"applyNetwork"_s)->isEnabled());
}

void TestUiSettings::portOutOfRangeIsRefused()
{
    makePage();
    auto *spin = child<QSpinBox>(u"portSpin"_s);
    spin->setFocus();
    spin->selectAll();
    QTest::keyClicks(spin, u"70000"_s);
    QTest::keyClick(spin, Qt::Key_Enter);
    QVERIFY(spin->value() <= 65535);
    QVERIFY(spin->value() != 70000);
    QVERIFY(spin->text() != u"70000"_s);
    QCOMPARE(spin->maximum(), 65535);
}

void TestUiSettings::invalidAddressShowsTheParsersMessage()
{
    makePage();
    const QString before = documentListen();
    auto *host = child<QLineEdit>(u"hostEdit"_s);
    host->setFocus();
    host->selectAll();
    QTest::keyClicks(host, u"not a host!"_s);
    QVERIFY(child<QPushButton>(u"applyNetwork"_s)->isEnabled());
    QTest::mouseClick(child<QPushButton>(u"applyNetwork"_s), Qt::LeftButton);

    const QString shown = m_gateway->prompts.last();
    QVERIFY2(shown.startsWith(u"warning: "_s), qPrintable(shown));
    QVERIFY2(shown.contains(u"config.json: listen: "_s), qPrintable(shown));
    QCOMPARE(documentListen(), before);
    QCOMPARE(host->text(), u"not a host!"_s); // the input stays to be fixed
}

void TestUiSettings::lanAccessWarnsAndLocksAuth()
{
    makePage();
    auto *auth = child<QCheckBox>(u"authCheck"_s);
    auth->setChecked(false); // off on loopback first: LAN must turn it back on
    QVERIFY(child<QLabel>(u"authNote"_s)->text().contains(u"without a key"_s));

    clickCheckBox(child<QCheckBox>(u"lanCheck"_s));
    QCOMPARE(child<QLineEdit>(u"hostEdit"_s)->text(), u"0.0.0.0"_s);
    QVERIFY(child<QLabel>(u"lanWarning"_s)->isVisibleTo(m_page.get()));
    QVERIFY(child<QLabel>(u"lanWarning"_s)->text().contains(u"Anyone"_s));
    QVERIFY(auth->isChecked());
    QVERIFY(!auth->isEnabled());
    QVERIFY(child<QLabel>(u"authNote"_s)->text().contains(u"always required"_s));

    // Typing a non-loopback address is LAN access too.
    auto *host = child<QLineEdit>(u"hostEdit"_s);
    host->clear();
    QTest::keyClicks(host, u"127.0.0.1"_s);
    QVERIFY(!child<QCheckBox>(u"lanCheck"_s)->isChecked());
    QVERIFY(auth->isEnabled());
    host->clear();
    QTest::keyClicks(host, u"192.168.1.20"_s);
    QVERIFY(child<QCheckBox>(u"lanCheck"_s)->isChecked());
    QVERIFY(!auth->isEnabled());

    // Applying LAN access writes the wildcard address with auth still required.
    clickCheckBox(child<QCheckBox>(u"lanCheck"_s)); // off: 127.0.0.1
    clickCheckBox(child<QCheckBox>(u"lanCheck"_s)); // on: 0.0.0.0
    QTest::mouseClick(child<QPushButton>(u"applyNetwork"_s), Qt::LeftButton);
    QCOMPARE(documentListen(), u"0.0.0.0:%1"_s.arg(m_gateway->port));
    QCOMPARE(m_gateway->editor->document()[u"auth"_s][u"required"_s].toBool(), true);
}

void TestUiSettings::authOffOnLoopbackIsApplied()
{
    makePage();
    QList<bool> applied;
    connect(m_gateway->gateway.get(), &GatewayService::configApplied, this,
            [&applied](const ConfigApplyResult &result) { applied.append(result.ok()); });
    clickCheckBox(child<QCheckBox>(u"authCheck"_s));
    QVERIFY(child<QPushButton>(u"applyNetwork"_s)->isEnabled());
    QTest::mouseClick(child<QPushButton>(u"applyNetwork"_s), Qt::LeftButton);
    QCOMPARE(m_gateway->prompts.shown, QStringList());
    QCOMPARE(m_gateway->editor->document()[u"auth"_s][u"required"_s].toBool(), false);
    QVERIFY(!m_gateway->editor->config()->authRequired);
    QTRY_COMPARE(applied, QList<bool>{true});
    QVERIFY(!child<QPushButton>(u"applyNetwork"_s)->isEnabled());
    QVERIFY(child<QLabel>(u"networkStatus"_s)->text().contains(u"Saved"_s));
}

void TestUiSettings::lanAccessAnswersDevicesOnTheNetwork()
{
    QHostAddress lanAddress;
    for (const QHostAddress &address : QNetworkInterface::allAddresses()) {
        if (address.protocol() == QAbstractSocket::IPv4Protocol && !address.isLoopback())
            lanAddress = address;
    }
    if (lanAddress.isNull())
        QSKIP("this machine has no network address besides loopback");
    const QByteArray lanHost =
        lanAddress.toString().toUtf8() + ':' + QByteArray::number(m_gateway->port);
    const auto health = [this](const QByteArray &host) {
        test::TestHttpClient client(m_gateway->port);
        client.send("GET", "/health", {{"Host", host}});
        client.waitForFinished();
        return client.status();
    };
    // On loopback only, a request addressed to the LAN address is refused (403).
    QCOMPARE(health(lanHost), 403);

    // A new port along with LAN access: the gateway opens the new address before it
    // closes the old one, and 0.0.0.0 cannot open on a port 127.0.0.1 still holds.
    makePage();
    const quint16 lanPort = test::freePort();
    clickCheckBox(child<QCheckBox>(u"lanCheck"_s));
    setPort(lanPort);
    QTest::mouseClick(child<QPushButton>(u"applyNetwork"_s), Qt::LeftButton);
    QTRY_VERIFY2(child<QLabel>(u"networkStatus"_s)->text().contains(u"now listens on"_s),
                 qPrintable(child<QLabel>(u"networkStatus"_s)->text()));
    // A device on the network names this computer by its address: now allowed. A name
    // that is not this computer's (a rebinding web page) still is not.
    const auto healthOnLan = [lanPort](const QByteArray &host) {
        test::TestHttpClient client(lanPort);
        client.send("GET", "/health", {{"Host", host + ':' + QByteArray::number(lanPort)}});
        client.waitForFinished();
        return client.status();
    };
    QCOMPARE(healthOnLan(lanAddress.toString().toUtf8()), 200);
    QCOMPARE(healthOnLan("evil.example"), 403);
    QCOMPARE(healthOnLan("127.0.0.1"), 200);
}

void TestUiSettings::lanAccessOnTheSamePortAppliesLive()
{
    // The gateway hands its own port over from 127.0.0.1 to 0.0.0.0: no restart needed.
    makePage();
    clickCheckBox(child<QCheckBox>(u"lanCheck"_s));
    QTest::mouseClick(child<QPushButton>(u"applyNetwork"_s), Qt::LeftButton);
    QTRY_VERIFY(child<QLabel>(u"networkStatus"_s)->text().contains(u"now listens on"_s));
    QVERIFY2(m_gateway->prompts.shown.isEmpty(), qPrintable(m_gateway->prompts.last()));
    QCOMPARE(documentListen(), u"0.0.0.0:%1"_s.arg(m_gateway->port));
}

void TestUiSettings::newPortIsServed()
{
    makePage();
    const quint16 next = test::freePort();
    setPort(next);
    QTest::mouseClick(child<QPushButton>(u"applyNetwork"_s), Qt::LeftButton);
    QCOMPARE(documentListen(), u"127.0.0.1:%1"_s.arg(next));
    QTRY_VERIFY2(child<QLabel>(u"networkStatus"_s)->text().contains(u"now listens on"_s),
                 qPrintable(child<QLabel>(u"networkStatus"_s)->text()));
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, next);
    QVERIFY(socket.waitForConnected(2000));
    QCOMPARE(m_gateway->prompts.shown, QStringList());
}

void TestUiSettings::portConflictIsExplained()
{
    makePage();
    QTcpServer occupier;
    QVERIFY(occupier.listen(QHostAddress::LocalHost, 0));
    const quint16 taken = occupier.serverPort();
    const QString before = documentListen();

    setPort(taken);
    QTest::mouseClick(child<QPushButton>(u"applyNetwork"_s), Qt::LeftButton);
    QTRY_VERIFY(!m_gateway->prompts.shown.isEmpty());
    const QString shown = m_gateway->prompts.last();
    QVERIFY2(shown.startsWith(u"warning: Port in use: "_s), qPrintable(shown));
    QVERIFY2(shown.contains(u"Port %1 is already in use"_s.arg(taken)), qPrintable(shown));
    QVERIFY2(shown.contains(before), qPrintable(shown)); // where it still listens
    // The file is back in line with what serves; the user's input stays to change.
    QCOMPARE(documentListen(), before);
    QCOMPARE(child<QSpinBox>(u"portSpin"_s)->value(), int(taken));
    QVERIFY(child<QPushButton>(u"applyNetwork"_s)->isEnabled());
    QVERIFY(child<QLabel>(u"networkStatus"_s)->text().contains(u"already in use"_s));
    // And the old address still answers.
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, m_gateway->port);
    QVERIFY(socket.waitForConnected(2000));
}

void TestUiSettings::ollamaSurfaceTurnsOnAndOff()
{
    makePage();
    auto *enabled = child<QCheckBox>(u"ollamaCheck"_s);
    auto *port = child<QSpinBox>(u"ollamaPortSpin"_s);
    QVERIFY(!enabled->isChecked());
    QCOMPARE(port->value(), 11435);  // beside Ollama's own 11434
    QVERIFY(!port->isEnabled());
    QVERIFY(child<QLabel>(u"ollamaNote"_s)->text().contains(u"without an access key"_s));

    const quint16 free = test::freePort();
    port->setValue(free);  // disabled, but the value is what the check box applies
    clickCheckBox(enabled);
    QVERIFY(enabled->isChecked());
    QCOMPARE(m_gateway->editor->document().value(u"ollama"_s).toObject().value(u"listen"_s).toString(),
             u"127.0.0.1:%1"_s.arg(free));
    QTRY_VERIFY2(child<QLabel>(u"ollamaStatus"_s)->text().contains(u"Serving at http://127.0.0.1:%1"_s.arg(free)),
                 qPrintable(child<QLabel>(u"ollamaStatus"_s)->text()));
    // It answers as Ollama does, with no key.
    test::TestHttpClient version(free);
    version.send("GET"_ba, "/api/version"_ba);
    QVERIFY(version.waitForFinished(5000));
    QCOMPARE(version.status(), 200);
    QVERIFY(version.json().value(u"version"_s).isString());

    // A new port through its Apply button.
    const quint16 next = test::freePort();
    port->setValue(next);
    QVERIFY(child<QPushButton>(u"applyOllama"_s)->isEnabled());
    QTest::mouseClick(child<QPushButton>(u"applyOllama"_s), Qt::LeftButton);
    QTRY_VERIFY2(child<QLabel>(u"ollamaStatus"_s)->text().contains(QString::number(next)),
                 qPrintable(child<QLabel>(u"ollamaStatus"_s)->text()));
    QTcpSocket moved;
    moved.connectToHost(QHostAddress::LocalHost, next);
    QVERIFY(moved.waitForConnected(2000));

    int applied = 0;
    connect(m_gateway->gateway.get(), &GatewayService::configApplied, this, [&applied] { ++applied; });
    clickCheckBox(enabled);
    QVERIFY(!m_gateway->editor->document().contains(u"ollama"_s));
    QTRY_COMPARE(applied, 1);  // the gateway has closed the port
    QVERIFY(child<QLabel>(u"ollamaStatus"_s)->text().isEmpty());
    QTcpSocket closed;
    closed.connectToHost(QHostAddress::LocalHost, next);
    QVERIFY(!closed.waitForConnected(1000));
    QCOMPARE(m_gateway->prompts.shown, QStringList());
}

void TestUiSettings::ollamaPortInUseIsExplained()
{
    makePage();
    QTcpServer occupier;
    QVERIFY(occupier.listen(QHostAddress::LocalHost, 0));
    child<QSpinBox>(u"ollamaPortSpin"_s)->setValue(occupier.serverPort());
    clickCheckBox(child<QCheckBox>(u"ollamaCheck"_s));
    QTRY_VERIFY2(child<QLabel>(u"ollamaStatus"_s)->text().contains(u"already in use"_s),
                 qPrintable(child<QLabel>(u"ollamaStatus"_s)->text()));
    QVERIFY(child<QLabel>(u"ollamaStatus"_s)->text().startsWith(u"Not serving: "_s));
    // The main API is not disturbed.
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, m_gateway->port);
    QVERIFY(socket.waitForConnected(2000));
}

void TestUiSettings::originsAddedAndRemovedReachTheGateway()
{
    makePage();
    const QByteArray origin = "https://chat.example.org"_ba;
    QCOMPARE(requestFrom(origin).first, 403);  // refused by default
    QVERIFY(!m_gateway->editor->document().contains(u"cors"_s));
    QVERIFY(!child<QPushButton>(u"addOrigin"_s)->isEnabled());  // nothing typed
    QVERIFY(!child<QPushButton>(u"removeOrigin"_s)->isEnabled());  // nothing selected

    const auto applied = appliedSpy();
    typeOrigin(QString::fromLatin1(origin));
    QCOMPARE(m_gateway->prompts.shown, QStringList());
    QCOMPARE(documentOrigins(), QStringList{QString::fromLatin1(origin)});
    QCOMPARE(shownOrigins(), QStringList{QString::fromLatin1(origin)});
    QVERIFY(child<QLineEdit>(u"originEdit"_s)->text().isEmpty());
    QTRY_COMPARE(applied->size(), 1);
    const auto allowed = requestFrom(origin);
    QCOMPARE(allowed.first, 200);
    QCOMPARE(allowed.second, origin);
    QCOMPARE(requestFrom("https://evil.example.org"_ba).first, 403);  // exact origins only

    auto *view = child<QListView>(u"allowedOriginsView"_s);
    view->setCurrentIndex(view->model()->index(0, 0));
    QVERIFY(child<QPushButton>(u"removeOrigin"_s)->isEnabled());
    QTest::mouseClick(child<QPushButton>(u"removeOrigin"_s), Qt::LeftButton);
    // Nothing left to say: the file goes back to the default.
    QVERIFY(!m_gateway->editor->document().contains(u"cors"_s));
    QCOMPARE(shownOrigins(), QStringList());
    QTRY_COMPARE(applied->size(), 2);
    QCOMPARE(requestFrom(origin).first, 403);
    QCOMPARE(m_gateway->prompts.shown, QStringList());
}

void TestUiSettings::typedOrigin_data()
{
    QTest::addColumn<QString>("typed");
    QTest::addColumn<QString>("stored");  // empty: refused with a message
    QTest::newRow("https") << u"https://chat.example.org"_s << u"https://chat.example.org"_s;
    QTest::newRow("port") << u"http://localhost:5173"_s << u"http://localhost:5173"_s;
    QTest::newRow("web view") << u"vscode-webview://1a2b3c4d"_s << u"vscode-webview://1a2b3c4d"_s;
    QTest::newRow("case, spaces, a slash") << u"  HTTPS://Chat.Example.ORG/ "_s << u"https://chat.example.org"_s;
    QTest::newRow("path") << u"https://chat.example.org/app"_s << QString();
    QTest::newRow("wildcard") << u"https://*.example.org"_s << QString();
    QTest::newRow("no scheme") << u"chat.example.org"_s << QString();
    QTest::newRow("star") << u"*"_s << QString();
    QTest::newRow("user") << u"https://me@chat.example.org"_s << QString();
    QTest::newRow("query") << u"https://chat.example.org?x=1"_s << QString();
}

void TestUiSettings::typedOrigin()
{
    QFETCH(QString, typed);
    QFETCH(QString, stored);
    makePage();
    typeOrigin(typed);
    if (!stored.isEmpty()) {
        QCOMPARE(m_gateway->prompts.shown, QStringList());
        QCOMPARE(documentOrigins(), QStringList{stored});
        return;
    }
    const QString shown = m_gateway->prompts.last();
    QVERIFY2(shown.startsWith(u"warning: Origin not added: "_s), qPrintable(shown));
    QVERIFY2(shown.contains(u"is not an origin"_s) && shown.contains(u"https://chat.example.org"_s),
             qPrintable(shown));
    QVERIFY(!m_gateway->editor->document().contains(u"cors"_s));
    QCOMPARE(child<QLineEdit>(u"originEdit"_s)->text(), typed);  // stays to be fixed
}

void TestUiSettings::originAlreadyAllowedIsNotAddedTwice()
{
    makePage();
    typeOrigin(u"http://localhost:5173"_s);
    typeOrigin(u"HTTP://LOCALHOST:5173"_s);
    QCOMPARE(m_gateway->prompts.shown, QStringList());
    QCOMPARE(documentOrigins(), QStringList{u"http://localhost:5173"_s});
    QCOMPARE(child<QListView>(u"allowedOriginsView"_s)->currentIndex().row(), 0);  // shown instead
}

void TestUiSettings::nullOriginIsConfirmedFirst()
{
    makePage();
    m_gateway->prompts.confirmAnswer = false;
    typeOrigin(u"null"_s);
    QVERIFY2(m_gateway->prompts.last().startsWith(u"confirm: "_s), qPrintable(m_gateway->prompts.last()));
    QVERIFY(m_gateway->prompts.last().contains(u"sandboxed"_s));
    QVERIFY(!m_gateway->editor->document().contains(u"cors"_s));

    m_gateway->prompts.confirmAnswer = true;
    const auto applied = appliedSpy();
    typeOrigin(u"null"_s);
    QCOMPARE(documentOrigins(), QStringList{u"null"_s});
    QTRY_COMPARE(applied->size(), 1);
    QCOMPARE(requestFrom("null"_ba).first, 200);
}

void TestUiSettings::extensionsAllowExtensionOrigins()
{
    makePage();
    const QByteArray extension = "chrome-extension://abcdefghijklmnopabcdefghijklmnop"_ba;
    QCOMPARE(requestFrom(extension).first, 403);
    auto *refused = m_gateway->services().refusedOrigins;
    QTRY_COMPARE(refused->rowCount(), 1);

    const auto applied = appliedSpy();
    auto *box = child<QCheckBox>(u"extensionsCheck"_s);
    QVERIFY(!box->isChecked());
    clickCheckBox(box);
    QCOMPARE(m_gateway->editor->document()[u"cors"_s][u"extensions"_s].toBool(), true);
    QCOMPARE(refused->rowCount(), 0);  // allowed now
    QTRY_COMPARE(applied->size(), 1);
    QCOMPARE(requestFrom(extension).first, 200);
    QCOMPARE(requestFrom("moz-extension://0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0"_ba).first, 200);
    QCOMPARE(requestFrom("https://chat.example.org"_ba).first, 403);  // pages still are not

    clickCheckBox(box);
    QVERIFY(!m_gateway->editor->document().contains(u"cors"_s));
    QTRY_COMPARE(applied->size(), 2);
    QCOMPARE(requestFrom(extension).first, 403);
    QCOMPARE(m_gateway->prompts.shown, QStringList());
}

void TestUiSettings::refusedOriginListedOnceThenAllowed()
{
    makePage();
    auto *refused = m_gateway->services().refusedOrigins;
    QAbstractItemModelTester tester(refused, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy first(refused, &RefusedOriginsModel::firstRefused);
    auto *view = child<QTableView>(u"refusedOriginsView"_s);
    QVERIFY(child<QLabel>(u"refusedOriginsEmpty"_s)->isVisibleTo(m_page.get()));
    QVERIFY(!view->isVisibleTo(m_page.get()));

    // A web-view app's dev server, as a desktop client would send it.
    const QByteArray origin = "http://localhost:5173"_ba;
    for (int i = 0; i < 3; ++i)
        QCOMPARE(requestFrom(origin).first, 403);
    QTRY_COMPARE(refused->refusals(0), 3);
    QCOMPARE(refused->rowCount(), 1);
    QCOMPARE(first.size(), 1);  // announced once
    QCOMPARE(first.first().at(0).toString(), QString::fromLatin1(origin));
    const auto cell = [refused](RefusedOriginsModel::Column column) {
        return refused->index(0, int(column)).data().toString();
    };
    QCOMPARE(cell(RefusedOriginsModel::Column::Origin), QString::fromLatin1(origin));
    QCOMPARE(cell(RefusedOriginsModel::Column::Address), u"127.0.0.1"_s);
    QCOMPARE(cell(RefusedOriginsModel::Column::Refusals), u"3"_s);
    QVERIFY(view->isVisibleTo(m_page.get()));
    QVERIFY(!child<QLabel>(u"refusedOriginsEmpty"_s)->isVisibleTo(m_page.get()));

    auto *allow = child<QPushButton>(u"allowRefusedOrigin"_s);
    QVERIFY(!allow->isEnabled());  // nothing selected yet
    view->selectRow(0);
    QVERIFY(allow->isEnabled());
    const auto applied = appliedSpy();
    QTest::mouseClick(allow, Qt::LeftButton);
    QCOMPARE(m_gateway->prompts.shown, QStringList());
    QCOMPARE(documentOrigins(), QStringList{QString::fromLatin1(origin)});
    QCOMPARE(shownOrigins(), QStringList{QString::fromLatin1(origin)});
    QCOMPARE(refused->rowCount(), 0);
    QVERIFY(!view->isVisibleTo(m_page.get()));
    QTRY_COMPARE(applied->size(), 1);
    const auto next = requestFrom(origin);
    QCOMPARE(next.first, 200);
    QCOMPARE(next.second, origin);
    QCOMPARE(refused->rowCount(), 0);
}

void TestUiSettings::refusedOriginCanBeDismissed()
{
    makePage();
    auto *refused = m_gateway->services().refusedOrigins;
    QAbstractItemModelTester tester(refused, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(requestFrom("https://one.example.org"_ba).first, 403);
    QCOMPARE(requestFrom("vscode-webview://0f1e2d3c"_ba).first, 403);
    QTRY_COMPARE(refused->rowCount(), 2);
    QCOMPARE(refused->origin(0), u"vscode-webview://0f1e2d3c"_s);  // the newest first

    auto *view = child<QTableView>(u"refusedOriginsView"_s);
    view->selectRow(1);
    QTest::mouseClick(child<QPushButton>(u"dismissRefusedOrigin"_s), Qt::LeftButton);
    QCOMPARE(refused->rowCount(), 1);
    QCOMPARE(refused->origin(0), u"vscode-webview://0f1e2d3c"_s);
    QVERIFY(!m_gateway->editor->document().contains(u"cors"_s));  // still refused
    QCOMPARE(requestFrom("https://one.example.org"_ba).first, 403);
    QTRY_COMPARE(refused->rowCount(), 2);  // and listed again when it comes back
}

void TestUiSettings::refusedOriginsStayBounded()
{
    RefusedOriginsModel refused;
    QAbstractItemModelTester tester(&refused, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy first(&refused, &RefusedOriginsModel::firstRefused);
    for (int i = 0; i < RefusedOriginsModel::kMaxRows + 5; ++i)
        refused.record(u"http://localhost:%1"_s.arg(3000 + i), u"127.0.0.1"_s);
    QCOMPARE(refused.rowCount(), RefusedOriginsModel::kMaxRows);
    QCOMPARE(refused.origin(0), u"http://localhost:%1"_s.arg(3000 + RefusedOriginsModel::kMaxRows + 4));
    // The ones first refused longest ago gave way.
    QCOMPARE(refused.origin(RefusedOriginsModel::kMaxRows - 1), u"http://localhost:3005"_s);
    // One origin however it is spelled; nothing that cannot be one.
    refused.record(u" HTTP://LOCALHOST:3010 "_s, u"::1"_s);
    refused.record(QString(), u"127.0.0.1"_s);
    refused.record(u"https://"_s + QString(600, u'a'), u"127.0.0.1"_s);
    QCOMPARE(refused.rowCount(), RefusedOriginsModel::kMaxRows);
    QCOMPARE(first.size(), RefusedOriginsModel::kMaxRows + 5);
    // What the config allows leaves the list and is not listed again.
    CorsSettings cors;
    cors.origins = {u"http://localhost:3010"_s};
    refused.setAllowed(cors);
    QCOMPARE(refused.rowCount(), RefusedOriginsModel::kMaxRows - 1);
    refused.record(u"http://localhost:3010"_s, u"127.0.0.1"_s);
    QCOMPARE(refused.rowCount(), RefusedOriginsModel::kMaxRows - 1);
}

void TestUiSettings::languageSwitchRetranslatesLive()
{
    makePage();
    ConnectPage connect(m_gateway->services());
    auto *heading = child<QLabel>(u"heading"_s);
    QCOMPARE(m_page->title(), u"Settings"_s);
    QCOMPARE(heading->text(), u"Settings"_s);

    const UiLanguage::Result chinese = UiLanguage::apply(u"zh_CN"_s, QStringLiteral(TEST_QM_DIR));
    QVERIFY2(chinese.translated, qPrintable(chinese.problem));
    QCOMPARE(chinese.locale, u"zh_CN"_s);
    // Installing the translator posts LanguageChange to every widget.
    QTRY_COMPARE(heading->text(), u"设置"_s);
    QCOMPARE(m_page->title(), u"设置"_s);
    QCOMPARE(connect.title(), u"连接客户端"_s);
    const auto *network = m_page->findChild<QGroupBox *>();
    QVERIFY(network);

    const UiLanguage::Result english = UiLanguage::apply(u"en"_s, QStringLiteral(TEST_QM_DIR));
    QVERIFY(english.problem.isEmpty());
    QTRY_COMPARE(heading->text(), u"Settings"_s);
    QCOMPARE(connect.title(), u"Connect a client"_s);
}

void TestUiSettings::missingTranslationIsExplained()
{
    // The shipped translations are embedded (:/i18n): choosing Chinese switches the page.
    makePage();
    auto *language = child<QComboBox>(u"languageCombo"_s);
    QCOMPARE(language->currentIndex(), 0); // system default
    language->setCurrentIndex(language->findData(u"zh_CN"_s));
    QCOMPARE(AppSettings().language(), u"zh_CN"_s);
    auto *note = child<QLabel>(u"languageNote"_s);
    QTRY_COMPARE(child<QLabel>(u"heading"_s)->text(), u"设置"_s);
    QVERIFY(!note->isVisibleTo(m_page.get()));
    QCOMPARE(child<QGroupBox>(u"browserGroup"_s)->title(), u"浏览器访问"_s);

    // A translation that cannot be found is explained, and the UI stays usable in English.
    QTemporaryDir empty;
    const UiLanguage::Result missing = UiLanguage::apply(u"zh_CN"_s, empty.path());
    QVERIFY(!missing.translated);
    QVERIFY2(!missing.problem.isEmpty(), "a missing translation must be explained");
    QTRY_COMPARE(child<QLabel>(u"heading"_s)->text(), u"Settings"_s);

    language->setCurrentIndex(language->findData(u"en"_s));
    QVERIFY(!note->isVisibleTo(m_page.get()));
    QCOMPARE(AppSettings().language(), u"en"_s);
}

void TestUiSettings::themeSwitchesPalette()
{
    makePage();
    const QString systemStyle = QApplication::style()->name();
    auto *theme = child<QComboBox>(u"themeCombo"_s);
    theme->setCurrentIndex(theme->findData(int(AppTheme::Dark)));
    QCOMPARE(AppSettings().theme(), AppTheme::Dark);
    QCOMPARE(QApplication::style()->name().toLower(), u"fusion"_s);
    QVERIFY(QApplication::palette().color(QPalette::Window).lightness() < 100);
    QVERIFY(QApplication::palette().color(QPalette::WindowText).lightness() > 180);
    // Every widget follows, this page included.
    QTRY_VERIFY(m_page->palette().color(QPalette::Window).lightness() < 100);

    theme->setCurrentIndex(theme->findData(int(AppTheme::Light)));
    QVERIFY(QApplication::palette().color(QPalette::Window).lightness() > 150);

    theme->setCurrentIndex(theme->findData(int(AppTheme::System)));
    QCOMPARE(AppSettings().theme(), AppTheme::System);
    QCOMPARE(QApplication::style()->name(), systemStyle);
}

void TestUiSettings::autostartEntryWrittenAndRemoved()
{
    makePage();
    const QString entry = m_xdg->filePath(u"autostart/onegate.desktop"_s);
    QCOMPARE(Autostart::entryPath(), entry);
    auto *box = child<QCheckBox>(u"autostartCheck"_s);
    QVERIFY(!box->isChecked());

    clickCheckBox(box);
    QVERIFY(QFile::exists(entry));
    QVERIFY(Autostart::isEnabled());
    QFile file(entry);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QString text = QString::fromUtf8(file.readAll());
    QVERIFY(text.startsWith(u"[Desktop Entry]\n"_s));
    QVERIFY2(text.contains(u"\nExec="_s + QCoreApplication::applicationFilePath() + u'\n'),
             qPrintable(text));
    QVERIFY(text.contains(u"\nType=Application\n"_s));
    QVERIFY(QDir::isAbsolutePath(QCoreApplication::applicationFilePath()));
    file.close();

    clickCheckBox(box);
    QVERIFY(!QFile::exists(entry));
    QVERIFY(!Autostart::isEnabled());
    QCOMPARE(Autostart::disable(), QString()); // nothing to remove is fine
}

void TestUiSettings::autostartExecEscaping_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("exec");
    QTest::newRow("plain") << u"/usr/bin/onegate"_s << u"/usr/bin/onegate"_s;
    QTest::newRow("space") << u"/opt/One Gate/onegate"_s << u"\"/opt/One Gate/onegate\""_s;
    QTest::newRow("dollar and quote")
        << u"/home/a$b/\"x\"/onegate"_s << u"\"/home/a\\\\$b/\\\\\"x\\\\\"/onegate\""_s;
    QTest::newRow("percent") << u"/opt/100%/onegate"_s << u"/opt/100%%/onegate"_s;
}

void TestUiSettings::autostartExecEscaping()
{
    QFETCH(QString, path);
    QFETCH(QString, exec);
    QCOMPARE(Autostart::execValue(path), exec);
}

void TestUiSettings::autostartHiddenCountsAsOff()
{
    QCOMPARE(Autostart::enable(u"/usr/bin/onegate"_s), QString());
    QVERIFY(Autostart::isEnabled());
    QFile file(Autostart::entryPath());
    QVERIFY(file.open(QIODevice::Append));
    file.write("Hidden=true\n");
    file.close();
    QVERIFY(!Autostart::isEnabled());
    QVERIFY(!Autostart::enable(u"relative/onegate"_s).isEmpty());
    QVERIFY(!Autostart::enable(u"/tmp/a\nb"_s).isEmpty());
}

void TestUiSettings::dataFolderChangeTakesEffectAfterRestart()
{
    makePage();
    QCOMPARE(child<QLabel>(u"dataDir"_s)->text(),
             QDir::toNativeSeparators(m_gateway->services().dataDir));
    const QString chosen = m_gateway->dir.filePath(u"elsewhere"_s);
    QString askedTitle;
    m_page->setFolderChooser([&](QWidget *, const QString &title, const QString &) {
        askedTitle = title;
        return chosen;
    });
    QTest::mouseClick(child<QPushButton>(u"changeDataDir"_s), Qt::LeftButton);
    QVERIFY(!askedTitle.isEmpty());
    QCOMPARE(AppSettings().dataDirOverride(), chosen);
    const QString note = child<QLabel>(u"dataDirNote"_s)->text();
    QVERIFY2(note.contains(QDir::toNativeSeparators(chosen)) && note.contains(u"next start"_s),
             qPrintable(note));

    // Cancelling the chooser changes nothing.
    m_page->setFolderChooser([](QWidget *, const QString &, const QString &) { return QString(); });
    QTest::mouseClick(child<QPushButton>(u"changeDataDir"_s), Qt::LeftButton);
    QCOMPARE(AppSettings().dataDirOverride(), chosen);
}

void TestUiSettings::retentionIsStoredAndAnnounced()
{
    makePage();
    QSignalSpy changed(m_page.get(), &SettingsPage::usageRetentionChanged);
    auto *spin = child<QSpinBox>(u"retentionSpin"_s);
    QCOMPARE(spin->value(), 0);
    QCOMPARE(spin->text(), u"Forever"_s);
    spin->setValue(5);
    spin->setValue(30); // settles into one announcement
    QTRY_COMPARE(changed.size(), 1);
    QCOMPARE(changed.first().at(0).toInt(), 30);
    QCOMPARE(AppSettings().usageRetentionDays(), 30);
}

void TestUiSettings::screenshot()
{
    const QString dir = qEnvironmentVariable("ONEGATE_SCREENSHOT_DIR");
    if (dir.isEmpty())
        QSKIP("ONEGATE_SCREENSHOT_DIR is not set");
    makePage();
    QVERIFY(QTest::qWaitForWindowExposed(m_page.get()));
    QTest::qWait(50);
    QVERIFY(m_page->grab().save(dir + u"/settings.png"_s));
    clickCheckBox(child<QCheckBox>(u"lanCheck"_s));
    QVERIFY(m_page->grab().save(dir + u"/settings-lan.png"_s));
    auto *theme = child<QComboBox>(u"themeCombo"_s);
    theme->setCurrentIndex(theme->findData(int(AppTheme::Dark)));
    QTRY_VERIFY(m_page->palette().color(QPalette::Window).lightness() < 100);
    QVERIFY(m_page->grab().save(dir + u"/settings-dark.png"_s));

    // Browser access with an allowed origin and two refused ones, in both themes and
    // languages.
    m_page->showBrowserAccess();
    QVERIFY(m_page->grab().save(dir + u"/settings-browser-empty.png"_s));
    typeOrigin(u"https://chat.example.org"_s);
    for (const QByteArray &origin :
         {"http://localhost:5173"_ba, "vscode-webview://1f0c2b9e7d5a4c3b"_ba, "vscode-webview://1f0c2b9e7d5a4c3b"_ba})
        requestFrom(origin);
    QTRY_COMPARE(m_gateway->services().refusedOrigins->rowCount(), 2);
    child<QTableView>(u"refusedOriginsView"_s)->selectRow(0);
    m_page->showBrowserAccess();
    QVERIFY(m_page->grab().save(dir + u"/settings-browser-dark.png"_s));
    theme->setCurrentIndex(theme->findData(int(AppTheme::Light)));
    QTRY_VERIFY(m_page->palette().color(QPalette::Window).lightness() > 150);
    QVERIFY(m_page->grab().save(dir + u"/settings-browser.png"_s));
    UiLanguage::apply(u"zh_CN"_s);
    QTRY_COMPARE(child<QGroupBox>(u"browserGroup"_s)->title(), u"浏览器访问"_s);
    QVERIFY(m_page->grab().save(dir + u"/settings-browser-zh_CN.png"_s));
}

QTEST_MAIN(TestUiSettings)

#include "tst_ui_settings.moc"
