#include "ModelsPage.h"

#include "common/PageHeading.h"

#include "GatewayService.h"
#include "UserPrompts.h"
#include "config/ConfigEditor.h"
#include "models/ModelListModel.h"
#include "models/ModelRoutesModel.h"

#include <QComboBox>
#include <QEvent>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QStyledItemDelegate>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace onegate {

namespace {

const auto kModelsKey = "models"_L1;
// Often enough that a cooldown visibly counts down; a snapshot is a few hundred bytes.
constexpr int kHealthRefreshMs = 2000;

// Offers the configured providers, and each provider's models, as choices for a route;
// a model name the provider does not list can still be typed (pinning any upstream
// model is allowed).
class RouteDelegate final : public QStyledItemDelegate {
public:
    using QStyledItemDelegate::QStyledItemDelegate;

    QWidget *createEditor(QWidget *parent, const QStyleOptionViewItem &option,
                          const QModelIndex &index) const override
    {
        const auto column = ModelRoutesModel::Column(index.column());
        if (column != ModelRoutesModel::Column::Provider &&
            column != ModelRoutesModel::Column::Model)
            return QStyledItemDelegate::createEditor(parent, option, index);
        auto *combo = new QComboBox(parent);
        combo->setEditable(column == ModelRoutesModel::Column::Model);
        combo->addItems(index.data(ModelRoutesModel::ChoicesRole).toStringList());
        return combo;
    }

    void setEditorData(QWidget *editor, const QModelIndex &index) const override
    {
        auto *combo = qobject_cast<QComboBox *>(editor);
        if (!combo) {
            QStyledItemDelegate::setEditorData(editor, index);
            return;
        }
        const QString current = index.data(Qt::EditRole).toString();
        if (combo->findText(current) < 0)
            combo->addItem(current);
        combo->setCurrentText(current);
    }

    void setModelData(QWidget *editor, QAbstractItemModel *model,
                      const QModelIndex &index) const override
    {
        if (auto *combo = qobject_cast<QComboBox *>(editor))
            model->setData(index, combo->currentText(), Qt::EditRole);
        else
            QStyledItemDelegate::setModelData(editor, model, index);
    }
};

} // namespace

