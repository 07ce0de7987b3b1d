#include "AccessKeyAllowlistModel.h"

#include "config/Config.h"
#include "routing/ModelRouter.h"

using namespace Qt::StringLiterals;

namespace onegate {

namespace {

const QString kEveryModel = u"*"_s;

} // namespace

AccessKeyAllowlistModel::AccessKeyAllowlistModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

void AccessKeyAllowlistModel::setKey(const Config &config, const QString &keyName)
{
    QString name;
    QStringList served;
    QStringList unserved;
    QStringList allowlist;
    for (const AccessKey &key : config.accessKeys) {
        if (key.name != keyName)
            continue;
        name = keyName;
        allowlist = key.models;
        const ModelRouter router(config);  // servedModels() refers into it: keep it alive
        for (const ServedModel &model : router.servedModels())
            served.append(model.id);
        for (const QString &id : std::as_const(allowlist)) {
            if (id != kEveryModel && !served.contains(id) && !unserved.contains(id))
                unserved.append(id);
        }
    }
    // The same rows: only the check marks change, so a view keeps its scroll position
    // when an edit made here comes back as the saved config.
    if (name == m_keyName && served == m_served && unserved == m_unserved) {
        m_allowlist = allowlist;
        if (rowCount() > 0)
            Q_EMIT dataChanged(index(0, 0), index(rowCount() - 1, 0));
        return;
    }
    beginResetModel();
    m_keyName = name;
    m_served = served;
    m_unserved = unserved;
    m_allowlist = allowlist;
    endResetModel();
}

bool AccessKeyAllowlistModel::allowsAll() const
{
    return m_allowlist.contains(kEveryModel);
}

void AccessKeyAllowlistModel::setAllowsAll(bool all)
{
    if (m_keyName.isEmpty() || all == allowsAll())
        return;
    change(all ? QStringList{kEveryModel} : m_served);
}

void AccessKeyAllowlistModel::change(const QStringList &allowlist)
{
    m_allowlist = allowlist;
    if (rowCount() > 0)
        Q_EMIT dataChanged(index(0, 0), index(rowCount() - 1, 0));
    Q_EMIT edited();
}

int AccessKeyAllowlistModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_served.size() + m_unserved.size());
}

int AccessKeyAllowlistModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(Column::Count);
}

QVariant AccessKeyAllowlistModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= rowCount() || index.column() != int(Column::Model))
        return {};
    const bool served = index.row() < m_served.size();
    const QString id =
        served ? m_served.at(index.row()) : m_unserved.at(index.row() - m_served.size());
    switch (role) {
    case Qt::DisplayRole:
        return served ? id : tr("%1 (not served at the moment)").arg(id);
    case Qt::CheckStateRole:
        return allowsAll() || m_allowlist.contains(id) ? Qt::Checked : Qt::Unchecked;
    case Qt::ToolTipRole:
        if (!served)
            return tr("No provider or alias serves %1 right now; the key may use it once one "
                      "does.")
                .arg(id);
        return {};
    default:
        return {};
    }
}

bool AccessKeyAllowlistModel::setData(const QModelIndex &index, const QVariant &value, int role)
{
    if (role != Qt::CheckStateRole || !(flags(index) & Qt::ItemIsUserCheckable))
        return false;
    const bool checked = value.value<Qt::CheckState>() == Qt::Checked;
    const bool served = index.row() < m_served.size();
    const QString id =
        served ? m_served.at(index.row()) : m_unserved.at(index.row() - m_served.size());
    if (checked == m_allowlist.contains(id))
        return true;
    // Kept in the order the checklist shows, so the file reads like the list.
    QStringList next;
    for (const QString &candidate : m_served + m_unserved) {
        if (candidate == id ? checked : m_allowlist.contains(candidate))
            next.append(candidate);
    }
    change(next);
    return true;
}

Qt::ItemFlags AccessKeyAllowlistModel::flags(const QModelIndex &index) const
{
    if (!index.isValid())
        return Qt::NoItemFlags;
    Qt::ItemFlags flags = Qt::ItemIsSelectable | Qt::ItemNeverHasChildren;
    if (!allowsAll())
        flags |= Qt::ItemIsEnabled | Qt::ItemIsUserCheckable;
    return flags;
}

QVariant AccessKeyAllowlistModel::headerData(int section, Qt::Orientation orientation,
                                             int role) const
{
    if (orientation == Qt::Horizontal && role == Qt::DisplayRole && section == int(Column::Model))
        return tr("Model");
    return QAbstractTableModel::headerData(section, orientation, role);
}

} // namespace onegate
