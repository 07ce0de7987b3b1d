#pragma once

#include "config/Config.h"
#include "limits/LimitLedger.h"
#include "models/AccessKeyUsageReader.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QList>
#include <QStringList>
#include <optional>

namespace onegate {

struct KeyStandingRow;

// The Access keys page's table: one row per access_keys[] entry, with the key in its
// masked form only ("og-…3f9a"), the models it may use, its limits, and, once the
// gateway has answered (GatewayService::fetchKeyStandings), what it spent this month; once
// AccessKeyUsageReader has answered, when it was last used and how many requests it made
// today.
class AccessKeyListModel final : public QAbstractTableModel {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AccessKeyListModel)
public:
    enum class Column { Name, Key, Models, Limits, ThisMonth, LastUsed, RequestsToday, Count };

    explicit AccessKeyListModel(QObject *parent = nullptr);

    // Rows keep their place when the same names remain, so a view keeps its selection.
    void setConfig(const Config &config);
    void setUsage(const AccessKeyUsageByName &usage, const QString &error);
    void setStandings(const QList<KeyStandingRow> &standings);

    // The saved limits of a listed key (none for an unknown name).
    AccessKeyLimits limitsOf(const QString &name) const;
    // Where the key stood at the gateway's latest answer; nothing before the first one.
    std::optional<KeyStanding> standingOf(const QString &name) const;

    QStringList names() const;
    QString nameAt(int row) const;
    int rowOf(const QString &name) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;

private:
    struct Row {
        QString name;
        QString environmentVariable; // for env: references
        QString masked;              // empty when unresolved
        QString problem;
        QStringList models;
        AccessKeyLimits limits;
    };

    QVariant display(const Row &row, Column column) const;
    // The key is refused for this column's reason: expired, or its budget is spent.
    bool isStopped(const Row &row, Column column) const;

    QList<Row> m_rows;
    AccessKeyUsageByName m_usage;
    QString m_usageError;
    bool m_usageKnown = false;
    QHash<QString, KeyStanding> m_standings;
    bool m_standingsKnown = false;
};

} // namespace onegate