ModelsPage::ModelsPage(const UiServices &services, QWidget *parent)
    : Page(parent)
    , m_services(services)
    , m_models(new ModelListModel(this))
    , m_routes(new ModelRoutesModel(m_models, this))
    , m_healthTimer(new QTimer(this))
    , m_heading(createPageHeading(this))
    , m_intro(new QLabel(this))
    , m_empty(new QLabel(this))
    , m_table(new QTableView(this))
    , m_error(new QLabel(this))
    , m_revert(new QPushButton(this))
    , m_details(new QGroupBox(this))
    , m_routesHint(new QLabel(m_details))
    , m_routesView(new QTableView(m_details))
    , m_addRoute(new QPushButton(m_details))
    , m_removeRoute(new QPushButton(m_details))
    , m_providerRoutes(new QPushButton(m_details))
    , m_aliasesLabel(new QLabel(m_details))
    , m_aliases(new QLabel(m_details))
    , m_aliasEdit(new QLineEdit(m_details))
    , m_addAlias(new QPushButton(m_details))
    , m_removeAlias(new QPushButton(m_details))
{
    setObjectName(u"modelsPage"_s);
    m_table->setObjectName(u"modelsTable"_s);
    m_empty->setObjectName(u"modelsEmpty"_s);
    m_error->setObjectName(u"modelsError"_s);
    m_revert->setObjectName(u"revertButton"_s);
    m_details->setObjectName(u"modelDetails"_s);
    m_routesView->setObjectName(u"routesTable"_s);
    m_addRoute->setObjectName(u"addRouteButton"_s);
    m_removeRoute->setObjectName(u"removeRouteButton"_s);
    m_providerRoutes->setObjectName(u"providerRoutesButton"_s);
    m_aliases->setObjectName(u"aliasesLabel"_s);
    m_aliasEdit->setObjectName(u"aliasEdit"_s);
    m_addAlias->setObjectName(u"addAliasButton"_s);
    m_removeAlias->setObjectName(u"removeAliasButton"_s);
    m_healthTimer->setObjectName(u"healthTimer"_s);

    m_intro->setWordWrap(true);
    m_empty->setWordWrap(true);
    m_error->setWordWrap(true);
    m_error->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_error->setStyleSheet(u"color: white; background-color: #b3261e; padding: 6px; "
                           u"border-radius: 4px;"_s);
    m_routesHint->setWordWrap(true);
    m_aliasEdit->setMinimumWidth(m_aliasEdit->fontMetrics().horizontalAdvance(u"x"_s) * 24);
    m_aliases->setWordWrap(true);
    m_aliases->setTextInteractionFlags(Qt::TextSelectableByMouse);

    m_table->setModel(m_models);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->verticalHeader()->hide();
    m_table->setWordWrap(false);
    QHeaderView *header = m_table->horizontalHeader();
    header->setSectionResizeMode(QHeaderView::ResizeToContents);
    header->setSectionResizeMode(int(ModelListModel::Column::Routes), QHeaderView::Stretch);
    header->setHighlightSections(false);

    m_routesView->setModel(m_routes);
    m_routesView->setItemDelegate(new RouteDelegate(m_routesView));
    m_routesView->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_routesView->setSelectionMode(QAbstractItemView::SingleSelection);
    m_routesView->verticalHeader()->hide();
    // A long error is elided in its cell; its tooltip holds it whole.
    m_routesView->setWordWrap(false);
    m_routesView->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_routesView->horizontalHeader()->setSectionResizeMode(int(ModelRoutesModel::Column::LastError),
                                                           QHeaderView::Stretch);
    m_routesView->horizontalHeader()->setHighlightSections(false);

    auto *errorRow = new QHBoxLayout;
    errorRow->addWidget(m_error, 1);
    errorRow->addWidget(m_revert, 0, Qt::AlignTop);

    auto *routeButtons = new QVBoxLayout;
    routeButtons->addWidget(m_addRoute);
    routeButtons->addWidget(m_removeRoute);
    routeButtons->addWidget(m_providerRoutes);
    routeButtons->addStretch();
    auto *routesRow = new QHBoxLayout;
    routesRow->addWidget(m_routesView, 1);
    routesRow->addLayout(routeButtons);

    auto *aliasRow = new QHBoxLayout;
    aliasRow->addWidget(m_aliasesLabel);
    aliasRow->addWidget(m_aliases, 1);
    aliasRow->addWidget(m_aliasEdit);
    aliasRow->addWidget(m_addAlias);
    aliasRow->addWidget(m_removeAlias);

    auto *detailsLayout = new QVBoxLayout(m_details);
    detailsLayout->addWidget(m_routesHint);
    detailsLayout->addLayout(routesRow, 1);
    detailsLayout->addLayout(aliasRow);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_heading);
    layout->addWidget(m_intro);
    layout->addWidget(m_empty);
    layout->addWidget(m_table, 3);
    layout->addLayout(errorRow);
    layout->addWidget(m_details, 2);

    connect(m_models, &ModelListModel::edited, this, &ModelsPage::save);
    connect(m_models, &QAbstractItemModel::modelReset, this, [this] { selectModel(m_selectedId); });
    connect(m_models, &QAbstractItemModel::dataChanged, this, &ModelsPage::updateDetails);
    connect(m_routes, &QAbstractItemModel::modelReset, this, &ModelsPage::updateDetails);
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex &current) {
                const ModelEntry *entry = m_models->entryAt(current.row());
                m_selectedId = entry ? entry->id : QString();
                m_routes->setModelId(m_selectedId);
                updateDetails();
            });
    connect(m_routesView->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &ModelsPage::updateDetails);
    connect(m_revert, &QPushButton::clicked, this, &ModelsPage::revert);
    connect(m_addRoute, &QPushButton::clicked, m_routes, &ModelRoutesModel::addRoute);
    connect(m_removeRoute, &QPushButton::clicked, this,
            [this] { m_routes->removeRoute(m_routesView->currentIndex().row()); });
    connect(m_providerRoutes, &QPushButton::clicked, m_routes, &ModelRoutesModel::clearRoutes);
    connect(m_addAlias, &QPushButton::clicked, this, &ModelsPage::addAlias);
    connect(m_aliasEdit, &QLineEdit::returnPressed, this, &ModelsPage::addAlias);
    connect(m_aliasEdit, &QLineEdit::textChanged, this, &ModelsPage::updateDetails);
    connect(m_removeAlias, &QPushButton::clicked, this, &ModelsPage::removeAlias);
    connect(m_services.config, &ConfigEditor::changed, this, &ModelsPage::reload);
    m_healthTimer->setInterval(kHealthRefreshMs);
    connect(m_healthTimer, &QTimer::timeout, this, &ModelsPage::refreshHealth);

    retranslate();
    reload();
}

