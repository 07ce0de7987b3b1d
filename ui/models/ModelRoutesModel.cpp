#include "ModelRoutesModel.h"

#include "models/ModelListModel.h"

#include <algorithm>

namespace onegate {

ModelRoutesModel::ModelRoutesModel(ModelListModel *models, QObject *parent)
    : QAbstractTableModel(parent)
    , m_models(models)
{
    connect(models, &QAbstractItemModel::modelReset, this, &ModelRoutesModel::refresh);
    connect(models, &QAbstractItemModel::dataChanged, this, &ModelRoutesModel::refresh);
}

void ModelRoutesModel::setModelId(const QString &id)
{
    beginResetModel();
    m_id = id;
    m_routes = routes();
    endResetModel();
}

QList<Route> ModelRoutesModel::routes() const
{
    const ModelEntry *entry = m_models ? m_models->document().entry(m_id) : nullptr;
    return entry ? entry->routes : QList<Route>();
}

void ModelRoutesModel::refresh()
{
    const QList<Route> next = routes();
    if (next.size() != m_routes.size()) {
        beginResetModel();
        m_routes = next;
        endResetModel();
        return;
    }
    m_routes = next;
    if (!m_routes.isEmpty())
        Q_EMIT dataChanged(index(0, 0), index(rowCount() - 1, columnCount() - 1));
}

void ModelRoutesModel::addRoute()
{
    if (!m_models || m_id.isEmpty())
        return;
    const ModelDocument &document = m_models->document();
    const QStringList providers = document.providerIds();
    if (providers.isEmpty())
        return;
    QList<Route> next = routes();
    Route route;
    route.provider = providers.constFirst();
    for (const QString &provider : providers) {
        const bool used = std::any_of(next.cbegin(), next.cend(), [&](const Route &existing) {
            return existing.provider == provider;
        });
        if (!used) {
            route.provider = provider;
            break;
        }
    }
    const QStringList offered = document.providerModels(route.provider);
    route.model = offered.contains(m_id) || offered.isEmpty() ? m_id : offered.constFirst();
    for (const Route &existing : std::as_const(next))
        route.priority = std::max(route.priority, existing.priority + 1);
    next.append(route);
    m_models->setRoutes(m_id, next);
}

void ModelRoutesModel::removeRoute(int row)
{
    QList<Route> next = routes();
    if (!m_models || row < 0 || row >= next.size())
        return;
    next.removeAt(row);
    m_models->setRoutes(m_id, next);
}

void ModelRoutesModel::clearRoutes()
{
    if (m_models && !m_id.isEmpty())
        m_models->setRoutes(m_id, {});
}

int ModelRoutesModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_routes.size());
}

int ModelRoutesModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(Column::Count);
}

QVariant ModelRoutesModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_routes.size() || index.column() >= int(Column::Count))
        return {};
    const Route &route = m_routes.at(index.row());
    const auto column = Column(index.column());
    if (role == Qt::DisplayRole || role == Qt::EditRole) {
        switch (column) {
        case Column::Provider:
            return route.provider;
        case Column::Model:
            return route.model;
        case Column::Priority:
            return route.priority;
        case Column::Weight:
            return route.weight;
        case Column::Count:
            break;
        }
    } else if (role == ChoicesRole && m_models) {
        if (column == Column::Provider)
            return m_models->document().providerIds();
        if (column == Column::Model)
            return m_models->document().providerModels(route.provider);
    } else if (role == Qt::TextAlignmentRole &&
               (column == Column::Priority || column == Column::Weight)) {
        return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
    }
    return {};
}

bool ModelRoutesModel::setData(const QModelIndex &index, const QVariant &value, int role)
{
    if (!m_models || role != Qt::EditRole || !index.isValid() || index.row() >= m_routes.size())
        return false;
    QList<Route> next = routes();
    if (index.row() >= next.size())
        return false;
    Route &route = next[index.row()];
    bool ok = true;
    switch (Column(index.column())) {
    case Column::Provider:
        route.provider = value.toString().trimmed();
        break;
    case Column::Model:
        route.model = value.toString().trimmed();
        break;
    case Column::Priority:
        route.priority = value.toInt(&ok);
        break;
    case Column::Weight:
        route.weight = value.toInt(&ok);
        break;
    case Column::Count:
        return false;
    }
    if (!ok)
        return false;
    if (next == routes())
        return true;
    m_models->setRoutes(m_id, next);
    return true;
}

Qt::ItemFlags ModelRoutesModel::flags(const QModelIndex &index) const
{
    if (!index.isValid())
        return Qt::NoItemFlags;
    return Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemIsEditable | Qt::ItemNeverHasChildren;
}

QVariant ModelRoutesModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || section < 0 || section >= int(Column::Count))
        return QAbstractTableModel::headerData(section, orientation, role);
    const auto column = Column(section);
    if (role == Qt::DisplayRole) {
        switch (column) {
        case Column::Provider:
            return tr("Provider");
        case Column::Model:
            return tr("Upstream model");
        case Column::Priority:
            return tr("Priority");
        case Column::Weight:
            return tr("Weight");
        case Column::Count:
            break;
        }
    } else if (role == Qt::ToolTipRole) {
        switch (column) {
        case Column::Provider:
            return tr("The provider this route sends requests to.");
        case Column::Model:
            return tr("The model name the provider knows.");
        case Column::Priority:
            return tr("Routes with priority 0 are tried first, then 1, and so on.");
        case Column::Weight:
            return tr("Routes with the same priority share requests in proportion to their "
                      "weight.");
        case Column::Count:
            break;
        }
    }
    return QAbstractTableModel::headerData(section, orientation, role);
}

} // namespace onegate
