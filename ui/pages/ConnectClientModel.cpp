#include "pages/ConnectClientModel.h"

namespace onegate {

ConnectClientModel::ConnectClientModel(QObject *parent)
    : QAbstractTableModel(parent)
    , m_clients(ConnectSnippets::clients())
{
}

int ConnectClientModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_clients.size());
}

int ConnectClientModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(Column::Count);
}

QVariant ConnectClientModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const ConnectClient client = m_clients.at(index.row());
    const ClientApi api = ConnectSnippets::api(client);
    switch (role) {
    case Qt::DisplayRole:
        if (Column(index.column()) == Column::Endpoint)
            return endpointPath(api);
        return ConnectSnippets::name(client);
    case Qt::ToolTipRole:
        return usesOllamaSurface(api) ? tr("Uses %1 on the Ollama-compatible API's port").arg(endpointPath(api))
                                      : tr("Uses %1").arg(endpointPath(api));
    case ClientRole:
        return int(client);
    default:
        return {};
    }
}

QVariant ConnectClientModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (Column(section)) {
    case Column::Client:
        return tr("Client");
    case Column::Endpoint:
        return tr("Endpoint");
    case Column::Count:
        break;
    }
    return {};
}

void ConnectClientModel::retranslate()
{
    if (!m_clients.isEmpty())
        Q_EMIT dataChanged(index(0, 0), index(rowCount() - 1, columnCount() - 1));
    Q_EMIT headerDataChanged(Qt::Horizontal, 0, columnCount() - 1);
}

} // namespace onegate
