#include "pages/RefusedOriginsModel.h"

#include "config/Config.h"

namespace onegate {

namespace {

// A host name is at most 253 characters; with a scheme and a port an origin stays well
// under this. Anything longer is noise from a program, not a page to allow.
constexpr qsizetype kMaxOriginLength = 512;

// As OriginGuard compares origins.
QString normalized(const QString &origin)
{
    return origin.trimmed().toLower();
}

} // namespace

RefusedOriginsModel::RefusedOriginsModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

void RefusedOriginsModel::record(const QString &origin, const QString &address)
{
    const QString key = normalized(origin);
    if (key.isEmpty() || key.size() > kMaxOriginLength || m_allowed.allows(key.toUtf8()))
        return;
    for (int row = 0; row < m_entries.size(); ++row) {
        Entry &entry = m_entries[row];
        if (entry.origin != key)
            continue;
        entry.address = address;
        ++entry.refusals;
        Q_EMIT dataChanged(index(row, int(Column::Address)), index(row, int(Column::Refusals)));
        return;
    }
    if (m_entries.size() >= kMaxRows)
        removeEntry(int(m_entries.size()) - 1);
    beginInsertRows({}, 0, 0);
    m_entries.prepend(Entry{key, address, 1});
    endInsertRows();
    Q_EMIT firstRefused(key, address);
}

void RefusedOriginsModel::setAllowed(const CorsSettings &cors)
{
    m_allowed = OriginGuard(cors);
    for (int row = int(m_entries.size()) - 1; row >= 0; --row) {
        if (m_allowed.allows(m_entries.at(row).origin.toUtf8()))
            removeEntry(row);
    }
}

void RefusedOriginsModel::dismiss(int row)
{
    if (row >= 0 && row < m_entries.size())
        removeEntry(row);
}

void RefusedOriginsModel::retranslate()
{
    Q_EMIT headerDataChanged(Qt::Horizontal, 0, int(Column::Count) - 1);
}

void RefusedOriginsModel::removeEntry(int row)
{
    beginRemoveRows({}, row, row);
    m_entries.removeAt(row);
    endRemoveRows();
}

QString RefusedOriginsModel::origin(int row) const
{
    return row >= 0 && row < m_entries.size() ? m_entries.at(row).origin : QString();
}

int RefusedOriginsModel::refusals(int row) const
{
    return row >= 0 && row < m_entries.size() ? m_entries.at(row).refusals : 0;
}

int RefusedOriginsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_entries.size());
}

int RefusedOriginsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(Column::Count);
}

QVariant RefusedOriginsModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_entries.size())
        return {};
    const Entry &entry = m_entries.at(index.row());
    const auto column = Column(index.column());
    switch (role) {
    case Qt::DisplayRole:
        switch (column) {
        case Column::Origin:
            return entry.origin;
        case Column::Address:
            return entry.address;
        case Column::Refusals:
            return entry.refusals;
        case Column::Count:
            break;
        }
        return {};
    case Qt::ToolTipRole:
        // The column elides a long origin; the whole one is what Allow would add.
        return column == Column::Origin ? QVariant(entry.origin) : QVariant();
    case Qt::TextAlignmentRole:
        return column == Column::Refusals ? QVariant(Qt::AlignRight | Qt::AlignVCenter)
                                          : QVariant();
    default:
        return {};
    }
}

QVariant RefusedOriginsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (Column(section)) {
    case Column::Origin:
        return tr("Origin");
    case Column::Address:
        return tr("Client address");
    case Column::Refusals:
        return tr("Times refused");
    case Column::Count:
        break;
    }
    return {};
}

} // namespace onegate
