// The response parser of the pooled upstream connections: every framing a provider may
// use, and every framing error that would mis-frame the next response on a reused
// connection. Each row is fed whole and one byte at a time.
#include "core/HttpResponseParser.h"

#include <QTest>

using namespace onegate;

namespace {

struct Outcome : HttpResponseParser::Sink {
    int status = 0;
    HttpHeaderList headers;
    QByteArray body;
    int completions = 0;
    bool ok = true;
    QString error;

    void responseHead(int s, const HttpHeaderList &h) override
    {
        status = s;
        headers = h;
    }
    void responseBody(QByteArrayView bytes) override { body += bytes; }
    void responseComplete() override { ++completions; }
};

Outcome parse(const QByteArray &wire, bool closeAfter, bool byteByByte, bool *keepAlive)
{
    HttpResponseParser parser;
    Outcome out;
    if (byteByByte) {
        for (qsizetype i = 0; i < wire.size() && out.ok; ++i)
            out.ok = parser.feed(QByteArrayView(wire).sliced(i, 1), out);
    } else {
        out.ok = parser.feed(wire, out);
    }
    if (out.ok && closeAfter)
        out.ok = parser.finishAtClose(out);
    out.error = parser.errorText();
    *keepAlive = parser.keepAlive();
    return out;
}

} // namespace

class TestHttpResponseParser : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void framing_data();
    void framing();
    void headerLookupIgnoresCase();
    void resetReadsTheNextResponse();
    void abandonStopsAtOnce();
};

void TestHttpResponseParser::framing_data()
{
    QTest::addColumn<QByteArray>("wire");
    QTest::addColumn<bool>("closeAfter");   // the provider closes after these bytes
    QTest::addColumn<bool>("ok");
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<bool>("keepAlive");
    QTest::addColumn<QString>("error");      // a part of errorText()

    const QString none;
    QTest::newRow("content-length") << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello")
                                    << false << true << 200 << QByteArray("hello") << true << none;
    QTest::newRow("zero length") << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
                                 << false << true << 200 << QByteArray() << true << none;
    QTest::newRow("equal lengths twice") << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 2\r\ncontent-length: 2\r\n\r\nok")
                                         << false << true << 200 << QByteArray("ok") << true << none;
    QTest::newRow("chunked, extensions, trailer")
        << QByteArray("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6;ext=1\r\n world\r\n"
                      "0\r\nX-Trailer: 1\r\n\r\n")
        << false << true << 200 << QByteArray("hello world") << true << none;
    QTest::newRow("chunked, upper-case hex") << QByteArray("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nA\r\n0123456789\r\n0\r\n\r\n")
                                             << false << true << 200 << QByteArray("0123456789") << true << none;
    QTest::newRow("close-delimited") << QByteArray("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\ndata: 1\n\n")
                                     << true << true << 200 << QByteArray("data: 1\n\n") << false << none;
    QTest::newRow("100 Continue first") << QByteArray("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok")
                                        << false << true << 201 << QByteArray("ok") << true << none;
    QTest::newRow("204 has no body") << QByteArray("HTTP/1.1 204 No Content\r\n\r\n")
                                     << false << true << 204 << QByteArray() << true << none;
    QTest::newRow("Connection: close") << QByteArray("HTTP/1.1 200 OK\r\nConnection: keep-alive, Close\r\nContent-Length: 1\r\n\r\nx")
                                       << false << true << 200 << QByteArray("x") << false << none;
    QTest::newRow("HTTP/1.0") << QByteArray("HTTP/1.0 200 OK\r\nContent-Length: 1\r\n\r\nx")
                              << false << true << 200 << QByteArray("x") << false << none;
    QTest::newRow("bare LF line ends") << QByteArray("HTTP/1.1 404 Not Found\nContent-Length: 2\n\nno")
                                       << false << true << 404 << QByteArray("no") << true << none;
    QTest::newRow("no reason phrase") << QByteArray("HTTP/1.1 500\r\nContent-Length: 0\r\n\r\n")
                                      << false << true << 500 << QByteArray() << true << none;
    QTest::newRow("coding and length: coding wins, no reuse")
        << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 99\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n")
        << false << true << 200 << QByteArray("ok") << false << none;
    QTest::newRow("bytes after the response: no reuse")
        << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 200 OK\r\n")
        << false << true << 200 << QByteArray("ok") << false << none;

    QTest::newRow("conflicting lengths") << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nokk")
                                         << false << false << 0 << QByteArray() << false << QStringLiteral("conflicting Content-Length");
    QTest::newRow("negative length") << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n")
                                     << false << false << 0 << QByteArray() << false << QStringLiteral("invalid Content-Length");
    QTest::newRow("length with a sign") << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: +2\r\n\r\nok")
                                        << false << false << 0 << QByteArray() << false << QStringLiteral("invalid Content-Length");
    QTest::newRow("huge length") << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999\r\n\r\n")
                                 << false << false << 0 << QByteArray() << false << QStringLiteral("invalid Content-Length");
    QTest::newRow("chunk size not hex") << QByteArray("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n")
                                        << false << false << 200 << QByteArray() << false << QStringLiteral("invalid chunk size");
    QTest::newRow("chunk size 0x") << QByteArray("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0x2\r\nok\r\n")
                                   << false << false << 200 << QByteArray() << false << QStringLiteral("invalid chunk size");
    QTest::newRow("chunk size overflows") << QByteArray("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFFFFFFF\r\n")
                                          << false << false << 200 << QByteArray() << false << QStringLiteral("invalid chunk size");
    QTest::newRow("chunk longer than its size") << QByteArray("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nokX\r\n0\r\n\r\n")
                                                << false << false << 200 << QByteArray("ok") << false << QStringLiteral("longer than its size");
    QTest::newRow("folded header") << QByteArray("HTTP/1.1 200 OK\r\nX-A: 1\r\n continued\r\n\r\n")
                                   << false << false << 0 << QByteArray() << false << QStringLiteral("folded");
    QTest::newRow("space before colon") << QByteArray("HTTP/1.1 200 OK\r\nContent-Length : 2\r\n\r\nok")
                                        << false << false << 0 << QByteArray() << false << QStringLiteral("header name");
    QTest::newRow("not HTTP") << QByteArray("SSH-2.0-OpenSSH_9.2\r\n")
                              << false << false << 0 << QByteArray() << false << QStringLiteral("HTTP/1.x");
    QTest::newRow("101 Switching Protocols") << QByteArray("HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\n\r\n")
                                             << false << false << 0 << QByteArray() << false << QStringLiteral("switched protocols");
    QTest::newRow("closed mid-body") << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhalf")
                                     << true << false << 200 << QByteArray("half") << false << QStringLiteral("mid-response");
    QTest::newRow("closed mid-chunk") << QByteArray("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhe")
                                      << true << false << 200 << QByteArray("he") << false << QStringLiteral("mid-response");
    QTest::newRow("closed without answering") << QByteArray() << true << false << 0 << QByteArray() << false
                                              << QStringLiteral("without answering");

    QByteArray manyHeaders = "HTTP/1.1 200 OK\r\n";
    for (int i = 0; i <= HttpResponseParser::kMaxHeaderFields; ++i)
        manyHeaders += "X-H" + QByteArray::number(i) + ": v\r\n";
    QTest::newRow("too many header fields") << QByteArray(manyHeaders + "\r\n") << false << false << 0 << QByteArray() << false
                                            << QStringLiteral("header fields");
    QTest::newRow("head too large") << QByteArray("HTTP/1.1 200 OK\r\nX-Big: " + QByteArray(HttpResponseParser::kMaxHeadBytes, 'a'))
                                    << false << false << 0 << QByteArray() << false << QStringLiteral("KiB");
}

