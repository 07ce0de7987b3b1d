#pragma once

#include <QByteArray>
#include <QString>

namespace onegate {

// The HTTP/1.1 request framing of one keep-alive connection (headers, then a
// Content-Length or chunked body), followed over whatever bytes arrive and counted per
// request. No socket and no clock: RequestSizeGuard feeds it what each read brought and
// answers its refusals, and the fuzzer feeds it anything, split anywhere.
//
// Contract:
// - The verdict never depends on how the bytes were split into calls.
// - A request is refused with 431 (a head over kMaxHeaderBytes or kMaxHeaderLines), 413
//   (a body over the limit, declared or counted) or 400 (anything two parsers could frame
//   differently: bare LF, folded or malformed header lines, more than one Content-Length
//   or Host, Content-Length with Transfer-Encoding, a coding other than chunked, a bad
//   chunk size or chunk end, chunk lines without CRLF, trailer fields, a malformed request
//   line, an HTTP/1.1 request without Host, a target QUrl would read as an authority
//   ("//..."), an absolute-form target naming another host than its Host header, a
//   WebSocket upgrade), or 505 (an HTTP major version other than 1). Once refused, it
//   stays refused.
class RequestFraming final {
public:
    static constexpr qint64 kMaxHeaderBytes = 64 * 1024;
    static constexpr int kMaxHeaderLines = 100;

    // Why a request was refused: the status line to answer with, a message for the
    // client, and whether the request was an Anthropic client's (its errors then take
    // Anthropic's shape).
    struct Refusal {
        int status = 0;
        QByteArray reason;
        QString message;
        bool anthropicShape = false;
    };

    explicit RequestFraming(qint64 maxBodyBytes);

    // Follows `size` more bytes of the connection. False when they (or earlier ones) got
    // the request refused.
    bool scan(const char *data, qint64 size);

    // Refuses the request being read for a reason found outside the bytes (a deadline);
    // its shape is judged from what arrived of it.
    void refuse(int status, const QByteArray &reason, const QString &message);

    bool refused() const { return m_state == State::Rejected; }
    const Refusal &refusal() const { return m_refusal; }
    // A request head is being read: true between requests too.
    bool readingHead() const { return m_state == State::Headers; }
    // Some of a request head has arrived (its deadline runs).
    bool insideHead() const { return m_state == State::Headers && !m_line.isEmpty(); }

private:
    enum class State { Headers, FixedBody, ChunkSize, ChunkData, ChunkDataEnd, Trailers, Rejected };

    bool headersComplete();
    // Why a request line's target is refused (empty: it is not): a path, "*" for
    // OPTIONS, or the absolute form naming the Host header's own authority.
    static QString targetProblem(const QByteArray &requestLine, const QByteArray &host);
    // A 400 for a request whose framing or target two parsers could read differently.
    bool refuseFraming(const QString &problem);
    // Whether a request head (request line and headers) is an Anthropic client's.
    static bool anthropicHead(const QByteArray &head);

    qint64 m_maxBody;
    State m_state = State::Headers;
    Refusal m_refusal;
    int m_headerLines = 0;
    bool m_anthropicShape = false;  // the request's errors take Anthropic's shape
    QByteArray m_line;         // header block or current chunk-size / trailer line
    qint64 m_remaining = 0;    // bytes left in a fixed body or chunk
    qint64 m_bodyBytes = 0;    // body bytes of the current request so far
};

} // namespace onegate