ModelsPage::~ModelsPage() = default;

QString ModelsPage::title() const
{
    return tr("Models");
}

void ModelsPage::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange)
        retranslate();
    Page::changeEvent(event);
}

void ModelsPage::showEvent(QShowEvent *event)
{
    Page::showEvent(event);
    refreshHealth();
    m_healthTimer->start();
}

void ModelsPage::hideEvent(QHideEvent *event)
{
    m_healthTimer->stop();
    Page::hideEvent(event);
}

void ModelsPage::refreshHealth()
{
    if (!m_services.gateway || !m_services.gateway->isRunning()) {
        m_routes->clearHealth();
        return;
    }
    m_services.gateway->fetchHealth(
        this, [this](const HealthSnapshot &snapshot) { m_routes->setHealth(snapshot); });
}

void ModelsPage::retranslate()
{
    m_heading->setText(title());
    m_intro->setText(tr("Every model your clients can ask for: each provider's models under "
                        "their own names, and the aliases you add. Uncheck a model to stop "
                        "serving it. Double-click a context window or a price to change it; "
                        "prices are per million tokens."));
    m_empty->setText(tr("No models yet. Add a provider on the Providers page and choose the "
                        "models it should serve; they will appear here."));
    m_revert->setText(tr("Revert"));
    m_revert->setToolTip(tr("Discard the change that was not saved and show the saved config."));
    m_addRoute->setText(tr("Add route"));
    m_removeRoute->setText(tr("Remove route"));
    m_providerRoutes->setText(tr("Use the providers' routes"));
    m_aliasesLabel->setText(tr("Aliases:"));
    m_aliasEdit->setPlaceholderText(tr("New alias, e.g. smart"));
    m_addAlias->setText(tr("Add alias"));
    m_removeAlias->setText(tr("Remove this alias"));
    Q_EMIT m_models->headerDataChanged(Qt::Horizontal, 0, m_models->columnCount() - 1);
    Q_EMIT m_routes->headerDataChanged(Qt::Horizontal, 0, m_routes->columnCount() - 1);
    updateDetails();
}

void ModelsPage::reload()
{
    QJsonObject document = m_services.config->document();
    if (m_unsaved) {
        // Keep the refused edit on screen; everything else follows the file.
        const QJsonValue draft = m_models->document().document().value(kModelsKey);
        if (draft.isUndefined())
            document.remove(kModelsKey);
        else
            document.insert(kModelsKey, draft);
    }
    m_models->setDocument(document);
    if (m_table->selectionModel() && !m_table->currentIndex().isValid())
        selectModel(m_selectedId);
    const bool empty = m_models->rowCount() == 0;
    m_empty->setVisible(empty);
    m_table->setVisible(!empty);
    m_details->setVisible(!empty);
    updateDetails();
}

void ModelsPage::save()
{
    QJsonObject next = m_services.config->document();
    const QJsonValue models = m_models->document().document().value(kModelsKey);
    if (models.isUndefined())
        next.remove(kModelsKey);
    else
        next.insert(kModelsKey, models);
    m_unsaved = false;
    if (const auto error = m_services.config->apply(next)) {
        m_unsaved = true;
        m_error->setText(tr("Not saved: %1").arg(error->toString()));
        updateDetails();
        m_services.prompts->warning(
            this, tr("Models"),
            tr("OneGate did not save this change because the config would not be valid:\n\n%1\n\n"
               "Correct the value, or click Revert to go back to the saved config.")
                .arg(error->toString()));
        return;
    }
    updateDetails();
}

