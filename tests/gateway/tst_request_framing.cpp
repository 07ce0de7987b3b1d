// The front door's framing checks (RequestSizeGuard) over raw sockets against a real
// gateway: each hostile request is refused with a 400 in OpenAI's shape, the connection
// is closed, and the request smuggled after it is never answered; a plain request on a
// new connection is served afterwards. Absolute-form targets are served only when they
// name the Host header's own authority (RFC 9112 section 3.2.2).

#include "GatewayFixture.h"
#include "http/GuardedTcpServer.h"
#include "http/HttpFront.h"
#include "http/HttpResponses.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTcpSocket>
#include <QTest>

using namespace onegate;
using namespace onegate::test;
using namespace Qt::StringLiterals;

namespace {

// The whole Content-Length responses at the start of `received`.
int completeResponses(const QByteArray &received)
{
    int count = 0;
    qsizetype at = 0;
    while (true) {
        const qsizetype end = received.indexOf("\r\n\r\n", at);
        if (end < 0)
            return count;
        const QByteArray head = received.mid(at, end - at).toLower();
        const qsizetype length = head.indexOf("content-length: ");
        const qint64 size = length < 0 ? 0 : head.mid(length + 16, head.indexOf('\r', length) - length - 16).toLongLong();
        if (end + 4 + size > received.size())
            return count;
        ++count;
        at = end + 4 + size;
    }
}

// What the server sends on one connection after `bytes`: until it closes it, or it has
// sent `expected` whole responses and nothing more comes for a moment (QHttpServer 6.4
// keeps a connection open after "Connection: close").
QByteArray exchange(quint16 port, const QByteArray &bytes, int expected = 1)
{
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, port);
    if (!socket.waitForConnected(2000))
        return "(no connection)";
    socket.write(bytes);
    socket.flush();
    QByteArray received;
    QElapsedTimer clock;
    clock.start();
    while (clock.elapsed() < 5000 && socket.state() == QAbstractSocket::ConnectedState) {
        const bool more = socket.waitForReadyRead(completeResponses(received) >= expected ? 300 : 100);
        received += socket.readAll();
        if (!more && completeResponses(received) >= expected)
            break;
    }
    received += socket.readAll();
    return received;
}

int responses(const QByteArray &received)
{
    return int(received.count("HTTP/1.1 "));
}

int statusOf(const QByteArray &received)
{
    return received.startsWith("HTTP/1.1 ") ? received.mid(9, 3).toInt() : 0;
}

QString messageOf(const QByteArray &received)
{
    const QByteArray body = received.mid(received.indexOf("\r\n\r\n") + 4);
    return QJsonDocument::fromJson(body).object().value("error"_L1).toObject().value("message"_L1).toString();
}

} // namespace

class RequestFramingTest final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void refusedAndNothingAfterServed_data();
    void refusedAndNothingAfterServed();
    void absoluteFormNamingThisServerIsServed();
    void plainPipelinedRequestsAreServed();
    void headerFieldCount();
    void slowClientsAndTheConnectionCap();

private:
    QByteArray host() const { return "127.0.0.1:" + QByteArray::number(m_gateway.port()); }

    GatewayFixture m_gateway;
};

void RequestFramingTest::initTestCase()
{
    const QString error = m_gateway.start(R"({"listen":"127.0.0.1:0","auth":{"required":false},"providers":[]})"_ba);
    QVERIFY2(error.isEmpty(), qPrintable(error));
}

