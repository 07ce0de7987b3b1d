#pragma once

#include "HealthBook.h"
#include "ModelRouter.h"
#include "RoutePicker.h"
#include "RoutePlan.h"
#include "cache/ResponseCache.h"
#include "metrics/GatewayMetrics.h"

#include <QHash>
#include <QJsonObject>
#include <memory>
#include <optional>
#include <variant>

namespace onegate {

class ProviderRuntime;

// A request the router has placed: the plan of attempts, and what the response cache
// said (no cache involved: `cache` is null; a hit: `cached` holds the answer and the
// plan is not used; a miss: a complete answer is to be stored under `cacheKey`).
struct RoutedRequest {
    std::unique_ptr<RoutePlan> plan;
    ResponseCache *cache = nullptr;
    QByteArray cacheKey;
    std::optional<CacheEntry> cached;
};

// The router stage, the same for every inbound dialect: resolves a model id to its
// candidate routes (ModelRouter), consults the response cache, orders the routes by
// priority, weight and health (RoutePicker, HealthBook) and hands the request a
// RoutePlan that decides its attempts. It owns what the router learns across requests
// (health, cache, metrics) and keeps it across config reloads. Gateway thread only.
class Router final {
    Q_DISABLE_COPY_MOVE(Router)
public:
    // `config` must outlive the router, or be replaced with apply() first.
    explicit Router(const Config &config);

    // Follows a new config snapshot. Providers in `changed` (new URL, keys, proxy...)
    // or removed start their health afresh.
    void apply(const Config &config, const QStringList &changedProviders);

    const QList<ServedModel> &servedModels() const { return m_models.servedModels(); }
    std::variant<QList<RouteTarget>, ApiError> resolve(const QString &model) const { return m_models.resolve(model); }

    // Places one request for `model` with the OpenAI Chat `body` it carries. `scope`
    // keeps dialects apart in the cache; `cacheHeader` is the request's x-onegate-cache.
    std::variant<RoutedRequest, ApiError> route(const QString &model, const QJsonObject &body, const QString &scope,
                                                const QByteArray &cacheHeader,
                                                const QHash<QString, std::shared_ptr<ProviderRuntime>> &providers);

    const HealthBook &health() const { return m_health; }
    GatewayMetrics &metrics() { return m_metrics; }
    // Prometheus text of the metrics, with the gauges read now.
    QByteArray renderMetrics();

    // For tests: the router's clock (breaker cooldowns, cache expiry) and repeatable
    // balancing.
    void setClock(const MonotonicClock &clock);
    void seed(quint32 seed) { m_picker = RoutePicker(seed); }

private:
    // Whether this request goes through the cache, or why its header is wrong.
    std::variant<bool, ApiError> cacheWanted(const QString &model, const QByteArray &header) const;

    const Config *m_config;
    ModelRouter m_models;
    HealthBook m_health;
    RoutePicker m_picker;
    ResponseCache m_cache;
    GatewayMetrics m_metrics;
};

} // namespace onegate
