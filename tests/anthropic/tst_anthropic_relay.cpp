// The anthropic kind's passthrough codec for clients that speak the Messages API
// themselves (AnthropicMessagesCodec, AnthropicRelayDecoder): every recorded stream fed
// whole and split at every byte comes out as the same events, byte for byte, with the
// usage (cache reads and writes included), the first content and the end found; errors
// and early ends fail the stream with the provider's body kept for the client.

#include "anthropic/AnthropicMessagesCodec.h"

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

// The events of an SSE text, each normalised to "event: NAME\ndata: JSON\n\n".
QList<QByteArray> normalisedEvents(const QByteArray &sse)
{
    QList<QByteArray> events;
    const QList<QByteArray> frames = QByteArray(sse).replace("\r\n", "\n").split('\n');
    QByteArray name;
    QByteArray data;
    for (const QByteArray &line : frames) {
        if (line.startsWith("event:")) {
            name = line.mid(6).trimmed();
        } else if (line.startsWith("data:")) {
            data = line.mid(5).trimmed();
        } else if (line.isEmpty() && !data.isEmpty()) {
            events.append("event: " + name + "\ndata: " + data + "\n\n");
            name.clear();
            data.clear();
        }
    }
    return events;
}

struct Collected final : ChatStreamSink {
    QList<QByteArray> frames;
    QList<bool> content;
    TokenUsage usage;
    QByteArray terminator;
    std::optional<ApiError> failure;
    void streamFrame(const QByteArray &frame, bool isContent) override
    {
        frames.append(frame);
        content.append(isContent);
    }
    void streamUsage(const TokenUsage &reported) override { usage = reported; }
    void streamCompleted(const QByteArray &end) override { terminator = end; }
    void streamFailed(const ApiError &error) override { failure = error; }
};

Collected run(const QByteArray &bytes, qsizetype split)
{
    Collected out;
    AnthropicRelayDecoder decoder;
    if (split <= 0 || split >= bytes.size()) {
        decoder.feed(bytes, out);
    } else {
        decoder.feed(QByteArrayView(bytes).first(split), out);
        decoder.feed(QByteArrayView(bytes).sliced(split), out);
    }
    decoder.finish(out);
    return out;
}

} // namespace

class AnthropicRelayTest final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void streamsRelayedAtEverySplit_data();
    void streamsRelayedAtEverySplit();
    void usageWithCacheTokens();
    void errorEventKeepsTheBody();
    void endWithoutMessageStopFails();
    void requestOnlyRewritesTheModel();
    void errorsRelayedAsSent();
    void systemRoleMovesIntoSystem();
};

void AnthropicRelayTest::streamsRelayedAtEverySplit_data()
{
    QTest::addColumn<QString>("file");
    for (const char *file : {"messages_stream_text_recorded.sse", "messages_stream_text_docs.sse",
                             "messages_stream_tool_use_recorded.sse", "messages_stream_tool_use_docs.sse",
                             "messages_stream_thinking_docs.sse", "messages_stream_parallel_tool_use.composed.sse",
                             "messages_stream_max_tokens.composed.sse"})
        QTest::newRow(file) << QString::fromLatin1(file);
}

void AnthropicRelayTest::streamsRelayedAtEverySplit()
{
    QFETCH(QString, file);
    const QByteArray bytes = fixture(file);
    const QList<QByteArray> expected = normalisedEvents(bytes);
    QVERIFY(expected.size() > 3);
    QVERIFY(expected.last().startsWith("event: message_stop"));
    const Collected whole = run(bytes, 0);
    for (qsizetype split = 0; split < bytes.size(); ++split) {
        const Collected out = run(bytes, split);
        QVERIFY2(!out.failure, qPrintable(u"split %1: %2"_s.arg(split).arg(out.failure ? out.failure->message : QString())));
        QCOMPARE(out.frames + QList<QByteArray>{out.terminator}, expected);
        QCOMPARE(out.content, whole.content);
        QCOMPARE(out.usage.prompt, whole.usage.prompt);
        QCOMPARE(out.usage.completion, whole.usage.completion);
    }
    // Content is exactly the deltas: what ends failover and starts time to first token.
    for (qsizetype i = 0; i < whole.frames.size(); ++i)
        QCOMPARE(whole.content.at(i), whole.frames.at(i).startsWith("event: content_block_delta"));
    if (bytes.contains("\"output_tokens\"")) {  // the docs' thinking stream reports none
        QVERIFY(whole.usage.known);
        QVERIFY(whole.usage.completion > 0);
    }
}