void RequestFramingTest::refusedAndNothingAfterServed_data()
{
    QTest::addColumn<QByteArray>("head");  // the hostile request; HOST stands for the server's
    QTest::addColumn<QString>("reason");
    const QByteArray post = "POST /v1/chat/completions HTTP/1.1\r\nHost: HOST\r\nContent-Type: application/json\r\n";
    QTest::newRow("two different Content-Length")
        << post + "Content-Length: 2\r\nContent-Length: 40\r\n\r\n{}" << u"more than one Content-Length"_s;
    QTest::newRow("two equal Content-Length") << post + "Content-Length: 2\r\nContent-Length: 2\r\n\r\n{}"
                                              << u"more than one Content-Length"_s;
    QTest::newRow("Content-Length with Transfer-Encoding")
        << post + "Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n"
        << u"both Content-Length and Transfer-Encoding"_s;
    QTest::newRow("Transfer-Encoding other than chunked")
        << post + "Transfer-Encoding: gzip, chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n" << u"other than chunked"_s;
    QTest::newRow("invalid chunk size") << post + "Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n"
                                        << u"malformed chunked body"_s;
    QTest::newRow("chunk size with 0x") << post + "Transfer-Encoding: chunked\r\n\r\n0x2\r\n{}\r\n0\r\n\r\n"
                                        << u"malformed chunked body"_s;
    QTest::newRow("chunk data longer than its size")
        << post + "Transfer-Encoding: chunked\r\n\r\n1\r\n{}\r\n0\r\n\r\n" << u"malformed chunked body"_s;
    QTest::newRow("signed Content-Length") << post + "Content-Length: +2\r\n\r\n{}" << u"invalid Content-Length"_s;
    QTest::newRow("Content-Length list") << post + "Content-Length: 2, 2\r\n\r\n{}" << u"invalid Content-Length"_s;
    QTest::newRow("space before the colon") << post + "Content-Length : 2\r\n\r\n{}" << u"before a header's colon"_s;
    QTest::newRow("folded header") << post + "Content-Length: 2\r\nX-Note: a\r\n b\r\n\r\n{}" << u"folded"_s;
    QTest::newRow("bare LF") << "GET /health HTTP/1.1\nHost: HOST\n\n"_ba << u"CRLF"_s;
    QTest::newRow("two Host headers") << "GET /health HTTP/1.1\r\nHost: HOST\r\nHost: HOST\r\n\r\n"_ba
                                      << u"more than one Host"_s;
    QTest::newRow("absolute form, another host")
        << "GET http://evil.example/health HTTP/1.1\r\nHost: HOST\r\n\r\n"_ba << u"names evil.example"_s;
    QTest::newRow("absolute form, another port")
        << "GET http://127.0.0.1:1/health HTTP/1.1\r\nHost: HOST\r\n\r\n"_ba << u"names 127.0.0.1:1"_s;
    QTest::newRow("absolute form with user information")
        << "GET http://HOST@evil.example/health HTTP/1.1\r\nHost: HOST\r\n\r\n"_ba << u"user information"_s;
    QTest::newRow("authority form") << "CONNECT evil.example:443 HTTP/1.1\r\nHost: evil.example:443\r\n\r\n"_ba
                                    << u"must be a path"_s;
    QTest::newRow("malformed request line") << "GET /health\r\nHost: HOST\r\n\r\n"_ba << u"request line"_s;
}

void RequestFramingTest::refusedAndNothingAfterServed()
{
    QFETCH(QByteArray, head);
    QFETCH(QString, reason);
    head.replace("HOST", host());
    const QByteArray smuggled = "GET /health HTTP/1.1\r\nHost: " + host() + "\r\n\r\n";
    const QByteArray received = exchange(m_gateway.port(), head + smuggled);
    QCOMPARE(statusOf(received), 400);
    QCOMPARE(responses(received), 1);  // the request after it was not served
    QVERIFY(received.contains("\r\nConnection: close\r\n"));
    QVERIFY2(messageOf(received).contains(reason), qPrintable(messageOf(received)));

    // The gateway keeps serving.
    const QByteArray next = exchange(m_gateway.port(), "GET /health HTTP/1.1\r\nHost: " + host() + "\r\nConnection: close\r\n\r\n");
    QCOMPARE(statusOf(next), 200);
}

void RequestFramingTest::absoluteFormNamingThisServerIsServed()
{
    const QByteArray received = exchange(m_gateway.port(), "GET http://" + host() + "/health HTTP/1.1\r\nHost: " + host()
                                                               + "\r\nConnection: close\r\n\r\n");
    QCOMPARE(statusOf(received), 200);
    QVERIFY(received.contains("\"status\":\"ok\""));
}

void RequestFramingTest::plainPipelinedRequestsAreServed()
{
    // Well-formed keep-alive traffic (pipelined, a chunked body, an empty line between
    // requests) is not mistaken for smuggling.
    const QByteArray get = "GET /health HTTP/1.1\r\nHost: " + host() + "\r\n\r\n";
    const QByteArray chunked = "POST /v1/chat/completions HTTP/1.1\r\nHost: " + host()
        + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n";
    const QByteArray last = "GET /health HTTP/1.1\r\nHost: " + host() + "\r\nConnection: close\r\n\r\n";
    const QByteArray received = exchange(m_gateway.port(), get + chunked + "\r\n" + last, 3);
    QCOMPARE(responses(received), 3);
    QCOMPARE(statusOf(received), 200);
    QVERIFY(received.contains("HTTP/1.1 400"));  // {} is no chat request: the gateway's own 400
}

