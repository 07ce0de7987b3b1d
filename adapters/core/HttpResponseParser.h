#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QPair>
#include <QString>

namespace onegate {

using HttpHeaderList = QList<QPair<QByteArray, QByteArray>>;

// Incremental parser for one provider's HTTP/1.1 responses on one connection (RFC 9112):
// status line, header fields, then a body framed by chunked coding, Content-Length, or
// the end of the connection. Interim 1xx responses are skipped. Never assumes a read
// boundary is a line or chunk boundary. Strict where a lax reading could mis-frame the
// next response on a reused connection (conflicting lengths, bad chunk sizes, stray
// bytes after a response): such a response is an error and the connection is not reused.
class HttpResponseParser final {
public:
    class Sink {
    public:
        virtual ~Sink() = default;
        virtual void responseHead(int status, const HttpHeaderList &headers) = 0;
        // Body bytes, framing removed.
        virtual void responseBody(QByteArrayView bytes) = 0;
        virtual void responseComplete() = 0;
    };

    static constexpr qsizetype kMaxHeadBytes = 64 * 1024;
    static constexpr int kMaxHeaderFields = 256;

    // Feeds the next bytes read from the connection. Returns false on a framing error
    // (errorText() says which); the parser and the connection are then unusable.
    bool feed(QByteArrayView bytes, Sink &sink);
    // The peer closed the connection: completes a close-delimited body. False if a
    // response was cut short (or none had begun) — errorText() says so.
    bool finishAtClose(Sink &sink);

    // Ready for a new response on the same connection.
    void reset();
    // The rest of this response is of no interest: feed() stops at once and the
    // connection is not reused.
    void abandon()
    {
        m_state = State::Failed;
        m_keepAlive = false;
    }

    bool isComplete() const { return m_state == State::Complete; }
    // The connection may carry another request after this response.
    bool keepAlive() const { return m_keepAlive; }
    QString errorText() const { return m_error; }

private:
    enum class State { StatusLine, Headers, Body, ChunkSize, ChunkData, ChunkDataEnd, Trailers, UntilClose, Complete, Failed };

    bool takeLine(QByteArrayView &bytes, QByteArray *line);
    bool onStatusLine(const QByteArray &line);
    bool onHeaderLine(const QByteArray &line, Sink &sink);
    bool onHeadEnd(Sink &sink);
    bool onChunkSize(const QByteArray &line);
    bool fail(const QString &text);
    void complete(Sink &sink);

    State m_state = State::StatusLine;
    QByteArray m_line;      // a line still waiting for its LF
    qsizetype m_headBytes = 0;
    int m_status = 0;
    bool m_http10 = false;
    HttpHeaderList m_headers;
    qint64 m_remaining = 0; // body or chunk bytes still to come
    bool m_keepAlive = true;
    QString m_error;
};

// The size a chunk-size line announces (RFC 9112 section 7.1: hex digits, optionally
// `;extensions`), or -1 when it is not one: no digits, not hex, a sign or 0x, more than
// 15 digits. Shared by the request framing (clients) and this parser (providers).
qint64 httpChunkSize(QByteArrayView line);

// The value of the first header called `name` (ASCII case-insensitive), or empty.
QByteArray httpHeaderValue(const HttpHeaderList &headers, QByteArrayView name);

} // namespace onegate
