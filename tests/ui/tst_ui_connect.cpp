// The "Connect a client" page: every client's setup carries the gateway's real address,
// the chosen key and model, follows the combos, copies to the clipboard, and its Test
// makes a real request through a running GatewayService to FakeUpstream.

#include "pages/ConnectClientModel.h"
#include "pages/ConnectPage.h"
#include "pages/ConnectSnippets.h"
#include "tst_ui_connect_gateway.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QLabel>
#include <QListView>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace onegate;
using onegate::test::RunningGateway;

Q_DECLARE_METATYPE(onegate::ConnectClient)

namespace {

constexpr auto kLaptopKey = "sk-test-laptop-3f9a";
constexpr auto kNarrowKey = "sk-test-narrow-77c1";

} // namespace

class TestUiConnect final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void clientModel();
    void snippetHasRealValues_data();
    void snippetHasRealValues();
    void snippetsFollowTheCombos();
    void keyAllowlistNarrowsModels();
    void copyPutsSnippetOnClipboard();
    void testShowsTheModelsAnswer();
    void wrongKeyShowsTheGatewaysMessage();
    void clientsOnComingEndpointsCannotBeTested();
    void noAccessKeyShowsWhereToCreateOne();
    void quotingSurvivesOddValues_data();
    void quotingSurvivesOddValues();
    void screenshot();

private:
    ConnectPage *makePage();
    void selectClient(ConnectClient client);
    QString snippet() const
    {
        return m_page->findChild<QPlainTextEdit *>(u"snippet"_s)->toPlainText();
    }
    QComboBox *combo(const QString &name) const { return m_page->findChild<QComboBox *>(name); }
    QPushButton *button(const QString &name) const
    {
        return m_page->findChild<QPushButton *>(name);
    }
    QLabel *label(const QString &name) const { return m_page->findChild<QLabel *>(name); }
    QString apiBase() const { return u"http://127.0.0.1:%1/v1"_s.arg(m_gateway->port); }

    std::unique_ptr<RunningGateway> m_gateway;
    std::unique_ptr<ConnectPage> m_page;
};

void TestUiConnect::init()
{
    m_gateway = std::make_unique<RunningGateway>();
    const QString error = m_gateway->start();
    QVERIFY2(error.isEmpty(), qPrintable(error));
}

void TestUiConnect::cleanup()
{
    m_page.reset();
    m_gateway.reset();
}

ConnectPage *TestUiConnect::makePage()
{
    m_page = std::make_unique<ConnectPage>(m_gateway->services());
    m_page->resize(1040 - 200, 680);
    m_page->show();
    return m_page.get();
}

void TestUiConnect::selectClient(ConnectClient client)
{
    auto *list = m_page->findChild<QListView *>(u"clientList"_s);
    auto *model = qobject_cast<ConnectClientModel *>(list->model());
    list->setCurrentIndex(model->index(model->rowOf(client), 0));
}

void TestUiConnect::clientModel()
{
    ConnectClientModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(model.rowCount(), ConnectSnippets::clients().size());
    QCOMPARE(model.columnCount(), int(ConnectClientModel::Column::Count));
    const QModelIndex claude = model.index(model.rowOf(ConnectClient::ClaudeCode),
                                           int(ConnectClientModel::Column::Endpoint));
    QCOMPARE(claude.data().toString(), u"/v1/messages"_s);
    QVERIFY(model.index(model.rowOf(ConnectClient::ClaudeCode), 0)
                .data()
                .toString()
                .contains(u"coming"_s));
    model.retranslate();
}

void TestUiConnect::snippetHasRealValues_data()
{
    QTest::addColumn<ConnectClient>("client");
    QTest::addColumn<bool>("usesOrigin");
    for (const ConnectClient client : ConnectSnippets::clients()) {
        QTest::newRow(qPrintable(ConnectSnippets::name(client)))
            << client << (client == ConnectClient::ClaudeCode);
    }
}

