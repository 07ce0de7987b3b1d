#include "ProviderTransport.h"

#include "HttpConnectionPool.h"
#include "NetworkReplyCall.h"
#include "PooledUpstreamCall.h"

#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkProxyFactory>
#include <QNetworkReply>
#include <QNetworkRequest>

namespace onegate {

namespace {
// Six HTTP/1.1 connections per host per manager; beyond this a new manager is cheaper
// than queueing a stream behind others.
constexpr int kCallsPerManager = 6;
constexpr int kMaxManagers = 64;

// ONEGATE_UPSTREAM_TRANSPORT=qnam sends every call through QNetworkAccessManager, for
// side-by-side measurements (bench/README.md) and HTTP/2 to providers that offer it.
bool managersForced()
{
    static const bool forced = qgetenv("ONEGATE_UPSTREAM_TRANSPORT") == "qnam";
    return forced;
}
} // namespace

ProviderTransport::ProviderTransport(const ProxySetting &proxy, QObject *parent)
    : QObject(parent)
    , m_proxy(proxy)
    , m_connections(new HttpConnectionPool(this))
{
}

ProviderTransport::~ProviderTransport() = default;

bool ProviderTransport::reachesDirectly(const HttpOrigin &origin, const QUrl &url)
{
    switch (m_proxy.mode) {
    case ProxySetting::Mode::None:
        return true;
    case ProxySetting::Mode::Http:
    case ProxySetting::Mode::Socks5:
        return false;
    case ProxySetting::Mode::System:
        break;
    }
    auto it = m_direct.constFind(origin);
    if (it != m_direct.constEnd())
        return *it;
    const QList<QNetworkProxy> proxies = QNetworkProxyFactory::systemProxyForQuery(QNetworkProxyQuery(url));
    const bool direct = proxies.isEmpty() || proxies.first().type() == QNetworkProxy::NoProxy;
    m_direct.insert(origin, direct);
    return direct;
}

UpstreamCall *ProviderTransport::start(const UpstreamRequest &request,
                                       const TransportPolicy &policy, bool stream,
                                       QObject *parent)
{
    const QString scheme = request.url.scheme();
    const bool tls = scheme == QLatin1String("https");
    if (managersForced() || (!tls && scheme != QLatin1String("http")))
        return startThroughManager(request, policy, stream, parent);
    const HttpOrigin origin{tls, request.url.host(), quint16(request.url.port(tls ? 443 : 80))};
    if (!reachesDirectly(origin, request.url))
        return startThroughManager(request, policy, stream, parent);
    return new PooledUpstreamCall(*m_connections, origin, request.url, httpRequestBytes(request), policy,
                                  stream, parent);
}

ProviderTransport::Slot &ProviderTransport::leastLoaded()
{
    Slot *best = nullptr;
    for (Slot &slot : m_managers) {
        if (!best || slot.inFlight < best->inFlight)
            best = &slot;
    }
    if (best && (best->inFlight < kCallsPerManager || m_managers.size() >= kMaxManagers))
        return *best;

    auto *manager = new QNetworkAccessManager(this);
    manager->setRedirectPolicy(QNetworkRequest::ManualRedirectPolicy);
    // Cookies would let one client's session leak into another's requests.
    manager->setCookieJar(nullptr);
    switch (m_proxy.mode) {
    case ProxySetting::Mode::System:
        break;
    case ProxySetting::Mode::None:
        manager->setProxy(QNetworkProxy(QNetworkProxy::NoProxy));
        break;
    case ProxySetting::Mode::Http:
    case ProxySetting::Mode::Socks5: {
        const auto type = m_proxy.mode == ProxySetting::Mode::Http ? QNetworkProxy::HttpProxy
                                                                    : QNetworkProxy::Socks5Proxy;
        manager->setProxy(QNetworkProxy(type, m_proxy.url.host(), quint16(m_proxy.url.port(type == QNetworkProxy::HttpProxy ? 8080 : 1080)),
                                        m_proxy.url.userName(), m_proxy.url.password()));
        break;
    }
    }
    m_managers.append(Slot{manager, 0});
    return m_managers.last();
}

UpstreamCall *ProviderTransport::startThroughManager(const UpstreamRequest &request,
                                                     const TransportPolicy &policy, bool stream,
                                                     QObject *parent)
{
    Slot &slot = leastLoaded();
    QNetworkRequest netRequest(request.url);
    netRequest.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    for (const auto &[name, value] : request.headers)
        netRequest.setRawHeader(name, value);
    QNetworkReply *reply = slot.manager->sendCustomRequest(netRequest, request.method, request.body);

    auto *call = new NetworkReplyCall(reply, policy, stream, parent);
    ++slot.inFlight;
    QNetworkAccessManager *manager = slot.manager;
    // Count by manager pointer: the slot list may grow (and move) while this call runs.
    connect(call, &QObject::destroyed, this, [this, manager] {
        for (Slot &s : m_managers) {
            if (s.manager == manager) {
                --s.inFlight;
                break;
            }
        }
    });
    return call;
}

} // namespace onegate
