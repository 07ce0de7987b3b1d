// The legacy OpenAI Completions dialect (/v1/completions) for chat-only providers: the
// request decoder (what becomes a chat body, what is refused, what only a provider with
// a completions endpoint can serve), golden text_completion answers from the recorded
// OpenAI chat answers, and every recorded OpenAI-format chat stream translated whole
// and split at every byte into the same text_completion chunks.

#include "FakeDialect.h"
#include "dialects/OpenAiCompletionsClient.h"
#include "dialects/OpenAiCompletionsRequestDecoder.h"
#include "dialects/OpenAiCompletionsStreamEncoder.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace onegate;
using namespace Qt::StringLiterals;

namespace {

QByteArray fixture(const QString &path)
{
    QFile file(QStringLiteral(ONEGATE_TEST_DATA "/fixtures/") + path);
    if (!file.open(QIODevice::ReadOnly))
        qFatal("missing fixture %s", qPrintable(path));
    return file.readAll();
}

QJsonObject json(const QByteArray &text)
{
    QJsonParseError error{};
    const QJsonDocument doc = QJsonDocument::fromJson(text, &error);
    if (!doc.isObject())
        qFatal("bad JSON in the test: %s", qPrintable(error.errorString()));
    return doc.object();
}

using onegate::test::sseData;
using onegate::test::sseFrames;

// What a client reads from one translator.
struct Output {
    QList<QByteArray> raw;
    QList<QJsonObject> chunks;
    QList<bool> contentFlags;
    QByteArray completed;
    QByteArray failed;
    std::optional<ApiError> error;
    int afterEnd = 0;
};

StreamOutlet outletInto(Output &out)
{
    return StreamOutlet{
        [&out](const QByteArray &event, bool content) {
            if (!out.completed.isEmpty() || !out.failed.isEmpty())
                ++out.afterEnd;
            out.raw.append(event);
            out.contentFlags.append(content);
            QVERIFY2(event.startsWith("data: ") && event.endsWith("\n\n"), event.constData());
            out.chunks.append(json(event.mid(6)));
        },
        [&out](const QByteArray &terminator) { out.completed = terminator; },
        [&out](const QByteArray &event, const ApiError &error) {
            out.failed = event;
            out.error = error;
        },
    };
}

Output translate(const QList<QByteArray> &frames, const OpenAiCompletionsStreamEncoder::Options &options,
                 bool byteByByte = false)
{
    Output out;
    OpenAiCompletionsStreamEncoder encoder(options, outletInto(out));
    for (const QByteArray &frame : frames) {
        if (frame.startsWith("data: [DONE]")) {
            encoder.streamCompleted(frame);
            continue;
        }
        if (!byteByByte) {
            encoder.streamFrame(frame, true);
            continue;
        }
        for (qsizetype i = 0; i < frame.size(); ++i)
            encoder.streamFrame(frame.mid(i, 1), true);
    }
    // Some recorded streams end without [DONE]: the relay still ends them cleanly.
    encoder.streamCompleted("data: [DONE]\n\n");
    return out;
}

// What the chat stream says: its content, last finish reason and usage.
struct ChatSummary {
    QString content;
    QString finishReason;
    QJsonObject usage;
};

ChatSummary summarize(const QList<QByteArray> &frames)
{
    ChatSummary summary;
    for (const QByteArray &frame : frames) {
        const QJsonObject chunk = QJsonDocument::fromJson(sseData(frame)).object();
        if (chunk.value("usage"_L1).isObject())
            summary.usage = chunk.value("usage"_L1).toObject();
        const QJsonObject choice = chunk.value("choices"_L1).toArray().first().toObject();
        summary.content += choice.value("delta"_L1).toObject().value("content"_L1).toString();
        if (choice.value("finish_reason"_L1).isString())
            summary.finishReason = choice.value("finish_reason"_L1).toString();
    }
    return summary;
}

QStringList chatStreamFixtures()
{
    QStringList paths;
    for (const QString &dir : {u"openai"_s, u"azure"_s, u"deepseek"_s}) {
        const QStringList names = QDir(QStringLiteral(ONEGATE_TEST_DATA "/fixtures/") + dir)
                                      .entryList({u"chat_stream_*.sse"_s}, QDir::Files, QDir::Name);
        for (const QString &name : names)
            paths.append(dir + u'/' + name);
    }
    return paths;
}

} // namespace

