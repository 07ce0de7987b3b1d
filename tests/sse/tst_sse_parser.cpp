#include "core/SseParser.h"

#include <QFile>
#include <QTest>

using namespace onegate;
using namespace Qt::StringLiterals;

namespace {

QByteArray fixture(const QString &relative)
{
    QFile file(QStringLiteral(ONEGATE_TEST_DATA "/fixtures/") + relative);
    if (!file.open(QIODevice::ReadOnly))
        qFatal("missing fixture %s", qPrintable(relative));
    return file.readAll();
}

QList<SseEvent> parseWhole(const QByteArray &bytes, qsizetype limit = 16 * 1024 * 1024)
{
    SseParser parser(limit);
    QList<SseEvent> events;
    parser.feed(bytes, events);
    return events;
}

QList<SseEvent> parseInPieces(const QByteArray &bytes, const QList<qsizetype> &cuts)
{
    SseParser parser;
    QList<SseEvent> events;
    qsizetype start = 0;
    for (qsizetype cut : cuts) {
        parser.feed(QByteArrayView(bytes).sliced(start, cut - start), events);
        start = cut;
    }
    parser.feed(QByteArrayView(bytes).sliced(start), events);
    return events;
}

void compareEvents(const QList<SseEvent> &actual, const QList<SseEvent> &expected)
{
    QCOMPARE(actual.size(), expected.size());
    for (qsizetype i = 0; i < actual.size(); ++i) {
        QCOMPARE(actual[i].event, expected[i].event);
        QCOMPARE(actual[i].data, expected[i].data);
        QCOMPARE(actual[i].id, expected[i].id);
    }
}

QByteArray withLineEndings(QByteArray lf, const QByteArray &ending)
{
    lf.replace("\r\n", "\n");
    return lf.replace("\n", ending);
}

} // namespace

class TestSseParser final : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void fixtureSplitAtEveryByte_data();
    void fixtureSplitAtEveryByte();
    void byteByByte();
    void lineEndings_data();
    void lineEndings();
    void crSplitAcrossReads();
    void fieldsAndComments_data();
    void fieldsAndComments();
    void partialEventAtEnd();
    void oversizedEvent();
    void oversizedLineWithoutEnd();
    void manyEventsStayWithinLimit();
    void longCommentSameInAnyReads_data();
    void longCommentSameInAnyReads();
};

void TestSseParser::fixtureSplitAtEveryByte_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<int>("expectedEvents");
    QTest::newRow("openai text") << u"openai/chat_stream_text_include_usage.sse"_s << 34;
    QTest::newRow("openai tool call") << u"openai/chat_stream_tool_call.sse"_s << -1;
    QTest::newRow("openai parallel tools") << u"openai/chat_stream_parallel_tool_calls.sse"_s << -1;
    QTest::newRow("deepseek usage on finish") << u"deepseek/chat_stream_tool_call_usage_on_finish_chunk.sse"_s << -1;
    QTest::newRow("gemini CRLF") << u"gemini/stream_generate_content_alt_sse.sse"_s << -1;
    QTest::newRow("anthropic padded JSON") << u"anthropic/messages_stream_tool_use_recorded.sse"_s << -1;
}

void TestSseParser::fixtureSplitAtEveryByte()
{
    QFETCH(QString, file);
    QFETCH(int, expectedEvents);
    const QByteArray bytes = fixture(file);
    const QList<SseEvent> reference = parseWhole(bytes);
    QVERIFY(!reference.isEmpty());
    if (expectedEvents >= 0)
        QCOMPARE(reference.size(), expectedEvents);
    for (const SseEvent &event : reference)
        QVERIFY2(!event.data.contains('\r'), "a CR leaked into the data");

    for (qsizetype cut = 1; cut < bytes.size(); ++cut)
        compareEvents(parseInPieces(bytes, {cut}), reference);
    // And two cuts at once, so an event can be split into three reads.
    for (qsizetype cut = 1; cut + 7 < bytes.size(); cut += 5)
        compareEvents(parseInPieces(bytes, {cut, cut + 7}), reference);
}

