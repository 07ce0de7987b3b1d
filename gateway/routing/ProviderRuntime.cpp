#include "ProviderRuntime.h"

#include "AdapterRegistry.h"
#include "core/UpstreamCall.h"

namespace onegate {

ProviderRuntime::ProviderRuntime(const ProviderSettings &settings, QObject *parent)
    : QObject(parent)
    , m_settings(settings)
    , m_adapter(adapterFor(settings.kind))
    , m_transport(new ProviderTransport(settings.proxy, this))
{
}

std::optional<QByteArray> ProviderRuntime::nextKey(QString *problem)
{
    if (m_settings.apiKeys.isEmpty())
        return QByteArray();
    const qsizetype count = m_settings.apiKeys.size();
    for (qsizetype i = 0; i < count; ++i) {
        const SecretValue &key = m_settings.apiKeys.at(qsizetype((m_rotation + quint64(i)) % quint64(count)));
        if (key.isResolved()) {
            m_rotation += quint64(i) + 1;
            return key.value;
        }
    }
    if (problem)
        *problem = m_settings.apiKeys.constFirst().problem;
    return std::nullopt;
}

} // namespace onegate
