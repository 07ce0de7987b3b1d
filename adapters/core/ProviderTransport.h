#pragma once

#include "HttpConnection.h"
#include "ProviderSettings.h"
#include "UpstreamCall.h"

#include <QHash>
#include <QList>
#include <QObject>

class QNetworkAccessManager;

namespace onegate {

class HttpConnectionPool;

// The network side of one provider. Without a proxy in the way, calls go on pooled
// keep-alive HTTP/1.1 connections on the calling thread (HttpConnectionPool): no hop to
// a network thread, no limit of six connections per host. Behind a proxy they go through
// a small pool of QNetworkAccessManagers sharing the provider's proxy; the pool grows on
// demand and each call goes to the least-loaded manager (DESIGN.md section 3).
class ProviderTransport final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ProviderTransport)
public:
    explicit ProviderTransport(const ProxySetting &proxy, QObject *parent = nullptr);
    ~ProviderTransport() override;

    UpstreamCall *start(const UpstreamRequest &request, const TransportPolicy &policy,
                        bool stream, QObject *parent);

    int managerCount() const { return int(m_managers.size()); }
    HttpConnectionPool &connections() { return *m_connections; }

private:
    struct Slot {
        QNetworkAccessManager *manager = nullptr;
        int inFlight = 0;
    };
    Slot &leastLoaded();
    // No proxy stands between OneGate and `origin` (none configured, or the system's
    // settings name none for it).
    bool reachesDirectly(const HttpOrigin &origin, const QUrl &url);
    UpstreamCall *startThroughManager(const UpstreamRequest &request, const TransportPolicy &policy,
                                      bool stream, QObject *parent);

    ProxySetting m_proxy;
    HttpConnectionPool *m_connections;
    QHash<HttpOrigin, bool> m_direct;  // reachesDirectly(), asked once per origin
    QList<Slot> m_managers;
};

} // namespace onegate
