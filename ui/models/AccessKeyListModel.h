#pragma once

#include "models/AccessKeyUsageReader.h"

#include <QAbstractTableModel>
#include <QList>
#include <QStringList>

namespace onegate {

struct Config;

// The Access keys page's table: one row per access_keys[] entry, with the key in its
// masked form only ("og-…3f9a"), the models it may use, and, once AccessKeyUsageReader
// has answered, when it was last used and how many requests it made today.
class AccessKeyListModel final : public QAbstractTableModel {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AccessKeyListModel)
public:
    enum class Column { Name, Key, Models, LastUsed, RequestsToday, Count };

    explicit AccessKeyListModel(QObject *parent = nullptr);

    // Rows keep their place when the same names remain, so a view keeps its selection.
    void setConfig(const Config &config);
    void setUsage(const AccessKeyUsageByName &usage, const QString &error);

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
    };

    QVariant display(const Row &row, Column column) const;

    QList<Row> m_rows;
    AccessKeyUsageByName m_usage;
    QString m_usageError;
    bool m_usageKnown = false;
};

} // namespace onegate
