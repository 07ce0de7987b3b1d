// The local input-token estimate (AnthropicTokenEstimate) against every recorded request
// whose true count is known: the token-counting docs' two requests, and the recorded
// Messages requests paired with the usage their answers reported. The estimate must
// never be below the truth (README "count_tokens": it is an over-estimate by design) and
// stay within twice it, so it is still of use for deciding when to compact.

#include "dialects/AnthropicTokenEstimate.h"

#include "FakeDialect.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace onegate;
using namespace Qt::StringLiterals;

namespace {

QByteArray fixture(const QString &name)
{
    return onegate::test::readFixture(u"anthropic"_s, name);
}

QJsonObject json(const QString &name)
{
    return QJsonDocument::fromJson(fixture(name)).object();
}

// All input tokens an answer reports: Anthropic counts cached ones apart.
qint64 reportedInput(const QJsonObject &usage)
{
    return usage.value("input_tokens"_L1).toInteger() + usage.value("cache_read_input_tokens"_L1).toInteger()
        + usage.value("cache_creation_input_tokens"_L1).toInteger();
}

qint64 streamInput(const QString &sse)
{
    for (const QByteArray &line : fixture(sse).split('\n')) {
        if (line.startsWith("data:") && line.contains("\"message_start\""))
            return reportedInput(QJsonDocument::fromJson(line.mid(5).trimmed()).object()
                                     .value("message"_L1).toObject().value("usage"_L1).toObject());
    }
    return -1;
}

} // namespace

class AnthropicTokenEstimateTest final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void neverBelowTheTrueCount_data();
    void neverBelowTheTrueCount();
    void growsWithWhatIsSent();
};

void AnthropicTokenEstimateTest::neverBelowTheTrueCount_data()
{
    QTest::addColumn<QJsonObject>("request");
    QTest::addColumn<qint64>("truth");
    QTest::newRow("count_tokens docs") << json(u"count_tokens_request_docs.json"_s)
                                       << json(u"count_tokens_response_docs.json"_s).value("input_tokens"_L1).toInteger();
    QTest::newRow("count_tokens docs, tools")
        << json(u"count_tokens_request_tools_docs.json"_s)
        << json(u"count_tokens_response_tools_docs.json"_s).value("input_tokens"_L1).toInteger();
    QTest::newRow("recorded tools request")
        << json(u"messages_request_tools_recorded.json"_s)
        << reportedInput(json(u"messages_response_tool_use_recorded.json"_s).value("usage"_L1).toObject());
    QTest::newRow("recorded tool_result turn")
        << json(u"messages_request_tool_result_turn_recorded.json"_s)
        << reportedInput(json(u"messages_response_text_recorded.json"_s).value("usage"_L1).toObject());
    QTest::newRow("recorded streamed tool use") << json(u"messages_stream_tool_use_recorded.request.json"_s)
                                                << streamInput(u"messages_stream_tool_use_recorded.sse"_s);
}

void AnthropicTokenEstimateTest::neverBelowTheTrueCount()
{
    QFETCH(QJsonObject, request);
    QFETCH(qint64, truth);
    QVERIFY(!request.isEmpty());
    QVERIFY(truth > 0);
    const qint64 estimate = AnthropicTokenEstimate::inputTokens(request);
    QVERIFY2(estimate >= truth && estimate <= 2 * truth,
             qPrintable(u"estimate %1, true count %2"_s.arg(estimate).arg(truth)));
}

void AnthropicTokenEstimateTest::growsWithWhatIsSent()
{
    const QJsonObject base = json(u"count_tokens_request_docs.json"_s);
    const qint64 plain = AnthropicTokenEstimate::inputTokens(base);
    QJsonObject withImage = base;
    QJsonArray messages = base.value("messages"_L1).toArray();
    messages.append(QJsonObject{{"role"_L1, "user"_L1},
                                {"content"_L1, QJsonArray{QJsonObject{{"type"_L1, "image"_L1},
                                                                      {"source"_L1, QJsonObject{{"type"_L1, "url"_L1},
                                                                                                {"url"_L1, "https://example.com/a.png"_L1}}}}}}});
    withImage.insert("messages"_L1, messages);
    QVERIFY(AnthropicTokenEstimate::inputTokens(withImage) >= plain + 1600);
    QJsonObject chinese = base;
    chinese.insert("system"_L1, u"你是一位科学家，请用中文回答所有问题。"_s);
    // CJK text: at least one token per character.
    QVERIFY(AnthropicTokenEstimate::inputTokens(chinese) - plain >= 19 - 7);
}

QTEST_GUILESS_MAIN(AnthropicTokenEstimateTest)
#include "tst_anthropic_token_estimate.moc"
