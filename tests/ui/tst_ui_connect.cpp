// The "Connect a client" page: every client's setup carries the gateway's real address,
// the chosen key and model, follows the combos, copies to the clipboard, and its Test
// makes a real request through a running GatewayService to FakeUpstream. Claude Code's
// Test sends what Claude Code sends (an Anthropic Messages request), checked against the
// fake Anthropic upstream's recorded answers and through the gateway.

#include "common/UiLanguage.h"
#include "pages/ConnectClientModel.h"
#include "pages/ConnectPage.h"
#include "pages/ConnectSnippets.h"
#include "pages/ConnectTest.h"
#include "tst_ui_connect_gateway.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QLabel>
#include <QListView>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTabBar>
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
    void codexAndAutocompleteTests_data();
    void codexAndAutocompleteTests();
    void ollamaClientsUseTheOllamaPort();
    void claudeCodeSnippets_data();
    void claudeCodeSnippets();
    void claudeCodeFormTabs();
    void claudeCodeTestSendsWhatClaudeCodeSends_data();
    void claudeCodeTestSendsWhatClaudeCodeSends();
    void claudeCodeTestThroughTheGateway();
    void claudeCodeWrongKeyShowsTheGatewaysMessage();
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
    QTabBar *formTabs() const { return m_page->findChild<QTabBar *>(u"formTabs"_s); }
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
    QCOMPARE(model.index(model.rowOf(ConnectClient::ClaudeCode), 0).data().toString(),
             u"Claude Code"_s);
    // Every client's API is served now; each row says which one it uses.
    const QHash<ConnectClient, QString> paths{
        {ConnectClient::CodexCli, u"/v1/responses"_s},
        {ConnectClient::ContinueAutocomplete, u"/v1/completions"_s},
        {ConnectClient::CopilotOllama, u"/v1/chat/completions"_s},
        {ConnectClient::JetBrainsOllama, u"/api/chat"_s},
    };
    for (auto it = paths.cbegin(); it != paths.cend(); ++it) {
        const int row = model.rowOf(it.key());
        QCOMPARE(model.index(row, int(ConnectClientModel::Column::Endpoint)).data().toString(), it.value());
        QVERIFY(!model.index(row, 0).data().toString().contains(u"coming"_s));
    }
    QVERIFY(model.index(model.rowOf(ConnectClient::CopilotOllama), 0).data(Qt::ToolTipRole).toString().contains(u"Ollama"_s));
    model.retranslate();
}

