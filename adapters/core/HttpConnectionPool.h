#pragma once

#include "HttpConnection.h"

#include <QElapsedTimer>
#include <QHash>
#include <QList>
#include <QSet>
#include <QObject>
#include <QSslConfiguration>
#include <QTimer>

#include <optional>

namespace onegate {

// Keep-alive connections to a provider's origins, reused most-recently-used first so a
// few warm connections carry a light load. There is no cap on connections per origin
// (unlike QNetworkAccessManager's six): long streams to a plain-HTTP local server must
// not queue behind each other, and the listeners' connection caps bound the total.
// Idle connections close after kIdleMs, or as soon as the provider closes them.
class HttpConnectionPool final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(HttpConnectionPool)
public:
    static constexpr int kIdleMs = 30'000;
    static constexpr int kMaxIdlePerOrigin = 256;

    explicit HttpConnectionPool(QObject *parent = nullptr);
    ~HttpConnectionPool() override;

    // TLS settings for new connections (default: the system's CAs, HTTP/1.1 by ALPN).
    void setTlsConfiguration(const QSslConfiguration &tls) { m_tls = tls; }
    // The settings in use; made on the first TLS connection, so that a gateway with only
    // plain-HTTP providers never loads the TLS library (a few MB of resident memory).
    const QSslConfiguration &tlsConfiguration();

    // An idle open connection to `origin`, or a new one (which connects on its first
    // send); always a new one when `fresh`.
    HttpConnection *acquire(const HttpOrigin &origin, bool fresh = false);
    // The exchange on `connection` ended: kept for reuse if it can carry another request,
    // closed otherwise.
    void release(HttpConnection *connection);

    // How long an idle connection is kept (kIdleMs; tests shorten it).
    void setIdleTimeoutMs(int ms);

    int idleCount() const;
    int openCount() const { return int(m_live.size()); }

private:
    struct Idle {
        HttpConnection *connection;
        qint64 since;
    };
    void drop(HttpConnection *connection);
    void expire();

    std::optional<QSslConfiguration> m_tls;
    QHash<HttpOrigin, QList<Idle>> m_idle;
    QElapsedTimer m_clock;
    QTimer m_expiry;
    int m_idleMs = kIdleMs;
    QSet<HttpConnection *> m_live;  // every connection not yet dropped
};

} // namespace onegate