class TestCompletionsDialect final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void decode_data();
    void decode();
    void untranslatableKeepsNative();
    void answerGolden_data();
    void answerGolden();
    void answerEcho();
    void answerNotACompletion();
    void streams_data();
    void streams();
    void streamSplitAtEveryByte_data();
    void streamSplitAtEveryByte();
    void streamEcho();
    void streamFailures();
    void clientErrors();
};

void TestCompletionsDialect::decode_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("errorParam");       // null: no error
    QTest::addColumn<QString>("errorCode");
    QTest::addColumn<QString>("untranslatable");   // the param; null: translated
    QTest::addColumn<QByteArray>("chat");          // the whole chat body; empty: unchecked
    QTest::addColumn<bool>("stream");
    QTest::addColumn<bool>("includeUsage");

    const QString none;
    QTest::newRow("string prompt")
        << R"({"model":"m","prompt":"def fib(","temperature":0.2,"top_p":0.9,"user":"u1","presence_penalty":0.5,"frequency_penalty":0.1,"seed":7})"_ba
        << none << none << none
        << R"({"model":"m","messages":[{"role":"user","content":"def fib("}],"max_tokens":16,"temperature":0.2,"top_p":0.9,"user":"u1","presence_penalty":0.5,"frequency_penalty":0.1,"seed":7})"_ba
        << false << false;
    QTest::newRow("array of one prompt, max_tokens")
        << R"({"model":"m","prompt":["hello"],"max_tokens":5})"_ba << none << none << none
        << R"({"model":"m","messages":[{"role":"user","content":"hello"}],"max_tokens":5})"_ba << false << false;
    QTest::newRow("max_tokens null is 16")
        << R"({"model":"m","prompt":"x","max_tokens":null})"_ba << none << none << none
        << R"({"model":"m","messages":[{"role":"user","content":"x"}],"max_tokens":16})"_ba << false << false;
    QTest::newRow("empty prompt")
        << R"({"model":"m","prompt":""})"_ba << none << none << none
        << R"({"model":"m","messages":[{"role":"user","content":""}],"max_tokens":16})"_ba << false << false;
    QTest::newRow("two prompts") << R"({"model":"m","prompt":["a","b"]})"_ba << none << none << u"prompt"_s
                                 << QByteArray() << false << false;
    QTest::newRow("token array") << R"({"model":"m","prompt":[1,2,3]})"_ba << none << none << u"prompt"_s
                                 << QByteArray() << false << false;
    QTest::newRow("token arrays") << R"({"model":"m","prompt":[[1,2],[3]]})"_ba << none << none << u"prompt"_s
                                  << QByteArray() << false << false;
    QTest::newRow("suffix") << R"({"model":"m","prompt":"a","suffix":"b"})"_ba << none << none << u"suffix"_s
                            << QByteArray() << false << false;
    QTest::newRow("empty suffix")
        << R"({"model":"m","prompt":"a","suffix":""})"_ba << none << none << none
        << R"({"model":"m","messages":[{"role":"user","content":"a"}],"max_tokens":16})"_ba << false << false;
    QTest::newRow("logprobs") << R"({"model":"m","prompt":"a","logprobs":2})"_ba << none << none << u"logprobs"_s
                              << QByteArray() << false << false;
    QTest::newRow("logprobs null")
        << R"({"model":"m","prompt":"a","logprobs":null})"_ba << none << none << none << QByteArray() << false << false;
    QTest::newRow("n 1")
        << R"({"model":"m","prompt":"a","n":1})"_ba << none << none << none
        << R"({"model":"m","messages":[{"role":"user","content":"a"}],"max_tokens":16})"_ba << false << false;
    QTest::newRow("n 2") << R"({"model":"m","prompt":"a","n":2})"_ba << none << none << u"n"_s << QByteArray()
                         << false << false;
    QTest::newRow("best_of 3") << R"({"model":"m","prompt":"a","best_of":3})"_ba << none << none << u"best_of"_s
                               << QByteArray() << false << false;
    QTest::newRow("echo")
        << R"({"model":"m","prompt":"a","echo":true})"_ba << none << none << none
        << R"({"model":"m","messages":[{"role":"user","content":"a"}],"max_tokens":16})"_ba << false << false;
    QTest::newRow("stop string")
        << R"({"model":"m","prompt":"a","stop":"\n"})"_ba << none << none << none
        << R"({"model":"m","messages":[{"role":"user","content":"a"}],"max_tokens":16,"stop":"\n"})"_ba << false << false;
    QTest::newRow("stop array")
        << R"({"model":"m","prompt":"a","stop":["\n\n","```"]})"_ba << none << none << none
        << R"({"model":"m","messages":[{"role":"user","content":"a"}],"max_tokens":16,"stop":["\n\n","```"]})"_ba
        << false << false;
    QTest::newRow("stream")
        << R"({"model":"m","prompt":"a","stream":true})"_ba << none << none << none
        << R"({"model":"m","messages":[{"role":"user","content":"a"}],"max_tokens":16,"stream":true,"stream_options":{"include_usage":true}})"_ba
        << true << false;
    QTest::newRow("stream include_usage")
        << R"({"model":"m","prompt":"a","stream":true,"stream_options":{"include_usage":true}})"_ba << none << none
        << none
        << R"({"model":"m","messages":[{"role":"user","content":"a"}],"max_tokens":16,"stream":true,"stream_options":{"include_usage":true}})"_ba
        << true << true;

    QTest::newRow("missing model") << R"({"prompt":"a"})"_ba << u"model"_s << u"missing_required_parameter"_s << none
                                   << QByteArray() << false << false;
    QTest::newRow("model not a string") << R"({"model":3,"prompt":"a"})"_ba << u"model"_s << u"invalid_type"_s << none
                                        << QByteArray() << false << false;
    QTest::newRow("missing prompt") << R"({"model":"m"})"_ba << u"prompt"_s << u"missing_required_parameter"_s
                                    << none << QByteArray() << false << false;
    QTest::newRow("prompt null") << R"({"model":"m","prompt":null})"_ba << u"prompt"_s
                                 << u"missing_required_parameter"_s << none << QByteArray() << false << false;
    QTest::newRow("prompt object") << R"({"model":"m","prompt":{}})"_ba << u"prompt"_s << u"invalid_type"_s << none
                                   << QByteArray() << false << false;
    QTest::newRow("prompt empty array") << R"({"model":"m","prompt":[]})"_ba << u"prompt"_s << u"invalid_value"_s
                                        << none << QByteArray() << false << false;
    QTest::newRow("prompt mixed array") << R"({"model":"m","prompt":["a",{}]})"_ba << u"prompt[1]"_s
                                        << u"invalid_type"_s << none << QByteArray() << false << false;
    QTest::newRow("stop bad item") << R"({"model":"m","prompt":"a","stop":["a",1]})"_ba << u"stop[1]"_s
                                   << u"invalid_type"_s << none << QByteArray() << false << false;
    QTest::newRow("n 0") << R"({"model":"m","prompt":"a","n":0})"_ba << u"n"_s << u"invalid_value"_s << none
                         << QByteArray() << false << false;
    QTest::newRow("max_tokens decimal") << R"({"model":"m","prompt":"a","max_tokens":1.5})"_ba << u"max_tokens"_s
                                        << u"invalid_type"_s << none << QByteArray() << false << false;
    QTest::newRow("stream string") << R"({"model":"m","prompt":"a","stream":"yes"})"_ba << u"stream"_s
                                   << u"invalid_type"_s << none << QByteArray() << false << false;
    // Invalid beats untranslatable: the client hears about its mistake first.
    QTest::newRow("suffix and bad temperature")
        << R"({"model":"m","prompt":"a","suffix":"b","temperature":"hot"})"_ba << u"temperature"_s
        << u"invalid_type"_s << none << QByteArray() << false << false;
    QTest::newRow("not json") << "{"_ba << QString(u""_s) << none << none << QByteArray() << false << false;
}

void TestCompletionsDialect::decode()
{
    QFETCH(QByteArray, body);
    QFETCH(QString, errorParam);
    QFETCH(QString, errorCode);
    QFETCH(QString, untranslatable);
    QFETCH(QByteArray, chat);
    QFETCH(bool, stream);
    QFETCH(bool, includeUsage);

    const auto decoded = OpenAiCompletionsRequestDecoder::decode(body);
    if (!errorParam.isNull()) {
        QVERIFY(std::holds_alternative<ApiError>(decoded));
        const ApiError &error = std::get<ApiError>(decoded);
        QCOMPARE(error.status, 400);
        QCOMPARE(error.type, u"invalid_request_error"_s);
        QCOMPARE(error.param, errorParam);
        QCOMPARE(error.code, errorCode);
        QVERIFY(!error.message.isEmpty());
        return;
    }
    QVERIFY(std::holds_alternative<ChatEnvelope>(decoded));
    const ChatEnvelope &envelope = std::get<ChatEnvelope>(decoded);
    QCOMPARE(envelope.model, u"m"_s);
    QCOMPARE(envelope.native, json(body));
    QCOMPARE(envelope.stream, stream);
    QCOMPARE(envelope.includeUsage, includeUsage);
    if (!untranslatable.isNull()) {
        QVERIFY(envelope.untranslatable.has_value());
        QCOMPARE(envelope.untranslatable->status, 400);
        QCOMPARE(envelope.untranslatable->param, untranslatable);
        QVERIFY(envelope.untranslatable->message.contains(u"completions endpoint"_s));
        return;
    }
    QVERIFY2(!envelope.untranslatable, qPrintable(envelope.untranslatable ? envelope.untranslatable->message : QString()));
    QCOMPARE(envelope.body.value("messages"_L1).toArray().size(), 1);
    if (!chat.isEmpty())
        QCOMPARE(envelope.body, json(chat));
}

void TestCompletionsDialect::untranslatableKeepsNative()
{
    const QByteArray body = R"({"model":"m","prompt":"def f(","suffix":"\n    return x","max_tokens":64})"_ba;
    const auto decoded = OpenAiCompletionsRequestDecoder::decode(body);
    QVERIFY(std::holds_alternative<ChatEnvelope>(decoded));
    const ChatEnvelope &envelope = std::get<ChatEnvelope>(decoded);
    QCOMPARE(envelope.native, json(body));
    QVERIFY(envelope.untranslatable);
    QCOMPARE(envelope.untranslatable->message,
             u"suffix (fill-in-the-middle) needs a provider with a completions endpoint"_s);
}

void TestCompletionsDialect::answerGolden_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<QByteArray>("expected");
    QTest::newRow("text") << u"openai/chat_response_text_recorded.json"_s
                          << R"({"id":"cmpl-ABfvaueLEMLNYbT8YzpJxsmiQ6HSY","object":"text_completion","created":1727346142,"model":"client-model","choices":[{"text":"I'm unable to provide real-time weather updates. To get the current weather in San Francisco, I recommend checking a reliable weather website or app like the Weather Channel or a local news station.","index":0,"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":14,"completion_tokens":37,"total_tokens":51}})"_ba;
    QTest::newRow("length") << u"openai/chat_response_finish_length_recorded.json"_s
                            << R"({"id":"cmpl-ABfvvX7eB1KsfeZj8VcF3z7G7SbaA","object":"text_completion","created":1727346163,"model":"client-model","choices":[{"text":"{\"","index":0,"logprobs":null,"finish_reason":"length"}],"usage":{"prompt_tokens":79,"completion_tokens":1,"total_tokens":80}})"_ba;
}

