#pragma once

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

// Follows the HTTP/1.1 request framing on one keep-alive connection (headers, then a
// Content-Length or chunked body) by peeking at each read before QHttpServer consumes
// it, and counts per request. Over a limit it answers 413 (body) or 431 (headers) in
// OpenAI error shape, discards the buffered bytes and closes the connection. A request
// two parsers could frame differently (bare LF, folded or malformed header lines, more
// than one Content-Length, Content-Length with Transfer-Encoding, a coding other than
// chunked, a bad chunk size or chunk end) or whose absolute-form target names another
// host than its Host header gets a 400 the same way: nothing after it is served.
class RequestSizeGuard final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RequestSizeGuard)
public:
    static constexpr qint64 kMaxHeaderBytes = 64 * 1024;
    static constexpr int kMaxHeaderLines = 100;

    using Timeouts = ClientTimeouts;

    RequestSizeGuard(QTcpSocket *socket, qint64 maxBodyBytes, Timeouts timeouts = {});

private:
    enum class State { Headers, FixedBody, ChunkSize, ChunkData, ChunkDataEnd, Trailers, Rejected };

    void onReadyRead();
    // Consumes `data` from the framing state machine; returns false on a limit breach.
    bool scan(const char *data, qint64 size);
    bool headersComplete();
    // Why a request line's target is refused (empty: it is not): a path, "*" for
    // OPTIONS, or the absolute form naming the Host header's own authority.
    static QString targetProblem(const QByteArray &requestLine, const QByteArray &host);
    // A 400 for a request whose framing or target two parsers could read differently.
    bool refuse(const QString &problem);
    // Whether a request head (request line and headers) is an Anthropic client's.
    static bool anthropicHead(const QByteArray &head);
    void reject(int status, const QByteArray &reason, const QString &message);

    QTcpSocket *m_socket;
    qint64 m_maxBody;
    Timeouts m_timeouts;
    QTimer *m_deadline;        // the headers' or the body's, whichever is being read
    int m_headerLines = 0;
    State m_state = State::Headers;
    bool m_anthropicShape = false;  // the request's errors take Anthropic's shape
    QByteArray m_line;         // header block or current chunk-size / trailer line
    qint64 m_remaining = 0;    // bytes left in a fixed body or chunk
    qint64 m_bodyBytes = 0;    // body bytes of the current request so far
};

} // namespace onegate
