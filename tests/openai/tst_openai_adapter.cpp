#include "../support/ChatCalls.h"
#include "core/SseParser.h"
#include "openai/OpenAiAdapter.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
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

QJsonObject jsonOf(const QByteArray &bytes)
{
    return QJsonDocument::fromJson(bytes).object();
}

// Collects what a decoder hands the gateway.
struct RecordingSink final : ChatStreamSink {
    QList<QByteArray> frames;
    QList<bool> contentFlags;
    TokenUsage usage;
    QByteArray terminator;
    bool completed = false;
    std::optional<ApiError> failure;

    void streamFrame(const QByteArray &frame, bool content) override
    {
        QVERIFY(!completed && !failure);
        frames.append(frame);
        contentFlags.append(content);
    }
    void streamUsage(const TokenUsage &u) override { usage = u; }
    void streamCompleted(const QByteArray &t) override
    {
        QVERIFY(!completed && !failure);
        completed = true;
        terminator = t;
    }
    void streamFailed(const ApiError &error) override
    {
        QVERIFY(!completed && !failure);
        failure = error;
    }
};

ProviderSettings provider(const QString &baseUrl = u"http://127.0.0.1:9/v1"_s)
{
    ProviderSettings settings;
    settings.id = u"fake"_s;
    settings.baseUrl = QUrl(baseUrl);
    return settings;
}

RecordingSink decode(const QByteArray &stream, bool clientWantsUsage, qsizetype cut = -1)
{
    OpenAiAdapter adapter;
    const ProviderSettings settings = provider();
    ChatCall call;
    call.provider = &settings;
    call.stream = true;
    call.clientWantsUsage = clientWantsUsage;
    auto decoder = adapter.streamDecoder(call);
    RecordingSink sink;
    if (cut < 0) {
        decoder->feed(stream, sink);
    } else {
        decoder->feed(QByteArrayView(stream).first(cut), sink);
        decoder->feed(QByteArrayView(stream).sliced(cut), sink);
    }
    decoder->finish(sink);
    return sink;
}

QByteArray header(const UpstreamRequest &request, const QByteArray &name)
{
    for (const auto &[key, value] : request.headers) {
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return {};
}

} // namespace

class TestOpenAiAdapter final : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void requestRewritesOnlyTheModel();
    void streamRequestAsksForUsage();
    void requestHeaders();
    void urlKeepsTheBasePath_data();
    void urlKeepsTheBasePath();
    void streamUsageChunk_data();
    void streamUsageChunk();
    void streamSplitAtEveryByte_data();
    void streamSplitAtEveryByte();
    void usageOnFinishChunk();
    void multiLineDataKeepsItsFraming();
    void inStreamError();
    void truncatedStream();
    void closedAfterFinishWithoutDone();
    void nonStreamUsage();
    void nonStreamInvalidJson();
    void errorMapping_data();
    void errorMapping();
    void modelList();
};

void TestOpenAiAdapter::requestRewritesOnlyTheModel()
{
    OpenAiAdapter adapter;
    const ProviderSettings settings = provider();
    QJsonObject body = jsonOf(fixture(u"openai/chat_request_messages_tools.json"_s));
    body.insert(u"x_vendor_extension"_s, QJsonObject{{u"keep"_s, QJsonArray{1, 2, 3}}});
    ChatCall call = onegate::test::chatCall(&settings, "sk-test-upstream", u"gpt-4o-mini"_s, body, false, false);
    const QJsonObject sent = jsonOf(std::get<UpstreamRequest>(adapter.chatRequest(call)).body);
    QJsonObject expected = body;
    expected.insert(u"model"_s, u"gpt-4o-mini"_s);
    QCOMPARE(sent, expected);
}

