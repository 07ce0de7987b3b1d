#pragma once

#include "HttpConnection.h"
#include "UpstreamCall.h"

#include <QPointer>

namespace onegate {

class HttpConnectionPool;

// An UpstreamCall carried by a keep-alive connection from an HttpConnectionPool, on the
// calling thread. A request that meets a kept-alive connection the provider had already
// closed goes once more on a fresh one: nothing of it reached the provider as a request.
class PooledUpstreamCall final : public UpstreamCall, private HttpConnection::Exchange {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PooledUpstreamCall)
public:
    // `request` is the whole HTTP/1.1 request (HttpRequestWriter); sending starts at once.
    PooledUpstreamCall(HttpConnectionPool &pool, const HttpOrigin &origin, const QUrl &url,
                       QByteArray request, const TransportPolicy &policy, bool stream,
                       QObject *parent = nullptr);
    ~PooledUpstreamCall() override;

    QByteArray responseHeader(const QByteArray &name) const override;

private:
    void send();
    void stopWire() override;

    void connectionSent() override;
    void connectionHead(int status, const HttpHeaderList &headers) override;
    void connectionBody(QByteArrayView bytes) override;
    void connectionComplete() override;
    void connectionFailed(const QString &text, bool stale) override;

    QPointer<HttpConnectionPool> m_pool;
    HttpOrigin m_origin;
    QUrl m_url;
    QByteArray m_request;
    QPointer<HttpConnection> m_connection;
    HttpHeaderList m_headers;
    bool m_resent = false;
};

// The bytes of an HTTP/1.1 request for `request` (origin-form target, Host, the
// request's headers, Content-Length), ready for one write.
QByteArray httpRequestBytes(const UpstreamRequest &request);

} // namespace onegate
