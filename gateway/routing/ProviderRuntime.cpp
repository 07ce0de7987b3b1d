#include "ProviderRuntime.h"

#include "AdapterRegistry.h"
#include "core/ProviderTransport.h"

#include <QPointer>

namespace onegate {

namespace {

bool sameSecrets(const QList<SecretValue> &a, const QList<SecretValue> &b)
{
    if (a.size() != b.size())
        return false;
    for (qsizetype i = 0; i < a.size(); ++i) {
        if (a.at(i).reference != b.at(i).reference || a.at(i).value != b.at(i).value
            || a.at(i).problem != b.at(i).problem)
            return false;
    }
    return true;
}

} // namespace

std::shared_ptr<ProviderRuntime> ProviderRuntime::create(const ProviderSettings &settings, QObject *owner)
{
    auto *runtime = new ProviderRuntime(settings, owner);
    // The QPointer makes a release after the owner already deleted the runtime harmless.
    return std::shared_ptr<ProviderRuntime>(runtime, [guard = QPointer<ProviderRuntime>(runtime)](ProviderRuntime *) {
        if (guard)
            guard->deleteLater();
    });
}

ProviderRuntime::ProviderRuntime(const ProviderSettings &settings, QObject *parent)
    : QObject(parent)
    , m_settings(settings)
    , m_adapter(adapterFor(settings.kind))
    , m_transport(new ProviderTransport(settings.proxy, this))
{
}

bool ProviderRuntime::runs(const ProviderSettings &other) const
{
    // `models` is left out: which ids are served is the router's business, and choosing
    // models in the GUI must not throw away the provider's connections or model list.
    const ProviderSettings &mine = m_settings;
    return mine.id == other.id && mine.kind == other.kind && mine.baseUrl == other.baseUrl
        && sameSecrets(mine.apiKeys, other.apiKeys)
        && mine.proxy.mode == other.proxy.mode && mine.proxy.url == other.proxy.url
        && mine.apiVersion == other.apiVersion
        && mine.policy.connectTimeoutMs == other.policy.connectTimeoutMs
        && mine.policy.idleTimeoutMs == other.policy.idleTimeoutMs
        && mine.policy.totalTimeoutMs == other.policy.totalTimeoutMs
        && mine.extraHeaders == other.extraHeaders;
}

std::optional<ProviderRuntime::Key> ProviderRuntime::nextKey(const std::function<bool(int index)> &usable,
                                                             QString *problem)
{
    if (m_settings.apiKeys.isEmpty())
        return Key{};
    const qsizetype count = m_settings.apiKeys.size();
    bool anyResolved = false;
    for (qsizetype i = 0; i < count; ++i) {
        const int index = int((m_rotation + quint64(i)) % quint64(count));
        const SecretValue &key = m_settings.apiKeys.at(index);
        if (!key.isResolved())
            continue;
        anyResolved = true;
        if (usable && !usable(index))
            continue;
        m_rotation += quint64(i) + 1;
        return Key{index, key.value};
    }
    if (problem) {
        *problem = anyResolved
            ? QStringLiteral("every key was rejected by the provider (401 or 403) and is cooling down")
            : m_settings.apiKeys.constFirst().problem;
    }
    return std::nullopt;
}

} // namespace onegate