void TestUiConnect::snippetHasRealValues()
{
    QFETCH(ConnectClient, client);
    QFETCH(bool, usesOrigin);
    makePage();
    combo(u"modelCombo"_s)->setCurrentIndex(combo(u"modelCombo"_s)->findData(u"tool"_s));
    selectClient(client);

    const QString text = snippet();
    const QString origin = u"http://127.0.0.1:%1"_s.arg(m_gateway->port);
    QVERIFY2(text.contains(usesOrigin ? origin : apiBase()), qPrintable(text));
    if (usesOrigin)
        QVERIFY2(!text.contains(apiBase()), qPrintable(text)); // Claude Code adds /v1 itself
    QVERIFY2(text.contains(QLatin1String(kLaptopKey)), qPrintable(text));
    QVERIFY2(text.contains(u"tool"_s), qPrintable(text));
    QVERIFY(!text.contains(u"YOUR-ONEGATE-KEY"_s));
    QVERIFY(!label(u"where"_s)->text().isEmpty());
    QVERIFY(!label(u"hint"_s)->isVisibleTo(m_page.get()));
    QVERIFY(button(u"copyButton"_s)->isEnabled());
    QVERIFY(label(u"endpoint"_s)->text().contains(apiBase()));
}

void TestUiConnect::snippetsFollowTheCombos()
{
    makePage();
    selectClient(ConnectClient::Curl);
    QVERIFY(snippet().contains(u"\"model\":\"text\""_s));

    combo(u"modelCombo"_s)->setCurrentIndex(combo(u"modelCombo"_s)->findData(u"tool"_s));
    QVERIFY(snippet().contains(u"\"model\":\"tool\""_s));
    QVERIFY(!snippet().contains(u"\"model\":\"text\""_s));

    combo(u"keyCombo"_s)->setCurrentIndex(combo(u"keyCombo"_s)->findData(u"narrow"_s));
    QVERIFY(snippet().contains(QLatin1String(kNarrowKey)));
    QVERIFY(!snippet().contains(QLatin1String(kLaptopKey)));

    // An edit from elsewhere (another page, the file) shows up, keeping the choices.
    QJsonObject next = m_gateway->editor->document();
    next.insert(u"listen"_s, u"127.0.0.1:%1"_s.arg(m_gateway->port + 1));
    QCOMPARE(m_gateway->editor->apply(next), std::nullopt);
    QVERIFY(snippet().contains(u"http://127.0.0.1:%1/v1"_s.arg(m_gateway->port + 1)));
    QCOMPARE(combo(u"keyCombo"_s)->currentData().toString(), u"narrow"_s);
}

void TestUiConnect::keyAllowlistNarrowsModels()
{
    makePage();
    QComboBox *models = combo(u"modelCombo"_s);
    QCOMPARE(models->count(), 2);
    combo(u"keyCombo"_s)->setCurrentIndex(combo(u"keyCombo"_s)->findData(u"narrow"_s));
    QCOMPARE(models->count(), 1);
    QCOMPARE(models->currentData().toString(), u"text"_s);
}

void TestUiConnect::copyPutsSnippetOnClipboard()
{
    makePage();
    selectClient(ConnectClient::PythonSdk);
    QApplication::clipboard()->clear();
    QTest::mouseClick(button(u"copyButton"_s), Qt::LeftButton);
    QCOMPARE(QApplication::clipboard()->text(), snippet());
    QVERIFY(QApplication::clipboard()->text().contains(QLatin1String(kLaptopKey)));
}

void TestUiConnect::testShowsTheModelsAnswer()
{
    makePage();
    selectClient(ConnectClient::Continue);
    QPushButton *test = button(u"testButton"_s);
    QVERIFY(test->isEnabled());
    QTest::mouseClick(test, Qt::LeftButton);

    const QJsonObject fixture =
        QJsonDocument::fromJson(test::FakeUpstream::fixture(u"chat_response_text_recorded.json"_s))
            .object();
    const QString answer = fixture[u"choices"_s][0][u"message"_s][u"content"_s].toString();
    QVERIFY(!answer.isEmpty());
    QTRY_VERIFY2(label(u"testResult"_s)->text().contains(answer),
                 qPrintable(label(u"testResult"_s)->text()));
    QVERIFY(test->isEnabled());

    // It was a real request through the gateway, with the chosen key and model.
    const test::RecordedRequest relayed = m_gateway->fake->lastRequest();
    QCOMPARE(relayed.body.value(u"model"_s).toString(), u"text"_s);
}

void TestUiConnect::wrongKeyShowsTheGatewaysMessage()
{
    makePage();
    // The page's snapshot now holds a key the running gateway does not know.
    m_gateway->secrets.write(u"access/laptop"_s, "sk-test-not-the-right-one");
    m_gateway->editor->reloadSecrets();
    selectClient(ConnectClient::Curl);
    QVERIFY(snippet().contains(u"sk-test-not-the-right-one"_s));

    QTest::mouseClick(button(u"testButton"_s), Qt::LeftButton);
    QTRY_VERIFY2(label(u"testResult"_s)->text().contains(u"401"_s),
                 qPrintable(label(u"testResult"_s)->text()));
    QVERIFY(label(u"testResult"_s)->text().contains(u"Incorrect API key provided"_s));
}