void TestCompletionsDialect::answerGolden()
{
    QFETCH(QString, path);
    QFETCH(QByteArray, expected);
    const OpenAiCompletionsClient client(u"client-model"_s, json(R"({"model":"client-model","prompt":"q"})"_ba));
    QCOMPARE(client.wire(), WireDialect::OpenAiCompletions);
    const auto answer = client.answer(fixture(path));
    QVERIFY(std::holds_alternative<QByteArray>(answer));
    QCOMPARE(json(std::get<QByteArray>(answer)), json(expected));
}

void TestCompletionsDialect::answerEcho()
{
    const OpenAiCompletionsClient client(u"m"_s, json(R"({"model":"m","prompt":["Weather? "],"echo":true})"_ba));
    const auto answer = client.answer(fixture(u"openai/chat_response_text_recorded.json"_s));
    QVERIFY(std::holds_alternative<QByteArray>(answer));
    const QString text = json(std::get<QByteArray>(answer))
                             .value("choices"_L1).toArray().first().toObject().value("text"_L1).toString();
    QVERIFY(text.startsWith(u"Weather? I'm unable"_s));

    // A tool call finish is no Completions reason: "stop", and no text.
    const auto tool = client.answer(fixture(u"openai/chat_response_tool_call_recorded.json"_s));
    QVERIFY(std::holds_alternative<QByteArray>(tool));
    const QJsonObject choice = json(std::get<QByteArray>(tool)).value("choices"_L1).toArray().first().toObject();
    QCOMPARE(choice.value("finish_reason"_L1).toString(), u"stop"_s);
    QCOMPARE(choice.value("text"_L1).toString(), u"Weather? "_s);
}

