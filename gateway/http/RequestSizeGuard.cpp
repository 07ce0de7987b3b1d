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

RequestSizeGuard::RequestSizeGuard(QTcpSocket *socket, qint64 maxBodyBytes)
    : QObject(socket)
    , m_socket(socket)
    , m_maxBody(maxBodyBytes)
{
    // Connected before QHttpServer sees the socket, so this slot runs first on every read.
    connect(socket, &QTcpSocket::readyRead, this, &RequestSizeGuard::onReadyRead);
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
    if (!scan(fresh.constData(), fresh.size()))
        m_socket->readAll();  // the server's parser must never see the rejected request
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
            if (c == '\n' && m_line.endsWith("\r\n\r\n") && !headersComplete())
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
            bool ok = false;
            const qint64 chunk = line.left(line.indexOf(';') < 0 ? line.size() : line.indexOf(';'))
                                     .trimmed()
                                     .toLongLong(&ok, 16);
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
            const qint64 take = qMin(m_remaining, size - i);
            i += take;
            m_remaining -= take;
            if (m_remaining == 0)
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
    qint64 contentLength = 0;
    bool chunked = false;
    m_anthropicShape = anthropicHead(m_line);
    const QList<QByteArray> lines = m_line.split('\n');
    for (const QByteArray &raw : lines) {
        const qsizetype colon = raw.indexOf(':');
        if (colon <= 0)
            continue;
        const QByteArray name = raw.left(colon).trimmed().toLower();
        const QByteArray value = raw.mid(colon + 1).trimmed();
        if (name == "content-length") {
            bool ok = false;
            contentLength = value.toLongLong(&ok);
            if (!ok || contentLength < 0) {
                reject(400, "Bad Request", QStringLiteral("invalid Content-Length"));
                return false;
            }
        } else if (name == "transfer-encoding" && value.toLower().contains("chunked")) {
            chunked = true;
        }
    }
    m_line.clear();
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
