#include "ModelRoutesModel.h"

#include "models/ModelListModel.h"

#include <QColor>
#include <QDateTime>
#include <QLocale>
#include <algorithm>

namespace onegate {

namespace {

bool isHealthColumn(ModelRoutesModel::Column column)
{
    return column >= ModelRoutesModel::Column::Health && column < ModelRoutesModel::Column::Count;
}

// Whole seconds, rounded up: a breaker with 200 ms left still says "1 s".
qint64 secondsLeft(qint64 ms)
{
    return (std::max<qint64>(ms, 0) + 999) / 1000;
}

} // namespace

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

void ModelRoutesModel::setHealth(const HealthSnapshot &snapshot)
{
    QHash<RouteKey, RouteHealth> health;
    for (const RouteHealth &route : snapshot.routes)
        health.insert({route.provider, route.model}, route);
    m_health = std::move(health);
    healthChanged();
}

void ModelRoutesModel::clearHealth()
{
    if (!m_health)
        return;
    m_health.reset();
    healthChanged();
}

void ModelRoutesModel::healthChanged()
{
    if (m_routes.isEmpty())
        return;
    Q_EMIT dataChanged(index(0, int(Column::Health)),
                       index(rowCount() - 1, int(Column::Count) - 1));
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
    if (isHealthColumn(column))
        return healthData(route, column, role);
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
        default:
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

QVariant ModelRoutesModel::healthData(const Route &route, Column column, int role) const
{
    if (!m_health)
        return {};
    const auto it = m_health->constFind({route.provider, route.model});
    const RouteHealth *health = it == m_health->cend() ? nullptr : &*it;
    const QLocale locale;
    if (role == Qt::DisplayRole) {
        if (column == Column::Health && !health)
            return tr("No traffic yet");
        if (!health)
            return {};
        switch (column) {
        case Column::Health:
            switch (health->state) {
            case BreakerState::Closed:
                return tr("Healthy");
            case BreakerState::Open:
                return tr("Cooling down (%1 s left)")
                    .arg(locale.toString(secondsLeft(health->cooldownLeftMs)));
            case BreakerState::HalfOpen:
                return tr("Probing");
            }
            return {};
        case Column::SuccessRate:
            return QString(locale.toString(qRound(health->successRate * 100)) + locale.percent());
        case Column::FirstByte:
            if (health->ttfbMs < 0)
                return {};
            return tr("%1 ms").arg(locale.toString(qRound64(health->ttfbMs)));
        case Column::LastError:
            return health->lastError.simplified();
        default:
            return {};
        }
    }
    if (role == Qt::ToolTipRole) {
        if (column == Column::Health && !health)
            return tr("No request has used this route since OneGate started.");
        if (!health)
            return {};
        switch (column) {
        case Column::Health:
            switch (health->state) {
            case BreakerState::Closed:
                return tr("Requests go to this route as usual.");
            case BreakerState::Open:
                // No %n: English plural forms are not loaded when the UI is English.
                return tr("Failures in a row: %1. OneGate sends this route no requests for "
                          "the next %2 s, then tries it again with a single request.")
                    .arg(locale.toString(health->consecutiveFailures),
                         locale.toString(secondsLeft(health->cooldownLeftMs)));
            case BreakerState::HalfOpen:
                return tr("The cooldown is over: OneGate lets one request through to see "
                          "whether this route works again.");
            }
            return {};
        case Column::SuccessRate:
            return tr("%1 succeeded and %2 failed since OneGate started; the rate counts "
                      "recent requests most.")
                .arg(locale.toString(health->successes), locale.toString(health->failures));
        case Column::FirstByte:
            if (health->ttfbMs < 0)
                return tr("No request has succeeded on this route yet.");
            return tr("How long the provider took to start answering, averaged over recent "
                      "requests.");
        case Column::LastError:
            if (health->lastError.isEmpty())
                return {};
            if (health->lastErrorAtMs <= 0)
                return health->lastError;
            return tr("Failed at %1:\n%2")
                .arg(locale.toString(QDateTime::fromMSecsSinceEpoch(health->lastErrorAtMs),
                                     QLocale::ShortFormat),
                     health->lastError);
        default:
            return {};
        }
    }
    if (role == Qt::ForegroundRole && column == Column::Health && health) {
        // Colours that read on light and dark themes: red while the route is shut,
        // amber while it is being probed.
        if (health->state == BreakerState::Open)
            return QColor(0xc0, 0x39, 0x2b);
        if (health->state == BreakerState::HalfOpen)
            return QColor(0xb9, 0x77, 0x0e);
        return {};
    }
    if (role == Qt::TextAlignmentRole &&
        (column == Column::SuccessRate || column == Column::FirstByte))
        return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
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
    default:
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
    const Qt::ItemFlags flags = Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemNeverHasChildren;
    return isHealthColumn(Column(index.column())) ? flags : flags | Qt::ItemIsEditable;
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
        case Column::Health:
            return tr("Health");
        case Column::SuccessRate:
            return tr("Success rate");
        case Column::FirstByte:
            return tr("First byte");
        case Column::LastError:
            return tr("Last error");
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
        case Column::Health:
            return tr("What OneGate has seen of this route since it started: healthy, cooling "
                      "down after failures in a row (no requests go to it), or probing whether "
                      "it works again.");
        case Column::SuccessRate:
            return tr("The share of requests on this route that succeeded; recent requests "
                      "count most.");
        case Column::FirstByte:
            return tr("Time to first byte: how long the provider takes to start answering, "
                      "averaged over recent requests.");
        case Column::LastError:
            return tr("The last error of this route. Point at it to see when it happened.");
        case Column::Count:
            break;
        }
    }
    return QAbstractTableModel::headerData(section, orientation, role);
}

} // namespace onegate