void TestHttpResponseParser::framing()
{
    QFETCH(QByteArray, wire);
    QFETCH(bool, closeAfter);
    QFETCH(bool, ok);
    QFETCH(int, status);
    QFETCH(QByteArray, body);
    QFETCH(bool, keepAlive);
    QFETCH(QString, error);

    for (bool byteByByte : {false, true}) {
        bool reusable = true;
        const Outcome out = parse(wire, closeAfter, byteByByte, &reusable);
        const QByteArray how = byteByByte ? "byte by byte" : "whole";
        QVERIFY2(out.ok == ok, QByteArray(how + ": " + out.error.toUtf8()).constData());
        QCOMPARE(out.status, status);
        QCOMPARE(out.body, body);
        QCOMPARE(out.completions, ok ? 1 : 0);
        QCOMPARE(reusable, keepAlive);
        if (!ok)
            QVERIFY2(out.error.contains(error), qPrintable(out.error));
    }
}

void TestHttpResponseParser::headerLookupIgnoresCase()
{
    bool keepAlive = false;
    const Outcome out = parse("HTTP/1.1 429 Too Many Requests\r\nretry-after:  7 \r\nContent-Length: 0\r\n\r\n",
                              false, false, &keepAlive);
    QCOMPARE(httpHeaderValue(out.headers, "Retry-After"), QByteArray("7"));
    QCOMPARE(httpHeaderValue(out.headers, "x-missing"), QByteArray());
}

void TestHttpResponseParser::resetReadsTheNextResponse()
{
    HttpResponseParser parser;
    Outcome first;
    QVERIFY(parser.feed("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\na", first));
    QVERIFY(parser.isComplete() && parser.keepAlive());
    parser.reset();
    Outcome second;
    QVERIFY(parser.feed("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nb\r\n0\r\n\r\n", second));
    QCOMPARE(second.body, QByteArray("b"));
    QCOMPARE(second.completions, 1);
}

void TestHttpResponseParser::abandonStopsAtOnce()
{
    // A sink that gives up on the first body bytes (the exchange went away).
    struct Quitter : Outcome {
        HttpResponseParser *parser = nullptr;
        void responseBody(QByteArrayView bytes) override
        {
            body += bytes;
            parser->abandon();
        }
    } sink;
    HttpResponseParser parser;
    sink.parser = &parser;
    QVERIFY(!parser.feed("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\na\r\n1\r\nb\r\n0\r\n\r\n", sink));
    QCOMPARE(sink.body, QByteArray("a"));
    QCOMPARE(sink.completions, 0);
    QVERIFY(!parser.keepAlive());
}

QTEST_APPLESS_MAIN(TestHttpResponseParser)
#include "tst_http_response_parser.moc"
