#include "ProvidersPage.h"

#include "common/PageHeading.h"

#include "GatewayService.h"
#include "UserPrompts.h"
#include "common/KeychainWriter.h"
#include "common/SecretMask.h"
#include "config/ConfigEditor.h"
#include "config/ListenAddress.h"
#include "models/ProviderTableModel.h"
#include "pages/providers/ModelPickerDialog.h"
#include "pages/providers/ProviderDialog.h"
#include "pages/providers/ProviderDocument.h"
#include "pages/providers/ProviderTemplates.h"

#include <QEvent>
#include <QFileInfo>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QMenu>
#include <QPushButton>
#include <QTableView>
#include <QTimer>
#include <QToolButton>
#include <QUrl>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace onegate {

namespace {

using Column = ProviderTableModel::Column;

// Often enough that a cooldown visibly counts down; a snapshot is a few hundred bytes.
constexpr int kHealthRefreshMs = 2000;

QString hostPort(const LocalServer &server)
{
    return u"127.0.0.1:%1"_s.arg(server.target.port);
}

bool pointsAt(const ProviderSettings &provider, quint16 port)
{
    return isLoopbackHost(provider.baseUrl.host()) &&
           provider.baseUrl.port(provider.baseUrl.scheme() == "https"_L1 ? 443 : 80) == port;
}

} // namespace

