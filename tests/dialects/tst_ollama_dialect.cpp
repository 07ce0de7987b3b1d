// The Ollama surface's chat dialect (/api/chat, /api/generate): the request decoder
// (golden OpenAI bodies for the recorded Ollama request and for every mapping, load
// calls, every 400), golden Ollama answers from the recorded OpenAI chat answers, and the
// recorded OpenAI-format chat streams translated into the exact NDJSON lines Ollama's
// clients read (whole and split at every byte), plus the error shapes.
//
// Test data: tests/data/ollama_inbound/ (decode_cases.json, answer_cases.json and one
// stream_<mode>_<case>.ndjson per stream) was written for these tests from Ollama's
// documented shapes (docs/api.md); the inputs are the recorded fixtures under
// tests/data/fixtures. Times come from a test clock: the translator is made 2 ms into the
// request, frame k arrives at 10 + k ms, the end after the last frame; created_at is
// 2024-07-22T20:33:28.123456Z plus that.

#include "FakeDialect.h"
#include "TestHttpClient.h"
#include "dialects/OllamaChatClient.h"
#include "dialects/OllamaRequestDecoder.h"
#include "http/HttpFront.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QTest>

using namespace onegate;
using namespace Qt::StringLiterals;

namespace {

QByteArray dataFile(const QString &path)
{
    QFile file(QStringLiteral(ONEGATE_TEST_DATA "/") + path);
    if (!file.open(QIODevice::ReadOnly))
        qFatal("missing test data %s", qPrintable(path));
    return file.readAll();
}

QJsonObject json(const QByteArray &text)
{
    QJsonParseError error{};
    const QJsonDocument doc = QJsonDocument::fromJson(text, &error);
    if (!doc.isObject())
        qFatal("bad JSON in the test: %s: %s", qPrintable(error.errorString()), text.constData());
    return doc.object();
}

// Small JSON written with single quotes, so it reads in a normal string literal.
QByteArray j(const char *text)
{
    return QByteArray(text).replace('\'', '"');
}

QJsonArray cases(const QString &file)
{
    return QJsonDocument::fromJson(dataFile(u"ollama_inbound/"_s + file)).array();
}

using onegate::test::ndjsonLines;
using onegate::test::sseFrames;

constexpr qint64 kEpochNs = 1721680408123456000; // 2024-07-22T20:33:28.123456Z
constexpr qint64 kMs = 1'000'000;

// A clock the test moves by hand.
struct TestClock {
    qint64 now = 0;
    OllamaChatClient::Clock clock()
    {
        return {[this] { return now; }, [this] { return kEpochNs + now; }};
    }
};

// What a client reads from one translator.
struct Output {
    QList<QByteArray> lines;
    QList<bool> contentFlags;
    QByteArray completed;
    QByteArray failed;
    std::optional<ApiError> error;
    int afterEnd = 0;
};

StreamOutlet outletInto(Output &out)
{
    return StreamOutlet{
        [&out](const QByteArray &line, bool content) {
            if (!out.completed.isEmpty() || !out.failed.isEmpty())
                ++out.afterEnd;
            out.lines.append(line);
            out.contentFlags.append(content);
        },
        [&out](const QByteArray &terminator) { out.completed = terminator; },
        [&out](const QByteArray &line, const ApiError &error) {
            out.failed = line;
            out.error = error;
        },
    };
}

// Frames as the relay hands them over, at the test clock's times; [DONE] is the clean end.
Output translate(bool chat, const QList<QByteArray> &frames, bool byteByByte = false)
{
    TestClock time;
    const OllamaChatClient client(chat ? OllamaChatClient::Mode::Chat
                                       : OllamaChatClient::Mode::Generate,
                                  u"client-model"_s, time.clock());
    Output out;
    time.now = 2 * kMs;
    const std::unique_ptr<ChatStreamSink> sink = client.streamTranslator(outletInto(out));
    if (!sink)
        qFatal("no translator");
    qint64 k = 0;
    for (const QByteArray &frame : frames) {
        if (frame.startsWith("data: [DONE]"))
            continue;
        time.now = 10 * kMs + k++ * kMs;
        if (!byteByByte) {
            sink->streamFrame(frame, true);
            continue;
        }
        for (qsizetype i = 0; i < frame.size(); ++i)
            sink->streamFrame(frame.mid(i, 1), true);
    }
    time.now = 10 * kMs + k * kMs;
    sink->streamCompleted("data: [DONE]\n\n");
    return out;
}

QByteArray chunk(const char *delta, const char *finish = "null")
{
    return "data: "
           "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":"
           "\"x\","
           "\"choices\":[{\"index\":0,\"delta\":" +
           j(delta) + ",\"finish_reason\":" + j(finish) + "}]}\n\n";
}

} // namespace

