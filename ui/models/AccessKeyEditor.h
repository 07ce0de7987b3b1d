#pragma once

#include "config/Config.h"
#include "secrets/SecretStore.h"

#include <QByteArray>
#include <QCoreApplication>
#include <QString>
#include <QStringList>
#include <functional>

class QJsonObject;

namespace onegate {

class ConfigEditor;

// Creates, revokes and reads the keys clients send to OneGate. A key lives in two places
// that must agree: the secret in the keychain as access/<name>, and its access_keys[]
// entry in the config, which holds only the reference "keychain:access/<name>". Every
// change goes through ConfigEditor::apply(), so a refused one carries the parser's own
// message. Results are plain-language errors, empty on success.
class AccessKeyEditor final {
    Q_DECLARE_TR_FUNCTIONS(onegate::AccessKeyEditor)
public:
    AccessKeyEditor(ConfigEditor *config, SecretStore *secrets);

    struct Created {
        QByteArray key; // shown to the user once, then only kept in the keychain
        QString error;
        bool ok() const { return error.isEmpty(); }
    };

    // A new key allowed every model. The config is checked first, so a name the parser
    // refuses never reaches the keychain; if saving the config fails after the secret was
    // stored, the secret is removed again.
    Created create(const QString &name);
    // Takes the key out of the config (it stops working at once), then out of the
    // keychain. The second step failing is reported, but the key is revoked either way.
    QString revoke(const QString &name);
    // ["*"] for every model, or exact model ids.
    QString setModels(const QString &name, const QStringList &models);
    // Writes the limits that are set (a positive number, an expiry) and removes the
    // others, so the entry names only what limits the key. warn_at is written only when
    // it differs from the parser's default.
    QString setLimits(const QString &name, const AccessKeyLimits &limits);
    // The key itself, for copying: from the keychain for a keychain: reference (asked
    // afresh, so a locked keyring is reported as such), otherwise as the config resolved
    // it from the environment.
    SecretReadResult read(const QString &name) const;

    // "og-" and 40 characters from [A-Za-z0-9] drawn from the system's secure random
    // source: about 238 bits, and nothing a shell or a URL would need to escape.
    static QByteArray generateKey();
    static QString keychainEntry(const QString &name);

private:
    // Changes the access_keys[] entry of `name` and applies the config.
    QString editEntry(const QString &name, const std::function<void(QJsonObject &)> &edit);

    ConfigEditor *m_config;
    SecretStore *m_secrets;
};

} // namespace onegate
