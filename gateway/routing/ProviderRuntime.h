#pragma once

#include "core/ProviderSettings.h"

#include <QByteArray>
#include <QObject>
#include <functional>
#include <memory>
#include <optional>

namespace onegate {

class ProviderAdapter;
class ProviderTransport;

// The live side of one configured provider on the gateway thread: its adapter, its
// network pool and where the key rotation stands.
//
// Ownership across config reloads: a runtime is shared (create()) by the gateway, while
// the provider is configured as it is, and by every ChatExchange or model-list fetch
// that started on it. A reload that changes or removes the provider only drops the
// gateway's reference, so requests in flight finish on the network managers they
// started with; the runtime goes once the last of them lets go.
class ProviderRuntime final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ProviderRuntime)
public:
    // The runtime is also a QObject child of `owner` (the gateway), so whatever is still
    // alive when the gateway is destroyed goes with it. The last reference releases it
    // with deleteLater(): that release can happen inside a signal of the runtime's own
    // network reply, where an immediate delete would pull the manager out from under it.
    static std::shared_ptr<ProviderRuntime> create(const ProviderSettings &settings, QObject *owner);

    // As the runtime was built; `models` may be older than the config (see runs()).
    const ProviderSettings &settings() const { return m_settings; }
    const ProviderAdapter *adapter() const { return m_adapter; }
    ProviderTransport *transport() const { return m_transport; }

    // Whether this runtime talks to the provider exactly as `settings` says (resolved keys
    // included), so a reload may keep it, with its warm connections, its place in the key
    // rotation and its cached model list. Served model ids do not count.
    bool runs(const ProviderSettings &settings) const;

    struct Key {
        int index = -1;  // place in the api_key list; -1 when the provider needs none
        QByteArray value;
    };
    // The key for the next request, rotating across the resolved ones that `usable`
    // accepts (the router skips keys cooling down after a rejection). An empty value
    // when the provider needs none; nullopt, with the reason in `problem`, when it has
    // keys configured but none is resolved and usable.
    std::optional<Key> nextKey(const std::function<bool(int index)> &usable, QString *problem);

private:
    ProviderRuntime(const ProviderSettings &settings, QObject *parent);

    // A copy, so the runtime does not depend on the config snapshot it was built from.
    const ProviderSettings m_settings;
    const ProviderAdapter *m_adapter;
    ProviderTransport *m_transport;
    quint64 m_rotation = 0;
};

} // namespace onegate