class TestOllamaDialect final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void decode_data();
    void decode();
    void decodeNotJson();
    void answers_data();
    void answers();
    void answerBrokenArguments();
    void answerNotACompletion();
    void streams_data();
    void streams();
    void streamSplitAtEveryByte_data();
    void streamSplitAtEveryByte();
    void streamToolCallsWithoutFinish();
    void streamWithoutUsage();
    void streamFailures();
    void timestamp_data();
    void timestamp();
    void realClock();
    void errorShapes();
};

void TestOllamaDialect::decode_data()
{
    QTest::addColumn<QJsonObject>("testCase");
    const QJsonArray all = cases(u"decode_cases.json"_s);
    QVERIFY(all.size() >= 60);
    for (const QJsonValue &value : all)
        QTest::newRow(qPrintable(value.toObject().value("name"_L1).toString())) << value.toObject();
}

void TestOllamaDialect::decode()
{
    QFETCH(QJsonObject, testCase);
    const QString fixture = testCase.value("request_fixture"_L1).toString();
    const QByteArray body =
        fixture.isEmpty()
            ? QJsonDocument(testCase.value("request"_L1).toObject()).toJson(QJsonDocument::Compact)
            : dataFile(u"fixtures/"_s + fixture);
    const bool chat = testCase.value("endpoint"_L1).toString() == "chat"_L1;
    const auto decoded =
        chat ? OllamaRequestDecoder::decodeChat(body) : OllamaRequestDecoder::decodeGenerate(body);

    const QJsonObject expectedError = testCase.value("error"_L1).toObject();
    if (!expectedError.isEmpty()) {
        QVERIFY2(std::holds_alternative<ApiError>(decoded), "decoded, but should be a 400");
        const ApiError &error = std::get<ApiError>(decoded);
        QCOMPARE(error.status, 400);
        QCOMPARE(error.type, u"invalid_request_error"_s);
        QCOMPARE(error.param, expectedError.value("param"_L1).toString());
        QVERIFY2(error.message.contains(expectedError.value("contains"_L1).toString()),
                 qPrintable(error.message));
        return;
    }
    QVERIFY2(std::holds_alternative<ChatEnvelope>(decoded),
             qPrintable(std::get_if<ApiError>(&decoded) ? std::get<ApiError>(decoded).message
                                                        : QString()));
    const ChatEnvelope &envelope = std::get<ChatEnvelope>(decoded);
    const QJsonObject request = json(body);
    QCOMPARE(envelope.model, request.value("model"_L1).toString());
    QCOMPARE(envelope.native, request);
    QVERIFY(!envelope.untranslatable);
    QCOMPARE(envelope.loadOnly, testCase.value("loadOnly"_L1).toBool());
    QCOMPARE(envelope.stream, testCase.value("stream"_L1).toBool());
    // Ollama's last line carries the counts: every stream asks for usage.
    QCOMPARE(envelope.includeUsage, envelope.stream);
    QCOMPARE(envelope.body, testCase.value("expected"_L1).toObject());
}

void TestOllamaDialect::decodeNotJson()
{
    for (const bool chat : {true, false}) {
        const auto decode =
            chat ? &OllamaRequestDecoder::decodeChat : &OllamaRequestDecoder::decodeGenerate;
        const auto broken = decode("{\"model\":");
        QVERIFY(std::holds_alternative<ApiError>(broken));
        QCOMPARE(std::get<ApiError>(broken).status, 400);
        QVERIFY(
            std::get<ApiError>(broken).message.startsWith(u"the request body is not valid JSON"_s));
        const auto array = decode("[]");
        QVERIFY(std::holds_alternative<ApiError>(array));
        QCOMPARE(std::get<ApiError>(array).message, u"The request body must be a JSON object"_s);
        const auto empty = decode(QByteArray());
        QVERIFY(std::holds_alternative<ApiError>(empty));
        QCOMPARE(std::get<ApiError>(empty).status, 400);
    }
}