ProvidersPage::ProvidersPage(const UiServices &services, QWidget *parent)
    : Page(parent)
    , m_services(services)
    , m_model(new ProviderTableModel(this))
    , m_probe(new LocalServerProbe(this))
    , m_healthTimer(new QTimer(this))
    , m_heading(createPageHeading(this))
    , m_intro(new QLabel)
    , m_add(new QToolButton)
    , m_templates(new QMenu(this))
    , m_edit(new QPushButton)
    , m_remove(new QPushButton)
    , m_test(new QPushButton)
    , m_fetch(new QPushButton)
    , m_table(new QTableView)
    , m_status(new QLabel)
    , m_localBox(new QGroupBox)
    , m_localStatus(new QLabel)
    , m_offerList(new QVBoxLayout)
    , m_detect(new QPushButton)
{
    setObjectName(u"providersPage"_s);
    m_add->setObjectName(u"addProviderButton"_s);
    m_edit->setObjectName(u"editProviderButton"_s);
    m_remove->setObjectName(u"removeProviderButton"_s);
    m_test->setObjectName(u"testConnectionButton"_s);
    m_fetch->setObjectName(u"fetchModelsButton"_s);
    m_table->setObjectName(u"providerTable"_s);
    m_status->setObjectName(u"statusLabel"_s);
    m_localBox->setObjectName(u"localServersBox"_s);
    m_localStatus->setObjectName(u"localServersStatus"_s);
    m_detect->setObjectName(u"detectLocalServersButton"_s);
    m_healthTimer->setObjectName(u"healthTimer"_s);

    // The menu, in the templates' order, with a section between cloud and local ones.
    auto place = ProviderTemplate::Place::Cloud;
    for (const ProviderTemplate &providerTemplate : providerTemplates()) {
        if (providerTemplate.place != place) {
            m_templates->addSeparator();
            place = providerTemplate.place;
        }
        QAction *action = m_templates->addAction(QString());
        action->setData(providerTemplate.id);
        connect(action, &QAction::triggered, this,
                [this, id = providerTemplate.id] { openAddDialog(id); });
    }
    m_add->setMenu(m_templates);
    m_add->setPopupMode(QToolButton::InstantPopup);
    m_add->setToolButtonStyle(Qt::ToolButtonTextOnly);

    m_table->setModel(m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setWordWrap(false);
    m_table->setTextElideMode(Qt::ElideRight);
    m_table->setShowGrid(false);
    m_table->setAlternatingRowColors(true);
    m_table->verticalHeader()->hide();
    QHeaderView *header = m_table->horizontalHeader();
    header->setHighlightSections(false);
    header->setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);
    header->setSectionResizeMode(QHeaderView::Interactive);
    header->setSectionResizeMode(int(Column::Models), QHeaderView::Stretch);
    // Sized for the window's 1040x680: the models column takes what is left. Long texts
    // are elided; their tooltips hold them whole.
    header->resizeSection(int(Column::Id), 80);
    header->resizeSection(int(Column::Health), 95);
    header->resizeSection(int(Column::Kind), 125);
    header->resizeSection(int(Column::BaseUrl), 170);
    header->resizeSection(int(Column::Key), 110);
    header->resizeSection(int(Column::LastTest), 100);

    m_intro->setWordWrap(true);
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_localStatus->setWordWrap(true);

    auto *actions = new QHBoxLayout;
    actions->addWidget(m_add);
    actions->addWidget(m_edit);
    actions->addWidget(m_remove);
    actions->addSpacing(16);
    actions->addWidget(m_test);
    actions->addWidget(m_fetch);
    actions->addStretch(1);

    auto *localTop = new QHBoxLayout;
    localTop->addWidget(m_localStatus, 1);
    localTop->addWidget(m_detect, 0, Qt::AlignTop);
    auto *local = new QVBoxLayout(m_localBox);
    local->addLayout(localTop);
    local->addLayout(m_offerList);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(16, 16, 16, 16);
    layout->addWidget(m_heading);
    layout->addWidget(m_intro);
    layout->addLayout(actions);
    layout->addWidget(m_table, 1);
    layout->addWidget(m_status);
    layout->addWidget(m_localBox);

    connect(m_edit, &QPushButton::clicked, this, [this] { openEditDialog(selectedId()); });
    connect(m_remove, &QPushButton::clicked, this, [this] { removeProvider(selectedId()); });
    connect(m_test, &QPushButton::clicked, this, [this] { testConnection(selectedId()); });
    connect(m_fetch, &QPushButton::clicked, this, [this] { fetchModels(selectedId()); });
    connect(m_detect, &QPushButton::clicked, this, &ProvidersPage::detectLocalServers);
    connect(m_table, &QTableView::doubleClicked, this,
            [this](const QModelIndex &index) { openEditDialog(m_model->providerId(index.row())); });
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &ProvidersPage::updateButtons);
    connect(m_model, &QAbstractItemModel::dataChanged, this, &ProvidersPage::updateButtons);
    // A reset loses the selection: keep the selected provider selected across it.
    connect(m_model, &QAbstractItemModel::modelAboutToBeReset, this,
            [this] { m_keepSelected = selectedId(); });
    connect(m_model, &QAbstractItemModel::modelReset, this, [this] {
        const int row = m_model->rowOf(m_keepSelected);
        if (row >= 0)
            m_table->selectRow(row);
        updateButtons();
    });
    connect(m_probe, &LocalServerProbe::finished, this, &ProvidersPage::updateOffers);
    m_healthTimer->setInterval(kHealthRefreshMs);
    connect(m_healthTimer, &QTimer::timeout, this, &ProvidersPage::refreshHealth);
    if (m_services.config) {
        connect(m_services.config, &ConfigEditor::changed, this, &ProvidersPage::onConfigChanged);
        m_model->setConfig(m_services.config->config());
    }

    retranslate();
    updateButtons();
}

ProvidersPage::~ProvidersPage() = default;

ProviderDialog *ProvidersPage::providerDialog() const
{
    return m_providerDialog;
}

ModelPickerDialog *ProvidersPage::modelPicker() const
{
    return m_modelPicker;
}

QString ProvidersPage::title() const
{
    return tr("Providers");
}

QIcon ProvidersPage::icon() const
{
    return QIcon::fromTheme(u"network-server"_s);
}

QString ProvidersPage::selectedId() const
{
    const QModelIndex current = m_table->selectionModel()->currentIndex();
    return current.isValid() ? m_model->providerId(current.row()) : QString();
}

void ProvidersPage::onConfigChanged()
{
    m_model->setConfig(m_services.config->config());
    updateOffers();
}

void ProvidersPage::updateButtons()
{
    const QString id = selectedId();
    const bool selected = !id.isEmpty();
    const bool busy =
        selected && m_model->testResult(id).state == ProviderTestResult::State::Running;
    m_edit->setEnabled(selected);
    m_remove->setEnabled(selected);
    m_test->setEnabled(selected && !busy);
    m_fetch->setEnabled(selected && !busy);
}

