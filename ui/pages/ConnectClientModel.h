#pragma once

#include "pages/ConnectSnippets.h"

#include <QAbstractTableModel>

namespace onegate {

// The clients the Connect page can set up, one row each, in ConnectSnippets' order.
class ConnectClientModel final : public QAbstractTableModel {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ConnectClientModel)
public:
    enum class Column { Client, Endpoint, Count };
    static constexpr int ClientRole = Qt::UserRole + 1; // the ConnectClient, as int

    explicit ConnectClientModel(QObject *parent = nullptr);
    ~ConnectClientModel() override = default;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    ConnectClient client(int row) const { return m_clients.at(row); }
    int rowOf(ConnectClient client) const { return int(m_clients.indexOf(client)); }
    // After a language change: every label is text from tr().
    void retranslate();

private:
    QList<ConnectClient> m_clients;
};

} // namespace onegate
