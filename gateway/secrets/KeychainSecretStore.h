#pragma once

#include "secrets/SecretStore.h"

namespace onegate {

// Secrets in the OS keychain through QtKeychain, under the service name "OneGate".
// There is deliberately no plaintext fallback: when no keychain is reachable every call
// fails with a sentence saying what to do (start a keyring, or use env: references).
// Each call runs a local event loop until the keychain answers (at most two minutes, so
// a person can answer an unlock prompt), so call it from one thread that may block:
// QtKeychain queues its jobs through a process-wide object.
class KeychainSecretStore final : public SecretStore {
public:
    KeychainSecretStore() = default;

    SecretReadResult read(const QString &name) override;
    // Values are stored as UTF-8 text so they read naturally in keyring managers.
    QString write(const QString &name, const QByteArray &value) override;
    // Removing an entry that does not exist succeeds.
    QString remove(const QString &name) override;

    // Turns a QKeychain::Error and its errorString() into a plain-language sentence about
    // entry `name`. Public so the wording can be tested without a keychain.
    static QString explainError(int keychainError, const QString &errorString,
                                const QString &name);

    static QString serviceName();
};

} // namespace onegate
