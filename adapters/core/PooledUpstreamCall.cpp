#include "PooledUpstreamCall.h"

#include "HttpConnectionPool.h"

#include <QCoreApplication>

namespace onegate {

namespace {

// Framing is this writer's alone: a header from elsewhere must not contradict it.
bool isFramingHeader(QByteArrayView name)
{
    for (QByteArrayView framing : {QByteArrayView("host"), QByteArrayView("content-length"),
                                   QByteArrayView("transfer-encoding"), QByteArrayView("connection")}) {
        if (name.compare(framing, Qt::CaseInsensitive) == 0)
            return true;
    }
    return false;
}

} // namespace

QByteArray httpRequestBytes(const UpstreamRequest &request)
{
    const QUrl &url = request.url;
    QByteArray target = url.path(QUrl::FullyEncoded).toLatin1();
    if (target.isEmpty())
        target = "/";
    if (url.hasQuery())
        target += '?' + url.query(QUrl::FullyEncoded).toLatin1();
    const bool tls = url.scheme() == QLatin1String("https");
    QByteArray host = url.host(QUrl::FullyEncoded).toLatin1();
    if (host.contains(':'))
        host = '[' + host + ']';
    const int port = url.port(-1);
    if (port >= 0 && port != (tls ? 443 : 80))
        host += ':' + QByteArray::number(port);

    QByteArray out;
    out.reserve(256 + request.body.size() + 64 * request.headers.size());
    out += request.method + ' ' + target + " HTTP/1.1\r\nHost: " + host + "\r\n";
    bool userAgent = false;
    for (const auto &[name, value] : request.headers) {
        if (isFramingHeader(name))
            continue;
        userAgent = userAgent || QByteArrayView(name).compare("user-agent", Qt::CaseInsensitive) == 0;
        out += name + ": " + value + "\r\n";
    }
    // Some providers' front ends refuse requests that carry no User-Agent at all.
    if (!userAgent)
        out += "User-Agent: OneGate/" + QCoreApplication::applicationVersion().toLatin1() + "\r\n";
    if (!request.body.isEmpty() || request.method != "GET")
        out += "Content-Length: " + QByteArray::number(request.body.size()) + "\r\n";
    out += "\r\n";
    out += request.body;
    return out;
}

PooledUpstreamCall::PooledUpstreamCall(HttpConnectionPool &pool, const HttpOrigin &origin, const QUrl &url,
                                       QByteArray request, const TransportPolicy &policy, bool stream,
                                       QObject *parent)
    : UpstreamCall(policy, stream, parent)
    , m_pool(&pool)
    , m_origin(origin)
    , m_url(url)
    , m_request(std::move(request))
{
    send();
}

PooledUpstreamCall::~PooledUpstreamCall()
{
    stopWire();
}

QByteArray PooledUpstreamCall::responseHeader(const QByteArray &name) const
{
    return httpHeaderValue(m_headers, name);
}

void PooledUpstreamCall::send()
{
    if (!m_pool) {
        fail(UpstreamFailure::Network, QStringLiteral("the provider's transport is gone"));
        return;
    }
    // A resend goes on a new connection: the idle ones may be as stale as the last.
    m_connection = m_pool->acquire(m_origin, m_resent);
    m_connection->send(m_request, this);
}

void PooledUpstreamCall::stopWire()
{
    if (HttpConnection *connection = m_connection) {
        m_connection = nullptr;
        connection->detach();
        if (m_pool)
            m_pool->release(connection);
    }
}

void PooledUpstreamCall::connectionSent()
{
    requestSent();
}

void PooledUpstreamCall::connectionHead(int status, const HttpHeaderList &headers)
{
    m_headers = headers;
    const QByteArray location = httpHeaderValue(m_headers, "location");
    responseBegan(status, location.isEmpty() ? QUrl() : m_url.resolved(QUrl::fromEncoded(location)));
}

void PooledUpstreamCall::connectionBody(QByteArrayView bytes)
{
    // Copied: receivers may keep what they are given, the connection's buffer moves on.
    bodyReceived(bytes.toByteArray());
}

void PooledUpstreamCall::connectionComplete()
{
    HttpConnection *connection = m_connection;
    m_connection = nullptr;
    if (connection && m_pool)
        m_pool->release(connection);
    if (!hasStarted()) {
        fail(UpstreamFailure::Network, QStringLiteral("the provider's answer had no status"));
        return;
    }
    succeeded();
}

void PooledUpstreamCall::connectionFailed(const QString &text, bool stale)
{
    m_connection = nullptr;  // it closed itself; the pool drops it
    if (stale && !m_resent && !hasStarted()) {
        m_resent = true;
        send();
        return;
    }
    fail(UpstreamFailure::Network, text);
}

} // namespace onegate
