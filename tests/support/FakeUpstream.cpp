#include "FakeUpstream.h"

#include <QFile>
#include <QHostAddress>
#include <QJsonArray>
#include <QJsonDocument>
#include <QPointer>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>
#include <QUrlQuery>

#include <optional>

#include <sys/socket.h>

namespace onegate::test {

using namespace Qt::StringLiterals;

namespace {

// Request heads beyond this are not something a gateway should send.
constexpr qsizetype kMaxHeadBytes = 64 * 1024;
// Pause before a reset, so the events written before it reach the peer's socket first
// and the reset lands mid-stream rather than racing the data.
constexpr int kResetGraceMs = 100;

QByteArray reasonPhrase(int status)
{
    switch (status) {
    case 200: return "OK"_ba;
    case 307: return "Temporary Redirect"_ba;
    case 400: return "Bad Request"_ba;
    case 401: return "Unauthorized"_ba;
    case 404: return "Not Found"_ba;
    case 429: return "Too Many Requests"_ba;
    case 431: return "Request Header Fields Too Large"_ba;
    case 500: return "Internal Server Error"_ba;
    }
    return "Status"_ba;
}

} // namespace

// One accepted TCP connection: parses requests one at a time and plays their answers.
class FakeConnection final : public QObject {
public:
    FakeConnection(QTcpSocket *socket, FakeUpstream *owner)
        : QObject(owner)
        , m_owner(owner)
        , m_socket(socket)
    {
        socket->setParent(this);
        socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
        m_timer.setSingleShot(true);
        connect(&m_timer, &QTimer::timeout, this, [this] { onTimer(); });
        connect(socket, &QTcpSocket::readyRead, this, [this] { onReadyRead(); });
        connect(socket, &QTcpSocket::disconnected, this, [this] { onDisconnected(); });
    }

private:
    enum class Step { None, Start, NextEvent, Reset };

    void onReadyRead()
    {
        m_in.append(m_socket->readAll());
        if (!m_busy)
            processBuffer();
    }

    void onDisconnected()
    {
        if (m_gone)
            return;
        m_gone = true;
        m_timer.stop();
        // Our own reset is not the client going away.
        if (m_busy && !m_selfClosed)
            m_owner->noteClientAbort();
        m_busy = false;
        m_owner->forget(this);
        deleteLater();
    }

    void processBuffer()
    {
        if (m_gone || m_busy)
            return;
        const qsizetype headEnd = m_in.indexOf("\r\n\r\n");
        if (headEnd < 0) {
            if (m_in.size() > kMaxHeadBytes)
                refuseHead();
            return;
        }
        const QList<QByteArray> lines = m_in.left(headEnd).split('\n');
        const QList<QByteArray> requestLine = lines.value(0).trimmed().split(' ');
        if (requestLine.size() != 3) {
            refuseHead();
            return;
        }
        RecordedRequest request;
        request.method = requestLine.at(0);
        request.path = requestLine.at(1);
        const bool http10 = requestLine.at(2) == "HTTP/1.0";
        for (qsizetype i = 1; i < lines.size(); ++i) {
            const QByteArray line = lines.at(i).trimmed();
            const qsizetype colon = line.indexOf(':');
            if (colon <= 0)
                continue;
            request.headers.append({line.left(colon).trimmed(), line.mid(colon + 1).trimmed()});
        }

        const qsizetype bodyStart = headEnd + 4;
        qsizetype consumed = 0;
        if (request.header("transfer-encoding").toLower().contains("chunked")) {
            consumed = parseChunked(bodyStart, request.rawBody);
            if (consumed < 0) {
                maybeContinue(request);
                return;
            }
        } else {
            const qsizetype length = request.header("content-length").toLongLong();
            if (m_in.size() - bodyStart < length) {
                maybeContinue(request);
                return;
            }
            request.rawBody = m_in.mid(bodyStart, length);
            consumed = bodyStart + length;
        }
        m_in.remove(0, consumed);
        m_sentContinue = false;
        request.body = QJsonDocument::fromJson(request.rawBody).object();

        const QByteArray connection = request.header("connection").toLower();
        m_closeAfter = connection.contains("close") || (http10 && !connection.contains("keep-alive"));
        m_headRequest = request.method == "HEAD";
        m_busy = true;
        m_owner->recordRequest(request);
        if (m_gone)
            return;
        // A scripted scenario stands in for the one the model name asks for, so one
        // route (one upstream model) can fail and recover on cue.
        QString forced;
        if (request.method == "POST" && !m_owner->m_script.isEmpty())
            forced = m_owner->m_script.takeFirst();
        else if (request.method == "POST" && !m_owner->m_sticky.isEmpty())
            forced = m_owner->m_sticky;
        if (const std::optional<ResponsePlan> generic = genericPlan(forced, request)) {
            play(*generic);
            return;
        }
        RecordedRequest planned = request;
        if (!forced.isEmpty())
            planned.body.insert(QStringLiteral("model"), forced);
        play(m_owner->m_dialect->plan(planned, m_owner->m_expectedKey));
    }

