#pragma once

#include "secrets/SecretStore.h"

#include <QHash>

namespace onegate {

// An in-memory stand-in for the OS keychain, for tests and for code paths that must not
// touch the user's real keychain. Its messages match KeychainSecretStore's.
class MemorySecretStore final : public SecretStore {
public:
    MemorySecretStore() = default;

    SecretReadResult read(const QString &name) override
    {
        ++m_readCount;
        if (!m_failure.isEmpty())
            return {{}, m_failure};
        const auto it = m_entries.constFind(name);
        if (it == m_entries.constEnd())
            return {{}, QStringLiteral("no entry named %1 in the OneGate keychain").arg(name)};
        return {*it, {}};
    }

    QString write(const QString &name, const QByteArray &value) override
    {
        if (!m_failure.isEmpty())
            return m_failure;
        m_entries.insert(name, value);
        return {};
    }

    QString remove(const QString &name) override
    {
        if (!m_failure.isEmpty())
            return m_failure;
        m_entries.remove(name);
        return {};
    }

    // Makes every call fail with `reason`, as an unreachable or locked keychain would;
    // an empty reason makes the store work again.
    void setFailure(const QString &reason) { m_failure = reason; }

    // Lets tests check that a name used twice is looked up once.
    int readCount() const { return m_readCount; }

private:
    QHash<QString, QByteArray> m_entries;
    QString m_failure;
    int m_readCount = 0;
};

} // namespace onegate
