#include "RequestSizeGuard.h"

#include "dialects/AnthropicAnswerEncoder.h"
#include "http/EndpointTable.h"
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
    , m_maxBody(maxBodyBytes)
    , m_timeouts(timeouts)
    , m_deadline(new QTimer(this))
{
    // Connected before QHttpServer sees the socket, so this slot runs first on every read.
    connect(socket, &QTcpSocket::readyRead, this, &RequestSizeGuard::onReadyRead);
    m_deadline->setSingleShot(true);
    connect(m_deadline, &QTimer::timeout, this, [this] {
        const bool headers = m_state == State::Headers;
        reject(408, "Request Timeout",
               headers ? QStringLiteral("the request headers did not arrive within %1 s").arg(m_timeouts.headersMs / 1000)
                       : QStringLiteral("the request body stalled for %1 s").arg(m_timeouts.bodyIdleMs / 1000));
    });
}

void RequestSizeGuard::onReadyRead()
{
    if (m_state == State::Rejected) {
        m_socket->readAll();
        return;
    }
    // QHttpServer reads everything available on each readyRead, so what is buffered now
    // is exactly what arrived since the last call.
    const QByteArray fresh = m_socket->peek(m_socket->bytesAvailable());
    if (!scan(fresh.constData(), fresh.size())) {
        m_socket->readAll();  // the server's parser must never see the rejected request
        return;
    }
    // A request's head has its deadline from its first byte on; a body restarts its
    // own with every read; between requests (an idle keep-alive) there is none.
    if (m_state == State::Headers) {
        if (m_line.isEmpty())
            m_deadline->stop();
        else if (!m_deadline->isActive())
            m_deadline->start(m_timeouts.headersMs);
    } else if (m_state != State::Rejected) {
        m_deadline->start(m_timeouts.bodyIdleMs);
    }
}

bool RequestSizeGuard::scan(const char *data, qint64 size)
{
    qint64 i = 0;
    while (i < size) {
        switch (m_state) {
        case State::Headers: {
            const char c = data[i++];
            m_line.append(c);
            if (m_line.size() > kMaxHeaderBytes) {
                reject(431, "Request Header Fields Too Large",
                       QStringLiteral("request headers exceed %1 KiB").arg(kMaxHeaderBytes / 1024));
                return false;
            }
            if (c != '\n')
                break;
            if (m_line.size() < 2 || m_line.at(m_line.size() - 2) != '\r') {
                // A bare LF ends a line for some parsers and not for others: the
                // framing this guard follows and QHttpServer's must never disagree.
                reject(400, "Bad Request", QStringLiteral("request lines must end with CRLF"));
                return false;
            }
            if (m_line == "\r\n") {
                m_line.clear();  // an empty line between requests (RFC 9112 section 2.2)
                break;
            }
            if (++m_headerLines > kMaxHeaderLines + 2) {  // the request line, the fields, the blank line
                reject(431, "Request Header Fields Too Large",
                       QStringLiteral("more than %1 header fields").arg(kMaxHeaderLines));
                return false;
            }
            if (m_line.endsWith("\r\n\r\n") && !headersComplete())
                return false;
            break;
        }
        case State::FixedBody: {
            const qint64 take = qMin(m_remaining, size - i);
            i += take;
            m_remaining -= take;
            if (m_remaining == 0)
                m_state = State::Headers;
            break;
        }
        case State::ChunkSize:
        case State::Trailers: {
            const char c = data[i++];
            m_line.append(c);
            if (m_line.size() > 4096) {
                reject(400, "Bad Request", QStringLiteral("malformed chunked body"));
                return false;
            }
            if (c != '\n')
                break;
            const QByteArray line = m_line.trimmed();
            m_line.clear();
            if (m_state == State::Trailers) {
                if (line.isEmpty())
                    m_state = State::Headers;
                break;
            }
            const QByteArray digits = line.left(line.indexOf(';') < 0 ? line.size() : line.indexOf(';')).trimmed();
            bool ok = !digits.isEmpty() && digits.size() <= 15;
            for (const char d : digits)
                ok = ok && ((d >= '0' && d <= '9') || (d >= 'a' && d <= 'f') || (d >= 'A' && d <= 'F'));
            const qint64 chunk = ok ? digits.toLongLong(&ok, 16) : -1;
            if (!ok || chunk < 0) {
                reject(400, "Bad Request", QStringLiteral("malformed chunked body"));
                return false;
            }
            m_bodyBytes += chunk;
            if (m_bodyBytes > m_maxBody) {
                reject(413, "Payload Too Large",
                       QStringLiteral("request body exceeds the %1 MiB limit").arg(m_maxBody / (1024 * 1024)));
                return false;
            }
            m_remaining = chunk;
            m_state = chunk == 0 ? State::Trailers : State::ChunkData;
            break;
        }
        case State::ChunkData: {
            const qint64 take = qMin(m_remaining, size - i);
            i += take;
            m_remaining -= take;
            if (m_remaining == 0) {
                m_state = State::ChunkDataEnd;
                m_remaining = 2;  // the CRLF after the data
            }
            break;
        }
        case State::ChunkDataEnd: {
            // Exactly CRLF after each chunk's data: anything else means the two parsers
            // would read the body differently.
            const char expected = m_remaining == 2 ? '\r' : '\n';
            if (data[i++] != expected) {
                reject(400, "Bad Request", QStringLiteral("malformed chunked body"));
                return false;
            }
            if (--m_remaining == 0)
                m_state = State::ChunkSize;
            break;
        }
        case State::Rejected:
            return false;
        }
    }
    return true;
}