void TestOpenAiAdapter::streamRequestAsksForUsage()
{
    OpenAiAdapter adapter;
    const ProviderSettings settings = provider();
    QJsonObject body{{u"model"_s, u"alias"_s},
                     {u"messages"_s, QJsonArray{}},
                     {u"stream"_s, true},
                     {u"stream_options"_s, QJsonObject{{u"x_other"_s, u"kept"_s}}}};
    ChatCall call = onegate::test::chatCall(&settings, {}, u"up"_s, body, true, false);
    const QJsonObject sent = jsonOf(std::get<UpstreamRequest>(adapter.chatRequest(call)).body);
    const QJsonObject options = sent.value(u"stream_options"_s).toObject();
    QCOMPARE(options.value(u"include_usage"_s), QJsonValue(true));
    QCOMPARE(options.value(u"x_other"_s), QJsonValue(u"kept"_s));
    QCOMPARE(header(std::get<UpstreamRequest>(adapter.chatRequest(call)), "Accept"), "text/event-stream"_ba);
}

void TestOpenAiAdapter::requestHeaders()
{
    OpenAiAdapter adapter;
    ProviderSettings settings = provider();
    settings.extraHeaders = {{"HTTP-Referer", "https://onegate.local"}};
    ChatCall call = onegate::test::chatCall(&settings, "sk-test-upstream", u"m"_s, QJsonObject{{u"model"_s, u"m"_s}}, false, false);
    const UpstreamRequest request = std::get<UpstreamRequest>(adapter.chatRequest(call));
    QCOMPARE(request.method, "POST"_ba);
    QCOMPARE(header(request, "Authorization"), "Bearer sk-test-upstream"_ba);
    QCOMPARE(header(request, "Content-Type"), "application/json"_ba);
    QCOMPARE(header(request, "HTTP-Referer"), "https://onegate.local"_ba);

    // Local servers (vLLM, LM Studio) take no key: send no Authorization at all.
    call.apiKey.clear();
    QVERIFY(header(std::get<UpstreamRequest>(adapter.chatRequest(call)), "Authorization").isEmpty());
}

void TestOpenAiAdapter::urlKeepsTheBasePath_data()
{
    QTest::addColumn<QString>("base");
    QTest::addColumn<QString>("chat");
    QTest::addColumn<QString>("models");
    QTest::newRow("openai") << u"https://api.openai.com/v1"_s << u"https://api.openai.com/v1/chat/completions"_s
                            << u"https://api.openai.com/v1/models"_s;
    QTest::newRow("deeper path") << u"https://open.bigmodel.cn/api/paas/v4"_s
                                 << u"https://open.bigmodel.cn/api/paas/v4/chat/completions"_s
                                 << u"https://open.bigmodel.cn/api/paas/v4/models"_s;
    QTest::newRow("local port") << u"http://127.0.0.1:1234/v1"_s << u"http://127.0.0.1:1234/v1/chat/completions"_s
                                << u"http://127.0.0.1:1234/v1/models"_s;
}

void TestOpenAiAdapter::urlKeepsTheBasePath()
{
    QFETCH(QString, base);
    QFETCH(QString, chat);
    QFETCH(QString, models);
    OpenAiAdapter adapter;
    const ProviderSettings settings = provider(base);
    ChatCall call = onegate::test::chatCall(&settings, {}, u"m"_s, {}, false, false);
    QCOMPARE(std::get<UpstreamRequest>(adapter.chatRequest(call)).url.toString(), chat);
    QCOMPARE(adapter.modelListRequest(settings, {}).url.toString(), models);
}

void TestOpenAiAdapter::streamUsageChunk_data()
{
    QTest::addColumn<bool>("clientWantsUsage");
    QTest::newRow("client asked") << true;
    QTest::newRow("gateway asked for it") << false;
}

void TestOpenAiAdapter::streamUsageChunk()
{
    QFETCH(bool, clientWantsUsage);
    const QByteArray stream = fixture(u"openai/chat_stream_text_include_usage.sse"_s);
    const RecordingSink sink = decode(stream, clientWantsUsage);
    QVERIFY(sink.completed);
    QCOMPARE(sink.terminator, "data: [DONE]\n\n"_ba);
    QVERIFY(sink.usage.known);
    QCOMPARE(sink.usage.prompt, 14);
    QCOMPARE(sink.usage.completion, 30);
    // 34 data events: 32 chunks, the usage chunk, [DONE] (the terminator).
    QCOMPARE(sink.frames.size(), clientWantsUsage ? 33 : 32);
    const bool lastIsUsage = jsonOf(sink.frames.last().mid(6)).value(u"choices"_s).toArray().isEmpty();
    QCOMPARE(lastIsUsage, clientWantsUsage);
    for (const QByteArray &frame : sink.frames) {
        QVERIFY(frame.startsWith("data: {"));
        QVERIFY(frame.endsWith("}\n\n"));
    }
}

