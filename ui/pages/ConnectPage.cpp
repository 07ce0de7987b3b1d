#include "pages/ConnectPage.h"

#include "common/PageHeading.h"

#include "GatewayService.h"
#include "common/GatewayEndpoint.h"
#include "config/ConfigEditor.h"
#include "config/ListenAddress.h"
#include "pages/ConnectClientModel.h"
#include "pages/ConnectTest.h"
#include "routing/ModelRouter.h"

#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QEvent>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QLabel>
#include <QListView>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTabBar>
#include <QTimer>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace onegate {

namespace {

// Shown in the snippets until there is a real key or model, so they still read as a
// template; Copy and Test are refused in that state.
constexpr auto kKeyPlaceholder = "YOUR-ONEGATE-KEY";
constexpr auto kModelPlaceholder = "MODEL-ID";
// With access keys switched off the gateway ignores the key, but most clients refuse
// to start without one.
constexpr auto kAnyKey = "not-needed";

} // namespace

ConnectPage::ConnectPage(const UiServices &services, QWidget *parent)
    : Page(parent)
    , m_services(services)
    , m_clients(new ConnectClientModel(this))
    , m_test(new ConnectTest(this))
    , m_heading(createPageHeading())
    , m_intro(createWrappingLabel())
    , m_keyLabel(new QLabel)
    , m_keys(new QComboBox)
    , m_modelLabel(new QLabel)
    , m_models(new QComboBox)
    , m_hint(createWrappingLabel())
    , m_endpoint(createWrappingLabel())
    , m_clientList(new QListView)
    , m_forms(new QTabBar)
    , m_where(createWrappingLabel())
    , m_snippet(new QPlainTextEdit)
    , m_note(createWrappingLabel())
    , m_copy(new QPushButton)
    , m_testButton(new QPushButton)
    , m_testResult(createWrappingLabel())
{
    m_keys->setObjectName(u"keyCombo"_s);
    m_models->setObjectName(u"modelCombo"_s);
    m_hint->setObjectName(u"hint"_s);
    m_endpoint->setObjectName(u"endpoint"_s);
    m_clientList->setObjectName(u"clientList"_s);
    m_forms->setObjectName(u"formTabs"_s);
    m_where->setObjectName(u"where"_s);
    m_snippet->setObjectName(u"snippet"_s);
    m_note->setObjectName(u"note"_s);
    m_copy->setObjectName(u"copyButton"_s);
    m_testButton->setObjectName(u"testButton"_s);
    m_testResult->setObjectName(u"testResult"_s);


    m_keys->setMinimumContentsLength(18);
    m_keys->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_models->setMinimumContentsLength(26);
    m_models->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_keyLabel->setBuddy(m_keys);
    m_modelLabel->setBuddy(m_models);

    m_hint->setStyleSheet(u"QLabel { color: palette(highlight); }"_s);
    m_endpoint->setTextInteractionFlags(Qt::TextSelectableByMouse);

    m_clientList->setModel(m_clients);
    m_clientList->setModelColumn(int(ConnectClientModel::Column::Client));
    m_clientList->setFixedWidth(230);
    m_clientList->setUniformItemSizes(true);
    m_clientList->setSpacing(1);

    m_forms->setDocumentMode(true);
    m_forms->setExpanding(false);
    m_forms->setVisible(false);

    m_snippet->setReadOnly(true);
    m_snippet->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_snippet->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_snippet->setTabChangesFocus(true);
    m_testResult->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_note->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_where->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto *choices = new QHBoxLayout;
    choices->addWidget(m_keyLabel);
    choices->addWidget(m_keys);
    choices->addSpacing(16);
    choices->addWidget(m_modelLabel);
    choices->addWidget(m_models);
    choices->addStretch(1);

    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_copy);
    buttons->addWidget(m_testButton);
    buttons->addStretch(1);

    auto *detail = new QVBoxLayout;
    detail->addWidget(m_forms);
    detail->addWidget(m_where);
    detail->addWidget(m_snippet, 1);
    detail->addWidget(m_note);
    detail->addLayout(buttons);
    detail->addWidget(m_testResult);

    auto *body = new QHBoxLayout;
    body->addWidget(m_clientList);
    body->addLayout(detail, 1);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(24, 20, 24, 20);
    layout->addWidget(m_heading);
    layout->addWidget(m_intro);
    layout->addSpacing(4);
    layout->addLayout(choices);
    layout->addWidget(m_hint);
    layout->addWidget(m_endpoint);
    layout->addLayout(body, 1);

    connect(m_keys, &QComboBox::currentIndexChanged, this, [this] { refillModels(); });
    connect(m_models, &QComboBox::currentIndexChanged, this, [this] { updateSnippet(); });
    connect(m_clientList->selectionModel(), &QItemSelectionModel::currentChanged, this,
            [this] { updateSnippet(); });
    connect(m_forms, &QTabBar::currentChanged, this, [this] { updateSnippet(); });
    connect(m_copy, &QPushButton::clicked, this, [this] { copySnippet(); });
    connect(m_testButton, &QPushButton::clicked, this, [this] { runTest(); });
    connect(m_test, &ConnectTest::finished, this,
            [this](bool ok, const QString &message) { showTestResult(ok, message); });
    if (m_services.config) {
        connect(m_services.config, &ConfigEditor::changed, this,
                [this](const std::shared_ptr<const Config> &config) { setConfig(config); });
    }
    if (m_services.gateway) {
        connect(m_services.gateway, &GatewayService::configApplied, this,
                [this](const ConfigApplyResult &result) { onConfigApplied(result); });
    }

    retranslate();
    m_clientList->setCurrentIndex(m_clients->index(0, int(ConnectClientModel::Column::Client)));
    setConfig(m_services.config ? m_services.config->config() : nullptr);
}

