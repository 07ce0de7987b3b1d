#pragma once

#include "RequestFraming.h"

#include <QByteArray>
#include <QObject>

class QTcpSocket;
class QTimer;

namespace onegate {

// How long a client may take: to send a request's headers once it began them (a
// slow-loris client holds a connection open this way), and between two reads of a body.
// Over either: 408 and the connection closed.
struct ClientTimeouts {
    int headersMs = 10'000;
    int bodyIdleMs = 30'000;
};

// Follows the HTTP/1.1 request framing on one keep-alive connection (RequestFraming) by
// peeking at each read before QHttpServer consumes it. Over a limit it answers 413 (body)
// or 431 (headers) in OpenAI error shape, discards the buffered bytes and closes the
// connection. A request two parsers could frame differently or whose absolute-form target
// names another host than its Host header gets a 400 the same way: nothing after it is
// served. A slow head or a stalled body gets a 408.
class RequestSizeGuard final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RequestSizeGuard)
public:
    static constexpr qint64 kMaxHeaderBytes = RequestFraming::kMaxHeaderBytes;
    static constexpr int kMaxHeaderLines = RequestFraming::kMaxHeaderLines;

    using Timeouts = ClientTimeouts;

    RequestSizeGuard(QTcpSocket *socket, qint64 maxBodyBytes, Timeouts timeouts = {});

    // To be called once QHttpServer has connected its reader to the socket (right after
    // QTcpServer::addPendingConnection()): the guard then also runs after each of the
    // server's reads, to learn which of the bytes it scanned the server left buffered.
    void followServerReads();

private:
    void onReadyRead();
    void afterServerRead();
    // Writes the framing's refusal and closes the connection (lingering).
    void answerRefusal();

    QTcpSocket *m_socket;
    Timeouts m_timeouts;
    QTimer *m_deadline;        // the headers' or the body's, whichever is being read
    RequestFraming m_framing;
    qint64 m_scannedAhead = 0;  // buffered bytes already scanned, at the front of the buffer
};

} // namespace onegate
