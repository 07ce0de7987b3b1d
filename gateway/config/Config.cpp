#include "Config.h"

namespace onegate {

const ProviderSettings *Config::provider(const QString &id) const
{
    for (const ProviderSettings &settings : providers) {
        if (settings.id == id)
            return &settings;
    }
    return nullptr;
}

const ModelAlias *Config::model(const QString &id) const
{
    for (const ModelAlias &alias : models) {
        if (alias.id == id)
            return &alias;
    }
    return nullptr;
}

} // namespace onegate
