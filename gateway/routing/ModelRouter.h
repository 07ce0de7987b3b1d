#pragma once

#include "config/Config.h"
#include "core/ApiError.h"

#include <QList>
#include <QString>
#include <variant>

namespace onegate {

struct RouteTarget {
    const ProviderSettings *provider = nullptr;
    QString upstreamModel;
    int priority = 0;
    int weight = 1;
    int maxConcurrency = 0;  // this route's own cap (models[].routes); 0 = none
};

struct ServedModel {
    QString id;
    QString ownedBy;  // provider id, or "onegate" for a configured alias
};

// Maps a requested model id to the providers that serve it (CONTRACT.md section 2):
// an explicit models[] entry with routes first, then every provider listing the id (one
// pool), then "provider-id/model" pinning one provider. Candidates come in priority
// order. An id whose models[] entry has "enabled": false is not served at all: it is
// left out of servedModels() and resolves to 404, also when pinned as "provider-id/id".
// Holds pointers into the Config it was built from, which must outlive it.
class ModelRouter final {
public:
    ModelRouter() = default;
    explicit ModelRouter(const Config &config);

    std::variant<QList<RouteTarget>, ApiError> resolve(const QString &model) const;
    // Every id a client can ask for by name, without duplicates, in config order.
    const QList<ServedModel> &servedModels() const { return m_served; }

private:
    const Config *m_config = nullptr;
    QList<ServedModel> m_served;
};

} // namespace onegate