void TestSseParser::byteByByte()
{
    const QByteArray bytes = fixture(u"anthropic/messages_stream_thinking_docs.sse"_s);
    const QList<SseEvent> reference = parseWhole(bytes);
    QList<qsizetype> cuts;
    for (qsizetype i = 1; i < bytes.size(); ++i)
        cuts.append(i);
    compareEvents(parseInPieces(bytes, cuts), reference);
    QCOMPARE(reference.first().event, "message_start"_ba);
}

void TestSseParser::lineEndings_data()
{
    QTest::addColumn<QByteArray>("ending");
    QTest::newRow("LF") << "\n"_ba;
    QTest::newRow("CRLF") << "\r\n"_ba;
    QTest::newRow("CR") << "\r"_ba;
}

void TestSseParser::lineEndings()
{
    QFETCH(QByteArray, ending);
    const QByteArray original = fixture(u"openai/chat_stream_tool_call.sse"_s);
    const QList<SseEvent> reference = parseWhole(original);
    const QByteArray converted = withLineEndings(original, ending);
    compareEvents(parseWhole(converted), reference);
    for (qsizetype cut = 1; cut < converted.size(); cut += 3)
        compareEvents(parseInPieces(converted, {cut}), reference);
}

void TestSseParser::crSplitAcrossReads()
{
    // A CRLF whose CR ends one read must not produce an extra empty line (which would
    // dispatch the event early) when its LF starts the next.
    SseParser parser;
    QList<SseEvent> events;
    parser.feed("data: a\r", events);
    parser.feed("\ndata: b\r", events);
    QVERIFY(events.isEmpty());
    parser.feed("\n\r", events);
    QCOMPARE(events.size(), 1);
    QCOMPARE(events[0].data, "a\nb"_ba);
    parser.feed("\n", events);
    QCOMPARE(events.size(), 1);
}

void TestSseParser::fieldsAndComments_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QList<QByteArray>>("data");
    QTest::addColumn<QList<QByteArray>>("names");
    QTest::newRow("comment lines ignored")
        << ": keep-alive\ndata: x\n: OPENROUTER PROCESSING\n\n"_ba << QList<QByteArray>{"x"} << QList<QByteArray>{""};
    QTest::newRow("comment-only block is no event") << ": ping\n\n"_ba << QList<QByteArray>{} << QList<QByteArray>{};
    QTest::newRow("multi-line data joined with LF")
        << "data: first\ndata: second\ndata:third\n\n"_ba << QList<QByteArray>{"first\nsecond\nthird"} << QList<QByteArray>{""};
    QTest::newRow("only one leading space stripped") << "data:  two\n\n"_ba << QList<QByteArray>{" two"} << QList<QByteArray>{""};
    QTest::newRow("empty data dispatches") << "data:\n\n"_ba << QList<QByteArray>{""} << QList<QByteArray>{""};
    QTest::newRow("event names") << "event: ping\ndata: {}\n\nevent: message_stop\ndata: {\"type\":\"message_stop\"}\n\n"_ba
                                 << QList<QByteArray>{"{}", "{\"type\":\"message_stop\"}"}
                                 << QList<QByteArray>{"ping", "message_stop"};
    QTest::newRow("event without data is dropped") << "event: lonely\n\ndata: y\n\n"_ba << QList<QByteArray>{"y"}
                                                   << QList<QByteArray>{""};
    QTest::newRow("unknown fields and retry ignored") << "retry: 10\nfoo: bar\ndata: z\n\n"_ba
                                                      << QList<QByteArray>{"z"} << QList<QByteArray>{""};
    QTest::newRow("field without colon") << "data\n\n"_ba << QList<QByteArray>{""} << QList<QByteArray>{""};
    QTest::newRow("extra blank lines") << "\n\n\ndata: q\n\n\n\n"_ba << QList<QByteArray>{"q"} << QList<QByteArray>{""};
    QTest::newRow("colon inside value kept") << "data: {\"a\":\"b:c\"}\n\n"_ba << QList<QByteArray>{"{\"a\":\"b:c\"}"}
                                             << QList<QByteArray>{""};
}

