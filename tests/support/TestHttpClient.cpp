#include "TestHttpClient.h"

#include <QDeadlineTimer>
#include <QEventLoop>
#include <QHostAddress>
#include <QJsonDocument>
#include <QTcpSocket>
#include <QTimer>

namespace onegate::test {

using namespace Qt::StringLiterals;

namespace {
constexpr qsizetype kPiece = 64 * 1024;
constexpr qint64 kMaxQueued = 256 * 1024;
} // namespace

bool waitUntil(const std::function<bool()> &done, int timeoutMs)
{
    const QDeadlineTimer deadline(timeoutMs);
    while (!done()) {
        if (deadline.hasExpired())
            return false;
        QEventLoop loop;
        const qint64 step = qBound(qint64(0), deadline.remainingTime(), qint64(5));
        QTimer::singleShot(int(step), &loop, &QEventLoop::quit);
        loop.exec();
    }
    return true;
}

TestHttpClient::TestHttpClient(quint16 port, QObject *parent)
    : QObject(parent)
    , m_socket(new QTcpSocket(this))
    , m_port(port)
{
    connect(m_socket, &QTcpSocket::readyRead, this, &TestHttpClient::onReadyRead);
    connect(m_socket, &QTcpSocket::bytesWritten, this, &TestHttpClient::writeMore);
    connect(m_socket, &QTcpSocket::connected, this, &TestHttpClient::writeMore);
    connect(m_socket, &QTcpSocket::connected, this, [this] { m_connected = true; });
    connect(m_socket, &QTcpSocket::errorOccurred, this, [this] {
        m_socketError = m_socket->errorString();
        // A connection that never came up ends here; one that did ends with disconnected().
        if (!m_connected)
            m_closed = true;
        Q_EMIT progressed();
    });
    connect(m_socket, &QTcpSocket::disconnected, this, [this] {
        if (m_socket->bytesAvailable() > 0)
            onReadyRead();
        m_closed = true;
        if (m_state == State::UntilClose)
            m_state = State::Done;
        Q_EMIT progressed();
    });
}

TestHttpClient::~TestHttpClient() = default;

void TestHttpClient::send(const QByteArray &method, const QByteArray &path, const RawHeaders &headers,
                          const QByteArray &body, BodyMode mode)
{
    m_method = method;
    RecordedRequest given;
    given.headers = headers;
    QByteArray head = method + ' ' + path + " HTTP/1.1\r\n";
    if (given.header("host").isNull())
        head += "Host: 127.0.0.1:" + QByteArray::number(m_port) + "\r\n";
    for (const auto &[name, value] : headers)
        head += name + ": " + value + "\r\n";
    QByteArray framed;
    if (mode == BodyMode::Chunked) {
        head += "Transfer-Encoding: chunked\r\n";
        for (qsizetype at = 0; at < body.size(); at += kPiece) {
            const QByteArray piece = body.mid(at, kPiece);
            framed += QByteArray::number(piece.size(), 16) + "\r\n" + piece + "\r\n";
        }
        framed += "0\r\n\r\n";
    } else if (!body.isEmpty() || method == "POST" || method == "PUT") {
        if (given.header("content-length").isNull())
            head += "Content-Length: " + QByteArray::number(body.size()) + "\r\n";
        framed = body;
    }
    head += "\r\n";
    m_pendingBody = head + framed;
    m_clock.start();
    m_socket->connectToHost(QHostAddress::LocalHost, m_port);
    m_socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
}

void TestHttpClient::writeMore()
{
    if (m_socket->state() != QAbstractSocket::ConnectedState)
        return;
    while (!m_pendingBody.isEmpty() && m_socket->bytesToWrite() < kMaxQueued) {
        m_socket->write(m_pendingBody.left(kPiece));
        m_pendingBody.remove(0, qMin(kPiece, m_pendingBody.size()));
    }
}

void TestHttpClient::abort()
{
    m_socket->abort();
}

bool TestHttpClient::waitForHead(int timeoutMs)
{
    return waitUntil([this] { return hasHead() || m_closed; }, timeoutMs) && hasHead();
}

bool TestHttpClient::waitForEvents(int count, int timeoutMs)
{
    return waitUntil([this, count] { return m_events.size() >= count || isComplete() || m_closed; },
                     timeoutMs)
        && m_events.size() >= count;
}

bool TestHttpClient::waitForFinished(int timeoutMs)
{
    return waitUntil([this] { return isComplete() || m_closed; }, timeoutMs);
}

bool TestHttpClient::waitForClosed(int timeoutMs)
{
    return waitUntil([this] { return m_closed; }, timeoutMs);
}

QByteArray TestHttpClient::header(QByteArrayView name) const
{
    RecordedRequest lookup;
    lookup.headers = m_headers;
    return lookup.header(name);
}

QJsonObject TestHttpClient::json() const
{
    return QJsonDocument::fromJson(m_body).object();
}

QList<QByteArray> TestHttpClient::eventData() const
{
    QList<QByteArray> data;
    for (const ReceivedEvent &event : m_events)
        data.append(event.data);
    return data;
}

void TestHttpClient::onReadyRead()
{
    const QByteArray bytes = m_socket->readAll();
    if (bytes.isEmpty())
        return;
    m_in.append(bytes);
    parse();
    Q_EMIT progressed();
}

void TestHttpClient::parse()
{
    for (;;) {
        switch (m_state) {
        case State::Head:
            if (!parseHead())
                return;
            break;
        case State::FixedBody: {
            const qint64 take = qMin<qint64>(m_remaining, m_in.size());
            appendBody(m_in.left(take));
            m_in.remove(0, take);
            m_remaining -= take;
            if (m_remaining > 0)
                return;
            m_state = State::Done;
            break;
        }
        case State::ChunkSize: {
            const qsizetype end = m_in.indexOf("\r\n");
            if (end < 0)
                return;
            QByteArray sizeText = m_in.left(end);
            if (const qsizetype semi = sizeText.indexOf(';'); semi >= 0)
                sizeText.truncate(semi);
            m_in.remove(0, end + 2);
            m_remaining = sizeText.trimmed().toLongLong(nullptr, 16);
            m_state = m_remaining == 0 ? State::ChunkTrailer : State::ChunkData;
            break;
        }
        case State::ChunkData: {
            if (m_in.size() < m_remaining + 2)
                return;
            // One chunk is handed on whole: its arrival time is the events' time.
            appendBody(m_in.left(m_remaining));
            m_in.remove(0, m_remaining + 2);
            m_state = State::ChunkSize;
            break;
        }
        case State::ChunkTrailer: {
            const qsizetype end = m_in.indexOf("\r\n");
            if (end < 0)
                return;
            m_in.remove(0, end + 2);
            if (end == 0)
                m_state = State::Done;
            break;
        }
        case State::UntilClose:
            appendBody(m_in);
            m_in.clear();
            return;
        case State::Done:
            return;
        }
    }
}

bool TestHttpClient::parseHead()
{
    const qsizetype end = m_in.indexOf("\r\n\r\n");
    if (end < 0)
        return false;
    const QList<QByteArray> lines = m_in.left(end).split('\n');
    m_in.remove(0, end + 4);
    const QList<QByteArray> statusLine = lines.value(0).trimmed().split(' ');
    const int status = statusLine.value(1).toInt();
    if (status >= 100 && status < 200)
        return true;  // 100 Continue: the real head follows
    m_status = status;
    m_headers.clear();
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray line = lines.at(i).trimmed();
        const qsizetype colon = line.indexOf(':');
        if (colon > 0)
            m_headers.append({line.left(colon).trimmed(), line.mid(colon + 1).trimmed()});
    }
    m_chunked = header("transfer-encoding").toLower().contains("chunked");
    const QByteArray length = header("content-length");
    if (m_method == "HEAD" || status == 204 || status == 304) {
        m_state = State::Done;
    } else if (m_chunked) {
        m_state = State::ChunkSize;
    } else if (!length.isNull()) {
        m_remaining = length.toLongLong();
        m_state = m_remaining > 0 ? State::FixedBody : State::Done;
    } else {
        m_state = m_closed ? State::Done : State::UntilClose;
    }
    return true;
}

void TestHttpClient::appendBody(const QByteArray &bytes)
{
    if (bytes.isEmpty())
        return;
    m_body.append(bytes);
    if (!header("content-type").startsWith("text/event-stream"))
        return;
    m_sse.append(bytes);
    m_sse.replace("\r\n", "\n");
    const qint64 now = m_clock.elapsed();
    qsizetype end;
    while ((end = m_sse.indexOf("\n\n")) >= 0) {
        const QByteArray block = m_sse.left(end);
        m_sse.remove(0, end + 2);
        ReceivedEvent event;
        event.atMs = now;
        bool any = false;
        for (const QByteArray &line : block.split('\n')) {
            if (!line.startsWith("data:"))
                continue;
            QByteArray value = line.mid(5);
            if (value.startsWith(' '))
                value.remove(0, 1);
            if (any)
                event.data.append('\n');
            event.data.append(value);
            any = true;
        }
        if (any)
            m_events.append(event);
    }
}

} // namespace onegate::test
