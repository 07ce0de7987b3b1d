// ProviderTransport's pooled HTTP/1.1 connections over real sockets on 127.0.0.1, against
// a scripted server: keep-alive reuse, the request bytes, a stale kept-alive connection
// resent once, no cap on parallel connections, aborts, idle closes, timeouts,
// redirects refused, close-delimited bodies and TLS (a throwaway certificate made by
// openssl for the test).
#include "core/HttpConnectionPool.h"
#include "core/ProviderTransport.h"

#include <QProcess>
#include <QRegularExpression>
#include <QThread>
#include <QSignalSpy>
#include <QSslKey>
#include <QSslServer>
#include <QSslSocket>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include <atomic>
#include <functional>

using namespace onegate;

namespace {

// One request as the server read it.
struct Seen {
    int connection = 0;
    QByteArray head;
    QByteArray body;
};

// Reads requests (Content-Length bodies) and answers each with what `answer` returns
// for it; an empty answer closes the connection without a word, "-" answers nothing.
class ScriptedServer : public QObject {
public:
    using Answer = std::function<QByteArray(const Seen &seen, int indexOnConnection)>;

    explicit ScriptedServer(QTcpServer *server = nullptr)
        : m_server(server ? server : new QTcpServer(this))
    {
        m_server->setParent(this);
        QObject::connect(m_server, &QTcpServer::pendingConnectionAvailable, this, [this] {
            while (QTcpSocket *socket = m_server->nextPendingConnection())
                adopt(socket);
        });
        m_server->listen(QHostAddress::LocalHost);
    }

