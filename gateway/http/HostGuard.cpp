#include "HostGuard.h"

#include <QHostAddress>
#include <QHostInfo>
#include <QHttpServerRequest>
#include <QNetworkInterface>

namespace onegate {

HostGuard::HostGuard(const QString &configuredHost, quint16 port)
{
    const QByteArray suffix = ':' + QByteArray::number(port);
    QList<QByteArray> hosts{QByteArrayLiteral("localhost"), QByteArrayLiteral("127.0.0.1"),
                            QByteArrayLiteral("[::1]")};
    QByteArray configured = configuredHost.toLower().toUtf8();
    if (QHostAddress(configuredHost).protocol() == QAbstractSocket::IPv6Protocol)
        configured = '[' + configured + ']';
    if (configured == "0.0.0.0" || configured == "[::]") {
        // LAN access: a wildcard address is not a name anyone can send. Devices on the
        // network address this computer by one of its own addresses or by its name, so
        // those are allowed; a page's own host name (DNS rebinding) still is not. The
        // list is taken when the address is bound: an address the computer gets later
        // is allowed from the next bind (restart or Settings change) on.
        const QList<QHostAddress> own = QNetworkInterface::allAddresses();
        for (const QHostAddress &address : own) {
            // Scoped (link-local) IPv6 addresses cannot be written in a Host header.
            if (address.isLoopback() || !address.scopeId().isEmpty())
                continue;
            QByteArray text = address.toString().toLower().toUtf8();
            if (address.protocol() == QAbstractSocket::IPv6Protocol)
                text = '[' + text + ']';
            hosts.append(text);
        }
        const QByteArray name = QHostInfo::localHostName().toLower().toUtf8();
        if (!name.isEmpty() && name != "localhost") {
            hosts.append(name);
            if (!name.contains('.'))
                hosts.append(name + ".local");  // the mDNS name LAN devices use
        }
    } else if (!configured.isEmpty()) {
        hosts.append(configured);
    }
    for (const QByteArray &host : std::as_const(hosts)) {
        if (!m_allowed.contains(host + suffix))
            m_allowed.append(host + suffix);
    }
}

bool HostGuard::allows(const QByteArray &hostHeader) const
{
    return m_allowed.contains(hostHeader.trimmed().toLower());
}

std::optional<ApiError> HostGuard::check(const QHttpServerRequest &request) const
{
    const QByteArray host = request.value(QByteArrayLiteral("host"));
    if (allows(host))
        return std::nullopt;
    const QString shown = host.isEmpty() ? QStringLiteral("(none)")
                                         : QString::fromLatin1(host.left(100));
    return ApiError::make(403, QStringLiteral("invalid_request_error"), QStringLiteral("host_not_allowed"),
                          QStringLiteral("Host header %1 is not allowed: OneGate answers only requests "
                                         "addressed to %2 (this protects against DNS rebinding)")
                              .arg(shown, QString::fromLatin1(m_allowed.join(", "))));
}

} // namespace onegate
