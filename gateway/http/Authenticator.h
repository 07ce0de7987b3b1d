#pragma once

#include "config/Config.h"

#include <QByteArray>
#include <QList>
#include <optional>
#include <variant>

class QHttpServerRequest;

namespace onegate {

struct ApiError;

// Who is calling: the access key's config name, the models it may use and its limits.
// With auth turned off (loopback only) every caller is the anonymous client allowed
// everything.
struct Caller {
    QString keyName;
    QStringList models;
    AccessKeyLimits limits;
    bool allows(const QString &model) const { return modelAllowed(models, model); }
};

// Finds the access key in `Authorization: Bearer`, `x-api-key` or `api-key` and compares
// it with every configured key in constant time (digests compared without early exit),
// so response timing says nothing about how much of a guess was right.
class Authenticator final {
public:
    Authenticator() = default;
    Authenticator(const QList<AccessKey> &keys, bool required);

    std::variant<Caller, ApiError> authenticate(const QHttpServerRequest &request) const;
    std::variant<Caller, ApiError> authenticateKey(const QByteArray &presented) const;

    static QByteArray presentedKey(const QHttpServerRequest &request);

private:
    struct Entry {
        QByteArray digest;  // SHA-256 of the key: the key itself is not kept here
        Caller caller;
    };
    QList<Entry> m_entries;
    bool m_required = true;
};

} // namespace onegate