void RequestFramingTest::headerFieldCount()
{
    QByteArray fields;
    for (int i = 0; i < RequestSizeGuard::kMaxHeaderLines - 2; ++i)
        fields += "X-Field-" + QByteArray::number(i) + ": v\r\n";
    const QByteArray fits = exchange(m_gateway.port(), "GET /health HTTP/1.1\r\nHost: " + host() + "\r\n" + fields + "\r\n");
    QCOMPARE(statusOf(fits), 200);
    fields += "X-One: v\r\nX-Two: v\r\nX-Three: v\r\n";
    const QByteArray tooMany = exchange(m_gateway.port(), "GET /health HTTP/1.1\r\nHost: " + host() + "\r\n" + fields + "\r\n");
    QCOMPARE(statusOf(tooMany), 431);
    QVERIFY2(messageOf(tooMany).contains(u"header fields"_s), qPrintable(messageOf(tooMany)));
}

// A listener with small limits: a slow-loris client, a stalled body and one connection
// too many are refused; an idle keep-alive connection is left alone.
void RequestFramingTest::slowClientsAndTheConnectionCap()
{
    HttpFront front([](const QHttpServerRequest &, QHttpServerResponder &&responder) {
        sendResponse(responder, 200, "text/plain"_ba, "ok"_ba);
    });
    auto *listener = new GuardedTcpServer(1024 * 1024, &front);  // the front owns what it serves
    GuardedTcpServer &tcp = *listener;
    tcp.setLimits(2, RequestSizeGuard::Timeouts{300, 300});
    QVERIFY(tcp.listen(QHostAddress::LocalHost, 0));
    front.bind(&tcp);
    const quint16 port = tcp.serverPort();
    const auto openSocket = [port](QTcpSocket &socket) {
        socket.connectToHost(QHostAddress::LocalHost, port);
        return socket.waitForConnected(2000);
    };
    const auto readUntilClosed = [](QTcpSocket &socket, int ms) -> QByteArray {
        QByteArray received;
        QElapsedTimer clock;
        clock.start();
        while (clock.elapsed() < ms && socket.state() == QAbstractSocket::ConnectedState) {
            QTest::qWait(20);
            received += socket.readAll();
        }
        return received + socket.readAll();
    };

    QTcpSocket loris;
    QVERIFY(openSocket(loris));
    loris.write("GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ");
    const QByteArray lorisGot = readUntilClosed(loris, 3000);
    QCOMPARE(statusOf(lorisGot), 408);
    QVERIFY(messageOf(lorisGot).contains(u"headers did not arrive"_s));
    QCOMPARE(loris.state(), QAbstractSocket::UnconnectedState);

    QTcpSocket stalled;
    QVERIFY(openSocket(stalled));
    stalled.write("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc");
    const QByteArray stalledGot = readUntilClosed(stalled, 3000);
    QCOMPARE(statusOf(stalledGot), 408);
    QVERIFY(messageOf(stalledGot).contains(u"body stalled"_s));

    // Idle between requests: no deadline.
    QTcpSocket idle;
    QVERIFY(openSocket(idle));
    idle.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    QTest::qWait(800);
    QCOMPARE(idle.state(), QAbstractSocket::ConnectedState);
    QVERIFY(idle.readAll().startsWith("HTTP/1.1 200"));

    // Two open (idle and a second), the third is one too many.
    QTRY_COMPARE(tcp.findChildren<QTcpSocket *>(Qt::FindDirectChildrenOnly).size(), 1);  // the refused ones are gone
    QTcpSocket second;
    QVERIFY(openSocket(second));
    QTest::qWait(100);
    QTcpSocket third;
    QVERIFY(openSocket(third));
    const QByteArray refused = readUntilClosed(third, 3000);
    QCOMPARE(statusOf(refused), 503);
    QVERIFY(refused.contains("too_many_connections"));
    // The open ones are still served.
    second.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    QByteArray answered;
    QTRY_VERIFY2((answered += second.readAll()).startsWith("HTTP/1.1 200"), answered.constData());
}

QTEST_GUILESS_MAIN(RequestFramingTest)
#include "tst_request_framing.moc"