    // The scripted scenarios that are the same for every dialect (FakeUpstream.h):
    // echo-<status>, echo-stream and redirect-<port>.
    std::optional<ResponsePlan> genericPlan(const QString &scenario, const RecordedRequest &request) const
    {
        if (scenario == "echo-stream"_L1 || (scenario.startsWith("echo-"_L1) && scenario.size() == 8)) {
            const int status = scenario == "echo-stream"_L1 ? 200 : scenario.mid(5).toInt();
            if (status != 200 && (status < 400 || status > 599))
                return std::nullopt;
            const QByteArray credential = credentialsOf(request);
            ResponsePlan plan = m_owner->m_dialect->echoPlan(status, credential);
            plan.headers.append({"x-echoed-credential"_ba, credential});
            return plan;
        }
        if (scenario.startsWith("redirect-"_L1)) {
            bool ok = false;
            const uint port = scenario.mid(9).toUInt(&ok);
            if (!ok || port == 0 || port > 65535)
                return std::nullopt;
            ResponsePlan plan;
            plan.status = 307;
            plan.headers.append({"Location"_ba, "http://127.0.0.1:" + QByteArray::number(port) + request.path});
            return plan;
        }
        return std::nullopt;
    }

    // Every credential the request carried, space-separated: what an echo quotes.
    static QByteArray credentialsOf(const RecordedRequest &request)
    {
        QList<QByteArray> found;
        for (const char *name : {"authorization", "x-api-key", "api-key", "x-goog-api-key"}) {
            QByteArray value = request.header(name);
            if (value.startsWith("Bearer "))
                value.remove(0, 7);
            if (!value.isEmpty())
                found.append(value);
        }
        const qsizetype query = request.path.indexOf('?');
        if (query >= 0) {
            const QUrlQuery items(QString::fromLatin1(request.path.mid(query + 1)));
            const QString key = items.queryItemValue(u"key"_s, QUrl::FullyDecoded);
            if (!key.isEmpty())
                found.append(key.toLatin1());
        }
        return found.isEmpty() ? "(none)"_ba : found.join(' ');
    }

    // Parses a chunked body starting at `from`; returns the end offset of the request,
    // or -1 while it is incomplete.
    qsizetype parseChunked(qsizetype from, QByteArray &body) const
    {
        qsizetype pos = from;
        for (;;) {
            const qsizetype lineEnd = m_in.indexOf("\r\n", pos);
            if (lineEnd < 0)
                return -1;
            QByteArray sizeText = m_in.mid(pos, lineEnd - pos);
            if (const qsizetype semi = sizeText.indexOf(';'); semi >= 0)
                sizeText.truncate(semi);
            bool ok = false;
            const qsizetype size = sizeText.trimmed().toLongLong(&ok, 16);
            if (!ok)
                return -1;
            pos = lineEnd + 2;
            if (size == 0) {
                // Trailers end with an empty line.
                for (;;) {
                    const qsizetype end = m_in.indexOf("\r\n", pos);
                    if (end < 0)
                        return -1;
                    const bool empty = end == pos;
                    pos = end + 2;
                    if (empty)
                        return pos;
                }
            }
            if (m_in.size() < pos + size + 2)
                return -1;
            body.append(m_in.mid(pos, size));
            pos += size + 2;
        }
    }

