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

} // namespace onegate