void TestCompletionsDialect::answerNotACompletion()
{
    const OpenAiCompletionsClient client(u"m"_s, {});
    const auto answer = client.answer("{\"object\":\"list\"}");
    QVERIFY(std::holds_alternative<ApiError>(answer));
    QCOMPARE(std::get<ApiError>(answer).status, 502);
}

void TestCompletionsDialect::streams_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<bool>("includeUsage");
    const QStringList paths = chatStreamFixtures();
    QVERIFY(paths.size() >= 4);
    for (const QString &path : paths) {
        QTest::newRow(qPrintable(path + u" usage"_s)) << path << true;
        QTest::newRow(qPrintable(path)) << path << false;
    }
}

void TestCompletionsDialect::streams()
{
    QFETCH(QString, path);
    QFETCH(bool, includeUsage);
    const QList<QByteArray> frames = sseFrames(fixture(path));
    const ChatSummary chat = summarize(frames);
    const Output out = translate(frames, {u"client-model"_s, QString(), includeUsage});

    QVERIFY(out.failed.isEmpty());
    QCOMPARE(out.completed, "data: [DONE]\n\n"_ba);
    QCOMPARE(out.afterEnd, 0);
    // A stream of nothing but usage (a composed Azure one) has no chunk without usage.
    if (out.chunks.isEmpty()) {
        QVERIFY(chat.content.isEmpty() && chat.finishReason.isEmpty() && !includeUsage);
        return;
    }

    const QString id = out.chunks.first().value("id"_L1).toString();
    QVERIFY(id.startsWith(u"cmpl-"_s));
    QString text;
    QString finish;
    QJsonObject usage;
    for (qsizetype i = 0; i < out.chunks.size(); ++i) {
        const QJsonObject &chunk = out.chunks.at(i);
        QCOMPARE(chunk.value("object"_L1).toString(), u"text_completion"_s);
        QCOMPARE(chunk.value("id"_L1).toString(), id);
        QCOMPARE(chunk.value("model"_L1).toString(), u"client-model"_s);
        QVERIFY(chunk.value("created"_L1).toInteger() > 0);
        const QJsonArray choices = chunk.value("choices"_L1).toArray();
        if (choices.isEmpty()) { // the usage chunk, last
            QCOMPARE(i, out.chunks.size() - 1);
            QVERIFY(!out.contentFlags.at(i));
            usage = chunk.value("usage"_L1).toObject();
            continue;
        }
        QVERIFY(finish.isEmpty()); // nothing after the finish but usage
        QCOMPARE(choices.size(), 1);
        const QJsonObject choice = choices.first().toObject();
        QCOMPARE(choice.value("index"_L1).toInt(-1), 0);
        QVERIFY(choice.contains("logprobs"_L1) && choice.value("logprobs"_L1).isNull());
        QVERIFY(choice.value("text"_L1).isString());
        QVERIFY(out.contentFlags.at(i));
        text += choice.value("text"_L1).toString();
        finish = choice.value("finish_reason"_L1).toString();
    }
    QCOMPARE(text, chat.content);
    QCOMPARE(finish, OpenAiCompletionsClient::finishReason(chat.finishReason));
    if (includeUsage && !chat.usage.isEmpty()) {
        QCOMPARE(usage.value("prompt_tokens"_L1), chat.usage.value("prompt_tokens"_L1));
        QCOMPARE(usage.value("completion_tokens"_L1), chat.usage.value("completion_tokens"_L1));
        QCOMPARE(usage.value("total_tokens"_L1).toInteger(),
                 usage.value("prompt_tokens"_L1).toInteger() + usage.value("completion_tokens"_L1).toInteger());
    } else {
        QVERIFY(usage.isEmpty());
    }
}

