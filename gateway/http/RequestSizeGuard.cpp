#include "RequestSizeGuard.h"

#include "dialects/AnthropicAnswerEncoder.h"
#include "http/HttpResponses.h"

#include <QTcpSocket>
#include <QTimer>

#ifdef Q_OS_UNIX
#include <sys/socket.h>
#endif

namespace onegate {

namespace {
// How long a rejected connection keeps draining what the client still sends.
constexpr int kLingerMs = 3000;
} // namespace

RequestSizeGuard::RequestSizeGuard(QTcpSocket *socket, qint64 maxBodyBytes, Timeouts timeouts)
    : QObject(socket)
    , m_socket(socket)
    , m_timeouts(timeouts)
    , m_deadline(new QTimer(this))
    , m_framing(maxBodyBytes)
{
    // Connected before QHttpServer sees the socket, so this slot runs first on every read.
    connect(socket, &QTcpSocket::readyRead, this, &RequestSizeGuard::onReadyRead);
    m_deadline->setSingleShot(true);
    connect(m_deadline, &QTimer::timeout, this, [this] {
        const bool headers = m_framing.readingHead();
        m_framing.refuse(408, "Request Timeout",
                         headers ? QStringLiteral("the request headers did not arrive within %1 s").arg(m_timeouts.headersMs / 1000)
                                 : QStringLiteral("the request body stalled for %1 s").arg(m_timeouts.bodyIdleMs / 1000));
        answerRefusal();
    });
}

void RequestSizeGuard::onReadyRead()
{
    if (m_framing.refused()) {
        m_socket->readAll();
        return;
    }
    // What is buffered now is what QHttpServer left after its last read (see
    // afterServerRead(), scanned already) followed by what arrived since.
    const qint64 available = m_socket->bytesAvailable();
    const QByteArray fresh = m_socket->peek(available).mid(qMin(m_scannedAhead, available));
    m_scannedAhead = available;
    if (!m_framing.scan(fresh.constData(), fresh.size())) {
        answerRefusal();
        m_socket->readAll();  // the server's parser must never see the rejected request
        return;
    }
    // A request's head has its deadline from its first byte on; a body restarts its
    // own with every read; between requests (an idle keep-alive) there is none.
    if (m_framing.readingHead()) {
        if (!m_framing.insideHead())
            m_deadline->stop();
        else if (!m_deadline->isActive())
            m_deadline->start(m_timeouts.headersMs);
    } else {
        m_deadline->start(m_timeouts.bodyIdleMs);
    }
}

void RequestSizeGuard::followServerReads()
{
    connect(m_socket, &QTcpSocket::readyRead, this, &RequestSizeGuard::afterServerRead);
}

void RequestSizeGuard::afterServerRead()
{
    // QHttpServer 6.4 takes one whole request per read and leaves what follows it (a
    // pipelined request) buffered, emitting readyRead again for it later. Scanning those
    // bytes a second time would put the framing out of step with the server's: a body
    // counted twice ends early, and the rest of it is then read as a request head while
    // the server reads on in the body, unchecked.
    m_scannedAhead = m_socket->bytesAvailable();
}

void RequestSizeGuard::answerRefusal()
{
    m_deadline->stop();
    const RequestFraming::Refusal &refusal = m_framing.refusal();
    const ApiError error = ApiError::make(refusal.status, QStringLiteral("invalid_request_error"),
                                          refusal.status == 413 ? QStringLiteral("request_too_large") : QString(),
                                          refusal.message);
    const QByteArray body = refusal.anthropicShape ? AnthropicAnswerEncoder::errorBody(error) : openAiErrorBody(error);
    m_socket->write("HTTP/1.1 " + QByteArray::number(refusal.status) + ' ' + refusal.reason
                    + "\r\nContent-Type: application/json\r\nContent-Length: "
                    + QByteArray::number(body.size()) + "\r\nConnection: close\r\n\r\n" + body);
    // Lingering close, as nginx and Apache do: closing with the client's body still
    // unread makes the kernel send a reset, and a client that writes its whole body
    // before reading (Node fetch, Python http.client, QTcpSocket) then sees ECONNRESET
    // instead of this answer. So only our sending side is shut once the answer is out;
    // what still arrives is read and dropped (the framing stays refused) until the client closes,
    // or for kLingerMs at most.
    QTcpSocket *socket = m_socket;
    const auto endSending = [socket] {
#ifdef Q_OS_UNIX
        if (socket->bytesToWrite() == 0 && socket->socketDescriptor() >= 0)
            ::shutdown(static_cast<int>(socket->socketDescriptor()), SHUT_WR);
#else
        Q_UNUSED(socket)
#endif
    };
    m_socket->flush();
    if (m_socket->bytesToWrite() == 0)
        endSending();
    else
        connect(m_socket, &QTcpSocket::bytesWritten, this, endSending);
    QTimer::singleShot(kLingerMs, m_socket, [socket] { socket->abort(); });
}

} // namespace onegate