void AnthropicRelayTest::usageWithCacheTokens()
{
    const Collected out = run(fixture(u"messages_stream_parallel_tool_use.composed.sse"_s), 0);
    QVERIFY(!out.failure);
    // The same sums the anthropic adapter uses (UsageTally): prompt counts cached input.
    const QList<QByteArray> events = normalisedEvents(fixture(u"messages_stream_parallel_tool_use.composed.sse"_s));
    const QJsonObject start = QJsonDocument::fromJson(events.first().split('\n').at(1).mid(6)).object();
    const QJsonObject usage = start.value("message"_L1).toObject().value("usage"_L1).toObject();
    const qint64 read = usage.value("cache_read_input_tokens"_L1).toInteger();
    const qint64 written = usage.value("cache_creation_input_tokens"_L1).toInteger();
    QVERIFY(read + written > 0);
    QCOMPARE(out.usage.cached, read);
    QCOMPARE(out.usage.cacheWrite, written);
    QCOMPARE(out.usage.prompt, usage.value("input_tokens"_L1).toInteger() + read + written);
}

void AnthropicRelayTest::errorEventKeepsTheBody()
{
    const QList<QByteArray> text = normalisedEvents(fixture(u"messages_stream_text_recorded.sse"_s));
    const QByteArray error = fixture(u"stream_error_event_overloaded_docs.sse"_s);
    const Collected out = run(text.mid(0, 4).join() + error, 0);
    QCOMPARE(out.frames.size(), 4);
    QVERIFY(out.failure);
    QCOMPARE(out.failure->upstreamDialect, WireDialect::AnthropicMessages);
    QCOMPARE(QJsonDocument::fromJson(out.failure->upstreamBody).object(),
             QJsonDocument::fromJson(normalisedEvents(error).first().split('\n').at(1).mid(6)).object());
    QCOMPARE(out.failure->status, 529);
    QVERIFY(out.failure->retryable);
    QVERIFY(out.terminator.isEmpty());
}

void AnthropicRelayTest::endWithoutMessageStopFails()
{
    const QList<QByteArray> text = normalisedEvents(fixture(u"messages_stream_text_recorded.sse"_s));
    const Collected out = run(text.mid(0, 5).join(), 0);
    QVERIFY(out.failure);
    QCOMPARE(out.failure->status, 502);
    QVERIFY(out.failure->message.contains("message_stop"_L1));
}

void AnthropicRelayTest::requestOnlyRewritesTheModel()
{
    ProviderSettings provider;
    provider.id = u"claude"_s;
    provider.kind = ProviderKind::Anthropic;
    provider.baseUrl = QUrl(u"http://127.0.0.1:9/prefix/"_s);
    ChatCall call;
    call.provider = &provider;
    call.apiKey = "sk-test-relay-upstream";
    call.upstreamModel = u"claude-sonnet-4-5"_s;
    call.stream = true;
    call.dialect = WireDialect::AnthropicMessages;
    call.nativeBody = QJsonDocument::fromJson(fixture(u"messages_request_system_tools_image.composed.json"_s)).object();
    call.clientHeaders = {{"anthropic-version", "2023-06-01"}, {"anthropic-beta", "context-management-2025-06-27"}};
    const auto built = AnthropicMessagesCodec().chatRequest(call);
    QVERIFY(std::holds_alternative<UpstreamRequest>(built));
    const UpstreamRequest &request = std::get<UpstreamRequest>(built);
    QCOMPARE(request.url.toString(), u"http://127.0.0.1:9/prefix/v1/messages"_s);
    QJsonObject expected = call.nativeBody;
    expected.insert("model"_L1, call.upstreamModel);
    QCOMPARE(QJsonDocument::fromJson(request.body).object(), expected);
    auto header = [&request](const QByteArray &name) {
        QByteArrayList values;
        for (const auto &[key, value] : request.headers) {
            if (key.compare(name, Qt::CaseInsensitive) == 0)
                values.append(value);
        }
        return values;
    };
    QCOMPARE(header("x-api-key"), QByteArrayList{"sk-test-relay-upstream"});
    QCOMPARE(header("anthropic-version"), QByteArrayList{"2023-06-01"});
    QCOMPARE(header("anthropic-beta"), QByteArrayList{"context-management-2025-06-27"});

    // A provider that pins its own version and betas wins over the client's.
    provider.extraHeaders = {{"anthropic-version", "2024-01-01"}, {"anthropic-beta", "pinned"}};
    const UpstreamRequest pinned = std::get<UpstreamRequest>(AnthropicMessagesCodec().chatRequest(call));
    QByteArrayList versions;
    QByteArrayList betas;
    for (const auto &[key, value] : pinned.headers) {
        if (key.compare("anthropic-version", Qt::CaseInsensitive) == 0)
            versions.append(value);
        if (key.compare("anthropic-beta", Qt::CaseInsensitive) == 0)
            betas.append(value);
    }
    QCOMPARE(versions, QByteArrayList{"2024-01-01"});
    QCOMPARE(betas, QByteArrayList{"pinned"});
}

