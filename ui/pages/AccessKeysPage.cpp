#include "AccessKeysPage.h"

#include "common/PageHeading.h"

#include "GatewayService.h"
#include "UserPrompts.h"
#include "config/ConfigEditor.h"
#include "models/AccessKeyAllowlistModel.h"
#include "models/AccessKeyListModel.h"
#include "models/AccessKeyUsageReader.h"
#include "pages/AccessKeyLimitsBox.h"
#include "pages/AccessKeysCreatedDialog.h"

#include <QClipboard>
#include <QDir>
#include <QEvent>
#include <QGroupBox>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QPushButton>
#include <QRadioButton>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace onegate {

AccessKeysPage::AccessKeysPage(const UiServices &services, QWidget *parent)
    : Page(parent)
    , m_services(services)
    , m_editor(services.config, services.secrets)
    , m_keys(new AccessKeyListModel(this))
    , m_allowlist(new AccessKeyAllowlistModel(this))
    , m_usage(new AccessKeyUsageReader(QDir(services.dataDir).filePath(u"usage.db"_s), this))
    , m_usageTimer(new QTimer(this))
    , m_standingsTimer(new QTimer(this))
    , m_heading(createPageHeading(this))
    , m_intro(new QLabel(this))
    , m_authNote(new QLabel(this))
    , m_nameLabel(new QLabel(this))
    , m_nameEdit(new QLineEdit(this))
    , m_create(new QPushButton(this))
    , m_empty(new QLabel(this))
    , m_table(new QTableView(this))
    , m_copy(new QPushButton(this))
    , m_revoke(new QPushButton(this))
    , m_status(new QLabel(this))
    , m_allowGroup(new QGroupBox(this))
    , m_allModels(new QRadioButton(m_allowGroup))
    , m_someModels(new QRadioButton(m_allowGroup))
    , m_allowView(new QListView(m_allowGroup))
    , m_limits(new AccessKeyLimitsBox(services, this))
{
    setObjectName(u"accessKeysPage"_s);
    m_nameEdit->setObjectName(u"newKeyName"_s);
    m_create->setObjectName(u"createKeyButton"_s);
    m_empty->setObjectName(u"keysEmpty"_s);
    m_table->setObjectName(u"keysTable"_s);
    m_copy->setObjectName(u"copyKeyButton"_s);
    m_revoke->setObjectName(u"revokeKeyButton"_s);
    m_status->setObjectName(u"keysStatus"_s);
    m_authNote->setObjectName(u"authNote"_s);
    m_allowGroup->setObjectName(u"allowlistGroup"_s);
    m_allModels->setObjectName(u"allModelsRadio"_s);
    m_someModels->setObjectName(u"someModelsRadio"_s);
    m_allowView->setObjectName(u"allowlistView"_s);

    m_intro->setWordWrap(true);
    m_authNote->setWordWrap(true);
    m_empty->setWordWrap(true);
    m_status->setWordWrap(true);
    m_nameEdit->setMaxLength(64);

    m_table->setModel(m_keys);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->verticalHeader()->hide();
    m_table->setWordWrap(false);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setSectionResizeMode(int(AccessKeyListModel::Column::Models),
                                                      QHeaderView::Stretch);
    m_table->horizontalHeader()->setHighlightSections(false);
    m_allowView->setModel(m_allowlist);
    m_allowView->setUniformItemSizes(true);
    m_allowView->setSpacing(2);

    auto *createRow = new QHBoxLayout;
    createRow->addWidget(m_nameLabel);
    createRow->addWidget(m_nameEdit, 1);
    createRow->addWidget(m_create);

    auto *keyButtons = new QHBoxLayout;
    keyButtons->addWidget(m_copy);
    keyButtons->addWidget(m_revoke);
    keyButtons->addWidget(m_status, 1);

    auto *allowLayout = new QVBoxLayout(m_allowGroup);
    allowLayout->addWidget(m_allModels);
    allowLayout->addWidget(m_someModels);
    allowLayout->addWidget(m_allowView, 1);

    // The table takes the page's width (it has many columns); the selected key's limits
    // and models sit side by side below it.
    auto *selected = new QHBoxLayout;
    selected->addWidget(m_limits, 3);
    selected->addWidget(m_allowGroup, 2);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_heading);
    layout->addWidget(m_intro);
    layout->addWidget(m_authNote);
    layout->addLayout(createRow);
    layout->addWidget(m_empty);
    layout->addWidget(m_table, 1);
    layout->addLayout(keyButtons);
    layout->addLayout(selected);

    m_usageTimer->setInterval(kUsageRefreshMs);
    connect(m_usageTimer, &QTimer::timeout, this, &AccessKeysPage::refreshUsage);
    m_standingsTimer->setInterval(kStandingsRefreshMs);
    connect(m_standingsTimer, &QTimer::timeout, this, &AccessKeysPage::refreshStandings);
    if (m_services.gateway) {
        // New limits reach the gateway a moment after the save: show them with its counts.
        connect(m_services.gateway, &GatewayService::configApplied, this, [this] {
            if (isVisible())
                refreshStandings();
        });
    }
    connect(m_usage, &AccessKeyUsageReader::finished, m_keys, &AccessKeyListModel::setUsage);
    connect(m_create, &QPushButton::clicked, this, &AccessKeysPage::createKey);
    connect(m_nameEdit, &QLineEdit::returnPressed, this, &AccessKeysPage::createKey);
    connect(m_nameEdit, &QLineEdit::textChanged, this, &AccessKeysPage::updateSelection);
    connect(m_copy, &QPushButton::clicked, this, &AccessKeysPage::copyKey);
    connect(m_revoke, &QPushButton::clicked, this, &AccessKeysPage::revokeKey);
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex &current) {
                m_selectedName = m_keys->nameAt(current.row());
                updateSelection();
            });
    connect(m_keys, &QAbstractItemModel::modelReset, this, [this] { selectKey(m_selectedName); });
    connect(m_allModels, &QRadioButton::toggled, this, [this](bool checked) {
        if (m_allowlist->keyName() == m_selectedName)
            m_allowlist->setAllowsAll(checked);
    });
    // Saved once the check box's click is over: saving reloads the list under it.
    connect(m_allowlist, &AccessKeyAllowlistModel::edited, this, &AccessKeysPage::saveAllowlist,
            Qt::QueuedConnection);
    connect(m_services.config, &ConfigEditor::changed, this, &AccessKeysPage::reload);

    retranslate();
    reload();
}