void TestOpenAiAdapter::streamSplitAtEveryByte_data()
{
    QTest::addColumn<QString>("file");
    QTest::newRow("text") << u"openai/chat_stream_text_include_usage.sse"_s;
    QTest::newRow("tool call") << u"openai/chat_stream_tool_call.sse"_s;
    QTest::newRow("parallel tool calls") << u"openai/chat_stream_parallel_tool_calls.sse"_s;
    QTest::newRow("finish length") << u"openai/chat_stream_finish_length.sse"_s;
    QTest::newRow("deepseek reasoning") << u"deepseek/chat_stream_reasoning_content.sse"_s;
}

void TestOpenAiAdapter::streamSplitAtEveryByte()
{
    QFETCH(QString, file);
    const QByteArray stream = fixture(file);
    const RecordingSink whole = decode(stream, true);
    QVERIFY(whole.completed);
    QVERIFY(!whole.frames.isEmpty());
    for (qsizetype cut = 1; cut < stream.size(); ++cut) {
        const RecordingSink split = decode(stream, true, cut);
        QVERIFY(split.completed);
        QCOMPARE(split.frames, whole.frames);
        QCOMPARE(split.usage.completion, whole.usage.completion);
    }
}

void TestOpenAiAdapter::usageOnFinishChunk()
{
    // DeepSeek puts usage on the finish_reason chunk; that chunk carries content, so it
    // is relayed whatever the client asked, and its usage (with cache hits) recorded.
    const RecordingSink sink = decode(fixture(u"deepseek/chat_stream_tool_call_usage_on_finish_chunk.sse"_s), false);
    QVERIFY(sink.completed);
    QCOMPARE(sink.usage.prompt, 161);
    QCOMPARE(sink.usage.completion, 25);
    QCOMPARE(sink.usage.cached, 128);
    QVERIFY(sink.frames.last().contains("\"finish_reason\":\"tool_calls\""));
}

void TestOpenAiAdapter::multiLineDataKeepsItsFraming()
{
    // JSON may be split over several data: lines; the relayed event must still parse
    // to the same payload, with one data: field per line.
    const QByteArray stream = "data: {\"choices\":[{\"index\":0,\n"
                              "data: \"delta\":{\"content\":\"Hi\"}}]}\n\n"
                              "data: [DONE]\n\n"_ba;
    const RecordingSink sink = decode(stream, false);
    QCOMPARE(sink.frames.size(), 1);
    QCOMPARE(sink.frames.first(), "data: {\"choices\":[{\"index\":0,\ndata: \"delta\":{\"content\":\"Hi\"}}]}\n\n"_ba);
    SseParser parser;
    QList<SseEvent> events;
    parser.feed(sink.frames.first(), events);
    QCOMPARE(events.size(), 1);
    QCOMPARE(events.first().data, "{\"choices\":[{\"index\":0,\n\"delta\":{\"content\":\"Hi\"}}]}"_ba);
}

void TestOpenAiAdapter::inStreamError()
{
    const QByteArray errorData = R"({"error":{"message":"The server had an error","type":"server_error","param":null,"code":null}})"_ba;
    const QByteArray stream = "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"}}]}\n\ndata: " + errorData
        + "\n\ndata: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"ignored\"}}]}\n\n";
    const RecordingSink sink = decode(stream, false);
    QCOMPARE(sink.frames.size(), 1);
    QVERIFY(sink.failure.has_value());
    QCOMPARE(sink.failure->upstreamBody, errorData);
    QCOMPARE(sink.failure->message, u"The server had an error"_s);
    QVERIFY(!sink.completed);
}

