#include "RequestFraming.h"

#include "core/HttpResponseParser.h"

#include "http/EndpointTable.h"

namespace onegate {

RequestFraming::RequestFraming(qint64 maxBodyBytes)
    : m_maxBody(maxBodyBytes)
{
}

bool RequestFraming::scan(const char *data, qint64 size)
{
    if (m_state == State::Rejected)
        return false;
    qint64 i = 0;
    while (i < size) {
        switch (m_state) {
        case State::Headers: {
            const char c = data[i++];
            m_line.append(c);
            if (m_line.size() > kMaxHeaderBytes) {
                refuse(431, "Request Header Fields Too Large",
                       QStringLiteral("request headers exceed %1 KiB").arg(kMaxHeaderBytes / 1024));
                return false;
            }
            if (c != '\n')
                break;
            if (m_line.size() < 2 || m_line.at(m_line.size() - 2) != '\r') {
                // A bare LF ends a line for some parsers and not for others: the
                // framing this guard follows and QHttpServer's must never disagree.
                refuse(400, "Bad Request", QStringLiteral("request lines must end with CRLF"));
                return false;
            }
            if (m_line == "\r\n") {
                m_line.clear();  // an empty line between requests (RFC 9112 section 2.2)
                break;
            }
            if (++m_headerLines > kMaxHeaderLines + 2) {  // the request line, the fields, the blank line
                refuse(431, "Request Header Fields Too Large",
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
                refuse(400, "Bad Request", QStringLiteral("malformed chunked body"));
                return false;
            }
            if (c != '\n')
                break;
            // QHttpServer 6.4 ends a chunk-size line only at CRLF and reads the two bytes
            // after the last chunk as its end, whatever they are: a bare LF here, or a
            // trailer field, would leave the two parsers at different places in the
            // stream, and the rest of a body could then be served as a request.
            if (m_line.size() < 2 || m_line.at(m_line.size() - 2) != '\r') {
                refuse(400, "Bad Request", QStringLiteral("malformed chunked body: lines must end with CRLF"));
                return false;
            }
            const QByteArray line = m_line.trimmed();
            m_line.clear();
            if (m_state == State::Trailers) {
                if (!line.isEmpty()) {
                    refuse(400, "Bad Request", QStringLiteral("malformed chunked body: trailer fields are not accepted"));
                    return false;
                }
                m_state = State::Headers;
                break;
            }
            const qint64 chunk = httpChunkSize(line);
            if (chunk < 0) {
                refuse(400, "Bad Request", QStringLiteral("malformed chunked body"));
                return false;
            }
            m_bodyBytes += chunk;
            if (m_bodyBytes > m_maxBody) {
                refuse(413, "Payload Too Large",
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
                refuse(400, "Bad Request", QStringLiteral("malformed chunked body"));
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

bool RequestFraming::headersComplete()
{
    // Anything two HTTP parsers may read differently is refused here, and the connection
    // closed, before QHttpServer sees it: a request the server answered 400 must never
    // leave bytes behind that it then serves as another request (smuggling).
    m_anthropicShape = anthropicHead(m_line);
    const QList<QByteArray> lines = m_line.split('\n');
    QList<QByteArray> lengths;
    QByteArray transferEncoding;
    QByteArray host;
    QByteArray connection;
    QByteArray upgrade;
    int hosts = 0;
    for (qsizetype n = 1; n < lines.size(); ++n) {
        const QByteArray raw = lines.at(n).chopped(lines.at(n).endsWith('\r') ? 1 : 0);
        if (raw.isEmpty())
            continue;
        if (raw.startsWith(' ') || raw.startsWith('\t'))
            return refuseFraming(QStringLiteral("folded header lines are not accepted"));
        const qsizetype colon = raw.indexOf(':');
        if (colon <= 0)
            return refuseFraming(QStringLiteral("a header line without a name"));
        const QByteArray name = raw.left(colon).toLower();
        if (name.contains(' ') || name.contains('\t'))
            return refuseFraming(QStringLiteral("whitespace before a header's colon"));
        const QByteArray value = raw.mid(colon + 1).trimmed();
        if (name == "content-length")
            lengths.append(value);
        else if (name == "transfer-encoding")
            transferEncoding += (transferEncoding.isEmpty() ? "" : ",") + value;
        else if (name == "host" && ++hosts)
            host = value;
        else if (name == "connection")
            connection += value.toLower() + ',';
        else if (name == "upgrade")
            upgrade += value.toLower() + ',';
    }
    const QByteArray requestLine = lines.first().trimmed();
    const QByteArray version = requestLine.mid(requestLine.lastIndexOf(' ') + 1);
    // Only HTTP/1.x is spoken here (RFC 9110 section 15.6.6); QHttpServer would read any
    // "HTTP/d.d" as if it were.
    if (version.size() == 8 && version.startsWith("HTTP/") && version.at(5) >= '0' && version.at(5) <= '9'
        && version.at(5) != '1' && version.at(6) == '.' && version.at(7) >= '0' && version.at(7) <= '9') {
        refuse(505, "HTTP Version Not Supported",
               QStringLiteral("%1 is not supported: OneGate speaks HTTP/1.1").arg(QString::fromLatin1(version)));
        return false;
    }
    if (hosts > 1)
        return refuseFraming(QStringLiteral("more than one Host header"));
    if (const QString problem = targetProblem(lines.first(), host); !problem.isEmpty())
        return refuseFraming(problem);
    // RFC 9112 section 3.2: an HTTP/1.1 request without Host is a 400 (HTTP/1.0 may omit
    // it, and then meets the Host guard).
    if (hosts == 0 && version != "HTTP/1.0")
        return refuseFraming(QStringLiteral("no Host header"));
    // QHttpServer 6.4 hands a WebSocket upgrade to the handler and then closes the
    // connection, so an answer given later (every chat) would be lost without a word.
    // OneGate serves no WebSocket: say so instead.
    if (connection.contains("upgrade") && upgrade.contains("websocket"))
        return refuseFraming(QStringLiteral("WebSocket upgrades are not served"));
    if (lengths.size() > 1)
        return refuseFraming(QStringLiteral("more than one Content-Length header"));
    if (!lengths.isEmpty() && !transferEncoding.isEmpty())
        return refuseFraming(QStringLiteral("both Content-Length and Transfer-Encoding"));
    const bool chunked = !transferEncoding.isEmpty();
    if (chunked && transferEncoding.trimmed().toLower() != "chunked")
        return refuseFraming(QStringLiteral("Transfer-Encoding other than chunked"));
    qint64 contentLength = 0;
    if (!lengths.isEmpty()) {
        bool ok = !lengths.first().isEmpty();
        for (const char d : lengths.first())
            ok = ok && d >= '0' && d <= '9';
        contentLength = ok && lengths.first().size() <= 18 ? lengths.first().toLongLong(&ok) : -1;
        if (!ok || contentLength < 0)
            return refuseFraming(QStringLiteral("invalid Content-Length"));
    }
    m_line.clear();
    m_headerLines = 0;
    m_bodyBytes = 0;
    if (chunked) {
        m_state = State::ChunkSize;
    } else if (contentLength > m_maxBody) {
        refuse(413, "Payload Too Large",
               QStringLiteral("request body exceeds the %1 MiB limit").arg(m_maxBody / (1024 * 1024)));
        return false;
    } else if (contentLength > 0) {
        m_remaining = contentLength;
        m_state = State::FixedBody;
    }
    return true;
}

QString RequestFraming::targetProblem(const QByteArray &requestLine, const QByteArray &host)
{
    // "METHOD target HTTP/x.y"
    const QList<QByteArray> parts = requestLine.trimmed().split(' ');
    if (parts.size() != 3 || parts.at(0).isEmpty() || parts.at(1).isEmpty() || !parts.at(2).startsWith("HTTP/"))
        return QStringLiteral("a malformed request line");
    const QByteArray &version = parts.at(2);
    if (version.size() != 8 || version.at(6) != '.' || version.at(5) < '0' || version.at(5) > '9'
        || version.at(7) < '0' || version.at(7) > '9')
        return QStringLiteral("a malformed request line");
    const QByteArray &target = parts.at(1);
    // QUrl reads "//name/path" as an authority and a path, so "//v1/models" would be
    // served as "/models".
    if (target.startsWith("//"))
        return QStringLiteral("the request target must not begin with //");
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

bool RequestFraming::refuseFraming(const QString &problem)
{
    refuse(400, "Bad Request", QStringLiteral("malformed request: %1").arg(problem));
    return false;
}

bool RequestFraming::anthropicHead(const QByteArray &head)
{
    // "POST /v1/messages?beta=true HTTP/1.1": the path, without its query.
    const QByteArray requestLine = head.left(head.indexOf('\n'));
    QByteArray target = requestLine.mid(requestLine.indexOf(' ') + 1);
    target = target.left(target.indexOf(' '));
    target = target.left(target.indexOf('?'));
    return anthropicErrorShape(QString::fromLatin1(target), head.toLower().contains("\nanthropic-version:"));
}

void RequestFraming::refuse(int status, const QByteArray &reason, const QString &message)
{
    if (m_state == State::Rejected)
        return;  // the first refusal is the one answered
    // Headers too large: the shape is judged from what arrived of them (once they are
    // complete, headersComplete() has judged it and cleared the line).
    const bool anthropic = m_state == State::Headers && !m_line.isEmpty() ? anthropicHead(m_line) : m_anthropicShape;
    m_state = State::Rejected;
    m_refusal = Refusal{status, reason, message, anthropic};
}

} // namespace onegate