void AnthropicRelayTest::errorsRelayedAsSent()
{
    const AnthropicMessagesCodec codec;
    const QByteArray body = fixture(u"error_429_rate_limit_recorded.json"_s);
    const ApiError limited = codec.mapError(429, body, "application/json");
    QCOMPARE(limited.status, 429);
    QCOMPARE(limited.upstreamBody, body);
    QCOMPARE(limited.upstreamDialect, WireDialect::AnthropicMessages);
    QVERIFY(limited.retryable);
    const ApiError overloaded = codec.mapError(529, fixture(u"error_529_overloaded.json"_s), "application/json");
    QCOMPARE(overloaded.status, 529);
    QVERIFY(overloaded.retryable);
    // Not Anthropic's shape (a proxy's page): described, never relayed as if it were.
    const ApiError page = codec.mapError(502, "<html>bad gateway</html>", "text/html");
    QCOMPARE(page.status, 502);
    QVERIFY(page.upstreamBody.isEmpty());
    QVERIFY(page.message.contains("bad gateway"_L1));
}

void AnthropicRelayTest::systemRoleMovesIntoSystem()
{
    ProviderSettings provider;
    provider.baseUrl = QUrl(u"http://127.0.0.1:9"_s);
    ChatCall call;
    call.provider = &provider;
    call.upstreamModel = u"claude-haiku-4-5"_s;
    call.dialect = WireDialect::AnthropicMessages;
    call.nativeBody = QJsonDocument::fromJson(R"({"model":"my-alias","max_tokens":64,
        "system":"Be brief.",
        "messages":[{"role":"system","content":"You are Claude Code."},
                    {"role":"user","content":[{"type":"text","text":"hi","cache_control":{"type":"ephemeral"}}]}]})")
                          .object();
    const UpstreamRequest request = std::get<UpstreamRequest>(AnthropicMessagesCodec().chatRequest(call));
    const QJsonObject sent = QJsonDocument::fromJson(request.body).object();
    QCOMPARE(sent.value("system"_L1).toArray(),
             QJsonDocument::fromJson(R"([{"type":"text","text":"Be brief."},{"type":"text","text":"You are Claude Code."}])")
                 .array());
    const QJsonArray messages = sent.value("messages"_L1).toArray();
    QCOMPARE(messages.size(), 1);
    QCOMPARE(messages.first(), call.nativeBody.value("messages"_L1).toArray().at(1));

    // With the beta that allows system turns, the body is the client's own.
    call.clientHeaders = {{"anthropic-beta", "claude-code-20250219,mid-conversation-system-2026-04-07"}};
    const UpstreamRequest kept = std::get<UpstreamRequest>(AnthropicMessagesCodec().chatRequest(call));
    QJsonObject expected = call.nativeBody;
    expected.insert("model"_L1, call.upstreamModel);
    QCOMPARE(QJsonDocument::fromJson(kept.body).object(), expected);
}

QTEST_GUILESS_MAIN(AnthropicRelayTest)
#include "tst_anthropic_relay.moc"
