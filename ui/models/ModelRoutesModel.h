#pragma once

#include "config/Config.h"
#include "routing/HealthBook.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QPair>
#include <QPointer>
#include <optional>

namespace onegate {

class ModelListModel;

// The routes of the model selected on the Models page: provider, upstream model,
// priority (0 is tried first) and weight (shares load within a priority). It keeps no
// routes of its own: it reads them from the ModelListModel's document and writes every
// edit back through ModelListModel::setRoutes(). Editing the routes of a provider's
// model gives it routes of its own; clearRoutes() hands it back to its providers.
//
// The health columns (read-only) show what the router has seen of each route, from the
// last snapshot handed to setHealth(): its breaker state, success rate, time to first
// byte and last error. A route the snapshot does not list has carried no traffic yet.
// Before the first snapshot (or after clearHealth()) they are empty.
class ModelRoutesModel final : public QAbstractTableModel {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ModelRoutesModel)
public:
    enum class Column {
        Provider,
        Model,
        Priority,
        Weight,
        Health,
        SuccessRate,
        FirstByte,
        LastError,
        Count
    };
    // Under this role the Provider and Model columns list the choices an editor offers.
    static constexpr int ChoicesRole = Qt::UserRole + 1;

    explicit ModelRoutesModel(ModelListModel *models, QObject *parent = nullptr);

    void setModelId(const QString &id);
    QString modelId() const { return m_id; }
    QList<Route> routes() const;

    // A fallback route: to a provider the model has no route to yet, one priority below
    // the last.
    void addRoute();
    void removeRoute(int row);
    void clearRoutes();

    // What the router knows now (GatewayService::fetchHealth). Only the health columns
    // change: rows and selection stay.
    void setHealth(const HealthSnapshot &snapshot);
    // No gateway to ask: the health columns go empty.
    void clearHealth();

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    bool setData(const QModelIndex &index, const QVariant &value, int role = Qt::EditRole) override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    using RouteKey = QPair<QString, QString>; // provider, upstream model

    void refresh();
    void healthChanged();
    QVariant healthData(const Route &route, Column column, int role) const;

    QPointer<ModelListModel> m_models;
    QString m_id;
    QList<Route> m_routes; // what the views were last told about
    std::optional<QHash<RouteKey, RouteHealth>> m_health;
};

} // namespace onegate