void ModelsPage::revert()
{
    m_unsaved = false;
    reload();
}

void ModelsPage::selectModel(const QString &id)
{
    int row = m_models->rowOf(id);
    if (row < 0 && m_models->rowCount() > 0)
        row = 0;
    if (row < 0) {
        m_selectedId.clear();
        m_routes->setModelId({});
        updateDetails();
        return;
    }
    m_table->setCurrentIndex(m_models->index(row, 0));
    // setCurrentIndex does not signal when the row was already current (after a reset
    // the view may still point at it), so the routes are pointed at the id here too.
    m_selectedId = m_models->entryAt(row)->id;
    if (m_routes->modelId() != m_selectedId)
        m_routes->setModelId(m_selectedId);
    updateDetails();
}

void ModelsPage::updateDetails()
{
    const ModelEntry *entry = m_models->document().entry(m_selectedId);
    m_error->setVisible(m_unsaved);
    m_revert->setVisible(m_unsaved);
    m_details->setEnabled(entry != nullptr);
    if (!entry) {
        m_details->setTitle(tr("Routes and aliases"));
        m_routesHint->setText(tr("Select a model to see where its requests go."));
        m_aliases->clear();
        return;
    }
    m_details->setTitle(tr("Routes and aliases of %1").arg(entry->id));
    if (entry->isAlias) {
        m_routesHint->setText(tr("%1 is an alias: its requests go to these routes. Priority 0 "
                                 "is tried first; routes with the same priority share requests "
                                 "by weight.")
                                  .arg(entry->id));
    } else if (entry->explicitRoutes) {
        m_routesHint->setText(tr("%1 has routes of its own. Click \"Use the providers' routes\" "
                                 "to serve it from the providers that list it again.")
                                  .arg(entry->id));
    } else {
        m_routesHint->setText(tr("%1 is served by the providers that list it. Add or change a "
                                 "route to give it routes of its own.")
                                  .arg(entry->id));
    }
    const int routeRow = m_routesView->currentIndex().row();
    const qsizetype routeCount = entry->routes.size();
    const bool canShrink =
        entry->isAlias ? routeCount > 1 : (entry->explicitRoutes || routeCount > 1);
    m_addRoute->setEnabled(!m_models->document().providerIds().isEmpty());
    m_removeRoute->setEnabled(routeRow >= 0 && routeRow < routeCount && canShrink);
    m_removeRoute->setToolTip(entry->isAlias && routeCount <= 1
                                  ? tr("An alias needs at least one route. Remove the alias "
                                       "instead.")
                                  : QString());
    m_providerRoutes->setVisible(!entry->isAlias && entry->explicitRoutes);
    m_aliases->setText(entry->aliases.isEmpty() ? tr("none") : entry->aliases.join(u", "_s));
    m_addAlias->setEnabled(!m_aliasEdit->text().trimmed().isEmpty());
    m_removeAlias->setVisible(entry->isAlias);
}

void ModelsPage::addAlias()
{
    const QString alias = m_aliasEdit->text().trimmed();
    if (alias.isEmpty() || m_selectedId.isEmpty())
        return;
    if (m_models->rowOf(alias) >= 0) {
        m_services.prompts->warning(this, tr("Models"),
                                    tr("There is already a model called %1. Choose another "
                                       "name for the alias.")
                                        .arg(alias));
        return;
    }
    m_models->addAlias(m_selectedId, alias);
    if (!m_unsaved)
        m_aliasEdit->clear();
}

void ModelsPage::removeAlias()
{
    const ModelEntry *entry = m_models->document().entry(m_selectedId);
    if (!entry || !entry->isAlias)
        return;
    const QString alias = entry->id;
    if (!m_services.prompts->confirm(this, tr("Remove alias"),
                                     tr("Remove the alias %1? Clients that ask for %1 will get "
                                        "an error.")
                                         .arg(alias)))
        return;
    m_models->removeAlias(alias);
}

} // namespace onegate
