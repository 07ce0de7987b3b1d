#pragma once

#include "core/ProviderSettings.h"

#include <QByteArray>
#include <QObject>
#include <optional>

namespace onegate {

class ProviderAdapter;
class ProviderTransport;

// The live side of one configured provider on the gateway thread: its adapter, its
// network pool and where the key rotation stands.
class ProviderRuntime final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ProviderRuntime)
public:
    ProviderRuntime(const ProviderSettings &settings, QObject *parent);

    const ProviderSettings &settings() const { return m_settings; }
    const ProviderAdapter *adapter() const { return m_adapter; }
    ProviderTransport *transport() const { return m_transport; }

    // The key for the next request, rotating across the resolved ones. Empty when the
    // provider needs none; nullopt (with the reason in `problem`) when it has keys
    // configured but none could be resolved.
    std::optional<QByteArray> nextKey(QString *problem);

private:
    const ProviderSettings &m_settings;
    const ProviderAdapter *m_adapter;
    ProviderTransport *m_transport;
    quint64 m_rotation = 0;
};

} // namespace onegate
