#include "HttpResponseParser.h"

namespace onegate {

namespace {

constexpr qsizetype kMaxChunkLine = 4096;

bool isTokenChar(char c)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
        return true;
    switch (c) {
    case '!': case '#': case '$': case '%': case '&': case '\'': case '*': case '+':
    case '-': case '.': case '^': case '_': case '`': case '|': case '~':
        return true;
    default:
        return false;
    }
}

bool hasToken(QByteArrayView list, QByteArrayView token)
{
    for (QByteArrayView item : QByteArray::fromRawData(list.data(), list.size()).split(',')) {
        if (item.trimmed().compare(token, Qt::CaseInsensitive) == 0)
            return true;
    }
    return false;
}

} // namespace

qint64 httpChunkSize(QByteArrayView line)
{
    const qsizetype end = line.indexOf(';');
    const QByteArrayView digits = line.first(end < 0 ? line.size() : end).trimmed();
    if (digits.isEmpty() || digits.size() > 15)
        return -1;
    qint64 size = 0;
    for (char c : digits) {
        int v;
        if (c >= '0' && c <= '9')
            v = c - '0';
        else if (c >= 'a' && c <= 'f')
            v = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F')
            v = c - 'A' + 10;
        else
            return -1;
        size = size * 16 + v;
    }
    return size;
}