ConnectPage::~ConnectPage() = default;

QString ConnectPage::title() const
{
    return tr("Connect a client");
}

QIcon ConnectPage::icon() const
{
    return QIcon::fromTheme(u"network-connect"_s);
}

void ConnectPage::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange)
        retranslate();
    Page::changeEvent(event);
}

void ConnectPage::retranslate()
{
    m_heading->setText(title());
    m_intro->setText(tr("Choose the access key and the model a client should use, then copy its "
                        "setup. Test sends a real request through OneGate with the same values."));
    m_keyLabel->setText(tr("&Access key:"));
    m_modelLabel->setText(tr("&Model:"));
    m_copy->setText(tr("&Copy"));
    m_testButton->setText(tr("&Test"));
    m_clients->retranslate();
    // The combos' placeholder rows and every snippet comment are translated text too.
    refillKeys();
}

void ConnectPage::setConfig(std::shared_ptr<const Config> config)
{
    m_config = std::move(config);
    refillKeys();
}

void ConnectPage::onConfigApplied(const ConfigApplyResult &result)
{
    if (!result.listen.ok() || result.listen.port == 0)
        return;
    m_servingPort = result.listen.port;
    updateSnippet();
}

quint16 ConnectPage::port() const
{
    if (m_servingPort != 0)
        return m_servingPort;
    return m_config ? m_config->listenPort : 0;
}

void ConnectPage::refillKeys()
{
    const QString previous = m_keys->currentData().toString();
    const QSignalBlocker blocker(m_keys);
    m_keys->clear();
    if (m_config) {
        for (const AccessKey &key : m_config->accessKeys)
            m_keys->addItem(key.name, key.name);
    }
    if (m_keys->count() == 0) {
        m_keys->addItem(m_config && !m_config->authRequired
                            ? tr("(not needed: access keys are off)")
                            : tr("(none yet)"));
    }
    m_keys->setEnabled(m_keys->count() > 1 || !m_keys->itemData(0).toString().isEmpty());
    const int index = m_keys->findData(previous);
    m_keys->setCurrentIndex(index >= 0 ? index : 0);
    refillModels();
}

void ConnectPage::refillModels()
{
    const QString previous = m_models->currentData().toString();
    const QSignalBlocker blocker(m_models);
    m_models->clear();
    if (m_config) {
        const AccessKey *chosen = nullptr;
        for (const AccessKey &key : m_config->accessKeys) {
            if (key.name == m_keys->currentData().toString())
                chosen = &key;
        }
        // Only what the chosen key may use: anything else would fail the Test with 403.
        const ModelRouter router(*m_config);
        for (const ServedModel &model : router.servedModels()) {
            if (!chosen || modelAllowed(chosen->models, model.id))
                m_models->addItem(model.id, model.id);
        }
    }
    if (m_models->count() == 0)
        m_models->addItem(tr("(none available)"));
    m_models->setEnabled(!m_models->itemData(0).toString().isEmpty());
    const int index = m_models->findData(previous);
    m_models->setCurrentIndex(index >= 0 ? index : 0);
    updateSnippet();
}

ConnectPage::Selection ConnectPage::selection() const
{
    Selection s;
    s.values.key = QString::fromLatin1(kKeyPlaceholder);
    s.values.model = QString::fromLatin1(kModelPlaceholder);
    if (!m_config) {
        s.values.origin = QUrl(u"http://127.0.0.1:4141"_s);
        s.values.apiBase = QUrl(u"http://127.0.0.1:4141/v1"_s);
        return s;
    }
    s.values.origin = gatewayOrigin(*m_config, port());
    s.values.apiBase = gatewayApiBase(*m_config, port());
    if (m_config->ollama.enabled)
        s.values.ollamaOrigin = ollamaOrigin(*m_config);

    const QString keyName = m_keys->currentData().toString();
    if (keyName.isEmpty()) {
        if (m_config->authRequired) {
            s.problems.append(tr("There is no access key yet. Create one on the Access keys page; "
                                 "it appears here and the setups below fill in with it."));
        } else {
            s.values.key = QString::fromLatin1(kAnyKey);
            s.haveKey = true;
        }
    }
    for (const AccessKey &key : m_config->accessKeys) {
        if (key.name != keyName)
            continue;
        if (key.key.isResolved()) {
            s.values.key = QString::fromUtf8(key.key.value);
            s.haveKey = true;
        } else {
            s.problems.append(
                tr("The access key \"%1\" cannot be read: %2").arg(key.name, key.key.problem));
        }
    }

    const QString model = m_models->currentData().toString();
    if (!model.isEmpty()) {
        s.values.model = model;
        s.haveModel = true;
        for (const ModelAlias &entry : m_config->models) {
            if (entry.id == model)
                s.values.contextWindow = entry.contextWindow;
        }
    } else if (ModelRouter(*m_config).servedModels().isEmpty()) {
        s.problems.append(tr("No models are served yet. Add a provider on the Providers page and "
                             "choose the models it serves."));
    } else {
        s.problems.append(tr("The access key \"%1\" may not use any of the served models. Allow "
                             "some on the Access keys page.")
                              .arg(keyName));
    }
    return s;
}