void TestCompletionsDialect::streamSplitAtEveryByte_data()
{
    streams_data();
}

void TestCompletionsDialect::streamSplitAtEveryByte()
{
    QFETCH(QString, path);
    QFETCH(bool, includeUsage);
    const QList<QByteArray> frames = sseFrames(fixture(path));
    const OpenAiCompletionsStreamEncoder::Options options{u"m"_s, u"echo "_s, includeUsage};
    const Output whole = translate(frames, options);
    const Output split = translate(frames, options, true);
    QCOMPARE(split.raw, whole.raw);
    QCOMPARE(split.contentFlags, whole.contentFlags);
    QCOMPARE(split.completed, whole.completed);
    QVERIFY(split.failed.isEmpty());
}

void TestCompletionsDialect::streamEcho()
{
    const QList<QByteArray> frames = sseFrames(fixture(u"openai/chat_stream_text_include_usage.sse"_s));
    const OpenAiCompletionsClient client(
        u"m"_s, json(R"({"model":"m","prompt":"Say: ","echo":true,"stream":true,"stream_options":{"include_usage":true}})"_ba));
    Output out;
    const std::unique_ptr<ChatStreamSink> sink = client.streamTranslator(outletInto(out));
    QVERIFY(sink);
    for (const QByteArray &frame : frames) {
        if (frame.startsWith("data: [DONE]"))
            sink->streamCompleted(frame);
        else
            sink->streamFrame(frame, true);
    }
    QCOMPARE(out.completed, "data: [DONE]\n\n"_ba);
    QString text;
    for (const QJsonObject &chunk : std::as_const(out.chunks))
        text += chunk.value("choices"_L1).toArray().first().toObject().value("text"_L1).toString();
    QCOMPARE(text, u"Say: "_s + summarize(frames).content);
    QVERIFY(out.chunks.first().value("choices"_L1).toArray().first().toObject()
                .value("text"_L1).toString().startsWith(u"Say: "_s));
    QVERIFY(out.chunks.last().value("usage"_L1).isObject()); // the client asked for it

    // An answer with no text still echoes, once, before [DONE].
    Output empty = translate({"data: [DONE]\n\n"_ba}, {u"m"_s, u"Say: "_s, false});
    QCOMPARE(empty.chunks.size(), 1);
    QCOMPARE(empty.chunks.first().value("choices"_L1).toArray().first().toObject().value("text"_L1).toString(),
             u"Say: "_s);
    QCOMPARE(empty.completed, "data: [DONE]\n\n"_ba);
}

