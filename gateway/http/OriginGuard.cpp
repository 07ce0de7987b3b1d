#include "OriginGuard.h"

namespace onegate {

namespace {

// Request headers a page may send: what the API reads, and what the official SDKs add.
bool allowedRequestHeader(const QByteArray &name)
{
    static const QList<QByteArray> names{
        "authorization", "content-type", "x-api-key", "api-key", "anthropic-version", "anthropic-beta",
        "anthropic-dangerous-direct-browser-access", "openai-organization", "openai-project", "openai-beta",
        "x-onegate-cache", "idempotency-key"};
    return names.contains(name) || name.startsWith("x-stainless-");
}

} // namespace

OriginGuard::OriginGuard(const CorsSettings &settings)
    : m_extensions(settings.extensions)
{
    for (const QString &origin : settings.origins)
        m_origins.append(origin.toLower().toUtf8());
}

bool OriginGuard::allows(const QByteArray &origin) const
{
    const QByteArray lower = origin.trimmed().toLower();
    if (m_origins.contains(lower))
        return true;
    if (!m_extensions)
        return false;
    for (const char *scheme : {"chrome-extension://", "moz-extension://", "app://"}) {
        const QByteArray prefix(scheme);
        if (lower.startsWith(prefix) && lower.size() > prefix.size() && !lower.mid(prefix.size()).contains('/'))
            return true;
    }
    return false;
}

HeaderPairs OriginGuard::responseHeaders(const QByteArray &origin)
{
    return {{QByteArrayLiteral("Access-Control-Allow-Origin"), origin.trimmed()},
            {QByteArrayLiteral("Vary"), QByteArrayLiteral("Origin")},
            {QByteArrayLiteral("Access-Control-Expose-Headers"),
             QByteArrayLiteral("x-onegate-provider, x-onegate-attempts, x-onegate-cache, retry-after, "
                               "x-ratelimit-limit-requests, x-ratelimit-remaining-requests, x-ratelimit-reset-requests, "
                               "x-ratelimit-limit-tokens, x-ratelimit-remaining-tokens, x-ratelimit-reset-tokens")}};
}

HeaderPairs OriginGuard::preflightHeaders(const QByteArray &origin, const QByteArray &requestedHeaders)
{
    QList<QByteArray> granted;
    for (const QByteArray &raw : requestedHeaders.split(',')) {
        const QByteArray name = raw.trimmed().toLower();
        if (!name.isEmpty() && allowedRequestHeader(name) && !granted.contains(name))
            granted.append(name);
    }
    HeaderPairs headers{{QByteArrayLiteral("Access-Control-Allow-Origin"), origin.trimmed()},
                        {QByteArrayLiteral("Vary"), QByteArrayLiteral("Origin")},
                        {QByteArrayLiteral("Access-Control-Allow-Methods"), QByteArrayLiteral("GET, POST, OPTIONS")},
                        {QByteArrayLiteral("Access-Control-Max-Age"), QByteArrayLiteral("600")}};
    if (!granted.isEmpty())
        headers.append({QByteArrayLiteral("Access-Control-Allow-Headers"), granted.join(", ")});
    return headers;
}

ApiError OriginGuard::refusal(const QByteArray &origin)
{
    return ApiError::make(403, QStringLiteral("invalid_request_error"), QStringLiteral("origin_not_allowed"),
                          QStringLiteral("Requests from the web origin %1 are not allowed: a web page must not use "
                                         "your OneGate. If you trust it, add it to \"cors\".\"origins\" in the "
                                         "config (Settings).")
                              .arg(QString::fromLatin1(origin.trimmed().left(200))));
}

} // namespace onegate