    void maybeContinue(const RecordedRequest &request)
    {
        if (!m_sentContinue && request.header("expect").toLower() == "100-continue") {
            m_sentContinue = true;
            m_socket->write("HTTP/1.1 100 Continue\r\n\r\n"_ba);
        }
    }

    void refuseHead()
    {
        m_closeAfter = true;
        m_busy = true;
        ResponsePlan plan;
        plan.status = 431;
        plan.body = R"({"error":{"message":"bad request head","type":"invalid_request_error","param":null,"code":null}})"_ba;
        play(plan);
    }

    void play(const ResponsePlan &plan)
    {
        m_plan = plan;
        m_nextEvent = 0;
        if (m_plan.responseDelayMs > 0) {
            schedule(Step::Start, m_plan.responseDelayMs);
            return;
        }
        start();
    }

    void start()
    {
        QByteArray head = "HTTP/1.1 " + QByteArray::number(m_plan.status) + ' '
            + reasonPhrase(m_plan.status) + "\r\n";
        head += "Content-Type: " + m_plan.contentType + "\r\n";
        if (m_plan.stream) {
            head += "Transfer-Encoding: chunked\r\nCache-Control: no-cache\r\n";
        } else {
            head += "Content-Length: " + QByteArray::number(m_plan.body.size()) + "\r\n";
        }
        for (const auto &[name, value] : std::as_const(m_plan.headers))
            head += name + ": " + value + "\r\n";
        head += m_closeAfter ? "Connection: close\r\n"_ba : "Connection: keep-alive\r\n"_ba;
        head += "\r\n";
        if (!m_plan.stream) {
            // A HEAD answer announces the body's length but carries none.
            m_socket->write(m_headRequest ? head : head + m_plan.body);
            m_socket->flush();
            finishResponse();
            return;
        }
        m_socket->write(head);
        m_socket->flush();
        sendEvents();
    }

    // Writes the next event(s): all at once (each flushed by itself) without a delay,
    // otherwise one per timer tick.
    void sendEvents()
    {
        while (m_nextEvent < m_plan.events.size()) {
            const QByteArray &frame = m_plan.events.at(m_nextEvent++);
            m_socket->write(QByteArray::number(frame.size(), 16) + "\r\n" + frame + "\r\n");
            m_socket->flush();
            if (m_gone)
                return;
            if (m_plan.eventDelayMs > 0 && m_nextEvent < m_plan.events.size()) {
                schedule(Step::NextEvent, m_plan.eventDelayMs);
                return;
            }
        }
        switch (m_plan.end) {
        case ResponsePlan::End::Finish:
            m_socket->write("0\r\n\r\n"_ba);
            m_socket->flush();
            finishResponse();
            break;
        case ResponsePlan::End::Reset:
            schedule(Step::Reset, qMax(kResetGraceMs, m_plan.eventDelayMs));
            break;
        case ResponsePlan::End::Stall:
            break;  // stays busy until the client leaves
        }
    }

    void schedule(Step step, int delayMs)
    {
        m_step = step;
        m_timer.start(delayMs);
    }

    void onTimer()
    {
        if (m_gone)
            return;
        switch (m_step) {
        case Step::Start: start(); break;
        case Step::NextEvent: sendEvents(); break;
        case Step::Reset: reset(); break;
        case Step::None: break;
        }
    }

    void reset()
    {
        // SO_LINGER with a zero timeout makes close() send RST instead of FIN: the peer
        // sees "connection reset by peer", as when a provider's process dies.
        const qintptr fd = m_socket->socketDescriptor();
        if (fd >= 0) {
            linger option{};
            option.l_onoff = 1;
            option.l_linger = 0;
            ::setsockopt(static_cast<int>(fd), SOL_SOCKET, SO_LINGER, &option, sizeof option);
        }
        m_selfClosed = true;
        m_busy = false;
        m_socket->abort();
        onDisconnected();
    }