void TestUiConnect::clientsOnComingEndpointsCannotBeTested()
{
    makePage();
    for (const ConnectClient client : {ConnectClient::ClaudeCode, ConnectClient::CodexCli}) {
        selectClient(client);
        QVERIFY(!button(u"testButton"_s)->isEnabled());
        QVERIFY(button(u"copyButton"_s)->isEnabled());
        QVERIFY(label(u"note"_s)->isVisibleTo(m_page.get()));
        QVERIFY(label(u"note"_s)->text().contains(
            client == ConnectClient::ClaudeCode ? u"/v1/messages"_s : u"/v1/responses"_s));
    }
    selectClient(ConnectClient::Aider);
    QVERIFY(button(u"testButton"_s)->isEnabled());
}

void TestUiConnect::noAccessKeyShowsWhereToCreateOne()
{
    m_gateway = std::make_unique<RunningGateway>();
    const QString error =
        m_gateway->start([](QJsonObject &config) { config.remove(u"access_keys"_s); });
    QVERIFY2(error.isEmpty(), qPrintable(error));
    makePage();
    QLabel *hint = label(u"hint"_s);
    QVERIFY(hint->isVisibleTo(m_page.get()));
    QVERIFY(hint->text().contains(u"Access keys page"_s));
    QVERIFY(!combo(u"keyCombo"_s)->isEnabled());
    QVERIFY(!button(u"copyButton"_s)->isEnabled());
    QVERIFY(!button(u"testButton"_s)->isEnabled());
    QVERIFY(snippet().contains(u"YOUR-ONEGATE-KEY"_s));

    // Once a key exists, the page fills in by itself.
    m_gateway->secrets.write(u"access/new"_s, "sk-test-new-0001");
    QJsonObject next = m_gateway->editor->document();
    next.insert(u"access_keys"_s, QJsonArray{QJsonObject{{u"name"_s, u"new"_s},
                                                         {u"key"_s, u"keychain:access/new"_s},
                                                         {u"models"_s, QJsonArray{u"*"_s}}}});
    QCOMPARE(m_gateway->editor->apply(next), std::nullopt);
    QVERIFY(!hint->isVisibleTo(m_page.get()));
    QVERIFY(snippet().contains(u"sk-test-new-0001"_s));
    QVERIFY(button(u"testButton"_s)->isEnabled());
}

void TestUiConnect::quotingSurvivesOddValues_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("json");
    QTest::addColumn<QString>("shell");
    QTest::newRow("plain") << u"sk-test-abc_123"_s << u"\"sk-test-abc_123\""_s
                           << u"sk-test-abc_123"_s;
    QTest::newRow("quote and dollar")
        << u"a'b$c\"d"_s << u"\"a'b$c\\\"d\""_s << u"'a'\\''b$c\"d'"_s;
    QTest::newRow("space") << u"my model"_s << u"\"my model\""_s << u"'my model'"_s;
    QTest::newRow("colon path") << u"qwen3:8b"_s << u"\"qwen3:8b\""_s << u"qwen3:8b"_s;
}

void TestUiConnect::quotingSurvivesOddValues()
{
    QFETCH(QString, text);
    QFETCH(QString, json);
    QFETCH(QString, shell);
    QCOMPARE(ConnectSnippets::jsonString(text), json);
    QCOMPARE(ConnectSnippets::shellWord(text), shell);
}

void TestUiConnect::screenshot()
{
    // For a human to look at (ONEGATE_SCREENSHOT_DIR set): not an assertion.
    const QString dir = qEnvironmentVariable("ONEGATE_SCREENSHOT_DIR");
    if (dir.isEmpty())
        QSKIP("ONEGATE_SCREENSHOT_DIR is not set");
    makePage();
    selectClient(ConnectClient::Continue);
    QTest::mouseClick(button(u"testButton"_s), Qt::LeftButton);
    QTRY_VERIFY(label(u"testResult"_s)->text().contains(u"works"_s));
    QVERIFY(m_page->grab().save(dir + u"/connect.png"_s));
    selectClient(ConnectClient::ClaudeCode);
    QVERIFY(m_page->grab().save(dir + u"/connect-claude.png"_s));
    selectClient(ConnectClient::Zed);
    QVERIFY(m_page->grab().save(dir + u"/connect-zed.png"_s));
}

QTEST_MAIN(TestUiConnect)

#include "tst_ui_connect.moc"
