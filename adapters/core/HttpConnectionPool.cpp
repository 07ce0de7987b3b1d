#include "HttpConnectionPool.h"

namespace onegate {

HttpConnectionPool::HttpConnectionPool(QObject *parent)
    : QObject(parent)
    , m_expiry(this)  // a child, so it moves with the pool to the gateway thread
{
    m_clock.start();
    m_expiry.setInterval(m_idleMs / 3);
    connect(&m_expiry, &QTimer::timeout, this, &HttpConnectionPool::expire);
}

HttpConnectionPool::~HttpConnectionPool() = default;

void HttpConnectionPool::setIdleTimeoutMs(int ms)
{
    m_idleMs = qMax(1, ms);
    m_expiry.setInterval(qMax(1, m_idleMs / 3));
}

const QSslConfiguration &HttpConnectionPool::tlsConfiguration()
{
    if (!m_tls) {
        m_tls = QSslConfiguration::defaultConfiguration();
        // Providers that offer HTTP/2 would pick it by ALPN; this client speaks HTTP/1.1.
        m_tls->setAllowedNextProtocols({QSslConfiguration::NextProtocolHttp1_1});
    }
    return *m_tls;
}

int HttpConnectionPool::idleCount() const
{
    int count = 0;
    for (const QList<Idle> &list : m_idle)
        count += int(list.size());
    return count;
}

HttpConnection *HttpConnectionPool::acquire(const HttpOrigin &origin, bool fresh)
{
    auto it = fresh ? m_idle.end() : m_idle.find(origin);
    if (it != m_idle.end()) {
        while (!it->isEmpty()) {
            HttpConnection *connection = it->takeLast().connection;
            if (connection->isReusable())
                return connection;
            drop(connection);
        }
    }
    auto *connection = new HttpConnection(origin, origin.tls ? &tlsConfiguration() : nullptr, this);
    m_live.insert(connection);
    connect(connection, &HttpConnection::closed, this, [this, connection] { drop(connection); });
    return connection;
}

void HttpConnectionPool::release(HttpConnection *connection)
{
    if (!connection->isReusable()) {
        drop(connection);
        return;
    }
    QList<Idle> &list = m_idle[connection->origin()];
    if (list.size() >= kMaxIdlePerOrigin) {
        drop(connection);
        return;
    }
    list.append({connection, m_clock.elapsed()});
    if (!m_expiry.isActive())
        m_expiry.start();
}

// Forgets the connection wherever it is and deletes it once the current event (which
// may be one of its own signals) is over.
void HttpConnectionPool::drop(HttpConnection *connection)
{
    if (!m_live.remove(connection))
        return;
    connection->disconnect(this);
    auto it = m_idle.find(connection->origin());
    if (it != m_idle.end()) {
        it->removeIf([connection](const Idle &idle) { return idle.connection == connection; });
        if (it->isEmpty())
            m_idle.erase(it);
    }
    connection->detach();
    connection->deleteLater();
}

void HttpConnectionPool::expire()
{
    const qint64 now = m_clock.elapsed();
    QList<HttpConnection *> stale;
    for (const QList<Idle> &list : std::as_const(m_idle)) {
        for (const Idle &idle : list) {
            if (now - idle.since >= m_idleMs)
                stale.append(idle.connection);
        }
    }
    for (HttpConnection *connection : stale)
        drop(connection);
    if (m_idle.isEmpty())
        m_expiry.stop();
}

} // namespace onegate