void TestOllamaDialect::answers_data()
{
    QTest::addColumn<QJsonObject>("testCase");
    const QJsonArray all = cases(u"answer_cases.json"_s);
    QVERIFY(all.size() >= 9);
    for (const QJsonValue &value : all)
        QTest::newRow(qPrintable(value.toObject().value("name"_L1).toString())) << value.toObject();
}

void TestOllamaDialect::answers()
{
    QFETCH(QJsonObject, testCase);
    TestClock time;
    const auto mode = testCase.value("mode"_L1).toString() == "chat"_L1
                          ? OllamaChatClient::Mode::Chat
                          : OllamaChatClient::Mode::Generate;
    const OllamaChatClient client(mode, u"client-model"_s, time.clock());
    QCOMPARE(client.wire(), WireDialect::OllamaApi);
    time.now = 1500 * kMs;
    const auto answer =
        client.answer(dataFile(u"fixtures/"_s + testCase.value("fixture"_L1).toString()));
    QVERIFY(std::holds_alternative<QByteArray>(answer));
    const QByteArray body = std::get<QByteArray>(answer);
    QVERIFY(!body.contains('\n'));
    QCOMPARE(json(body), testCase.value("expected"_L1).toObject());
}

void TestOllamaDialect::answerBrokenArguments()
{
    // A model's broken JSON costs that call its arguments, not the answer.
    const OllamaChatClient client(OllamaChatClient::Mode::Chat, u"m"_s);
    const QByteArray completion =
        j("{'id':'c','object':'chat.completion','created':1,'model':'x','choices':[{'index':0,"
          "'message':{'role':'assistant','content':null,'refusal':'I cannot help with that.',"
          "'tool_calls':[{'id':'call_1','type':'function','function':{'name':'f','arguments':'{bad'"
          "}}]},"
          "'finish_reason':'content_filter'}]}");
    const auto answer = client.answer(completion);
    QVERIFY(std::holds_alternative<QByteArray>(answer));
    const QJsonObject out = json(std::get<QByteArray>(answer));
    const QJsonObject message = out.value("message"_L1).toObject();
    QCOMPARE(message.value("content"_L1).toString(), u"I cannot help with that."_s);
    QCOMPARE(message.value("tool_calls"_L1).toArray(),
             QJsonArray{json(j("{'function':{'name':'f','arguments':{}}}"))});
    QCOMPARE(out.value("done_reason"_L1).toString(), u"stop"_s);
    // No usage in the answer: the counts are 0, never missing.
    QCOMPARE(out.value("prompt_eval_count"_L1).toInteger(-1), 0);
    QCOMPARE(out.value("eval_count"_L1).toInteger(-1), 0);
    QVERIFY(out.value("total_duration"_L1).toInteger(-1) >= 0);
}

void TestOllamaDialect::answerNotACompletion()
{
    const OllamaChatClient client(OllamaChatClient::Mode::Generate, u"m"_s);
    const auto answer = client.answer("{\"object\":\"list\"}");
    QVERIFY(std::holds_alternative<ApiError>(answer));
    QCOMPARE(std::get<ApiError>(answer).status, 502);
}

