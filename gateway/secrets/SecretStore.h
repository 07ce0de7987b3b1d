#pragma once

#include <QByteArray>
#include <QString>

namespace onegate {

struct SecretReadResult {
    QByteArray value;
    QString error;  // plain-language reason when the read failed
    bool ok() const { return error.isEmpty(); }
};

// Where `keychain:` references are read from. The app hands a QtKeychain-backed store
// down; tests hand an in-memory one. Calls block the calling thread until the answer
// is known, which is acceptable at startup, on config reload and on an explicit save.
class SecretStore {
public:
    virtual ~SecretStore() = default;
    virtual SecretReadResult read(const QString &name) = 0;

    // Stores or deletes an entry; the result is a plain-language error, empty on success.
    // Read-only stores keep these defaults, so adding them broke no implementation.
    virtual QString write(const QString &name, const QByteArray &value)
    {
        Q_UNUSED(name)
        Q_UNUSED(value)
        return QStringLiteral("this secret store is read-only");
    }
    virtual QString remove(const QString &name)
    {
        Q_UNUSED(name)
        return QStringLiteral("this secret store is read-only");
    }
};

} // namespace onegate
