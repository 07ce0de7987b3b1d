#include "core/NdjsonParser.h"

#include <QTest>

using namespace onegate;
using namespace Qt::StringLiterals;

namespace {

struct Outcome {
    QList<QByteArray> lines;
    bool ok = true;
    QByteArray partial;
};

// Feeds `text` in pieces of `step` bytes (0: all at once); stops at the first refusal,
// as a decoder does.
Outcome feedInSteps(const QByteArray &text, qsizetype step, qsizetype limit)
{
    NdjsonParser parser(limit);
    Outcome outcome;
    const qsizetype size = step > 0 ? step : qMax<qsizetype>(1, text.size());
    for (qsizetype at = 0; at < text.size() && outcome.ok; at += size)
        outcome.ok = parser.feed(QByteArrayView(text).sliced(at, qMin(size, text.size() - at)), outcome.lines);
    if (outcome.ok)
        outcome.partial = parser.takePartialLine();
    return outcome;
}

} // namespace

class TestNdjsonParser final : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void lines_data();
    void lines();
    void splitAnywhere_data();
    void splitAnywhere();
    void crlfSplitBetweenReads();
    void lineLimit_data();
    void lineLimit();
    void refusesAfterOverflow();
    void partialLine();
};

void TestNdjsonParser::lines_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QList<QByteArray>>("expected");
    QTest::addColumn<QByteArray>("partial");

    QTest::newRow("two records") << "{\"a\":1}\n{\"b\":2}\n"_ba << QList<QByteArray>{"{\"a\":1}", "{\"b\":2}"}
                                 << QByteArray();
    QTest::newRow("CRLF endings") << "{\"a\":1}\r\n{\"b\":2}\r\n"_ba << QList<QByteArray>{"{\"a\":1}", "{\"b\":2}"}
                                  << QByteArray();
    QTest::newRow("blank and whitespace lines skipped")
        << "\n{\"a\":1}\n\n  \t\n\r\n{\"b\":2}\n"_ba << QList<QByteArray>{"{\"a\":1}", "{\"b\":2}"} << QByteArray();
    QTest::newRow("surrounding whitespace trimmed") << "  {\"a\":1}  \n"_ba << QList<QByteArray>{"{\"a\":1}"}
                                                    << QByteArray();
    QTest::newRow("last line without newline") << "{\"a\":1}\n{\"b\":2}"_ba << QList<QByteArray>{"{\"a\":1}"}
                                               << "{\"b\":2}"_ba;
    QTest::newRow("nothing") << QByteArray() << QList<QByteArray>{} << QByteArray();
    QTest::newRow("a LF inside a JSON string is escaped, so never a boundary")
        << "{\"t\":\"a\\nb\"}\n"_ba << QList<QByteArray>{"{\"t\":\"a\\nb\"}"} << QByteArray();
    QTest::newRow("multibyte UTF-8 kept whole") << "{\"t\":\"\xf0\x9f\x91\x8b \xe4\xbd\xa0\xe5\xa5\xbd\"}\n"_ba
                                                << QList<QByteArray>{"{\"t\":\"\xf0\x9f\x91\x8b \xe4\xbd\xa0\xe5\xa5\xbd\"}"}
                                                << QByteArray();
}

void TestNdjsonParser::lines()
{
    QFETCH(QByteArray, text);
    QFETCH(QList<QByteArray>, expected);
    QFETCH(QByteArray, partial);
    const Outcome outcome = feedInSteps(text, 0, 1024);
    QVERIFY(outcome.ok);
    QCOMPARE(outcome.lines, expected);
    QCOMPARE(outcome.partial, partial);
}

void TestNdjsonParser::splitAnywhere_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::newRow("LF") << "{\"model\":\"m\",\"message\":{\"content\":\"The\"},\"done\":false}\n{\"done\":true}\n"_ba;
    QTest::newRow("CRLF and blanks") << "\r\n{\"a\":\"x\"}\r\n\r\n{\"b\":[1,2,3]}\r\n{\"c\":null}"_ba;
    QTest::newRow("UTF-8") << "{\"t\":\"\xe4\xbd\xa0\xe5\xa5\xbd\"}\n{\"t\":\"\xf0\x9f\x91\x8b\"}\n"_ba;
}