// ---- adding, editing, removing --------------------------------------------------------

ProviderDraft ProvidersPage::draftFromTemplate(const ProviderTemplate &providerTemplate) const
{
    ProviderDraft draft;
    draft.id = ProviderDocument(m_services.config->document()).uniqueId(providerTemplate.id);
    draft.kind = providerTemplate.kind;
    draft.baseUrl = providerTemplate.baseUrl;
    // A system proxy has no business between OneGate and a server on this computer.
    draft.proxy = providerTemplate.isLocal() ? ProxyChoice::None : ProxyChoice::System;
    return draft;
}

ProviderDialog *ProvidersPage::openAddDialog(const QString &templateId)
{
    const ProviderTemplate *providerTemplate = findProviderTemplate(templateId);
    if (!providerTemplate || !m_services.config)
        return nullptr;
    return showAddDialog(*providerTemplate, draftFromTemplate(*providerTemplate));
}

ProviderDialog *ProvidersPage::showAddDialog(const ProviderTemplate &providerTemplate,
                                             const ProviderDraft &draft)
{
    if (m_providerDialog)
        m_providerDialog->close();
    const QString placeholder = providerTemplate.placeholder;
    // Warnings go over the dialog, which is the page's m_providerDialog by the time the
    // user can press OK.
    auto *dialog = new ProviderDialog(
        ProviderDialog::Mode::Add, draft, providerTemplate.displayName(),
        [this, placeholder](const ProviderDraft &edited) {
            return commitDraft(edited, true, placeholder, m_providerDialog);
        },
        this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setKeyOptional(providerTemplate.isLocal() && !providerTemplate.needsKey);
    m_providerDialog = dialog;
    dialog->open();
    dialog->selectInBaseUrl(placeholder);
    return dialog;
}

void ProvidersPage::fillKeyDescriptions(const QString &providerId, QList<DraftKey> &keys) const
{
    const std::shared_ptr<const Config> config = m_services.config->config();
    const ProviderSettings *settings = config ? config->provider(providerId) : nullptr;
    if (!settings)
        return;
    for (DraftKey &key : keys) {
        for (const SecretValue &value : settings->apiKeys) {
            if (value.reference != key.reference)
                continue;
            key.problem = value.problem;
            if (value.isResolved())
                key.masked = maskSecret(value.value);
        }
    }
}

ProviderDialog *ProvidersPage::openEditDialog(const QString &providerId)
{
    if (providerId.isEmpty() || !m_services.config)
        return nullptr;
    ProviderDraft draft = ProviderDocument(m_services.config->document()).draftOf(providerId);
    if (draft.id.isEmpty())
        return nullptr;
    fillKeyDescriptions(providerId, draft.keys);
    if (m_providerDialog)
        m_providerDialog->close();
    auto *dialog = new ProviderDialog(
        ProviderDialog::Mode::Edit, draft, providerId,
        [this](const ProviderDraft &edited) {
            return commitDraft(edited, false, {}, m_providerDialog);
        },
        this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    m_providerDialog = dialog;
    dialog->open();
    return dialog;
}

bool ProvidersPage::commitDraft(const ProviderDraft &draft, bool isNew, const QString &placeholder,
                                QWidget *dialog)
{
    QWidget *parent = dialog ? dialog : this;
    const QString title = isNew ? tr("Add provider") : tr("Edit provider");
    // What the parser cannot know: a template's placeholder is a valid host name.
    if (!placeholder.isEmpty() && draft.baseUrl.contains(placeholder, Qt::CaseInsensitive)) {
        m_services.prompts->warning(parent, title,
                                    tr("Replace %1 in the base URL with the name of your "
                                       "resource.")
                                        .arg(placeholder));
        return false;
    }
    if ((draft.proxy == ProxyChoice::Http || draft.proxy == ProxyChoice::Socks5) &&
        draft.proxyAddress.isEmpty()) {
        m_services.prompts->warning(parent, title,
                                    tr("Enter the proxy's host and port, for example "
                                       "proxy.example.com:3128."));
        return false;
    }
    if (isNew && ProviderDocument(m_services.config->document()).providerIds().contains(draft.id)) {
        m_services.prompts->warning(parent, title,
                                    tr("There is already a provider with the id %1. Choose "
                                       "another id.")
                                        .arg(draft.id));
        return false;
    }
    const ProviderChange change =
        ProviderDocument(m_services.config->document()).save(draft, isNew);
    if (!carryOut(change, false, parent))
        return false;
    m_status->setText(isNew ? tr("Added the provider %1.").arg(draft.id)
                            : tr("Saved the provider %1.").arg(draft.id));
    return true;
}

bool ProvidersPage::carryOut(const ProviderChange &change, bool removalConfirmed, QWidget *parent)
{
    const QString title = tr("Providers");
    // The parser sees the change first, so a refused edit never touches the keychain.
    const ConfigResult parsed = parseConfig(ConfigEditor::serialize(change.next),
                                            QFileInfo(m_services.config->path()).fileName());
    if (!parsed.ok()) {
        m_services.prompts->warning(parent, title, parsed.error.toString());
        return false;
    }
    if (!removalConfirmed && !change.entriesToRemove.isEmpty() &&
        !m_services.prompts->confirm(
            parent, title,
            tr("Saving deletes these keys from the system keychain: %1. They cannot be "
               "recovered from OneGate afterwards. Save anyway?")
                .arg(change.entriesToRemove.join(u", "_s)))) {
        return false;
    }
    KeychainWriter keychain(m_services.secrets);
    const QString stored = keychain.writeAll(change.secretsToStore);
    if (!stored.isEmpty()) {
        m_services.prompts->warning(parent, tr("Key not saved"),
                                    KeychainWriter::explainWriteFailure(stored));
        return false;
    }
    if (const std::optional<ConfigError> error = m_services.config->apply(change.next)) {
        QStringList written;
        for (const KeychainWriter::Entry &entry : change.secretsToStore)
            written.append(entry.first);
        keychain.removeAll(written);
        m_services.prompts->warning(parent, title, error->toString());
        return false;
    }
    const QStringList left = keychain.removeAll(change.entriesToRemove);
    if (!left.isEmpty()) {
        m_services.prompts->warning(
            parent, title,
            tr("The change is saved, but these keys could not be deleted from the system "
               "keychain:\n%1\nDelete them with your keyring manager (for example Seahorse).")
                .arg(left.join(u'\n')));
    }
    return true;
}

void ProvidersPage::removeProvider(const QString &providerId)
{
    if (providerId.isEmpty() || !m_services.config)
        return;
    const ProviderDocument document(m_services.config->document());
    const ProviderChange change = document.remove(providerId);
    QStringList question{tr("Remove the provider %1?").arg(providerId)};
    if (!change.entriesToRemove.isEmpty()) {
        question.append(tr("Its keys are deleted from the system keychain: %1.")
                            .arg(change.entriesToRemove.join(u", "_s)));
    }
    const QStringList aliases = document.aliasesRoutingTo(providerId);
    if (!aliases.isEmpty()) {
        question.append(tr("These models have routes to %1: %2. Those routes are removed too, "
                           "and a model left without any route is removed.")
                            .arg(providerId, aliases.join(u", "_s)));
    }
    if (!m_services.prompts->confirm(this, tr("Remove provider"), question.join(u"\n\n"_s)))
        return;
    if (carryOut(change, true, this))
        m_status->setText(tr("Removed the provider %1.").arg(providerId));
}

// ---- talking to the provider ----------------------------------------------------------

QString ProvidersPage::gatewayProblem() const
{
    if (!m_services.gateway || !m_services.gateway->isRunning()) {
        return tr("The gateway is not running, so OneGate cannot reach the provider. Resume "
                  "it from the tray menu and try again.");
    }
    return {};
}

QString ProvidersPage::describeFailure(const ProviderModels &result)
{
    const ApiError &error = *result.error;
    return tr("%1 (HTTP %2)").arg(error.message).arg(error.status);
}

void ProvidersPage::requestModels(const QString &providerId,
                                  std::function<void(const ProviderModels &)> then)
{
    if (providerId.isEmpty())
        return;
    const QString problem = gatewayProblem();
    if (!problem.isEmpty()) {
        ProviderTestResult failed{ProviderTestResult::State::Failed, 0, problem,
                                  QDateTime::currentDateTime()};
        m_model->setTestResult(providerId, failed);
        m_status->setText(problem);
        return;
    }
    m_model->setTestResult(providerId, {ProviderTestResult::State::Running, 0, {}, {}});
    m_status->setText(tr("Asking %1 for its models…").arg(providerId));
    m_services.gateway->fetchProviderModels(
        providerId, true, this, [this, providerId, then](const ProviderModels &result) {
            ProviderTestResult outcome;
            outcome.at = QDateTime::currentDateTime();
            if (result.error) {
                outcome.state = ProviderTestResult::State::Failed;
                outcome.message = describeFailure(result);
            } else {
                outcome.state = ProviderTestResult::State::Passed;
                outcome.modelCount = int(result.models.size());
            }
            m_model->setTestResult(providerId, outcome);
            then(result);
            Q_EMIT providerAnswered(providerId);
        });
}

void ProvidersPage::testConnection(const QString &providerId)
{
    requestModels(providerId, [this, providerId](const ProviderModels &result) {
        if (result.error) {
            m_status->setText(tr("Testing %1 failed: %2").arg(providerId, describeFailure(result)));
            return;
        }
        m_status->setText(
            tr("%1 answered and lists %n model(s).", nullptr, int(result.models.size()))
                .arg(providerId));
    });
}

void ProvidersPage::fetchModels(const QString &providerId)
{
    requestModels(providerId, [this, providerId](const ProviderModels &result) {
        if (result.error) {
            m_status->setText(tr("Testing %1 failed: %2").arg(providerId, describeFailure(result)));
            m_services.prompts->warning(
                this, tr("Fetch models"),
                tr("%1 did not list its models: %2").arg(providerId, describeFailure(result)));
            return;
        }
        m_status->setText(
            tr("%1 answered and lists %n model(s).", nullptr, int(result.models.size()))
                .arg(providerId));
        const QStringList served =
            ProviderDocument(m_services.config->document()).draftOf(providerId).models;
        if (m_modelPicker)
            m_modelPicker->close();
        auto *picker = new ModelPickerDialog(
            providerId, result.models, served,
            [this, providerId](const QStringList &models) {
                const ProviderChange change =
                    ProviderDocument(m_services.config->document()).setModels(providerId, models);
                if (!carryOut(change, false, m_modelPicker))
                    return false;
                m_status->setText(
                    tr("%1 now serves %n model(s).", nullptr, int(models.size())).arg(providerId));
                return true;
            },
            this);
        picker->setAttribute(Qt::WA_DeleteOnClose);
        m_modelPicker = picker;
        picker->open();
    });
}

// ---- model servers on this computer ---------------------------------------------------

void ProvidersPage::showEvent(QShowEvent *event)
{
    Page::showEvent(event);
    if (!m_probed)
        detectLocalServers();
    refreshHealth();
    m_healthTimer->start();
}

void ProvidersPage::hideEvent(QHideEvent *event)
{
    m_healthTimer->stop();
    Page::hideEvent(event);
}

// ---- route health ---------------------------------------------------------------------

void ProvidersPage::refreshHealth()
{
    if (!m_services.gateway || !m_services.gateway->isRunning()) {
        m_model->clearHealth();
        return;
    }
    m_services.gateway->fetchHealth(
        this, [this](const HealthSnapshot &snapshot) { m_model->setHealth(snapshot); });
}

void ProvidersPage::detectLocalServers()
{
    m_probed = true;
    m_probe->start();
    updateOffers();
}

void ProvidersPage::updateOffers()
{
    m_offers.clear();
    const std::shared_ptr<const Config> config =
        m_services.config ? m_services.config->config() : nullptr;
    const QList<LocalServer> found = m_probe->isRunning() ? QList<LocalServer>() : m_probe->found();
    for (const LocalServer &server : found) {
        bool configured = false;
        if (config) {
            for (const ProviderSettings &provider : config->providers)
                configured = configured || pointsAt(provider, server.target.port);
        }
        if (!configured && findProviderTemplate(server.target.templateId))
            m_offers.append(server);
    }

    while (QLayoutItem *item = m_offerList->takeAt(0)) {
        delete item->widget();
        delete item;
    }
    for (const LocalServer &server : std::as_const(m_offers)) {
        const QString name = findProviderTemplate(server.target.templateId)->displayName();
        QString text;
        if (server.needsKey)
            text = tr("Add %1 at %2 (it asks for its API key)").arg(name, hostPort(server));
        else if (server.modelsKnown)
            text = tr("Add %1 at %2 (%n model(s))", nullptr, int(server.models.size()))
                       .arg(name, hostPort(server));
        else
            text = tr("Add %1 at %2").arg(name, hostPort(server));
        auto *button = new QPushButton(text);
        button->setObjectName(
            u"addLocalServer_%1_%2"_s.arg(server.target.templateId).arg(server.target.port));
        connect(button, &QPushButton::clicked, this, [this, server] { addLocalServer(server); });
        auto *row = new QHBoxLayout;
        row->addWidget(button);
        row->addStretch(1);
        auto *holder = new QWidget;
        holder->setLayout(row);
        row->setContentsMargins(0, 0, 0, 0);
        m_offerList->addWidget(holder);
    }

    if (m_probe->isRunning())
        m_localStatus->setText(tr("Looking for model servers running on this computer…"));
    else if (!m_offers.isEmpty())
        m_localStatus->setText(tr("These model servers are running on this computer and are "
                                  "not set up yet:"));
    else if (!found.isEmpty())
        m_localStatus->setText(tr("Every model server running on this computer is set up."));
    else if (m_probed)
        m_localStatus->setText(tr("No model server found on this computer. OneGate looks for "
                                  "Ollama, LM Studio, the llama.cpp server, vLLM and Jan on "
                                  "their usual ports."));
    else
        m_localStatus->setText(tr("OneGate can look for Ollama, LM Studio, the llama.cpp "
                                  "server, vLLM and Jan running on this computer."));
    m_detect->setEnabled(!m_probe->isRunning());
    Q_EMIT localServerOffersChanged();
}

void ProvidersPage::addLocalServer(const LocalServer &server)
{
    const ProviderTemplate *providerTemplate = findProviderTemplate(server.target.templateId);
    if (!providerTemplate || !m_services.config)
        return;
    QUrl url(providerTemplate->baseUrl);
    url.setPort(server.target.port);
    ProviderDraft draft = draftFromTemplate(*providerTemplate);
    draft.baseUrl = url.toString();
    draft.models = server.models;
    if (server.needsKey) {
        showAddDialog(*providerTemplate, draft);
        return;
    }
    const ProviderChange change = ProviderDocument(m_services.config->document()).save(draft, true);
    if (carryOut(change, false, this)) {
        m_status->setText(tr("Added %1 at %2 as the provider %3.")
                              .arg(providerTemplate->displayName(), hostPort(server), draft.id));
    }
}

// ---- language -------------------------------------------------------------------------

void ProvidersPage::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange)
        retranslate();
    Page::changeEvent(event);
}

void ProvidersPage::retranslate()
{
    m_heading->setText(title());
    m_intro->setText(tr("The services OneGate forwards requests to. Their keys are kept in the "
                        "system keychain; config.json only names them."));
    m_add->setText(tr("Add provider"));
    for (QAction *action : m_templates->actions()) {
        if (const ProviderTemplate *t = findProviderTemplate(action->data().toString()))
            action->setText(t->displayName());
    }
    m_edit->setText(tr("Edit…"));
    m_remove->setText(tr("Remove"));
    m_test->setText(tr("Test connection"));
    m_test->setToolTip(tr("Asks the provider for its model list through the gateway."));
    m_fetch->setText(tr("Fetch models…"));
    m_fetch->setToolTip(tr("Lists the provider's models so you can choose which to serve."));
    m_localBox->setTitle(tr("Model servers on this computer"));
    m_detect->setText(tr("Look again"));
    m_model->retranslate();
    updateOffers();
}

} // namespace onegate