void TestOllamaDialect::streams_data()
{
    QTest::addColumn<bool>("chat");
    QTest::addColumn<QString>("fixture");
    QTest::addColumn<QString>("expected");
    const bool chat = true;
    const bool generate = false;
    QTest::newRow("chat text") << chat << u"openai/chat_stream_text_include_usage.sse"_s
                               << u"stream_chat_text.ndjson"_s;
    QTest::newRow("generate text") << generate << u"openai/chat_stream_text_include_usage.sse"_s
                                   << u"stream_generate_text.ndjson"_s;
    QTest::newRow("chat tool call")
        << chat << u"openai/chat_stream_tool_call.sse"_s << u"stream_chat_tool_call.ndjson"_s;
    QTest::newRow("chat parallel tool calls")
        << chat << u"openai/chat_stream_parallel_tool_calls.sse"_s
        << u"stream_chat_parallel_tool_calls.ndjson"_s;
    QTest::newRow("chat length") << chat << u"openai/chat_stream_finish_length.sse"_s
                                 << u"stream_chat_length.ndjson"_s;
    QTest::newRow("chat reasoning") << chat << u"deepseek/chat_stream_reasoning_content.sse"_s
                                    << u"stream_chat_reasoning.ndjson"_s;
    QTest::newRow("generate reasoning")
        << generate << u"deepseek/chat_stream_reasoning_content.sse"_s
        << u"stream_generate_reasoning.ndjson"_s;
    QTest::newRow("chat text then tool call, usage on the finish chunk")
        << chat << u"deepseek/chat_stream_tool_call_usage_on_finish_chunk.sse"_s
        << u"stream_chat_tool_call_usage_on_finish.ndjson"_s;
}

void TestOllamaDialect::streams()
{
    QFETCH(bool, chat);
    QFETCH(QString, fixture);
    QFETCH(QString, expected);
    const Output out = translate(chat, sseFrames(dataFile(u"fixtures/"_s + fixture)));
    const QList<QByteArray> want = ndjsonLines(dataFile(u"ollama_inbound/"_s + expected));
    QVERIFY(want.size() >= 2);

    QVERIFY(out.failed.isEmpty());
    QCOMPARE(out.afterEnd, 0);
    QCOMPARE(out.lines.size(), want.size() - 1);
    for (qsizetype i = 0; i < out.lines.size(); ++i) {
        const QByteArray &line = out.lines.at(i);
        // NDJSON: one compact object per line.
        QVERIFY2(line.endsWith('\n') && line.count('\n') == 1, line.constData());
        QCOMPARE(json(line), json(want.at(i)));
        QVERIFY(out.contentFlags.at(i));
    }
    // The done object is the terminator, held by the relay until usage is stored.
    QVERIFY(out.completed.endsWith('\n') && out.completed.count('\n') == 1);
    QCOMPARE(json(out.completed), json(want.last()));
}

void TestOllamaDialect::streamSplitAtEveryByte_data()
{
    streams_data();
}

void TestOllamaDialect::streamSplitAtEveryByte()
{
    QFETCH(bool, chat);
    QFETCH(QString, fixture);
    const QList<QByteArray> frames = sseFrames(dataFile(u"fixtures/"_s + fixture));
    const Output whole = translate(chat, frames);
    const Output split = translate(chat, frames, true);
    QCOMPARE(split.lines, whole.lines);
    QCOMPARE(split.contentFlags, whole.contentFlags);
    QCOMPARE(split.completed, whole.completed);
    QVERIFY(split.failed.isEmpty());
}

void TestOllamaDialect::streamToolCallsWithoutFinish()
{
    // A stream that ends without a finish reason still hands over its calls, before the
    // done object; pieces without an index continue the call before them.
    const QList<QByteArray> frames{
        chunk("{'role':'assistant','content':null,'tool_calls':[{'index':0,'id':'call_a','type':'"
              "function','function':{'name':'search','arguments':''}}]}"),
        chunk("{'tool_calls':[{'index':0,'function':{'arguments':'{\\'q\\':'}}]}"),
        chunk("{'tool_calls':[{'function':{'arguments':'\\'cats\\'}'}}]}"),
        chunk("{'tool_calls':[{'index':1,'id':'call_b','function':{'name':'noop','arguments':'not "
              "json'}}]}"),
    };
    const Output out = translate(true, frames);
    QCOMPARE(out.lines.size(), 1);
    QCOMPARE(
        json(out.lines.first()),
        json(j("{'model':'client-model','created_at':'2024-07-22T20:33:28.137456Z','done':false,"
               "'message':{'role':'assistant','content':'','tool_calls':["
               "{'function':{'name':'search','arguments':{'q':'cats'}}},"
               "{'function':{'name':'noop','arguments':{}}}]}}")));
    const QJsonObject last = json(out.completed);
    QCOMPARE(last.value("done"_L1).toBool(), true);
    QCOMPARE(last.value("done_reason"_L1).toString(), u"stop"_s);
    // The calls went out at the end: all of the answer's time is before its first output.
    QCOMPARE(last.value("eval_duration"_L1).toInteger(), 0);
    QCOMPARE(last.value("prompt_eval_duration"_L1).toInteger(), 12 * kMs);

    // /api/generate has no tools: calls are dropped, the rest still ends.
    const Output generate = translate(false, frames);
    QVERIFY(generate.lines.isEmpty());
    QCOMPARE(json(generate.completed).value("response"_L1).toString(), QString());
}

