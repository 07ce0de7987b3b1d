#pragma once

#include "HttpResponseParser.h"

#include <QByteArray>
#include <QObject>
#include <QPointer>
#include <QString>

#include <memory>

class QAbstractSocket;
class QSslConfiguration;

namespace onegate {

// Where a connection goes: scheme, host and port of a provider's base_url.
struct HttpOrigin {
    bool tls = false;
    QString host;
    quint16 port = 0;
    friend bool operator==(const HttpOrigin &, const HttpOrigin &) = default;
};
size_t qHash(const HttpOrigin &origin, size_t seed = 0) noexcept;

// One keep-alive HTTP/1.1 connection to a provider, on the thread that made it (the
// gateway's): no hop to a network thread, no per-request socket setup once it is warm.
// It carries one exchange at a time; HttpConnectionPool hands it out and takes it back.
// Nagle is off and each request is flushed at once, since a request is one write.
class HttpConnection final : public QObject, private HttpResponseParser::Sink {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(HttpConnection)
public:
    // Receives one exchange's events. Any of them may detach() the exchange (or delete
    // whatever owns it); the connection then stops reporting at once.
    class Exchange {
    public:
        virtual ~Exchange() = default;
        virtual void connectionSent() = 0;  // the whole request reached the socket
        virtual void connectionHead(int status, const HttpHeaderList &headers) = 0;
        virtual void connectionBody(QByteArrayView bytes) = 0;
        virtual void connectionComplete() = 0;
        // The exchange failed. `stale` is true when a kept-alive connection turned out to
        // be closed by the provider before any byte of an answer came: the request may be
        // sent again on a fresh connection (the provider never saw it as a request).
        virtual void connectionFailed(const QString &text, bool stale) = 0;
    };

    // `tls` null for plain HTTP.
    HttpConnection(const HttpOrigin &origin, const QSslConfiguration *tls, QObject *parent = nullptr);
    ~HttpConnection() override;

    const HttpOrigin &origin() const { return m_origin; }
    // Sends `request` (a whole HTTP/1.1 request, head and body) and reports to
    // `exchange`, connecting first if needed. The connection must be idle.
    void send(const QByteArray &request, Exchange *exchange);
    // The exchange goes away. Mid-exchange the connection is closed: its framing is lost.
    void detach();
    // Idle and still open: may carry another request.
    bool isReusable() const;
    int exchangesDone() const { return m_exchangesDone; }

Q_SIGNALS:
    // Closed (by the provider, or after an error or detach): the pool drops it.
    void closed();

private:
    void onConnected();
    void onReadyRead();
    void onBytesWritten();
    void onSocketGone();
    void writePending();
    void fail(const QString &text, bool stale);
    void close();

    void responseHead(int status, const HttpHeaderList &headers) override;
    void responseBody(QByteArrayView bytes) override;
    void responseComplete() override;

    HttpOrigin m_origin;
    QAbstractSocket *m_socket = nullptr;
    HttpResponseParser m_parser;
    Exchange *m_exchange = nullptr;
    QByteArray m_pending;       // request waiting for the connection to open
    bool m_open = false;        // connected (and encrypted, for TLS)
    bool m_closed = false;
    bool m_sent = false;        // this exchange's request was written to the kernel
    bool m_answered = false;    // this exchange has seen response bytes
    int m_exchangesDone = 0;
};

} // namespace onegate
