#include "ModelRouter.h"

#include <QSet>
#include <algorithm>

namespace onegate {

ModelRouter::ModelRouter(const Config &config)
    : m_config(&config)
{
    QSet<QString> seen;
    auto add = [&](const QString &id, const QString &owner) {
        if (!id.isEmpty() && !seen.contains(id)) {
            seen.insert(id);
            m_served.append({id, owner});
        }
    };
    for (const ModelAlias &alias : config.models)
        add(alias.id, QStringLiteral("onegate"));
    for (const ProviderSettings &provider : config.providers) {
        for (const QString &model : provider.models)
            add(model, provider.id);
    }
}

std::variant<QList<RouteTarget>, ApiError> ModelRouter::resolve(const QString &model) const
{
    QList<RouteTarget> targets;
    if (m_config) {
        for (const ModelAlias &alias : m_config->models) {
            if (alias.id != model)
                continue;
            for (const Route &route : alias.routes) {
                if (const ProviderSettings *provider = m_config->provider(route.provider))
                    targets.append({provider, route.model, route.priority, route.weight});
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
        const qsizetype slash = model.indexOf(QLatin1Char('/'));
        if (slash > 0 && slash + 1 < model.size()) {
            if (const ProviderSettings *provider = m_config->provider(model.left(slash)))
                return QList<RouteTarget>{{provider, model.mid(slash + 1), 0, 1}};
        }
    }
    ApiError error = ApiError::make(404, QStringLiteral("invalid_request_error"), QStringLiteral("model_not_found"),
                                    QStringLiteral("The model '%1' does not exist in OneGate's config: add it to a "
                                                   "provider's models, or ask for 'provider-id/model'.")
                                        .arg(model));
    error.param = QStringLiteral("model");
    return error;
}

} // namespace onegate