void TestOllamaDialect::streamWithoutUsage()
{
    const QList<QByteArray> frames{chunk("{'role':'assistant','content':''}"),
                                   chunk("{'content':'Hi'}"), chunk("{}", "'stop'")};
    const Output out = translate(false, frames);
    QCOMPARE(out.lines.size(), 1);
    QCOMPARE(
        json(out.completed),
        json(j("{'model':'client-model','created_at':'2024-07-22T20:33:28.136456Z','response':'',"
               "'done':true,'done_reason':'stop','total_duration':13000000,'load_duration':2000000,"
               "'prompt_eval_count':0,'prompt_eval_duration':9000000,'eval_count':0,'eval_duration'"
               ":2000000}")));

    // Usage the relay reports on its own (streamUsage) counts too.
    TestClock time;
    const OllamaChatClient client(OllamaChatClient::Mode::Chat, u"m"_s, time.clock());
    Output counted;
    const std::unique_ptr<ChatStreamSink> sink = client.streamTranslator(outletInto(counted));
    sink->streamFrame(frames.at(1), true);
    TokenUsage usage;
    usage.known = true;
    usage.prompt = 12;
    usage.completion = 3;
    sink->streamUsage(usage);
    sink->streamCompleted("data: [DONE]\n\n");
    QCOMPARE(json(counted.completed).value("prompt_eval_count"_L1).toInteger(), 12);
    QCOMPARE(json(counted.completed).value("eval_count"_L1).toInteger(), 3);
}

void TestOllamaDialect::streamFailures()
{
    // An OpenAI error chunk mid-stream: Ollama's error line, nothing after it.
    const QList<QByteArray> frames{
        chunk("{'content':'Hi'}"),
        j("data: {'error':{'message':'overloaded','type':'server_error','code':'overloaded'}}\n\n"),
        chunk("{'content':'late'}"),
    };
    const Output out = translate(true, frames);
    QCOMPARE(out.lines.size(), 1);
    QVERIFY(out.completed.isEmpty());
    QCOMPARE(out.failed, "{\"error\":\"overloaded\"}\n"_ba);
    QVERIFY(out.error);
    QCOMPARE(out.error->status, 502);
    QCOMPARE(out.afterEnd, 0);

    // The relay's own failure (a timeout): the same shape, and a late end changes nothing.
    const OllamaChatClient client(OllamaChatClient::Mode::Generate, u"m"_s);
    Output failed;
    const std::unique_ptr<ChatStreamSink> sink = client.streamTranslator(outletInto(failed));
    sink->streamFrame(frames.first(), true);
    sink->streamFailed(
        ApiError::make(504, u"timeout"_s, u"idle_timeout"_s, u"the provider went silent"_s));
    sink->streamCompleted("data: [DONE]\n\n");
    sink->streamFrame(frames.last(), true);
    QCOMPARE(failed.failed, "{\"error\":\"the provider went silent\"}\n"_ba);
    QCOMPARE(failed.error->code, u"idle_timeout"_s);
    QVERIFY(failed.completed.isEmpty());
    QCOMPARE(failed.lines.size(), 1);
    QCOMPARE(json(failed.lines.first()).value("response"_L1).toString(), u"Hi"_s);
}

