#pragma once

#include "core/ApiError.h"

#include <QByteArray>
#include <QList>
#include <optional>

class QHttpServerRequest;

namespace onegate {

// Refuses requests whose Host header is not this server: a web page on another origin
// can make a browser resolve its own name to 127.0.0.1 (DNS rebinding), but it cannot
// make the browser send our host name. Runs on every path, before routing.
class HostGuard final {
public:
    HostGuard() = default;
    HostGuard(const QString &configuredHost, quint16 port);

    std::optional<ApiError> check(const QHttpServerRequest &request) const;
    bool allows(const QByteArray &hostHeader) const;

private:
    QList<QByteArray> m_allowed;  // "host:port", lower case
};

} // namespace onegate