    void finishResponse()
    {
        m_busy = false;
        m_step = Step::None;
        if (m_closeAfter) {
            m_selfClosed = true;
            m_socket->disconnectFromHost();
            return;
        }
        // A pipelined request may already be waiting; answer it from the event loop so
        // a long pipeline never recurses.
        if (!m_in.isEmpty()) {
            QPointer<FakeConnection> self(this);
            QTimer::singleShot(0, this, [self] {
                if (self)
                    self->processBuffer();
            });
        }
    }

    FakeUpstream *m_owner;
    QTcpSocket *m_socket;
    QTimer m_timer;
    QByteArray m_in;
    ResponsePlan m_plan;
    qsizetype m_nextEvent = 0;
    Step m_step = Step::None;
    bool m_busy = false;          // a request was read and its answer is not complete
    bool m_closeAfter = false;
    bool m_headRequest = false;
    bool m_sentContinue = false;
    bool m_selfClosed = false;
    bool m_gone = false;
};

FakeUpstream::FakeUpstream(const QByteArray &expectedKey, QObject *parent)
    : FakeUpstream(makeFakeDialect(u"openai"_s), expectedKey, parent)
{
}

FakeUpstream::FakeUpstream(std::unique_ptr<FakeDialect> dialect, const QByteArray &expectedKey,
                           QObject *parent)
    : QObject(parent)
    , m_server(new QTcpServer(this))
    , m_dialect(std::move(dialect))
    , m_expectedKey(expectedKey)
{
    connect(m_server, &QTcpServer::newConnection, this, &FakeUpstream::onNewConnection);
}

FakeUpstream::~FakeUpstream()
{
    // Connections are children; make sure none calls back while being destroyed.
    const QList<FakeConnection *> connections = m_connections;
    m_connections.clear();
    for (FakeConnection *connection : connections) {
        connection->disconnect();
        delete connection;
    }
}

bool FakeUpstream::listen(quint16 port)
{
    const QString folder = QStringLiteral(ONEGATE_TEST_DATA "/fixtures/") + m_dialect->fixtureFolder() + u'/';
    for (const QString &file : m_dialect->requiredFixtures()) {
        if (!QFile::exists(folder + file)) {
            m_error = u"fixture missing: "_s + folder + file;
            return false;
        }
    }
    if (!m_server->listen(QHostAddress::LocalHost, port)) {
        m_error = m_server->errorString();
        return false;
    }
    return true;
}

quint16 FakeUpstream::port() const
{
    return m_server->serverPort();
}

QString FakeUpstream::baseUrl() const
{
    return u"http://127.0.0.1:%1/v1"_s.arg(port());
}

QString FakeUpstream::origin() const
{
    return u"http://127.0.0.1:%1"_s.arg(port());
}

RecordedRequest FakeUpstream::lastRequest() const
{
    return m_requests.isEmpty() ? RecordedRequest() : m_requests.constLast();
}

QByteArray FakeUpstream::fixture(const QString &fileName)
{
    return readFixture(u"openai"_s, fileName);
}

QList<QByteArray> FakeUpstream::fixtureEvents(const QString &fileName)
{
    QList<QByteArray> events;
    for (const QByteArray &frame : sseFrames(fixture(fileName)))
        events.append(sseData(frame));
    return events;
}

void FakeUpstream::onNewConnection()
{
    while (QTcpSocket *socket = m_server->nextPendingConnection())
        m_connections.append(new FakeConnection(socket, this));
}

void FakeUpstream::recordRequest(const RecordedRequest &request)
{
    m_requests.append(request);
    Q_EMIT requestReceived(int(m_requests.size() - 1));
}

void FakeUpstream::noteClientAbort()
{
    ++m_clientAborts;
    Q_EMIT clientAborted();
}

void FakeUpstream::forget(FakeConnection *connection)
{
    m_connections.removeOne(connection);
}

} // namespace onegate::test
