#pragma once

#include <QByteArray>
#include <QCoreApplication>
#include <QList>
#include <QPair>
#include <QString>

namespace onegate {

class SecretStore;

// Puts secrets typed into the window into the OS keychain and gives back the config
// reference to them ("keychain:NAME"). The keychain is the only place a secret entered
// in the window may go: when it refuses, the caller shows explainWriteFailure() and
// saves nothing, never the secret itself.
class KeychainWriter final {
    Q_DECLARE_TR_FUNCTIONS(onegate::KeychainWriter)
public:
    using Entry = QPair<QString, QByteArray>; // keychain entry name, secret

    explicit KeychainWriter(SecretStore *store)
        : m_store(store)
    {
    }

    // Stores every entry or none: when one write fails, the entries already written by
    // this call are removed again. Returns the store's plain reason, empty on success.
    QString writeAll(const QList<Entry> &entries);
    // Removes entries; returns one "NAME: reason" line per entry that stayed.
    QStringList removeAll(const QStringList &names);

    // "keychain:NAME", as the config writes it.
    static QString reference(const QString &name);
    // The entry a "keychain:" reference names; empty for an env: or invalid reference.
    static QString entryName(const QString &reference);

    // What the window says when the keychain refused to store a secret: the store's own
    // reason, that nothing was saved, and what to do about it.
    static QString explainWriteFailure(const QString &storeError);

private:
    QString unavailable() const;

    SecretStore *m_store;
};

} // namespace onegate
