#include "HostGuard.h"

#include <QHostAddress>
#include <QHttpServerRequest>

namespace onegate {

HostGuard::HostGuard(const QString &configuredHost, quint16 port)
{
    const QByteArray suffix = ':' + QByteArray::number(port);
    QList<QByteArray> hosts{QByteArrayLiteral("localhost"), QByteArrayLiteral("127.0.0.1"),
                            QByteArrayLiteral("[::1]")};
    QByteArray configured = configuredHost.toLower().toUtf8();
    if (QHostAddress(configuredHost).protocol() == QAbstractSocket::IPv6Protocol)
        configured = '[' + configured + ']';
    // A wildcard bind address is not a name anyone can send; it is covered by the
    // loopback names (LAN access with real host names comes with the settings page).
    if (!configured.isEmpty() && configured != "0.0.0.0" && configured != "[::]"
        && !hosts.contains(configured))
        hosts.append(configured);
    for (const QByteArray &host : std::as_const(hosts))
        m_allowed.append(host + suffix);
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