void TestOllamaDialect::timestamp_data()
{
    QTest::addColumn<qint64>("epochNs");
    QTest::addColumn<QString>("text");
    QTest::newRow("microseconds") << qint64(1721680408123456000)
                                  << u"2024-07-22T20:33:28.123456Z"_s;
    QTest::newRow("whole second") << qint64(1721680408000000000) << u"2024-07-22T20:33:28Z"_s;
    QTest::newRow("one nanosecond")
        << qint64(1721680408000000001) << u"2024-07-22T20:33:28.000000001Z"_s;
    QTest::newRow("all nine digits")
        << qint64(1691176939385406455) << u"2023-08-04T19:22:19.385406455Z"_s;
    QTest::newRow("epoch") << qint64(0) << u"1970-01-01T00:00:00Z"_s;
    QTest::newRow("before the epoch") << qint64(-1) << u"1969-12-31T23:59:59.999999999Z"_s;
}

void TestOllamaDialect::timestamp()
{
    QFETCH(qint64, epochNs);
    QFETCH(QString, text);
    QCOMPARE(OllamaChatClient::timestamp(epochNs), text);
}

void TestOllamaDialect::realClock()
{
    // Without a test clock: created_at is now, in Ollama's form, and durations add up.
    const OllamaChatClient client(OllamaChatClient::Mode::Chat, u"m"_s);
    Output out;
    const std::unique_ptr<ChatStreamSink> sink = client.streamTranslator(outletInto(out));
    sink->streamFrame(chunk("{'content':'Hi'}", "'stop'"), true);
    sink->streamCompleted("data: [DONE]\n\n");
    const QJsonObject last = json(out.completed);
    static const QRegularExpression rfc3339(
        u"^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d{1,9})?Z$"_s);
    const QString created = last.value("created_at"_L1).toString();
    QVERIFY2(rfc3339.match(created).hasMatch(), qPrintable(created));
    QVERIFY(created >= u"2024-"_s); // the system clock, not a zero one
    const qint64 total = last.value("total_duration"_L1).toInteger(-1);
    QVERIFY(total >= 0);
    QCOMPARE(last.value("load_duration"_L1).toInteger() +
                 last.value("prompt_eval_duration"_L1).toInteger() +
                 last.value("eval_duration"_L1).toInteger(),
             total);
}

void TestOllamaDialect::errorShapes()
{
    const OllamaChatClient client(OllamaChatClient::Mode::Chat, u"m"_s);
    QCOMPARE(client.wire(), WireDialect::OllamaApi);
    QVERIFY(client.keepAlive().isEmpty());
    // A provider's own body (another dialect's shape) is never relayed: its message is.
    ApiError relayed =
        ApiError::make(429, u"rate_limit"_s, u"rate_limit_exceeded"_s, u"slow down"_s, true);
    relayed.upstreamBody = dataFile(u"fixtures/openai/error_429_rate_limit_exceeded.json"_s);
    relayed.upstreamDialect = WireDialect::OpenAiChat;
    QCOMPARE(client.streamError(relayed), "{\"error\":\"slow down\"}\n"_ba);

    // sendError over a real socket: the status, Ollama's body and the extra headers.
    HttpFront front([&](const QHttpServerRequest &, QHttpServerResponder &&responder) {
        client.sendError(responder, relayed, {{"Retry-After"_ba, "7"_ba}});
    });
    const quint16 port = front.listen(QHostAddress::LocalHost, 0);
    QVERIFY(port != 0);
    test::TestHttpClient http(port);
    http.send("POST"_ba, "/api/chat"_ba, {{"Content-Type"_ba, "application/json"_ba}}, "{}"_ba);
    QVERIFY(http.waitForFinished());
    QCOMPARE(http.status(), 429);
    QVERIFY(http.header("content-type").startsWith("application/json"));
    QCOMPARE(http.header("retry-after"), "7"_ba);
    QCOMPARE(http.body(), "{\"error\":\"slow down\"}"_ba);

    // The decoder's 400s read the same way.
    const auto bad = OllamaRequestDecoder::decodeChat(j("{'messages':[]}"));
    QVERIFY(std::holds_alternative<ApiError>(bad));
    QCOMPARE(client.streamError(std::get<ApiError>(bad)),
             "{\"error\":\"'model' is required\"}\n"_ba);
}

QTEST_GUILESS_MAIN(TestOllamaDialect)
#include "tst_ollama_dialect.moc"