bool RequestSizeGuard::headersComplete()
{
    // Anything two HTTP parsers may read differently is refused here, and the connection
    // closed, before QHttpServer sees it: a request the server answered 400 must never
    // leave bytes behind that it then serves as another request (smuggling).
    m_anthropicShape = anthropicHead(m_line);
    const QList<QByteArray> lines = m_line.split('\n');
    QList<QByteArray> lengths;
    QByteArray transferEncoding;
    QByteArray host;
    int hosts = 0;
    for (qsizetype n = 1; n < lines.size(); ++n) {
        const QByteArray raw = lines.at(n).chopped(lines.at(n).endsWith('\r') ? 1 : 0);
        if (raw.isEmpty())
            continue;
        if (raw.startsWith(' ') || raw.startsWith('\t'))
            return refuse(QStringLiteral("folded header lines are not accepted"));
        const qsizetype colon = raw.indexOf(':');
        if (colon <= 0)
            return refuse(QStringLiteral("a header line without a name"));
        const QByteArray name = raw.left(colon).toLower();
        if (name.contains(' ') || name.contains('\t'))
            return refuse(QStringLiteral("whitespace before a header's colon"));
        const QByteArray value = raw.mid(colon + 1).trimmed();
        if (name == "content-length")
            lengths.append(value);
        else if (name == "transfer-encoding")
            transferEncoding += (transferEncoding.isEmpty() ? "" : ",") + value;
        else if (name == "host" && ++hosts)
            host = value;
    }
    if (hosts > 1)
        return refuse(QStringLiteral("more than one Host header"));
    if (const QString problem = targetProblem(lines.first(), host); !problem.isEmpty())
        return refuse(problem);
    if (lengths.size() > 1)
        return refuse(QStringLiteral("more than one Content-Length header"));
    if (!lengths.isEmpty() && !transferEncoding.isEmpty())
        return refuse(QStringLiteral("both Content-Length and Transfer-Encoding"));
    const bool chunked = !transferEncoding.isEmpty();
    if (chunked && transferEncoding.trimmed().toLower() != "chunked")
        return refuse(QStringLiteral("Transfer-Encoding other than chunked"));
    qint64 contentLength = 0;
    if (!lengths.isEmpty()) {
        bool ok = !lengths.first().isEmpty();
        for (const char d : lengths.first())
            ok = ok && d >= '0' && d <= '9';
        contentLength = ok && lengths.first().size() <= 18 ? lengths.first().toLongLong(&ok) : -1;
        if (!ok || contentLength < 0)
            return refuse(QStringLiteral("invalid Content-Length"));
    }
    m_line.clear();
    m_headerLines = 0;
    m_bodyBytes = 0;
    if (chunked) {
        m_state = State::ChunkSize;
    } else if (contentLength > m_maxBody) {
        reject(413, "Payload Too Large",
               QStringLiteral("request body exceeds the %1 MiB limit").arg(m_maxBody / (1024 * 1024)));
        return false;
    } else if (contentLength > 0) {
        m_remaining = contentLength;
        m_state = State::FixedBody;
    }
    return true;
}