void TestNdjsonParser::splitAnywhere()
{
    QFETCH(QByteArray, text);
    const Outcome whole = feedInSteps(text, 0, 1024);
    QVERIFY(whole.ok);
    // Every step size, and every single cut point.
    for (qsizetype step = 1; step < text.size(); ++step) {
        const Outcome split = feedInSteps(text, step, 1024);
        QVERIFY(split.ok);
        QCOMPARE(split.lines, whole.lines);
        QCOMPARE(split.partial, whole.partial);
    }
    for (qsizetype cut = 1; cut < text.size(); ++cut) {
        NdjsonParser parser(1024);
        QList<QByteArray> lines;
        QVERIFY(parser.feed(QByteArrayView(text).first(cut), lines));
        QVERIFY(parser.feed(QByteArrayView(text).sliced(cut), lines));
        QCOMPARE(lines, whole.lines);
        QCOMPARE(parser.takePartialLine(), whole.partial);
    }
}

void TestNdjsonParser::crlfSplitBetweenReads()
{
    NdjsonParser parser;
    QList<QByteArray> lines;
    QVERIFY(parser.feed("{\"a\":1}\r", lines));
    QVERIFY(lines.isEmpty());
    QVERIFY(parser.hasPartialLine());
    QVERIFY(parser.feed("\n{\"b\":2}\r", lines));
    QVERIFY(parser.feed("\n", lines));
    QCOMPARE(lines, (QList<QByteArray>{"{\"a\":1}", "{\"b\":2}"}));
    QVERIFY(!parser.hasPartialLine());
}

void TestNdjsonParser::lineLimit_data()
{
    // The limit counts the bytes before a line's LF, however they arrive.
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<bool>("ok");
    QTest::addColumn<int>("lines");

    const QByteArray eight = "{\"a\":12}"_ba;  // 8 bytes
    QTest::newRow("at the limit") << QByteArray(eight + '\n' + eight + '\n') << true << 2;
    QTest::newRow("one over") << QByteArray(eight + "  \n") << false << 0;
    QTest::newRow("one over after a good line") << QByteArray(eight + '\n' + eight + " \n") << false << 1;
    QTest::newRow("unterminated, over") << QByteArray(eight + ' ') << false << 0;
    QTest::newRow("unterminated, at the limit") << eight << true << 0;
}

void TestNdjsonParser::lineLimit()
{
    QFETCH(QByteArray, text);
    QFETCH(bool, ok);
    QFETCH(int, lines);
    for (qsizetype step = 0; step < text.size(); ++step) {
        const Outcome outcome = feedInSteps(text, step, 8);
        QCOMPARE(outcome.ok, ok);
        QCOMPARE(outcome.lines.size(), lines);
    }
}

void TestNdjsonParser::refusesAfterOverflow()
{
    NdjsonParser parser(4);
    QList<QByteArray> lines;
    QVERIFY(!parser.feed("123456", lines));
    QVERIFY(parser.overflowed());
    QVERIFY(!parser.feed("\n{}\n", lines));
    QVERIFY(lines.isEmpty());
    QVERIFY(!parser.hasPartialLine());
}

void TestNdjsonParser::partialLine()
{
    NdjsonParser parser;
    QList<QByteArray> lines;
    QVERIFY(parser.feed("{\"a\":1}\n   ", lines));
    QVERIFY(!parser.hasPartialLine());  // whitespace after the last record is no record
    QVERIFY(parser.feed("{\"b\"", lines));
    QVERIFY(parser.hasPartialLine());
    QCOMPARE(parser.takePartialLine(), "{\"b\""_ba);
    QVERIFY(!parser.hasPartialLine());
    QCOMPARE(lines, QList<QByteArray>{"{\"a\":1}"});
}

QTEST_GUILESS_MAIN(TestNdjsonParser)
#include "tst_ndjson_parser.moc"