void TestCompletionsDialect::streamFailures()
{
    // An OpenAI error chunk mid-stream: OpenAI's error event, nothing after it.
    const QList<QByteArray> frames{
        R"(data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"x","choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":null}]})"
        "\n\n"_ba,
        R"(data: {"error":{"message":"overloaded","type":"server_error","code":"overloaded"}})"
        "\n\n"_ba,
        R"(data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"x","choices":[{"index":0,"delta":{"content":"late"},"finish_reason":null}]})"
        "\n\n"_ba,
        "data: [DONE]\n\n"_ba,
    };
    const Output out = translate(frames, {u"m"_s, QString(), true});
    QCOMPARE(out.chunks.size(), 1);
    QVERIFY(out.completed.isEmpty());
    QVERIFY(out.error);
    QCOMPARE(out.error->message, u"overloaded"_s);
    QVERIFY(out.failed.startsWith("data: {\"error\":"));
    QCOMPARE(json(out.failed.mid(6).trimmed()).value("error"_L1).toObject().value("message"_L1).toString(),
             u"overloaded"_s);

    Output relayFailed;
    OpenAiCompletionsStreamEncoder encoder({u"m"_s, QString(), false}, outletInto(relayFailed));
    encoder.streamFrame(frames.first(), true);
    encoder.streamFailed(ApiError::make(504, u"timeout"_s, u"idle_timeout"_s, u"no data"_s));
    encoder.streamCompleted("data: [DONE]\n\n");
    QVERIFY(encoder.ended());
    QVERIFY(relayFailed.completed.isEmpty());
    QCOMPARE(relayFailed.error->code, u"idle_timeout"_s);
}

void TestCompletionsDialect::clientErrors()
{
    const OpenAiCompletionsClient client(u"m"_s, {});
    // A completions provider's own error body is OpenAI's shape: relayed as it was.
    ApiError relayed = ApiError::make(429, u"rate_limit"_s, u"rate_limit_exceeded"_s, u"slow down"_s);
    relayed.upstreamBody = fixture(u"openai/error_429_rate_limit_exceeded.json"_s);
    relayed.upstreamDialect = WireDialect::OpenAiCompletions;
    QCOMPARE(client.streamError(relayed), "data: " + relayed.upstreamBody + "\n\n");
    // Another dialect's body is rendered in OpenAI's shape.
    relayed.upstreamDialect = WireDialect::AnthropicMessages;
    const QByteArray rendered = client.streamError(relayed);
    QCOMPARE(json(rendered.mid(6).trimmed()).value("error"_L1).toObject().value("code"_L1).toString(),
             u"rate_limit_exceeded"_s);
    QVERIFY(client.keepAlive().isEmpty());
}

QTEST_GUILESS_MAIN(TestCompletionsDialect)
#include "tst_completions_dialect.moc"
