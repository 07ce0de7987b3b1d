#include "HttpConnection.h"

#include <QHash>
#include <QSslConfiguration>
#include <QSslSocket>
#include <QTcpSocket>

namespace onegate {

size_t qHash(const HttpOrigin &origin, size_t seed) noexcept
{
    return qHashMulti(seed, origin.tls, origin.host, origin.port);
}

HttpConnection::HttpConnection(const HttpOrigin &origin, const QSslConfiguration *tls, QObject *parent)
    : QObject(parent)
    , m_origin(origin)
{
    if (origin.tls) {
        auto *socket = new QSslSocket(this);
        if (tls)
            socket->setSslConfiguration(*tls);
        socket->setPeerVerifyName(origin.host);
        connect(socket, &QSslSocket::encrypted, this, &HttpConnection::onConnected);
        m_socket = socket;
    } else {
        m_socket = new QTcpSocket(this);
        connect(m_socket, &QAbstractSocket::connected, this, &HttpConnection::onConnected);
    }
    connect(m_socket, &QAbstractSocket::readyRead, this, &HttpConnection::onReadyRead);
    connect(m_socket, &QAbstractSocket::bytesWritten, this, &HttpConnection::onBytesWritten);
    connect(m_socket, &QAbstractSocket::errorOccurred, this, &HttpConnection::onSocketGone);
    connect(m_socket, &QAbstractSocket::disconnected, this, &HttpConnection::onSocketGone);
}

HttpConnection::~HttpConnection()
{
    m_exchange = nullptr;
    m_socket->disconnect(this);
    m_socket->abort();
}

bool HttpConnection::isReusable() const
{
    return !m_exchange && !m_closed && m_open && m_parser.isComplete() && m_parser.keepAlive();
}

void HttpConnection::send(const QByteArray &request, Exchange *exchange)
{
    Q_ASSERT(!m_exchange && !m_closed);
    m_exchange = exchange;
    m_parser.reset();
    m_sent = false;
    m_answered = false;
    m_pending = request;
    if (m_open) {
        writePending();
    } else if (m_socket->state() == QAbstractSocket::UnconnectedState) {
        if (m_origin.tls)
            static_cast<QSslSocket *>(m_socket)->connectToHostEncrypted(m_origin.host, m_origin.port);
        else
            m_socket->connectToHost(m_origin.host, m_origin.port);
    }
}

void HttpConnection::detach()
{
    if (!m_exchange)
        return;
    m_exchange = nullptr;
    m_parser.abandon();
    close();
}

void HttpConnection::onConnected()
{
    m_open = true;
    // One request is one write: waiting for more (Nagle) only adds a round trip.
    m_socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    if (m_exchange && !m_pending.isEmpty())
        writePending();
}

void HttpConnection::writePending()
{
    const QByteArray request = std::move(m_pending);
    m_pending = QByteArray();
    m_socket->write(request);
    // Straight to the kernel, not on the next turn of the event loop.
    m_socket->flush();
    onBytesWritten();
}

void HttpConnection::onBytesWritten()
{
    if (m_sent || !m_exchange || !m_pending.isEmpty() || m_socket->bytesToWrite() > 0)
        return;
    if (auto *tls = qobject_cast<QSslSocket *>(m_socket); tls && tls->encryptedBytesToWrite() > 0)
        return;
    m_sent = true;
    m_exchange->connectionSent();
}

void HttpConnection::onReadyRead()
{
    const QByteArray bytes = m_socket->readAll();
    if (bytes.isEmpty())
        return;
    if (!m_exchange) {
        // Idle, yet the provider speaks: the connection is out of step; never reuse it.
        close();
        return;
    }
    m_answered = true;
    const bool ok = m_parser.feed(bytes, *this);
    if (!m_exchange) {
        // Done with this response (or detached); stray bytes may have spoilt reuse.
        if (!m_parser.keepAlive() || !ok)
            close();
        return;
    }
    if (!ok)
        fail(m_parser.errorText(), false);
}

void HttpConnection::onSocketGone()
{
    if (m_closed)
        return;
    if (m_exchange) {
        // Whatever the socket still holds belongs to the answer.
        if (m_socket->bytesAvailable() > 0)
            onReadyRead();
    }
    if (m_exchange) {
        if (m_answered) {
            if (!m_parser.finishAtClose(*this) && m_exchange)
                fail(m_parser.errorText(), false);
        } else {
            const QString text = m_socket->error() == QAbstractSocket::RemoteHostClosedError || m_socket->error() == QAbstractSocket::UnknownSocketError
                ? QStringLiteral("the provider closed the connection without answering")
                : m_socket->errorString();
            fail(text, m_exchangesDone > 0);
        }
    }
    close();
}

void HttpConnection::fail(const QString &text, bool stale)
{
    Exchange *exchange = m_exchange;
    m_exchange = nullptr;
    m_parser.abandon();
    close();
    if (exchange)
        exchange->connectionFailed(text, stale);
}

void HttpConnection::close()
{
    if (m_closed)
        return;
    m_closed = true;
    m_open = false;
    m_socket->disconnect(this);
    m_socket->abort();
    Q_EMIT closed();
}

void HttpConnection::responseHead(int status, const HttpHeaderList &headers)
{
    if (!m_exchange) {
        m_parser.abandon();
        return;
    }
    m_exchange->connectionHead(status, headers);
    if (!m_exchange)
        m_parser.abandon();
}

void HttpConnection::responseBody(QByteArrayView bytes)
{
    if (!m_exchange) {
        m_parser.abandon();
        return;
    }
    m_exchange->connectionBody(bytes);
    if (!m_exchange)
        m_parser.abandon();
}

void HttpConnection::responseComplete()
{
    ++m_exchangesDone;
    Exchange *exchange = m_exchange;
    // Idle from here on: the exchange hands the connection back to its pool.
    m_exchange = nullptr;
    if (exchange)
        exchange->connectionComplete();
}

} // namespace onegate