    quint16 port() const { return m_server->serverPort(); }
    Answer answer = [](const Seen &, int) { return QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"); };
    QList<Seen> seen;
    int connections = 0;
    int open = 0;
    int maxOpen = 0;
    QList<QTcpSocket *> sockets;

private:
    void adopt(QTcpSocket *socket)
    {
        const int index = ++connections;
        maxOpen = qMax(maxOpen, ++open);
        sockets.append(socket);
        auto buffer = std::make_shared<QByteArray>();
        auto count = std::make_shared<int>(0);
        QObject::connect(socket, &QTcpSocket::disconnected, this, [this, socket] {
            --open;
            sockets.removeAll(socket);
            socket->deleteLater();
        });
        QObject::connect(socket, &QTcpSocket::readyRead, this, [this, socket, buffer, count, index] {
            *buffer += socket->readAll();
            while (true) {
                const qsizetype end = buffer->indexOf("\r\n\r\n");
                if (end < 0)
                    return;
                const QByteArray head = buffer->left(end);
                qsizetype length = 0;
                for (const QByteArray &line : head.split('\n')) {
                    if (line.toLower().startsWith("content-length:"))
                        length = line.mid(15).trimmed().toLongLong();
                }
                if (buffer->size() < end + 4 + length)
                    return;
                Seen request{index, head, buffer->mid(end + 4, length)};
                buffer->remove(0, end + 4 + length);
                seen.append(request);
                const QByteArray reply = answer(request, (*count)++);
                if (reply.isEmpty()) {
                    socket->abort();
                    return;
                }
                if (reply != "-")
                    socket->write(reply);
            }
        });
    }

    QTcpServer *m_server;
};

UpstreamRequest post(quint16 port, const QByteArray &body = "{\"a\":1}", const QString &scheme = QStringLiteral("http"))
{
    UpstreamRequest request;
    request.url = QUrl(scheme + QStringLiteral("://127.0.0.1:%1/v1/chat/completions?x=1").arg(port));
    request.headers = {{"Authorization", "Bearer sk-test-transport"}, {"Content-Type", "application/json"},
                       {"Content-Length", "999"}};
    request.body = body;
    return request;
}

ProxySetting noProxy()
{
    ProxySetting proxy;
    proxy.mode = ProxySetting::Mode::None;
    return proxy;
}

struct Result {
    int status = 0;
    QByteArray body;
    UpstreamFailure failure = UpstreamFailure::None;
    QString text;
};

// Runs a call to its end and collects what it reported.
Result finish(UpstreamCall *call, int timeoutMs = 5000)
{
    Result result;
    QObject::connect(call, &UpstreamCall::dataReceived, call, [&result](const QByteArray &b) { result.body += b; });
    QSignalSpy done(call, &UpstreamCall::finished);
    if (!call->isFinished() && !done.wait(timeoutMs))
        qWarning("the call did not finish");
    result.status = call->httpStatus();
    result.failure = call->failure();
    result.text = call->failureText();
    delete call;
    return result;
}

} // namespace

class TestHttpTransport : public QObject {
    Q_OBJECT
private Q_SLOTS:
    // Qt reports misuse (a timer started from another thread, a socket used across
    // threads) only as a warning: here every warning is a failure.
    void init() { QTest::failOnWarning(QRegularExpression(QStringLiteral(".*"))); }
    void worksOnTheThreadItWasMovedTo();
    void keepsConnectionsAlive();
    void writesTheRequest();
    void resendsOnceOnAStaleConnection();
    void freshConnectionClosedIsAFailure();
    void parallelCallsOpenParallelConnections();
    void abortClosesTheConnection();
    void idleConnectionClosedByProviderIsDropped();
    void idleConnectionExpires();
    void closeDelimitedAnswer();
    void chunkedStreamArrivesInPieces();
    void refusesRedirects();
    void connectionRefused();
    void idleTimeoutEndsAStream();
    void totalTimeoutEndsACall();
    void tlsWithATrustedCertificate();
};

void TestHttpTransport::worksOnTheThreadItWasMovedTo()
{
    // Made on one thread and moved to another, as the gateway's provider runtimes are:
    // the pool, its connections and its expiry timer must all live on the new thread.
    ScriptedServer server;
    QThread thread;
    thread.start();
    auto *transport = new ProviderTransport(noProxy());
    transport->moveToThread(&thread);
    std::atomic<int> status{0};
    std::atomic<int> idle{-1};
    const quint16 port = server.port();
    QMetaObject::invokeMethod(transport, [transport, port, &status, &idle] {
        UpstreamCall *call = transport->start(post(port), {}, false, transport);
        QObject::connect(call, &UpstreamCall::finished, transport, [transport, call, &status, &idle] {
            call->deleteLater();
            status = call->httpStatus();
            idle = transport->connections().idleCount();
        });
    });
    QTRY_COMPARE(status.load(), 200);
    QCOMPARE(idle.load(), 1);
    QMetaObject::invokeMethod(transport, [transport] { delete transport; }, Qt::BlockingQueuedConnection);
    thread.quit();
    QVERIFY(thread.wait(5000));
}

void TestHttpTransport::keepsConnectionsAlive()
{
    ScriptedServer server;
    ProviderTransport transport(noProxy());
    for (int i = 0; i < 3; ++i) {
        const Result r = finish(transport.start(post(server.port()), {}, false, nullptr));
        QCOMPARE(r.failure, UpstreamFailure::None);
        QCOMPARE(r.status, 200);
        QCOMPARE(r.body, QByteArray("ok"));
    }
    QCOMPARE(server.seen.size(), 3);
    QCOMPARE(server.connections, 1);
    QCOMPARE(transport.connections().idleCount(), 1);
}

void TestHttpTransport::writesTheRequest()
{
    ScriptedServer server;
    ProviderTransport transport(noProxy());
    finish(transport.start(post(server.port(), "{\"model\":\"m\"}"), {}, false, nullptr));
    QCOMPARE(server.seen.size(), 1);
    const QByteArray head = server.seen.first().head;
    QVERIFY2(head.startsWith("POST /v1/chat/completions?x=1 HTTP/1.1\r\n"), head.constData());
    QVERIFY2(head.contains(QByteArray("\r\nHost: 127.0.0.1:" + QByteArray::number(server.port()) + "\r\n")), head.constData());
    QVERIFY2(head.contains("\r\nAuthorization: Bearer sk-test-transport\r\n"), head.constData());
    // The caller's Content-Length (999) is not trusted: framing is the writer's own.
    QVERIFY2(head.contains("\r\nContent-Length: 13") && !head.contains("999"), head.constData());
    QVERIFY2(head.contains("\r\nUser-Agent: OneGate/"), head.constData());
    QCOMPARE(head.count("Host:"), 1);
    QCOMPARE(server.seen.first().body, QByteArray("{\"model\":\"m\"}"));
}

void TestHttpTransport::resendsOnceOnAStaleConnection()
{
    // The provider answers the first request of each connection and closes the
    // connection, without a word, when a second one comes on it: the keep-alive race.
    ScriptedServer server;
    server.answer = [](const Seen &, int index) {
        return index == 0 ? QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok") : QByteArray();
    };
    ProviderTransport transport(noProxy());
    QCOMPARE(finish(transport.start(post(server.port()), {}, false, nullptr)).status, 200);
    const Result second = finish(transport.start(post(server.port()), {}, false, nullptr));
    QCOMPARE(second.failure, UpstreamFailure::None);
    QCOMPARE(second.status, 200);
    QCOMPARE(server.connections, 2);
    QCOMPARE(server.seen.size(), 3);  // the lost one, then the resend
}

void TestHttpTransport::freshConnectionClosedIsAFailure()
{
    ScriptedServer server;
    server.answer = [](const Seen &, int) { return QByteArray(); };
    ProviderTransport transport(noProxy());
    const Result r = finish(transport.start(post(server.port()), {}, false, nullptr));
    QCOMPARE(r.failure, UpstreamFailure::Network);
    QVERIFY2(r.text.contains(QStringLiteral("closed the connection")), qPrintable(r.text));
    QCOMPARE(server.seen.size(), 1);  // a request a provider may have seen is never sent twice
}

void TestHttpTransport::parallelCallsOpenParallelConnections()
{
    // QNetworkAccessManager stops at six per host; long streams to a local server must
    // not queue behind each other.
    ScriptedServer server;
    server.answer = [](const Seen &, int) { return QByteArray("-"); };
    ProviderTransport transport(noProxy());
    QList<UpstreamCall *> calls;
    QByteArray bodies;
    int finished = 0;
    for (int i = 0; i < 20; ++i) {
        UpstreamCall *call = transport.start(post(server.port()), {}, false, nullptr);
        connect(call, &UpstreamCall::dataReceived, this, [&bodies](const QByteArray &b) { bodies += b; });
        connect(call, &UpstreamCall::finished, this, [&finished] { ++finished; });
        calls.append(call);
    }
    QTRY_COMPARE(server.seen.size(), 20);
    QCOMPARE(server.maxOpen, 20);
    for (QTcpSocket *socket : std::as_const(server.sockets))
        socket->write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
    QTRY_COMPARE(finished, 20);
    QCOMPARE(bodies, QByteArray("ok").repeated(20));
    for (UpstreamCall *call : std::as_const(calls)) {
        QCOMPARE(call->failure(), UpstreamFailure::None);
        delete call;
    }
    QCOMPARE(transport.connections().idleCount(), 20);
}

void TestHttpTransport::abortClosesTheConnection()
{
    ScriptedServer server;
    server.answer = [](const Seen &, int) {
        return QByteArray("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n6\r\ndata: \r\n");
    };
    ProviderTransport transport(noProxy());
    UpstreamCall *call = transport.start(post(server.port()), {}, true, nullptr);
    QSignalSpy data(call, &UpstreamCall::dataReceived);
    QVERIFY(data.wait(5000));
    call->abort();
    QCOMPARE(call->failure(), UpstreamFailure::Aborted);
    delete call;
    QTRY_COMPARE(server.open, 0);
    QTRY_COMPARE(transport.connections().openCount(), 0);
}

void TestHttpTransport::idleConnectionClosedByProviderIsDropped()
{
    ScriptedServer server;
    ProviderTransport transport(noProxy());
    QCOMPARE(finish(transport.start(post(server.port()), {}, false, nullptr)).status, 200);
    QCOMPARE(transport.connections().idleCount(), 1);
    server.sockets.first()->disconnectFromHost();
    QTRY_COMPARE(transport.connections().idleCount(), 0);
    QCOMPARE(finish(transport.start(post(server.port()), {}, false, nullptr)).status, 200);
    QCOMPARE(server.connections, 2);
}

void TestHttpTransport::idleConnectionExpires()
{
    ScriptedServer server;
    ProviderTransport transport(noProxy());
    transport.connections().setIdleTimeoutMs(150);
    QCOMPARE(finish(transport.start(post(server.port()), {}, false, nullptr)).status, 200);
    QCOMPARE(transport.connections().idleCount(), 1);
    QTRY_COMPARE(transport.connections().openCount(), 0);
    QTRY_COMPARE(server.open, 0);
}

void TestHttpTransport::closeDelimitedAnswer()
{
    ScriptedServer server;
    server.answer = [&server](const Seen &seen, int) {
        QTcpSocket *socket = server.sockets.last();
        Q_UNUSED(seen);
        socket->write("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the end");
        socket->disconnectFromHost();
        return QByteArray("-");
    };
    ProviderTransport transport(noProxy());
    const Result r = finish(transport.start(post(server.port()), {}, false, nullptr));
    QCOMPARE(r.failure, UpstreamFailure::None);
    QCOMPARE(r.body, QByteArray("until the end"));
    QCOMPARE(transport.connections().openCount(), 0);
}

void TestHttpTransport::chunkedStreamArrivesInPieces()
{
    ScriptedServer server;
    server.answer = [](const Seen &, int) {
        return QByteArray("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: text/event-stream\r\n\r\n");
    };
    ProviderTransport transport(noProxy());
    UpstreamCall *call = transport.start(post(server.port()), {}, true, nullptr);
    QByteArray body;
    connect(call, &UpstreamCall::dataReceived, call, [&body](const QByteArray &b) { body += b; });
    QSignalSpy started(call, &UpstreamCall::responseStarted);
    QVERIFY(started.wait(5000));
    QCOMPARE(call->responseHeader("content-type"), QByteArray("text/event-stream"));
    QTcpSocket *socket = server.sockets.first();
    socket->write("9\r\ndata: 1\n\n\r\n");
    QTRY_COMPARE(body, QByteArray("data: 1\n\n"));
    socket->write("9\r\ndata: 2\n\n\r\n0\r\n\r\n");
    const Result r = finish(call);
    QCOMPARE(r.failure, UpstreamFailure::None);
    QCOMPARE(body, QByteArray("data: 1\n\ndata: 2\n\n"));
    QCOMPARE(transport.connections().idleCount(), 1);
}

void TestHttpTransport::refusesRedirects()
{
    ScriptedServer server;
    server.answer = [](const Seen &, int) {
        return QByteArray("HTTP/1.1 307 Temporary Redirect\r\nLocation: http://127.0.0.2:9/steal\r\nContent-Length: 0\r\n\r\n");
    };
    ProviderTransport transport(noProxy());
    const Result r = finish(transport.start(post(server.port()), {}, false, nullptr));
    QCOMPARE(r.failure, UpstreamFailure::Redirect);
    QVERIFY2(r.text.contains(QStringLiteral("127.0.0.2")), qPrintable(r.text));
    QCOMPARE(server.seen.size(), 1);
}

void TestHttpTransport::connectionRefused()
{
    QTcpServer probe;
    QVERIFY(probe.listen(QHostAddress::LocalHost));
    const quint16 port = probe.serverPort();
    probe.close();
    ProviderTransport transport(noProxy());
    const Result r = finish(transport.start(post(port), {}, false, nullptr));
    QCOMPARE(r.failure, UpstreamFailure::Network);
    QVERIFY2(r.text.contains(QStringLiteral("refused"), Qt::CaseInsensitive), qPrintable(r.text));
}

void TestHttpTransport::idleTimeoutEndsAStream()
{
    ScriptedServer server;
    server.answer = [](const Seen &, int) {
        return QByteArray("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
    };
    TransportPolicy policy;
    policy.idleTimeoutMs = 300;
    ProviderTransport transport(noProxy());
    const Result r = finish(transport.start(post(server.port()), policy, true, nullptr));
    QCOMPARE(r.failure, UpstreamFailure::IdleTimeout);
    QTRY_COMPARE(server.open, 0);
}

void TestHttpTransport::totalTimeoutEndsACall()
{
    ScriptedServer server;
    server.answer = [](const Seen &, int) { return QByteArray("-"); };
    TransportPolicy policy;
    policy.totalTimeoutMs = 300;
    ProviderTransport transport(noProxy());
    const Result r = finish(transport.start(post(server.port()), policy, false, nullptr));
    QCOMPARE(r.failure, UpstreamFailure::TotalTimeout);
    QTRY_COMPARE(server.open, 0);
}

void TestHttpTransport::tlsWithATrustedCertificate()
{
    QTemporaryDir dir;
    const QString cert = dir.filePath(QStringLiteral("cert.pem"));
    const QString key = dir.filePath(QStringLiteral("key.pem"));
    QProcess openssl;
    openssl.start(QStringLiteral("openssl"),
                  {QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"), QStringLiteral("rsa:2048"),
                   QStringLiteral("-nodes"), QStringLiteral("-days"), QStringLiteral("1"), QStringLiteral("-subj"),
                   QStringLiteral("/CN=127.0.0.1"), QStringLiteral("-addext"), QStringLiteral("subjectAltName=IP:127.0.0.1"),
                   QStringLiteral("-keyout"), key, QStringLiteral("-out"), cert});
    QVERIFY(openssl.waitForFinished(30000));
    QCOMPARE(openssl.exitCode(), 0);
    const QList<QSslCertificate> certificates = QSslCertificate::fromPath(cert);
    QCOMPARE(certificates.size(), 1);
    QFile keyFile(key);
    QVERIFY(keyFile.open(QIODevice::ReadOnly));

    auto *tlsServer = new QSslServer;
    QSslConfiguration serverTls = QSslConfiguration::defaultConfiguration();
    serverTls.setLocalCertificate(certificates.first());
    serverTls.setPrivateKey(QSslKey(keyFile.readAll(), QSsl::Rsa));
    tlsServer->setSslConfiguration(serverTls);
    ScriptedServer server(tlsServer);

    // Not trusted by the system: refused.
    {
        ProviderTransport transport(noProxy());
        const Result r = finish(transport.start(post(server.port(), "{}", QStringLiteral("https")), {}, false, nullptr));
        QCOMPARE(r.failure, UpstreamFailure::Network);
        QCOMPARE(server.seen.size(), 0);
    }
    // Trusted: answered, and the connection is reused.
    ProviderTransport transport(noProxy());
    QSslConfiguration trusting = QSslConfiguration::defaultConfiguration();
    trusting.setCaCertificates(certificates);
    transport.connections().setTlsConfiguration(trusting);
    for (int i = 0; i < 2; ++i) {
        const Result r = finish(transport.start(post(server.port(), "{}", QStringLiteral("https")), {}, false, nullptr));
        QCOMPARE(r.failure, UpstreamFailure::None);
        QCOMPARE(r.body, QByteArray("ok"));
    }
    QCOMPARE(server.seen.size(), 2);
    QCOMPARE(server.seen.at(0).connection, server.seen.at(1).connection);
}

QTEST_MAIN(TestHttpTransport)
#include "tst_http_transport.moc"