QByteArray httpHeaderValue(const HttpHeaderList &headers, QByteArrayView name)
{
    for (const auto &[key, value] : headers) {
        if (QByteArrayView(key).compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return {};
}

void HttpResponseParser::reset()
{
    m_state = State::StatusLine;
    m_line.clear();
    m_headBytes = 0;
    m_status = 0;
    m_http10 = false;
    m_headers.clear();
    m_remaining = 0;
    m_keepAlive = true;
    m_error.clear();
}

bool HttpResponseParser::fail(const QString &text)
{
    m_state = State::Failed;
    m_keepAlive = false;
    m_error = text;
    return false;
}

// Moves bytes up to and including the next LF into m_line; true with the line (CR LF or
// LF removed) in *line once it is whole. Line length is bounded by the caller's state.
bool HttpResponseParser::takeLine(QByteArrayView &bytes, QByteArray *line)
{
    const qsizetype lf = bytes.indexOf('\n');
    const qsizetype take = lf < 0 ? bytes.size() : lf + 1;
    m_line.append(bytes.first(take));
    bytes = bytes.sliced(take);
    if (lf < 0)
        return false;
    m_line.chop(1);
    if (m_line.endsWith('\r'))
        m_line.chop(1);
    *line = std::move(m_line);
    m_line = QByteArray();
    return true;
}

bool HttpResponseParser::onStatusLine(const QByteArray &line)
{
    // HTTP/1.x SP 3DIGIT [SP reason]
    if (line.size() < 12 || !line.startsWith("HTTP/1.") || (line[7] != '0' && line[7] != '1')
        || line[8] != ' ')
        return fail(QStringLiteral("the provider did not answer with HTTP/1.x"));
    int status = 0;
    for (int i = 9; i < 12; ++i) {
        if (line[i] < '0' || line[i] > '9')
            return fail(QStringLiteral("the provider's status line has no status code"));
        status = status * 10 + (line[i] - '0');
    }
    if (line.size() > 12 && line[12] != ' ')
        return fail(QStringLiteral("the provider's status line has no status code"));
    if (status < 100)
        return fail(QStringLiteral("the provider answered status %1").arg(status));
    m_status = status;
    m_http10 = line[7] == '0';
    m_state = State::Headers;
    return true;
}

bool HttpResponseParser::onHeaderLine(const QByteArray &line, Sink &sink)
{
    if (line.isEmpty())
        return onHeadEnd(sink);
    if (line[0] == ' ' || line[0] == '\t')
        return fail(QStringLiteral("the provider sent a folded header line"));
    const qsizetype colon = line.indexOf(':');
    if (colon <= 0)
        return fail(QStringLiteral("the provider sent a malformed header line"));
    for (qsizetype i = 0; i < colon; ++i) {
        if (!isTokenChar(line[i]))
            return fail(QStringLiteral("the provider sent a malformed header name"));
    }
    if (m_headers.size() >= kMaxHeaderFields)
        return fail(QStringLiteral("the provider sent more than %1 header fields").arg(kMaxHeaderFields));
    m_headers.append({line.first(colon), line.sliced(colon + 1).trimmed()});
    return true;
}

bool HttpResponseParser::onHeadEnd(Sink &sink)
{
    if (m_status < 200) {
        if (m_status == 101)
            return fail(QStringLiteral("the provider switched protocols"));
        // 100 Continue, 103 Early Hints: the real answer follows.
        m_headers.clear();
        m_state = State::StatusLine;
        return true;
    }
    const QByteArray connection = httpHeaderValue(m_headers, "connection");
    m_keepAlive = !m_http10 && !hasToken(connection, "close");

    bool chunked = false;
    bool haveTransferCoding = false;
    qint64 length = -1;
    for (const auto &[name, value] : std::as_const(m_headers)) {
        if (QByteArrayView(name).compare("transfer-encoding", Qt::CaseInsensitive) == 0) {
            haveTransferCoding = true;
            const QList<QByteArray> codings = value.split(',');
            chunked = codings.last().trimmed().compare("chunked", Qt::CaseInsensitive) == 0;
        } else if (QByteArrayView(name).compare("content-length", Qt::CaseInsensitive) == 0) {
            bool ok = !value.isEmpty() && value.size() <= 18;
            for (char c : value)
                ok = ok && c >= '0' && c <= '9';
            const qint64 parsed = ok ? value.toLongLong(&ok) : -1;
            if (!ok)
                return fail(QStringLiteral("the provider sent an invalid Content-Length"));
            if (length >= 0 && parsed != length)
                return fail(QStringLiteral("the provider sent conflicting Content-Length values"));
            length = parsed;
        }
    }

    const int status = m_status;
    const HttpHeaderList headers = std::move(m_headers);
    m_headers = {};
    const bool noBody = status == 204 || status == 304;
    if (noBody) {
        m_state = State::Complete;
    } else if (haveTransferCoding) {
        // A length next to a coding is a smuggling pattern: trust the coding, never reuse.
        if (length >= 0)
            m_keepAlive = false;
        if (chunked) {
            m_state = State::ChunkSize;
        } else {
            m_keepAlive = false;
            m_state = State::UntilClose;
        }
    } else if (length >= 0) {
        m_remaining = length;
        m_state = length == 0 ? State::Complete : State::Body;
    } else {
        m_keepAlive = false;
        m_state = State::UntilClose;
    }
    sink.responseHead(status, headers);
    if (m_state == State::Failed)
        return false;
    if (m_state == State::Complete)
        complete(sink);
    return true;
}

bool HttpResponseParser::onChunkSize(const QByteArray &line)
{
    const qint64 size = httpChunkSize(line);
    if (size < 0)
        return fail(QStringLiteral("the provider sent an invalid chunk size"));
    m_remaining = size;
    m_state = size == 0 ? State::Trailers : State::ChunkData;
    return true;
}

void HttpResponseParser::complete(Sink &sink)
{
    m_state = State::Complete;
    sink.responseComplete();
}

bool HttpResponseParser::feed(QByteArrayView bytes, Sink &sink)
{
    while (!bytes.isEmpty()) {
        switch (m_state) {
        case State::Failed:
            return false;
        case State::Complete:
            // Nothing was asked for: the connection is out of step, never reuse it.
            m_keepAlive = false;
            return true;
        case State::Body:
        case State::ChunkData:
        case State::UntilClose: {
            const qsizetype n = m_state == State::UntilClose ? bytes.size()
                                                              : qsizetype(qMin<qint64>(m_remaining, bytes.size()));
            const QByteArrayView piece = bytes.first(n);
            bytes = bytes.sliced(n);
            if (m_state != State::UntilClose)
                m_remaining -= n;
            const State was = m_state;
            sink.responseBody(piece);
            if (m_state == State::Failed)
                return false;
            if (m_remaining == 0 && was == State::Body)
                complete(sink);
            else if (m_remaining == 0 && was == State::ChunkData)
                m_state = State::ChunkDataEnd;
            break;
        }
        case State::StatusLine:
        case State::Headers:
        case State::Trailers:
        case State::ChunkSize:
        case State::ChunkDataEnd: {
            const bool head = m_state == State::StatusLine || m_state == State::Headers || m_state == State::Trailers;
            const qsizetype before = m_line.size();
            QByteArray line;
            const qsizetype available = bytes.size();
            const bool whole = takeLine(bytes, &line);
            const qsizetype taken = available - bytes.size();
            if (head) {
                m_headBytes += taken;
                if (m_headBytes > kMaxHeadBytes)
                    return fail(QStringLiteral("the provider's response head exceeded %1 KiB").arg(kMaxHeadBytes / 1024));
            } else if (before + taken > kMaxChunkLine) {
                return fail(QStringLiteral("the provider sent an invalid chunk size"));
            }
            if (!whole)
                return true;
            bool ok = true;
            switch (m_state) {
            case State::StatusLine:
                // An empty line before a status line is tolerated (RFC 9112 section 2.2).
                ok = line.isEmpty() || onStatusLine(line);
                break;
            case State::Headers:
                ok = onHeaderLine(line, sink);
                break;
            case State::Trailers:
                if (line.isEmpty())
                    complete(sink);
                break;
            case State::ChunkSize:
                ok = onChunkSize(line);
                break;
            case State::ChunkDataEnd:
                if (!line.isEmpty())
                    return fail(QStringLiteral("the provider's chunk is longer than its size"));
                m_state = State::ChunkSize;
                break;
            default:
                break;
            }
            if (!ok || m_state == State::Failed)
                return false;
            break;
        }
        }
    }
    return m_state != State::Failed;
}

bool HttpResponseParser::finishAtClose(Sink &sink)
{
    switch (m_state) {
    case State::UntilClose:
        complete(sink);
        return true;
    case State::Complete:
        return true;
    case State::Failed:
        return false;
    case State::StatusLine:
        if (m_line.isEmpty())
            return fail(QStringLiteral("the provider closed the connection without answering"));
        [[fallthrough]];
    default:
        return fail(QStringLiteral("the provider closed the connection mid-response"));
    }
}

} // namespace onegate