ConnectClient ConnectPage::currentClient() const
{
    const QModelIndex current = m_clientList->currentIndex();
    return current.isValid() ? m_clients->client(current.row())
                             : ConnectSnippets::clients().constFirst();
}

void ConnectPage::updateSnippet()
{
    const Selection s = selection();
    const ConnectClient client = currentClient();
    const QList<ClientSnippet> forms = ConnectSnippets::snippets(client, s.values);
    const ClientSnippet snippet = chooseForm(client, forms);

    m_hint->setText(s.problems.join(u'\n'));
    m_hint->setVisible(!s.problems.isEmpty());

    QString endpoint =
        tr("Clients on this computer reach OneGate at %1.").arg(s.values.apiBase.toString());
    if (m_config && !isLoopbackHost(m_config->listenHost)) {
        endpoint +=
            u' ' + tr("From another device on your network, use this computer's network address in "
                      "place of %1.")
                       .arg(s.values.apiBase.host());
    }
    m_endpoint->setText(endpoint);

    m_where->setText(snippet.where);
    if (m_snippet->toPlainText() != snippet.text)
        m_snippet->setPlainText(snippet.text);
    // A result stands until what was tested changes (client, key, model, address), not
    // when the user switches to another form of the same setup.
    if (m_resultSetup != forms.constFirst().text) {
        m_resultSetup = forms.constFirst().text;
        m_testResult->clear();
    }
    m_note->setText(snippet.note);
    m_note->setVisible(!snippet.note.isEmpty());

    const ClientApi api = ConnectSnippets::api(client);
    m_copy->setEnabled(complete(s, api));
    // A refill while a test runs (language, config) must not offer a second one.
    m_testButton->setEnabled(testable(s, api) && !m_test->isRunning());
    m_testButton->setToolTip(
        testable(s, api) || !usesOllamaSurface(api)
            ? tr("Sends \"%1\" to the chosen model through OneGate.").arg(ConnectTest::prompt(api))
            : tr("Turn on the Ollama-compatible API in Settings to test this client."));
}

bool ConnectPage::complete(const Selection &s, ClientApi api)
{
    // Clients of the Ollama-compatible API send no key (loopback takes none).
    return s.haveModel && (s.haveKey || usesOllamaSurface(api));
}

bool ConnectPage::testable(const Selection &s, ClientApi api)
{
    return complete(s, api) && (!usesOllamaSurface(api) || !s.values.ollamaOrigin.isEmpty());
}

ClientSnippet ConnectPage::chooseForm(ConnectClient client, const QList<ClientSnippet> &forms)
{
    const QSignalBlocker blocker(m_forms);
    // The tabs remember their client, so another client starts on its usual way while
    // a refill (combos, config, language) keeps the tab the user chose.
    if (m_forms->count() != forms.size() || m_forms->tabData(0).toInt() != int(client)) {
        while (m_forms->count() > 0)
            m_forms->removeTab(0);
        for (const ClientSnippet &form : forms)
            m_forms->setTabData(m_forms->addTab(form.label), int(client));
        m_forms->setCurrentIndex(0);
    } else {
        for (int i = 0; i < forms.size(); ++i)
            m_forms->setTabText(i, forms.at(i).label);
    }
    m_forms->setVisible(forms.size() > 1);
    return forms.value(m_forms->currentIndex(), forms.constFirst());
}

void ConnectPage::copySnippet()
{
    QApplication::clipboard()->setText(m_snippet->toPlainText());
    m_copy->setText(tr("Copied"));
    QTimer::singleShot(1500, m_copy, [this] { m_copy->setText(tr("&Copy")); });
}

void ConnectPage::runTest()
{
    const Selection s = selection();
    const ClientApi api = ConnectSnippets::api(currentClient());
    if (!testable(s, api))
        return;
    m_testResult->setText(tr("Testing %1 through OneGate...").arg(s.values.model));
    m_testButton->setEnabled(false);
    if (usesOllamaSurface(api))
        m_test->start(api, s.values.ollamaOrigin, QString(), s.values.model);
    else
        m_test->start(api, s.values.origin, s.values.key, s.values.model);
}

void ConnectPage::showTestResult(bool ok, const QString &message)
{
    m_testButton->setEnabled(testable(selection(), ConnectSnippets::api(currentClient())));
    m_testResult->setText(ok ? tr("It works. The model answered: %1").arg(message)
                             : tr("The test failed. %1").arg(message));
}

} // namespace onegate
