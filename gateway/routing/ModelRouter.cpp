#include "ModelRouter.h"

#include <QSet>
#include <algorithm>

namespace onegate {

namespace {

const ModelAlias *findEntry(const Config &config, const QString &id)
{
    for (const ModelAlias &entry : config.models) {
        if (entry.id == id)
            return &entry;
    }
    return nullptr;
}

bool isDisabled(const Config &config, const QString &id)
{
    const ModelAlias *entry = findEntry(config, id);
    return entry && !entry->enabled;
}

ApiError notFound(const QString &message)
{
    ApiError error = ApiError::make(404, QStringLiteral("invalid_request_error"), QStringLiteral("model_not_found"), message);
    error.param = QStringLiteral("model");
    return error;
}

ApiError turnedOff(const QString &model)
{
    return notFound(QStringLiteral("The model '%1' is turned off in OneGate: its models[] entry has "
                                   "\"enabled\": false.")
                        .arg(model));
}

} // namespace

ModelRouter::ModelRouter(const Config &config)
    : m_config(&config)
{
    QSet<QString> seen;
    auto add = [&](const QString &id, const QString &owner) {
        if (!id.isEmpty() && !seen.contains(id) && !isDisabled(config, id)) {
            seen.insert(id);
            m_served.append({id, owner});
        }
    };
    // An entry without routes only annotates a provider's model: that provider owns it.
    for (const ModelAlias &alias : config.models) {
        if (!alias.routes.isEmpty())
            add(alias.id, QStringLiteral("onegate"));
    }
    for (const ProviderSettings &provider : config.providers) {
        for (const QString &model : provider.models)
            add(model, provider.id);
    }
}

std::variant<QList<RouteTarget>, ApiError> ModelRouter::resolve(const QString &model) const
{
    QList<RouteTarget> targets;
    if (m_config) {
        const qsizetype slash = model.indexOf(QLatin1Char('/'));
        const bool pinned = slash > 0 && slash + 1 < model.size();
        if (isDisabled(*m_config, model))
            return turnedOff(model);
        if (const ModelAlias *alias = findEntry(*m_config, model); alias && !alias->routes.isEmpty()) {
            for (const Route &route : alias->routes) {
                if (const ProviderSettings *provider = m_config->provider(route.provider))
                    targets.append({provider, route.model, route.priority, route.weight, route.maxConcurrency});
            }
            std::stable_sort(targets.begin(), targets.end(),
                             [](const RouteTarget &a, const RouteTarget &b) { return a.priority < b.priority; });
            return targets;
        }
        for (const ProviderSettings &provider : m_config->providers) {
            if (provider.models.contains(model))
                targets.append({&provider, model, 0, 1});
        }
        if (!targets.isEmpty())
            return targets;
        if (pinned) {
            if (const ProviderSettings *provider = m_config->provider(model.left(slash))) {
                const QString upstream = model.mid(slash + 1);
                if (isDisabled(*m_config, upstream))
                    return turnedOff(model);
                return QList<RouteTarget>{{provider, upstream, 0, 1}};
            }
        }
    }
    return notFound(QStringLiteral("The model '%1' does not exist in OneGate's config: add it to a "
                                   "provider's models, or ask for 'provider-id/model'.")
                        .arg(model));
}

} // namespace onegate
