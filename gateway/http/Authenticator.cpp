#include "Authenticator.h"

#include "core/ApiError.h"

#include <QCryptographicHash>
#include <QHttpServerRequest>

namespace onegate {

namespace {

QByteArray digestOf(const QByteArray &key)
{
    return QCryptographicHash::hash(key, QCryptographicHash::Sha256);
}

bool constantTimeEqual(const QByteArray &a, const QByteArray &b)
{
    if (a.size() != b.size())
        return false;
    unsigned char diff = 0;
    for (qsizetype i = 0; i < a.size(); ++i)
        diff |= static_cast<unsigned char>(a[i] ^ b[i]);
    return diff == 0;
}

} // namespace

Authenticator::Authenticator(const QList<AccessKey> &keys, bool required)
    : m_required(required)
{
    for (const AccessKey &key : keys) {
        if (key.key.isResolved())
            m_entries.append({digestOf(key.key.value), Caller{key.name, key.models, key.limits}});
    }
}

QByteArray Authenticator::presentedKey(const QHttpServerRequest &request)
{
    const QByteArray authorization = request.value(QByteArrayLiteral("authorization")).trimmed();
    if (authorization.size() > 7 && authorization.first(7).toLower() == "bearer ")
        return authorization.mid(7).trimmed();
    const QByteArray xApiKey = request.value(QByteArrayLiteral("x-api-key")).trimmed();
    if (!xApiKey.isEmpty())
        return xApiKey;
    return request.value(QByteArrayLiteral("api-key")).trimmed();
}

std::variant<Caller, ApiError> Authenticator::authenticate(const QHttpServerRequest &request) const
{
    return authenticateKey(presentedKey(request));
}

std::variant<Caller, ApiError> Authenticator::authenticateKey(const QByteArray &presented) const
{
    if (!m_required)
        return Caller{QStringLiteral("anonymous"), {QStringLiteral("*")}, {}};
    if (!presented.isEmpty()) {
        const QByteArray digest = digestOf(presented);
        const Entry *match = nullptr;
        for (const Entry &entry : m_entries) {
            if (constantTimeEqual(entry.digest, digest) && !match)
                match = &entry;
        }
        if (match)
            return match->caller;
    }
    return ApiError::make(401, QStringLiteral("invalid_request_error"), QStringLiteral("invalid_api_key"),
                          presented.isEmpty()
                              ? QStringLiteral("No API key provided. Send your OneGate access key as "
                                               "'Authorization: Bearer KEY', 'x-api-key' or 'api-key'.")
                              : QStringLiteral("Incorrect API key provided. Use an access key from "
                                               "OneGate's config."));
}

} // namespace onegate
