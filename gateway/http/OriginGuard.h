#pragma once

#include "config/Config.h"
#include "core/ApiError.h"
#include "http/HttpResponses.h"

#include <QByteArray>

namespace onegate {

// Browser origins (CORS). Scripts on a web page send `Origin`; native clients and SDKs
// do not. So a request without Origin passes, and one with an Origin passes only when
// the config allows it (an exact origin in `cors.origins`, or with `cors.extensions` any
// chrome-extension://, moz-extension:// or app:// origin). Everything else is refused
// before auth, even with a valid key: a page must not spend the user's money. Allowed
// origins get the CORS response headers, the origin itself named (never "*").
class OriginGuard final {
public:
    OriginGuard() = default;
    explicit OriginGuard(const CorsSettings &settings);

    bool allows(const QByteArray &origin) const;

    // What every response to an allowed origin's request carries.
    static HeaderPairs responseHeaders(const QByteArray &origin);
    // A preflight's answer (204): the methods OneGate serves and, of the headers the page
    // asks to send, those the API reads (auth, content type, the dialects' own).
    static HeaderPairs preflightHeaders(const QByteArray &origin, const QByteArray &requestedHeaders);
    // The 403 for an origin that is not allowed.
    static ApiError refusal(const QByteArray &origin);

private:
    QList<QByteArray> m_origins;  // lower case
    bool m_extensions = false;
};

} // namespace onegate
