#include "common/GatewayEndpoint.h"

#include "config/Config.h"

#include <QHostAddress>

using namespace Qt::StringLiterals;

namespace onegate {

namespace {

QString clientHostFor(const QString &host)
{
    const QHostAddress address(host);
    if (host.compare(u"localhost"_s, Qt::CaseInsensitive) == 0 || address == QHostAddress::AnyIPv4)
        return u"127.0.0.1"_s;
    // An IPv6 wildcard bind is reachable from this computer over IPv6 loopback.
    if (address == QHostAddress::AnyIPv6)
        return u"::1"_s;
    return host;
}

} // namespace

QString gatewayClientHost(const Config &config)
{
    return clientHostFor(config.listenHost);
}

QUrl gatewayOrigin(const Config &config, quint16 port)
{
    QUrl url;
    url.setScheme(u"http"_s);
    url.setHost(gatewayClientHost(config)); // QUrl brackets IPv6 addresses itself
    url.setPort(port);
    return url;
}

QUrl gatewayApiBase(const Config &config, quint16 port)
{
    QUrl url = gatewayOrigin(config, port);
    url.setPath(u"/v1"_s);
    return url;
}

QUrl ollamaOrigin(const Config &config)
{
    QUrl url;
    url.setScheme(u"http"_s);
    url.setHost(clientHostFor(config.ollama.host));
    url.setPort(config.ollama.port);
    return url;
}

} // namespace onegate