AccessKeysPage::~AccessKeysPage() = default;

QString AccessKeysPage::title() const
{
    return tr("Access keys");
}

void AccessKeysPage::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange)
        retranslate();
    Page::changeEvent(event);
}

void AccessKeysPage::showEvent(QShowEvent *event)
{
    Page::showEvent(event);
    refreshUsage();
    refreshStandings();
    m_usageTimer->start();
    m_standingsTimer->start();
}

void AccessKeysPage::hideEvent(QHideEvent *event)
{
    m_usageTimer->stop();
    m_standingsTimer->stop();
    Page::hideEvent(event);
}

void AccessKeysPage::retranslate()
{
    m_heading->setText(title());
    m_intro->setText(tr("Give each client (an editor, a command-line tool, a script) a key of "
                        "its own: you can see when it was last used, choose its models and "
                        "limits, and revoke it without touching the others."));
    m_authNote->setText(tr("Keys are not required at the moment: every program on this "
                           "computer is accepted without one. Turn \"Require access keys\" back "
                           "on in Settings to make them count."));
    m_nameLabel->setText(tr("New key for:"));
    m_nameEdit->setPlaceholderText(tr("client name, e.g. vscode"));
    m_create->setText(tr("Create key"));
    m_empty->setText(tr("No access keys yet. Type the name of a client above and click Create "
                        "key."));
    m_copy->setText(tr("Copy key"));
    m_revoke->setText(tr("Revoke…"));
    m_allModels->setText(tr("All models, including ones added later"));
    m_someModels->setText(tr("Only the models checked below"));
    Q_EMIT m_keys->headerDataChanged(Qt::Horizontal, 0, m_keys->columnCount() - 1);
    // The table's cells hold translated words too ("All models", "Never").
    if (const auto config = m_services.config->config())
        m_keys->setConfig(*config);
    updateSelection();
}

void AccessKeysPage::reload()
{
    const auto config = m_services.config->config();
    if (!config)
        return;
    const QStringList before = m_keys->names();
    m_keys->setConfig(*config);
    m_authNote->setVisible(!config->authRequired);
    const bool empty = m_keys->rowCount() == 0;
    m_empty->setVisible(empty);
    m_table->setVisible(!empty);
    if (!m_table->currentIndex().isValid())
        selectKey(m_selectedName);
    updateSelection();
    if (m_keys->names() != before && isVisible())
        refreshUsage();
}