void TestOpenAiAdapter::truncatedStream()
{
    const QByteArray stream = fixture(u"openai/chat_stream_tool_call.sse"_s);
    const RecordingSink sink = decode(stream.first(stream.size() / 2), false);
    QVERIFY(!sink.completed);
    QVERIFY(sink.failure.has_value());
    QCOMPARE(sink.failure->code, u"stream_truncated"_s);
    QVERIFY(sink.failure->upstreamBody.isEmpty());
}

void TestOpenAiAdapter::closedAfterFinishWithoutDone()
{
    QByteArray stream = fixture(u"openai/chat_stream_finish_length.sse"_s);
    stream.replace("data: [DONE]\n\n", "");
    const RecordingSink sink = decode(stream, false);
    QVERIFY(!sink.failure);
    QVERIFY(sink.completed);
    QCOMPARE(sink.terminator, "data: [DONE]\n\n"_ba);
}

void TestOpenAiAdapter::nonStreamUsage()
{
    OpenAiAdapter adapter;
    const QByteArray body = fixture(u"openai/chat_response_tool_call_recorded.json"_s);
    const ChatResult result = adapter.decodeChat({}, body);
    QVERIFY(!result.error);
    QCOMPARE(result.body, body);  // relayed byte for byte
    const QJsonObject usage = jsonOf(body).value(u"usage"_s).toObject();
    QCOMPARE(result.usage.prompt, usage.value(u"prompt_tokens"_s).toInteger());
    QCOMPARE(result.usage.completion, usage.value(u"completion_tokens"_s).toInteger());
    QVERIFY(result.usage.known);
}

void TestOpenAiAdapter::nonStreamInvalidJson()
{
    OpenAiAdapter adapter;
    const ChatResult result = adapter.decodeChat({}, "<html>bad gateway</html>");
    QVERIFY(result.error.has_value());
    QCOMPARE(result.error->status, 502);
    QVERIFY(result.error->upstreamBody.isEmpty());
}

void TestOpenAiAdapter::errorMapping_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<bool>("relayed");
    QTest::addColumn<bool>("retryable");
    QTest::addColumn<QString>("code");
    QTest::newRow("401 openai") << 401 << fixture(u"openai/error_401_invalid_api_key.json"_s) << true << false
                                << u"invalid_api_key"_s;
    QTest::newRow("429 retryable") << 429 << R"({"error":{"message":"slow down","type":"requests","code":"rate_limit_exceeded"}})"_ba
                                   << true << true << u"rate_limit_exceeded"_s;
    QTest::newRow("500 retryable") << 500 << R"({"error":{"message":"oops","type":"server_error"}})"_ba << true << true
                                   << QString();
    QTest::newRow("string error") << 400 << R"({"error":"bad thing"})"_ba << true << false << QString();
    QTest::newRow("html from a proxy") << 502 << "<html><body>Bad Gateway</body></html>"_ba << false << true
                                       << QString();
    QTest::newRow("empty body") << 503 << QByteArray() << false << true << QString();
}

void TestOpenAiAdapter::errorMapping()
{
    QFETCH(int, status);
    QFETCH(QByteArray, body);
    QFETCH(bool, relayed);
    QFETCH(bool, retryable);
    QFETCH(QString, code);
    OpenAiAdapter adapter;
    const ApiError error = adapter.mapError(status, body, "application/json");
    QCOMPARE(error.status, status);
    QCOMPARE(error.retryable, retryable);
    QCOMPARE(error.upstreamBody.isEmpty(), !relayed);
    if (relayed)
        QCOMPARE(error.upstreamBody, body);
    else
        QVERIFY(error.message.contains(QString::number(status)));
    QCOMPARE(error.code, code);
}

void TestOpenAiAdapter::modelList()
{
    OpenAiAdapter adapter;
    const ModelListResult result = adapter.decodeModelList(fixture(u"openai/models_list.json"_s));
    QVERIFY(!result.error);
    QCOMPARE(result.models, (QStringList{u"model-id-0"_s, u"model-id-1"_s, u"model-id-2"_s}));
    QVERIFY(adapter.decodeModelList("{\"object\":\"list\"}").error.has_value());
    QVERIFY(adapter.decodeModelList("garbage").error.has_value());
}

QTEST_GUILESS_MAIN(TestOpenAiAdapter)
#include "tst_openai_adapter.moc"