void TestUiConnect::snippetHasRealValues_data()
{
    QTest::addColumn<ConnectClient>("client");
    QTest::addColumn<bool>("usesOrigin");
    for (const ConnectClient client : ConnectSnippets::clients()) {
        // The Ollama ones have their own test (ollamaClientsUseTheOllamaPort).
        if (usesOllamaSurface(ConnectSnippets::api(client)))
            continue;
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

// Codex (/v1/responses) and Continue's autocomplete (/v1/completions): Test sends what
// each sends, through the gateway to the openai fake, and shows the model's answer.
void TestUiConnect::codexAndAutocompleteTests_data()
{
    QTest::addColumn<ConnectClient>("client");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("answer");
    const auto answerOf = [](const QString &file, bool chat) -> QString {
        const QJsonObject fixture = QJsonDocument::fromJson(test::FakeUpstream::fixture(file)).object();
        return chat ? fixture[u"choices"_s][0][u"message"_s][u"content"_s].toString()
                    : fixture[u"choices"_s][0][u"text"_s].toString();
    };
    // Codex: the fake offers no Responses API, so the gateway asks it through chat.
    QTest::newRow("Codex") << ConnectClient::CodexCli << u"/v1/chat/completions"_s
                           << answerOf(u"chat_response_text_recorded.json"_s, true);
    QTest::newRow("Continue autocomplete") << ConnectClient::ContinueAutocomplete << u"/v1/completions"_s
                                           << answerOf(u"completions_response_text.composed.json"_s, false);
}

void TestUiConnect::codexAndAutocompleteTests()
{
    QFETCH(ConnectClient, client);
    QFETCH(QString, path);
    QFETCH(QString, answer);
    QVERIFY(!answer.trimmed().isEmpty());
    makePage();
    combo(u"modelCombo"_s)->setCurrentIndex(combo(u"modelCombo"_s)->findData(u"text"_s));
    selectClient(client);
    QVERIFY(snippet().contains(apiBase()));
    QVERIFY(!label(u"note"_s)->text().contains(u"later version"_s));
    QPushButton *test = button(u"testButton"_s);
    QVERIFY(test->isEnabled());
    QTest::mouseClick(test, Qt::LeftButton);
    QTRY_VERIFY2(label(u"testResult"_s)->text().startsWith(u"It works."_s), qPrintable(label(u"testResult"_s)->text()));
    QVERIFY2(label(u"testResult"_s)->text().contains(answer.trimmed().left(40)), qPrintable(label(u"testResult"_s)->text()));
    const test::RecordedRequest relayed = m_gateway->fake->lastRequest();
    QVERIFY2(relayed.pathOnly().endsWith(path.toLatin1()), relayed.path.constData());
}

// Copilot and JetBrains through the Ollama-compatible API: their setups carry its URL and
// no key; Test waits for the API to be on (Settings), then goes through its port with no
// key, as those clients do.
void TestUiConnect::ollamaClientsUseTheOllamaPort()
{
    m_gateway->followEdits();
    makePage();
    combo(u"modelCombo"_s)->setCurrentIndex(combo(u"modelCombo"_s)->findData(u"text"_s));
    for (const ConnectClient client : {ConnectClient::CopilotOllama, ConnectClient::JetBrainsOllama}) {
        selectClient(client);
        QVERIFY2(snippet().contains(u"http://127.0.0.1:11435"_s), qPrintable(snippet()));
        QVERIFY(!snippet().contains(QLatin1String(kLaptopKey)));
        QVERIFY(button(u"copyButton"_s)->isEnabled());
        QVERIFY(!button(u"testButton"_s)->isEnabled());
        QVERIFY(label(u"note"_s)->text().contains(u"turn it on in Settings"_s));
    }

    // Turned on (as the Settings page does): the setups show its port, and Test works.
    const quint16 port = test::freePort();
    QJsonObject next = m_gateway->editor->document();
    next.insert(u"ollama"_s, QJsonObject{{u"listen"_s, u"127.0.0.1:%1"_s.arg(port)}});
    int applied = 0;
    connect(m_gateway->gateway.get(), &GatewayService::configApplied, this, [&applied] { ++applied; });
    QCOMPARE(m_gateway->editor->apply(next), std::nullopt);
    QTRY_COMPARE(applied, 1);  // the gateway has bound the port
    const QJsonObject fixture =
        QJsonDocument::fromJson(test::FakeUpstream::fixture(u"chat_response_text_recorded.json"_s)).object();
    const QString answer = fixture[u"choices"_s][0][u"message"_s][u"content"_s].toString().trimmed();
    for (const ConnectClient client : {ConnectClient::CopilotOllama, ConnectClient::JetBrainsOllama}) {
        selectClient(client);
        QVERIFY2(snippet().contains(u"http://127.0.0.1:%1"_s.arg(port)), qPrintable(snippet()));
        QVERIFY(!label(u"note"_s)->text().contains(u"turn it on in Settings"_s));
        QPushButton *test = button(u"testButton"_s);
        QVERIFY(test->isEnabled());
        QTest::mouseClick(test, Qt::LeftButton);
        QTRY_VERIFY2(label(u"testResult"_s)->text().startsWith(u"It works."_s), qPrintable(label(u"testResult"_s)->text()));
        QVERIFY(label(u"testResult"_s)->text().contains(answer.left(40)));
        QCOMPARE(m_gateway->fake->lastRequest().body.value(u"model"_s).toString(), u"text"_s);
        label(u"testResult"_s)->clear();
    }
}

namespace {

// The variables a Claude Code setup sets, as NAME=VALUE lines, sorted: from `export`
// lines, or from the "env" object of a settings.json. Empty when the text is neither.
QStringList claudeCodeVariables(const QString &text, bool settingsFile)
{
    QStringList variables;
    if (settingsFile) {
        QJsonParseError error{};
        const QJsonDocument document = QJsonDocument::fromJson(text.toUtf8(), &error);
        if (error.error != QJsonParseError::NoError || !document.object()[u"env"_s].isObject())
            return {};
        const QJsonObject env = document.object()[u"env"_s].toObject();
        for (auto it = env.begin(); it != env.end(); ++it) {
            if (!it.value().isString())
                return {};
            variables.append(it.key() + u'=' + it.value().toString());
        }
    } else {
        static const QRegularExpression exportLine(u"^export ([A-Z_]+)=(.*)$"_s);
        for (const QString &line : text.split(u'\n', Qt::SkipEmptyParts)) {
            const QRegularExpressionMatch match = exportLine.match(line);
            if (match.hasMatch())
                variables.append(match.captured(1) + u'=' + match.captured(2));
            else if (line != u"claude"_s)
                return {};
        }
    }
    variables.sort();
    return variables;
}

} // namespace

void TestUiConnect::claudeCodeSnippets_data()
{
    QTest::addColumn<int>("form");
    QTest::addColumn<bool>("settingsFile");
    QTest::newRow("shell") << 0 << false;
    QTest::newRow("settings.json") << 1 << true;
}

void TestUiConnect::claudeCodeSnippets()
{
    QFETCH(int, form);
    QFETCH(bool, settingsFile);
    makePage();
    combo(u"keyCombo"_s)->setCurrentIndex(combo(u"keyCombo"_s)->findData(u"laptop"_s));
    combo(u"modelCombo"_s)->setCurrentIndex(combo(u"modelCombo"_s)->findData(u"tool"_s));
    selectClient(ConnectClient::ClaudeCode);
    QCOMPARE(formTabs()->count(), 2);
    formTabs()->setCurrentIndex(form);

    // The origin without /v1 (Claude Code appends /v1/messages), the key as a bearer
    // token, and the chosen model for every model Claude Code picks by itself.
    const QString model = u"tool"_s;
    QStringList expected{
        u"ANTHROPIC_BASE_URL=http://127.0.0.1:%1"_s.arg(m_gateway->port),
        u"ANTHROPIC_AUTH_TOKEN="_s + QLatin1String(kLaptopKey),
        u"ANTHROPIC_MODEL="_s + model,
        u"ANTHROPIC_DEFAULT_OPUS_MODEL="_s + model,
        u"ANTHROPIC_DEFAULT_SONNET_MODEL="_s + model,
        u"ANTHROPIC_DEFAULT_HAIKU_MODEL="_s + model,
        u"CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1"_s,
    };
    expected.sort();
    QCOMPARE(claudeCodeVariables(snippet(), settingsFile), expected);

    QVERIFY(label(u"where"_s)->text().contains(settingsFile ? u"settings.json"_s : u"shell"_s));
    QVERIFY(label(u"note"_s)->isVisibleTo(m_page.get()));
    QVERIFY(label(u"note"_s)->text().contains(u"ANTHROPIC_DEFAULT_HAIKU_MODEL"_s));
    QApplication::clipboard()->clear();
    QTest::mouseClick(button(u"copyButton"_s), Qt::LeftButton);
    QCOMPARE(QApplication::clipboard()->text(), snippet());
}

void TestUiConnect::claudeCodeFormTabs()
{
    makePage();
    selectClient(ConnectClient::Continue);
    QVERIFY(!formTabs()->isVisibleTo(m_page.get()));

    selectClient(ConnectClient::ClaudeCode);
    QVERIFY(formTabs()->isVisibleTo(m_page.get()));
    QCOMPARE(formTabs()->currentIndex(), 0);
    QVERIFY(snippet().startsWith(u"export "_s));
    // A test result is about the setup, not the form it is shown in; and switching
    // forms while the test runs does not offer a second one.
    QTest::mouseClick(button(u"testButton"_s), Qt::LeftButton);
    formTabs()->setCurrentIndex(1);
    QVERIFY(snippet().startsWith(u"{"_s));
    QVERIFY(!button(u"testButton"_s)->isEnabled());
    QTRY_VERIFY(button(u"testButton"_s)->isEnabled());
    const QString result = label(u"testResult"_s)->text();
    QVERIFY(!result.isEmpty());
    formTabs()->setCurrentIndex(0);
    QCOMPARE(label(u"testResult"_s)->text(), result);
    formTabs()->setCurrentIndex(1);

    // Another model keeps the chosen form (and drops the result); another client and
    // back starts over.
    combo(u"modelCombo"_s)->setCurrentIndex(combo(u"modelCombo"_s)->findData(u"tool"_s));
    QCOMPARE(formTabs()->currentIndex(), 1);
    QVERIFY(label(u"testResult"_s)->text().isEmpty());
    QVERIFY(snippet().contains(u"\"ANTHROPIC_MODEL\": \"tool\""_s));
    selectClient(ConnectClient::Zed);
    QVERIFY(!formTabs()->isVisibleTo(m_page.get()));
    selectClient(ConnectClient::ClaudeCode);
    QCOMPARE(formTabs()->currentIndex(), 0);
}

void TestUiConnect::claudeCodeTestSendsWhatClaudeCodeSends_data()
{
    // The fake Anthropic upstream answers by the model name with Anthropic's recorded
    // (or composed) wire data: the Test must read it as Claude Code would.
    QTest::addColumn<QString>("model");
    QTest::addColumn<bool>("ok");
    QTest::addColumn<QString>("fixture");  // the answer's source, empty: none
    QTest::addColumn<QString>("expected"); // part of the message
    QTest::newRow("text") << u"text"_s << true << u"messages_response_text_recorded.json"_s
                          << QString();
    QTest::newRow("text and tool_use")
        << u"tool"_s << true << u"messages_response_tool_use_recorded.json"_s << QString();
    QTest::newRow("thinking, then text")
        << u"thinking"_s << true << u"messages_response_thinking.composed.json"_s << QString();
    QTest::newRow("rate limit") << u"error-429"_s << false
                                << u"error_429_rate_limit_recorded.json"_s << u"answered 429: "_s;
    QTest::newRow("overloaded") << u"overloaded"_s << false << u"error_529_overloaded.json"_s
                                << u"answered 529: "_s;
    QTest::newRow("not a message")
        << u"garbage"_s << false << QString() << u"not with an Anthropic Messages reply"_s;
}

void TestUiConnect::claudeCodeTestSendsWhatClaudeCodeSends()
{
    QFETCH(QString, model);
    QFETCH(bool, ok);
    QFETCH(QString, fixture);
    QFETCH(QString, expected);
    test::FakeUpstream anthropic(test::makeFakeDialect(u"anthropic"_s), {});
    QVERIFY2(anthropic.listen(), qPrintable(anthropic.errorString()));

    ConnectTest connectTest;
    QSignalSpy finished(&connectTest, &ConnectTest::finished);
    connectTest.start(ClientApi::AnthropicMessages, QUrl(anthropic.origin()),
                      QLatin1String(kLaptopKey), model);
    QVERIFY(finished.wait());
    const QString message = finished.at(0).at(1).toString();
    QCOMPARE(finished.at(0).at(0).toBool(), ok);
    if (!expected.isEmpty())
        QVERIFY2(message.contains(expected), qPrintable(message));
    if (!fixture.isEmpty()) {
        // A message's text blocks, joined; an error's error.message.
        const QJsonObject body =
            QJsonDocument::fromJson(anthropic.dialect().fixture(fixture)).object();
        QString text;
        for (const QJsonValue block : body[u"content"_s].toArray()) {
            if (block[u"type"_s].toString() == u"text"_s)
                text += block[u"text"_s].toString();
        }
        if (!ok)
            text = body[u"error"_s][u"message"_s].toString();
        QVERIFY(!text.isEmpty());
        QVERIFY2(message.endsWith(text.trimmed()), qPrintable(message));
    }

    const test::RecordedRequest sent = anthropic.lastRequest();
    QCOMPARE(sent.method, "POST"_ba);
    QCOMPARE(sent.path, "/v1/messages?beta=true"_ba);
    QCOMPARE(sent.header("authorization"), QByteArray("Bearer "_ba + kLaptopKey));
    QCOMPARE(sent.header("anthropic-version"), "2023-06-01"_ba);
    QCOMPARE(sent.header("content-type"), "application/json"_ba);
    QCOMPARE(sent.body,
             (QJsonObject{{u"model"_s, model},
                          {u"max_tokens"_s, 16},
                          {u"messages"_s, QJsonArray{QJsonObject{{u"role"_s, u"user"_s},
                                                                 {u"content"_s, u"Say OK"_s}}}}}));
}

void TestUiConnect::claudeCodeTestThroughTheGateway()
{
    // A Messages request to a model of an openai provider: the gateway translates it to
    // the fake's chat completion and the answer back.
    makePage();
    combo(u"modelCombo"_s)->setCurrentIndex(combo(u"modelCombo"_s)->findData(u"text"_s));
    selectClient(ConnectClient::ClaudeCode);
    QPushButton *test = button(u"testButton"_s);
    QVERIFY(test->isEnabled());
    QVERIFY(test->toolTip().contains(u"Say OK"_s));
    const qsizetype before = m_gateway->fake->requests().size();
    QTest::mouseClick(test, Qt::LeftButton);

    const QJsonObject fixture =
        QJsonDocument::fromJson(test::FakeUpstream::fixture(u"chat_response_text_recorded.json"_s))
            .object();
    const QString answer = fixture[u"choices"_s][0][u"message"_s][u"content"_s].toString();
    QVERIFY(!answer.isEmpty());
    QTRY_VERIFY2(label(u"testResult"_s)->text().contains(answer.trimmed()),
                 qPrintable(label(u"testResult"_s)->text()));
    QVERIFY(label(u"testResult"_s)->text().startsWith(u"It works."_s));
    QVERIFY(test->isEnabled());

    QCOMPARE(m_gateway->fake->requests().size(), before + 1);
    const test::RecordedRequest relayed = m_gateway->fake->lastRequest();
    QCOMPARE(relayed.body.value(u"model"_s).toString(), u"text"_s);
    QVERIFY(relayed.rawBody.contains("Say OK"));
}

void TestUiConnect::claudeCodeWrongKeyShowsTheGatewaysMessage()
{
    makePage();
    m_gateway->secrets.write(u"access/laptop"_s, "sk-test-not-the-right-one");
    m_gateway->editor->reloadSecrets();
    selectClient(ConnectClient::ClaudeCode);
    QVERIFY(snippet().contains(u"sk-test-not-the-right-one"_s));

    // The Anthropic-shaped error's error.message, with the status.
    QTest::mouseClick(button(u"testButton"_s), Qt::LeftButton);
    QTRY_VERIFY2(label(u"testResult"_s)->text().contains(u"401"_s),
                 qPrintable(label(u"testResult"_s)->text()));
    QVERIFY2(label(u"testResult"_s)->text().contains(u"Incorrect API key provided"_s),
             qPrintable(label(u"testResult"_s)->text()));
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
    // The page lays itself out again after a change (new text, language) once events run.
    const auto save = [this](const QString &path) {
        QTest::qWait(50);
        return m_page->grab().save(path);
    };
    // For a human to look at (ONEGATE_SCREENSHOT_DIR set): not an assertion.
    const QString dir = qEnvironmentVariable("ONEGATE_SCREENSHOT_DIR");
    if (dir.isEmpty())
        QSKIP("ONEGATE_SCREENSHOT_DIR is not set");
    makePage();
    selectClient(ConnectClient::Continue);
    QTest::mouseClick(button(u"testButton"_s), Qt::LeftButton);
    QTRY_VERIFY(label(u"testResult"_s)->text().contains(u"works"_s));
    QVERIFY(save(dir + u"/connect.png"_s));
    for (const QString &language : {u"en"_s, u"zh_CN"_s}) {
        QVERIFY(UiLanguage::apply(language).problem.isEmpty());
        const QString suffix = language == u"en"_s ? QString() : u'-' + language;
        selectClient(ConnectClient::ClaudeCode);
        formTabs()->setCurrentIndex(0);
        QTest::mouseClick(button(u"testButton"_s), Qt::LeftButton);
        QTRY_VERIFY(button(u"testButton"_s)->isEnabled()); // disabled while it runs
        QVERIFY(save(dir + u"/connect-claude"_s + suffix + u".png"_s));
        formTabs()->setCurrentIndex(1); // the result stays
        QVERIFY(save(dir + u"/connect-claude-settings"_s + suffix + u".png"_s));
        selectClient(ConnectClient::Zed);
        QVERIFY(save(dir + u"/connect-zed"_s + suffix + u".png"_s));
        selectClient(ConnectClient::CodexCli);
        QTest::mouseClick(button(u"testButton"_s), Qt::LeftButton);
        QTRY_VERIFY(button(u"testButton"_s)->isEnabled());
        QVERIFY(save(dir + u"/connect-codex"_s + suffix + u".png"_s));
        selectClient(ConnectClient::CopilotOllama);  // the Ollama-compatible API is off here
        QVERIFY(save(dir + u"/connect-copilot"_s + suffix + u".png"_s));
    }
    UiLanguage::apply(u"en"_s);
}

QTEST_MAIN(TestUiConnect)

#include "tst_ui_connect.moc"