void TestSseParser::fieldsAndComments()
{
    QFETCH(QByteArray, input);
    QFETCH(QList<QByteArray>, data);
    QFETCH(QList<QByteArray>, names);
    const QList<SseEvent> events = parseWhole(input);
    QCOMPARE(events.size(), data.size());
    for (qsizetype i = 0; i < events.size(); ++i) {
        QCOMPARE(events[i].data, data[i]);
        QCOMPARE(events[i].event, names[i]);
    }
}

void TestSseParser::partialEventAtEnd()
{
    SseParser parser;
    QList<SseEvent> events;
    parser.feed("data: complete\n\ndata: cut off", events);
    QCOMPARE(events.size(), 1);
    QVERIFY(parser.hasPartialEvent());

    SseParser clean;
    events.clear();
    clean.feed("data: complete\n\n", events);
    QVERIFY(!clean.hasPartialEvent());

    SseParser lineDone;
    events.clear();
    lineDone.feed("data: line ended but no blank line\n", events);
    QVERIFY(events.isEmpty());
    QVERIFY(lineDone.hasPartialEvent());
}

void TestSseParser::oversizedEvent()
{
    SseParser parser(100);
    QList<SseEvent> events;
    QVERIFY(parser.feed("data: small\n\n", events));
    QCOMPARE(events.size(), 1);
    // Many short lines: each fits, the event does not.
    QByteArray big;
    for (int i = 0; i < 20; ++i)
        big += "data: 0123456789\n";
    QVERIFY(!parser.feed(big, events));
    QVERIFY(parser.overflowed());
    QVERIFY(!parser.feed("\n\ndata: later\n\n", events));
    QCOMPARE(events.size(), 1);
}

void TestSseParser::oversizedLineWithoutEnd()
{
    // A provider that never sends a line end must not grow the buffer without bound.
    SseParser parser(1024);
    QList<SseEvent> events;
    const QByteArray chunk(300, 'x');
    bool ok = true;
    for (int i = 0; i < 10 && ok; ++i)
        ok = parser.feed(chunk, events);
    QVERIFY(!ok);
    QVERIFY(parser.overflowed());
}

void TestSseParser::manyEventsStayWithinLimit()
{
    // The limit is per event, not per stream.
    SseParser parser(64);
    QList<SseEvent> events;
    for (int i = 0; i < 1000; ++i)
        QVERIFY(parser.feed("data: 0123456789012345678901234567890123456789\n\n", events));
    QCOMPARE(events.size(), 1000);
}

void TestSseParser::longCommentSameInAnyReads_data()
{
    QTest::addColumn<QByteArray>("stream");
    QTest::addColumn<bool>("fits");
    // The limit counts a comment while it waits for its line end: found by the fuzzer
    // (tests/fuzz/regressions/sse_parser), where a comment past it overflowed only when
    // it came in pieces.
    QTest::newRow("comment within the limit") << QByteArray("data: x\n:" + QByteArray(80, 'a') + "\n\n") << true;
    QTest::newRow("comment past the limit") << QByteArray("data: x\n:" + QByteArray(120, 'a') + "\n\n") << false;
    QTest::newRow("comment past the rest of the event's room")
        << QByteArray("data: " + QByteArray(60, 'x') + "\n:" + QByteArray(60, 'a') + "\n\n") << false;
}

void TestSseParser::longCommentSameInAnyReads()
{
    QFETCH(QByteArray, stream);
    QFETCH(bool, fits);
    SseParser whole(100);
    QList<SseEvent> events;
    QCOMPARE(whole.feed(stream, events), fits);
    for (qsizetype split = 1; split < stream.size(); ++split) {
        SseParser pieces(100);
        events.clear();
        const bool ok = pieces.feed(QByteArrayView(stream).first(split), events)
                        && pieces.feed(QByteArrayView(stream).sliced(split), events);
        QVERIFY2(ok == fits, qPrintable(QStringLiteral("split at %1").arg(split)));
        if (fits)
            QCOMPARE(events.size(), 1);
    }
}

QTEST_GUILESS_MAIN(TestSseParser)
#include "tst_sse_parser.moc"