void AccessKeysPage::selectKey(const QString &name)
{
    int row = m_keys->rowOf(name);
    if (row < 0 && m_keys->rowCount() > 0)
        row = 0;
    if (row < 0) {
        m_selectedName.clear();
        updateSelection();
        return;
    }
    m_table->setCurrentIndex(m_keys->index(row, 0));
    m_selectedName = m_keys->nameAt(row);
    updateSelection();
}

void AccessKeysPage::updateSelection()
{
    const auto config = m_services.config->config();
    const bool selected = !m_selectedName.isEmpty() && m_keys->rowOf(m_selectedName) >= 0;
    m_copy->setEnabled(selected);
    m_revoke->setEnabled(selected);
    m_create->setEnabled(!m_nameEdit->text().trimmed().isEmpty());
    m_allowGroup->setEnabled(selected);
    m_allowGroup->setTitle(selected ? tr("Models %1 may use").arg(m_selectedName)
                                    : tr("Models the key may use"));
    if (config)
        m_allowlist->setKey(*config, selected ? m_selectedName : QString());
    const QSignalBlocker blockAll(m_allModels);
    const QSignalBlocker blockSome(m_someModels);
    m_allModels->setChecked(m_allowlist->allowsAll());
    m_someModels->setChecked(!m_allowlist->allowsAll());
    m_allowView->setEnabled(selected && !m_allowlist->allowsAll());
    const QString limitsKey = selected ? m_selectedName : QString();
    m_limits->setKey(limitsKey, m_keys->limitsOf(limitsKey));
    m_limits->setStanding(m_keys->standingOf(limitsKey));
}

void AccessKeysPage::createKey()
{
    const QString name = m_nameEdit->text().trimmed();
    const AccessKeyEditor::Created created = m_editor.create(name);
    if (!created.ok()) {
        m_services.prompts->warning(this, tr("Access keys"),
                                    tr("The key was not created.\n\n%1").arg(created.error));
        return;
    }
    m_nameEdit->clear();
    selectKey(name);
    m_status->clear();
    auto *dialog = new AccessKeysCreatedDialog(name, created.key, this);
    dialog->open();
}

void AccessKeysPage::copyKey()
{
    const QString name = m_selectedName;
    const SecretReadResult result = m_editor.read(name);
    if (!result.ok()) {
        m_services.prompts->warning(this, tr("Access keys"),
                                    tr("The key %1 could not be read: %2").arg(name, result.error));
        return;
    }
    QGuiApplication::clipboard()->setText(QString::fromUtf8(result.value));
    m_status->setText(tr("The key %1 is on the clipboard.").arg(name));
}

void AccessKeysPage::revokeKey()
{
    const QString name = m_selectedName;
    if (name.isEmpty() ||
        !m_services.prompts->confirm(
            this, tr("Revoke key"),
            tr("Revoke the key %1? Clients that use it are refused from now on. This cannot be "
               "undone: such a client needs a new key.")
                .arg(name)))
        return;
    const QString error = m_editor.revoke(name);
    if (!error.isEmpty()) {
        m_services.prompts->warning(this, tr("Access keys"), error);
        return;
    }
    m_status->setText(tr("The key %1 is revoked.").arg(name));
}

void AccessKeysPage::saveAllowlist()
{
    const QString name = m_allowlist->keyName();
    if (name.isEmpty())
        return;
    const QString error = m_editor.setModels(name, m_allowlist->allowlist());
    if (!error.isEmpty()) {
        m_services.prompts->warning(
            this, tr("Access keys"),
            tr("The models of %1 were not changed.\n\n%2").arg(name, error));
        reload(); // back to what is saved
    }
}

void AccessKeysPage::refreshUsage()
{
    m_usage->refresh(m_keys->names());
}

void AccessKeysPage::refreshStandings()
{
    // Not running (it failed to start, or a test without one): nothing to show.
    if (!m_services.gateway || !m_services.gateway->isRunning())
        return;
    m_services.gateway->fetchKeyStandings(this, [this](const QList<KeyStandingRow> &rows) {
        m_keys->setStandings(rows);
        m_limits->setStanding(m_keys->standingOf(m_limits->keyName()));
    });
}

} // namespace onegate
