#include "Router.h"

namespace onegate {

namespace {
constexpr qint64 kBytesPerMb = 1024 * 1024;
}

Router::Router(const Config &config)
    : m_config(&config)
    , m_models(config)
    , m_health(config.router.breaker)
    // One clock for the router stage: the cache expires on the health book's time.
    , m_cache([this] { return m_health.now(); })
{
    m_cache.setLimits(config.cache.ttlSeconds, config.cache.maxMb * kBytesPerMb);
}

void Router::apply(const Config &config, const QStringList &changedProviders)
{
    m_config = &config;
    m_models = ModelRouter(config);
    m_health.setSettings(config.router.breaker);
    for (const QString &provider : changedProviders)
        m_health.forgetProvider(provider);
    m_cache.setLimits(config.cache.ttlSeconds, config.cache.maxMb * kBytesPerMb);
}

void Router::setClock(const MonotonicClock &clock)
{
    m_health = HealthBook(m_config->router.breaker, clock);
}

std::variant<bool, ApiError> Router::cacheWanted(const QString &model, const QByteArray &header) const
{
    // The request's own say wins; otherwise the model's models[] entry decides.
    const QByteArray value = header.trimmed().toLower();
    if (value == "on")
        return true;
    if (value == "off")
        return false;
    if (!value.isEmpty()) {
        return ApiError::invalidRequest(
            QStringLiteral("The x-onegate-cache header must be 'on' or 'off', not '%1'").arg(QString::fromLatin1(header)));
    }
    const ModelAlias *entry = m_config->model(model);
    return entry && entry->cache;
}

std::variant<RoutedRequest, ApiError> Router::route(const QString &model, const QJsonObject &body, const QString &scope,
                                                    const QByteArray &cacheHeader,
                                                    const QHash<QString, std::shared_ptr<ProviderRuntime>> &providers)
{
    const auto targets = m_models.resolve(model);
    if (const ApiError *error = std::get_if<ApiError>(&targets))
        return *error;
    const auto useCache = cacheWanted(model, cacheHeader);
    if (const ApiError *error = std::get_if<ApiError>(&useCache))
        return *error;

    RoutedRequest routed;
    if (std::get<bool>(useCache)) {
        routed.cache = &m_cache;
        routed.cacheKey = ResponseCache::openAiChatKey(scope + QLatin1Char('|') + model, body);
        routed.cached = m_cache.lookup(routed.cacheKey);
        if (routed.cached)
            m_metrics.cacheHit(model);
        else
            m_metrics.cacheMiss(model);
    }
    QList<RouteTarget> ordered = m_picker.order(std::get<QList<RouteTarget>>(targets), m_health);
    routed.plan = std::make_unique<RoutePlan>(std::move(ordered), providers, m_health, m_config->router,
                                              m_picker.random(), &m_metrics);
    return routed;
}

QByteArray Router::renderMetrics()
{
    m_metrics.setOpenBreakers(m_health.openBreakers());
    return m_metrics.render();
}

} // namespace onegate