QString RequestSizeGuard::targetProblem(const QByteArray &requestLine, const QByteArray &host)
{
    // "METHOD target HTTP/x.y"
    const QList<QByteArray> parts = requestLine.trimmed().split(' ');
    if (parts.size() != 3 || parts.at(0).isEmpty() || parts.at(1).isEmpty() || !parts.at(2).startsWith("HTTP/"))
        return QStringLiteral("a malformed request line");
    const QByteArray &target = parts.at(1);
    if (target.startsWith('/') || (target == "*" && parts.at(0) == "OPTIONS"))
        return {};
    const QByteArray lower = target.toLower();
    const qsizetype scheme = lower.startsWith("http://") ? 7 : lower.startsWith("https://") ? 8 : -1;
    if (scheme < 0)
        return QStringLiteral("the request target must be a path");
    // Absolute form (RFC 9112 section 3.2.2): its authority is the host the request is
    // for, whatever the Host header says. It must name the same host, which the Host
    // guard then checks.
    QByteArray authority = lower.mid(scheme);
    authority = authority.left(qMin(authority.indexOf('/') < 0 ? authority.size() : authority.indexOf('/'),
                                    authority.indexOf('?') < 0 ? authority.size() : authority.indexOf('?')));
    if (authority.contains('@'))
        return QStringLiteral("user information in the request target");
    if (authority != host.trimmed().toLower())
        return QStringLiteral("the request target names %1, not the Host header's %2")
            .arg(QString::fromLatin1(authority.left(100)), QString::fromLatin1(host.left(100)));
    return {};
}

bool RequestSizeGuard::refuse(const QString &problem)
{
    reject(400, "Bad Request", QStringLiteral("malformed request: %1").arg(problem));
    return false;
}

bool RequestSizeGuard::anthropicHead(const QByteArray &head)
{
    // "POST /v1/messages?beta=true HTTP/1.1": the path, without its query.
    const QByteArray requestLine = head.left(head.indexOf('\n'));
    QByteArray target = requestLine.mid(requestLine.indexOf(' ') + 1);
    target = target.left(target.indexOf(' '));
    target = target.left(target.indexOf('?'));
    return anthropicErrorShape(QString::fromLatin1(target), head.toLower().contains("\nanthropic-version:"));
}

void RequestSizeGuard::reject(int status, const QByteArray &reason, const QString &message)
{
    // Headers too large: the shape is judged from what arrived of them (once they are
    // complete, headersComplete() has judged it and cleared the line).
    const bool anthropic = m_state == State::Headers && !m_line.isEmpty() ? anthropicHead(m_line) : m_anthropicShape;
    m_state = State::Rejected;
    m_deadline->stop();
    const ApiError error = ApiError::make(status, QStringLiteral("invalid_request_error"),
                                          status == 413 ? QStringLiteral("request_too_large") : QString(), message);
    const QByteArray body = anthropic ? AnthropicAnswerEncoder::errorBody(error) : openAiErrorBody(error);
    m_socket->write("HTTP/1.1 " + QByteArray::number(status) + ' ' + reason
                    + "\r\nContent-Type: application/json\r\nContent-Length: "
                    + QByteArray::number(body.size()) + "\r\nConnection: close\r\n\r\n" + body);
    // Lingering close, as nginx and Apache do: closing with the client's body still
    // unread makes the kernel send a reset, and a client that writes its whole body
    // before reading (Node fetch, Python http.client, QTcpSocket) then sees ECONNRESET
    // instead of this answer. So only our sending side is shut once the answer is out;
    // what still arrives is read and dropped (State::Rejected) until the client closes,
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
