// The ollama adapter against Ollama's documented wire data (tests/data/fixtures/ollama)
// and golden request bodies (tests/data/ollama): request building, non-stream and stream
// decoding, tool call reassembly, usage, finish reasons, error mapping, the model list.

#include "../support/ChatCalls.h"
#include "ChunkReassembly.h"
#include "ollama/OllamaAdapter.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QMap>
#include <QTest>

using namespace onegate;
using namespace onegate::test;
using namespace Qt::StringLiterals;

namespace {

QByteArray readData(const QString &relative)
{
    QFile file(QStringLiteral(ONEGATE_TEST_DATA "/") + relative);
    if (!file.open(QIODevice::ReadOnly))
        qFatal("missing test data %s", qPrintable(relative));
    return file.readAll();
}

QByteArray fixture(const QString &name)
{
    return readData(u"fixtures/ollama/"_s + name);
}

QJsonObject jsonOf(const QByteArray &bytes)
{
    return QJsonDocument::fromJson(bytes).object();
}

ProviderSettings provider(const QString &baseUrl = u"http://127.0.0.1:11434"_s)
{
    ProviderSettings settings;
    settings.id = u"local"_s;
    settings.kind = ProviderKind::Ollama;
    settings.baseUrl = QUrl(baseUrl);
    return settings;
}

QByteArray header(const UpstreamRequest &request, const QByteArray &name)
{
    for (const auto &[key, value] : request.headers) {
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return {};
}

// Collects what a decoder hands the gateway; refuses anything after the end.
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

// Feeds `stream` whole (cut < 0) or in two pieces split at `cut`, then ends it.
RecordingSink decodeStream(const QByteArray &stream, bool clientWantsUsage, qsizetype cut = -1)
{
    OllamaAdapter adapter;
    const ProviderSettings settings = provider();
    ChatCall call;
    call.provider = &settings;
    call.upstreamModel = u"llama3.2"_s;
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

// The frames as a client reassembles them (ChunkReassembly.h), after checking each is a
// complete SSE data event.
Reassembled reassemble(const QList<QByteArray> &frames)
{
    QList<QByteArray> payloads;
    for (const QByteArray &frame : frames) {
        if (!frame.startsWith("data: ") || !frame.endsWith("\n\n") || frame.count('\n') != 2) {
            Reassembled broken;
            broken.problems.append(u"not one SSE data event: "_s + QString::fromUtf8(frame));
            return broken;
        }
        payloads.append(frame.mid(6).chopped(2));
    }
    return reassembleChunks(payloads);
}

QJsonObject argumentsOf(const ToolCallSeen &call)
{
    return jsonOf(call.arguments.toUtf8());
}

} // namespace

class TestOllamaAdapter final : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void goldenRequest_data();
    void goldenRequest();
    void requestRefused_data();
    void requestRefused();
    void requestHeaders();
    void urls_data();
    void urls();

    void streamDecoding_data();
    void streamDecoding();
    void streamUsageChunkOnlyWhenAsked();
    void streamSplitAtEveryByte_data();
    void streamSplitAtEveryByte();
    void streamCrlfAndBlankLines();
    void streamMidstreamError_data();
    void streamMidstreamError();
    void streamTruncated_data();
    void streamTruncated();
    void streamLastLineWithoutNewline();
    void streamGarbageLine();
    void streamOversizedLine();
    void streamIgnoresAfterDone();

    void nonStream_data();
    void nonStream();
    void nonStreamShape();
    void nonStreamBroken_data();
    void nonStreamBroken();

    void errorMapping_data();
    void errorMapping();
    void modelList();
};

// ---- request building ----------------------------------------------------------------

void TestOllamaAdapter::goldenRequest_data()
{
    QTest::addColumn<QString>("request");
    QTest::addColumn<QString>("expected");
    QTest::addColumn<QString>("upstreamModel");

    // The recorded Ollama request from the docs, rebuilt from its OpenAI equivalent.
    QTest::newRow("tools, recorded") << u"ollama/tools.request.json"_s
                                     << u"fixtures/ollama/api_chat_request_tools.json"_s << u"llama3.2"_s;
    QTest::newRow("conversation: system, image, tool turn, options, schema, think")
        << u"ollama/conversation.request.json"_s << u"ollama/conversation.expected.json"_s << u"llava:13b"_s;
    QTest::newRow("json mode, named tool, think off")
        << u"ollama/json-mode.request.json"_s << u"ollama/json-mode.expected.json"_s << u"qwen3:8b"_s;
    QTest::newRow("tool_choice none, thinking budget")
        << u"ollama/tool-choice-none.request.json"_s << u"ollama/tool-choice-none.expected.json"_s << u"llama3.2"_s;
}

void TestOllamaAdapter::goldenRequest()
{
    QFETCH(QString, request);
    QFETCH(QString, expected);
    QFETCH(QString, upstreamModel);

    OllamaAdapter adapter;
    const ProviderSettings settings = provider();
    const QJsonObject body = jsonOf(readData(request));
    QVERIFY(!body.isEmpty());
    ChatCall call = onegate::test::chatCall(&settings, {}, upstreamModel, body, body.value("stream"_L1).toBool(), false);
    const auto built = adapter.chatRequest(call);
    QVERIFY2(std::holds_alternative<UpstreamRequest>(built),
             qPrintable(std::get_if<ApiError>(&built) ? std::get<ApiError>(built).message : QString()));
    const QJsonObject sent = jsonOf(std::get<UpstreamRequest>(built).body);
    const QJsonObject golden = jsonOf(readData(expected));
    QVERIFY(!golden.isEmpty());
    QVERIFY2(sent == golden, QJsonDocument(sent).toJson().constData());
}

void TestOllamaAdapter::requestRefused_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("param");
    QTest::addColumn<QString>("mentions");

    QTest::newRow("http image URL")
        // Built with arg(): moc 6.4 reads a "//" inside a raw string as a comment.
        << QString::fromLatin1(R"({"messages":[{"role":"user","content":[{"type":"text","text":"what is this?"},{"type":"image_url","image_url":{"url":"%1"}}]}]})")
               .arg(u"https://example.com/cat.png"_s)
               .toUtf8()
        << u"messages[0].content[1].image_url.url"_s << u"data: URL"_s;
    QTest::newRow("tool arguments not an object")
        << R"({"messages":[{"role":"user","content":"hi"},{"role":"assistant","tool_calls":[{"id":"call_1","type":"function","function":{"name":"f","arguments":"[1,2"}}]},{"role":"tool","tool_call_id":"call_1","content":"ok"}]})"_ba
        << u"messages[1].tool_calls[0].function.arguments"_s << u"JSON object"_s;
    QTest::newRow("unknown reasoning effort") << R"({"messages":[{"role":"user","content":"hi"}],"reasoning_effort":"extreme"})"_ba
                                              << u"reasoning_effort"_s << u"extreme"_s;
    QTest::newRow("unknown response format") << R"({"messages":[{"role":"user","content":"hi"}],"response_format":{"type":"yaml"}})"_ba
                                             << u"response_format"_s << u"yaml"_s;
    QTest::newRow("tool_choice names a missing tool")
        << R"({"messages":[{"role":"user","content":"hi"}],"tools":[{"type":"function","function":{"name":"a"}}],"tool_choice":{"type":"function","function":{"name":"b"}}})"_ba
        << u"tool_choice"_s << u"'b'"_s;
    QTest::newRow("no messages (the shared codec)") << R"({"messages":[]})"_ba << u"messages"_s << u"messages"_s;
}

void TestOllamaAdapter::requestRefused()
{
    QFETCH(QByteArray, body);
    QFETCH(QString, param);
    QFETCH(QString, mentions);

    OllamaAdapter adapter;
    const ProviderSettings settings = provider();
    ChatCall call = onegate::test::chatCall(&settings, {}, u"llama3.2"_s, jsonOf(body), false, false);
    const auto built = adapter.chatRequest(call);
    QVERIFY(std::holds_alternative<ApiError>(built));
    const ApiError &error = std::get<ApiError>(built);
    QCOMPARE(error.status, 400);
    QCOMPARE(error.type, u"invalid_request_error"_s);
    QCOMPARE(error.param, param);
    QVERIFY2(error.message.contains(mentions), qPrintable(error.message));
}

void TestOllamaAdapter::requestHeaders()
{
    OllamaAdapter adapter;
    ProviderSettings settings = provider();
    settings.extraHeaders = {{"X-Team", "blue"}};
    const QJsonObject body{{u"messages"_s, QJsonArray{QJsonObject{{u"role"_s, u"user"_s}, {u"content"_s, u"hi"_s}}}}};

    // Ollama behind a proxy (or ollama.com): the provider's key as a Bearer token.
    ChatCall call = onegate::test::chatCall(&settings, "sk-test-ollama-proxy", u"llama3.2"_s, body, true, false);
    UpstreamRequest request = std::get<UpstreamRequest>(adapter.chatRequest(call));
    QCOMPARE(request.method, "POST"_ba);
    QCOMPARE(header(request, "Authorization"), "Bearer sk-test-ollama-proxy"_ba);
    QCOMPARE(header(request, "Content-Type"), "application/json"_ba);
    QCOMPARE(header(request, "Accept"), "application/x-ndjson"_ba);
    QCOMPARE(header(request, "X-Team"), "blue"_ba);
    QCOMPARE(jsonOf(request.body).value(u"stream"_s), QJsonValue(true));

    // A local Ollama has no key: no Authorization header at all.
    call.apiKey.clear();
    call.stream = false;
    request = std::get<UpstreamRequest>(adapter.chatRequest(call));
    QVERIFY(header(request, "Authorization").isEmpty());
    QCOMPARE(header(request, "Accept"), "application/json"_ba);
    // Ollama streams by default, so a non-stream call must say so.
    QCOMPARE(jsonOf(request.body).value(u"stream"_s), QJsonValue(false));

    const UpstreamRequest list = adapter.modelListRequest(settings, "sk-test-ollama-proxy");
    QCOMPARE(list.method, "GET"_ba);
    QCOMPARE(header(list, "Authorization"), "Bearer sk-test-ollama-proxy"_ba);
    QCOMPARE(header(list, "X-Team"), "blue"_ba);
    QVERIFY(list.body.isEmpty());
    QVERIFY(header(adapter.modelListRequest(settings, {}), "Authorization").isEmpty());
}

void TestOllamaAdapter::urls_data()
{
    QTest::addColumn<QString>("base");
    QTest::addColumn<QString>("chat");
    QTest::addColumn<QString>("tags");
    QTest::newRow("origin") << u"http://127.0.0.1:11434"_s << u"http://127.0.0.1:11434/api/chat"_s
                            << u"http://127.0.0.1:11434/api/tags"_s;
    QTest::newRow("origin with slash") << u"http://localhost:11434/"_s << u"http://localhost:11434/api/chat"_s
                                       << u"http://localhost:11434/api/tags"_s;
    QTest::newRow("behind a proxy path") << u"https://gpu.example.net/ollama/"_s
                                         << u"https://gpu.example.net/ollama/api/chat"_s
                                         << u"https://gpu.example.net/ollama/api/tags"_s;
}

void TestOllamaAdapter::urls()
{
    QFETCH(QString, base);
    QFETCH(QString, chat);
    QFETCH(QString, tags);
    OllamaAdapter adapter;
    const ProviderSettings settings = provider(base);
    const QJsonObject body{{u"messages"_s, QJsonArray{QJsonObject{{u"role"_s, u"user"_s}, {u"content"_s, u"hi"_s}}}}};
    ChatCall call = onegate::test::chatCall(&settings, {}, u"m"_s, body, false, false);
    QCOMPARE(std::get<UpstreamRequest>(adapter.chatRequest(call)).url.toString(), chat);
    QCOMPARE(adapter.modelListRequest(settings, {}).url.toString(), tags);
}

// ---- streams ---------------------------------------------------------------------------

void TestOllamaAdapter::streamDecoding_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("content");
    QTest::addColumn<QString>("reasoning");
    QTest::addColumn<QStringList>("toolNames");
    QTest::addColumn<QList<QJsonObject>>("toolArguments");
    QTest::addColumn<QString>("finishReason");
    QTest::addColumn<QString>("model");
    QTest::addColumn<int>("prompt");
    QTest::addColumn<int>("completion");

    const QJsonObject tokyo{{u"city"_s, u"Tokyo"_s}};
    const QJsonObject paris{{u"city"_s, u"Paris"_s}};
    // The recorded text stream's done line has no done_reason (older builds): stop.
    QTest::newRow("text") << u"api_chat_stream.adapted.ndjson"_s << u"The"_s << QString() << QStringList()
                          << QList<QJsonObject>() << u"stop"_s << u"llama3.2"_s << 26 << 282;
    // Ollama says done_reason "stop" after a tool call; OpenAI clients need tool_calls.
    QTest::newRow("tool call") << u"api_chat_stream_tools.adapted.ndjson"_s << QString() << QString()
                               << QStringList{u"get_weather"_s} << QList<QJsonObject>{tokyo} << u"tool_calls"_s
                               << u"llama3.2"_s << 169 << 15;
    QTest::newRow("parallel tool calls, one per line")
        << u"api_chat_stream_parallel_tools.composed.ndjson"_s << QString() << QString()
        << QStringList{u"get_weather"_s, u"get_weather"_s} << QList<QJsonObject>{tokyo, paris} << u"tool_calls"_s
        << u"llama3.2"_s << 169 << 30;
    QTest::newRow("length") << u"api_chat_stream_length.composed.ndjson"_s << u"The sky is"_s << QString()
                            << QStringList() << QList<QJsonObject>() << u"length"_s << u"llama3.2"_s << 26 << 3;
    QTest::newRow("thinking") << u"api_chat_stream_thinking.composed.ndjson"_s << u"There are 3."_s
                              << u"Let me count the r's."_s << QStringList() << QList<QJsonObject>() << u"stop"_s
                              << u"qwen3"_s << 18 << 12;
    // The docs' /api/generate stream: objects without a message carry no chat text, but
    // the done object still ends the stream cleanly.
    QTest::newRow("generate-shaped objects") << u"api_generate_stream.ndjson"_s << QString() << QString()
                                             << QStringList() << QList<QJsonObject>() << u"stop"_s << u"gemma4"_s
                                             << 0 << 0;
}

void TestOllamaAdapter::streamDecoding()
{
    QFETCH(QString, file);
    QFETCH(QString, content);
    QFETCH(QString, reasoning);
    QFETCH(QStringList, toolNames);
    QFETCH(QList<QJsonObject>, toolArguments);
    QFETCH(QString, finishReason);
    QFETCH(QString, model);
    QFETCH(int, prompt);
    QFETCH(int, completion);

    const RecordingSink sink = decodeStream(fixture(file), true);
    QVERIFY(!sink.failure);
    QVERIFY(sink.completed);
    QCOMPARE(sink.terminator, "data: [DONE]\n\n"_ba);
    const Reassembled got = reassemble(sink.frames);
    QVERIFY2(got.problems.isEmpty(), qPrintable(got.problems.join(u'\n')));
    QVERIFY(got.id.startsWith(u"chatcmpl-"_s));
    QCOMPARE(got.model, model);
    QCOMPARE(got.content, content);
    QCOMPARE(got.reasoning, reasoning);
    QCOMPARE(got.finishReason, finishReason);
    QStringList names;
    QSet<QString> ids;
    for (qsizetype i = 0; i < got.toolCalls.size(); ++i) {
        const ToolCallSeen &call = got.toolCalls.at(i);
        names.append(call.name);
        QVERIFY2(call.id.startsWith(u"call_"_s) && call.id.size() > 10, qPrintable(call.id));
        ids.insert(call.id);
        QCOMPARE(argumentsOf(call), toolArguments.value(i));
        // Ollama's objects become OpenAI's compact JSON text.
        QCOMPARE(call.arguments.toUtf8(), QJsonDocument(toolArguments.value(i)).toJson(QJsonDocument::Compact));
    }
    QCOMPARE(names, toolNames);
    QCOMPARE(ids.size(), toolNames.size());  // generated ids are distinct

    // Usage (NOTES.md section 5): prompt_eval_count and eval_count.
    QVERIFY(sink.usage.known);
    QCOMPARE(sink.usage.prompt, qint64(prompt));
    QCOMPARE(sink.usage.completion, qint64(completion));
    QCOMPARE(got.usageChunks, 1);
    QCOMPARE(got.usage.value(u"prompt_tokens"_s).toInteger(), qint64(prompt));
    QCOMPARE(got.usage.value(u"completion_tokens"_s).toInteger(), qint64(completion));
    QCOMPARE(got.usage.value(u"total_tokens"_s).toInteger(), qint64(prompt + completion));
    // Durations are nanoseconds of Ollama's own; they stay out of the OpenAI stream.
    for (const QByteArray &frame : sink.frames)
        QVERIFY2(!frame.contains("duration"), frame.constData());
}

void TestOllamaAdapter::streamUsageChunkOnlyWhenAsked()
{
    const RecordingSink sink = decodeStream(fixture(u"api_chat_stream.adapted.ndjson"_s), false);
    QVERIFY(sink.completed);
    const Reassembled got = reassemble(sink.frames);
    QCOMPARE(got.usageChunks, 0);
    QCOMPARE(got.finishReason, u"stop"_s);
    // The gateway still records the usage.
    QCOMPARE(sink.usage.prompt, 26);
    QCOMPARE(sink.usage.completion, 282);
    // Role chunk, content "The", finish chunk.
    QCOMPARE(sink.frames.size(), 3);
    QCOMPARE(sink.contentFlags, (QList<bool>{false, true, false}));
}

void TestOllamaAdapter::streamSplitAtEveryByte_data()
{
    QTest::addColumn<QString>("file");
    for (const char *file : {"api_chat_stream.adapted.ndjson", "api_chat_stream_tools.adapted.ndjson",
                             "api_chat_stream_parallel_tools.composed.ndjson", "api_chat_stream_length.composed.ndjson",
                             "api_chat_stream_thinking.composed.ndjson", "api_generate_stream.ndjson",
                             "api_stream_midstream_error.ndjson"})
        QTest::newRow(file) << QString::fromLatin1(file);
}

void TestOllamaAdapter::streamSplitAtEveryByte()
{
    QFETCH(QString, file);
    const QByteArray stream = fixture(file);
    const RecordingSink whole = decodeStream(stream, true);
    QVERIFY(whole.completed || whole.failure);
    QVERIFY(!whole.frames.isEmpty());
    // Ids are generated per stream, so compare what a client reassembles, ids aside.
    auto withoutIds = [](Reassembled r) {
        r.id.clear();
        for (ToolCallSeen &call : r.toolCalls)
            call.id.clear();
        return r;
    };
    const Reassembled expected = withoutIds(reassemble(whole.frames));
    for (qsizetype cut = 1; cut < stream.size(); ++cut) {
        const RecordingSink split = decodeStream(stream, true, cut);
        QCOMPARE(split.completed, whole.completed);
        QCOMPARE(split.failure.has_value(), whole.failure.has_value());
        if (whole.failure)
            QCOMPARE(split.failure->message, whole.failure->message);
        QCOMPARE(split.frames.size(), whole.frames.size());
        QCOMPARE(split.contentFlags, whole.contentFlags);
        const Reassembled got = withoutIds(reassemble(split.frames));
        QVERIFY2(got.problems.isEmpty(), qPrintable(got.problems.join(u'\n')));
        QCOMPARE(got.content, expected.content);
        QCOMPARE(got.reasoning, expected.reasoning);
        QVERIFY(got.toolCalls == expected.toolCalls);
        QCOMPARE(got.finishReason, expected.finishReason);
        QCOMPARE(got.usage, expected.usage);
        QCOMPARE(split.usage.completion, whole.usage.completion);
    }
}

void TestOllamaAdapter::streamCrlfAndBlankLines()
{
    QByteArray stream = fixture(u"api_chat_stream_length.composed.ndjson"_s);
    stream.replace("\n", "\r\n\r\n");
    const RecordingSink sink = decodeStream(stream, false);
    QVERIFY(sink.completed);
    const Reassembled got = reassemble(sink.frames);
    QCOMPARE(got.content, u"The sky is"_s);
    QCOMPARE(got.finishReason, u"length"_s);
}

void TestOllamaAdapter::streamMidstreamError_data()
{
    QTest::addColumn<QByteArray>("stream");
    QTest::addColumn<QString>("content");

    const QByteArray recorded = fixture(u"api_stream_midstream_error.ndjson"_s);
    QTest::newRow("recorded (generate-shaped lines)") << recorded << QString();
    // The same stream as /api/chat sends it (what the fake Ollama replays).
    QByteArray chat;
    for (const QByteArray &line : recorded.split('\n')) {
        QJsonObject object = jsonOf(line);
        if (object.contains(u"response"_s))
            object.insert(u"message"_s, QJsonObject{{u"role"_s, u"assistant"_s}, {u"content"_s, object.take(u"response"_s)}});
        if (!object.isEmpty())
            chat += QJsonDocument(object).toJson(QJsonDocument::Compact) + '\n';
    }
    QTest::newRow("as /api/chat objects") << chat << u" Yes.Ican"_s;
}

void TestOllamaAdapter::streamMidstreamError()
{
    QFETCH(QByteArray, stream);
    QFETCH(QString, content);
    const RecordingSink sink = decodeStream(stream, true);
    QVERIFY(!sink.completed);
    QVERIFY(sink.failure.has_value());
    // NOTES.md section 6: the string is the message; a failure after the 200 is the
    // provider's fault (502), typed as Ollama's /v1 layer types it.
    QCOMPARE(sink.failure->message, u"an error was encountered while running the model"_s);
    QCOMPARE(sink.failure->type, u"api_error"_s);
    QCOMPARE(sink.failure->status, 502);
    QVERIFY(sink.failure->upstreamBody.isEmpty());  // rendered in the client's shape
    const Reassembled got = reassemble(sink.frames);
    QCOMPARE(got.content, content);
    QVERIFY(got.finishReason.isEmpty());
}

void TestOllamaAdapter::streamTruncated_data()
{
    QTest::addColumn<QString>("file");
    for (const char *file : {"api_chat_stream.adapted.ndjson", "api_chat_stream_tools.adapted.ndjson",
                             "api_chat_stream_thinking.composed.ndjson"})
        QTest::newRow(file) << QString::fromLatin1(file);
}

void TestOllamaAdapter::streamTruncated()
{
    QFETCH(QString, file);
    const QByteArray stream = fixture(file);
    // Every end before the done object is complete is a truncated stream, whether the
    // cut falls between lines or inside one.
    for (qsizetype end = 0; end < stream.size() - 1; ++end) {
        const RecordingSink sink = decodeStream(stream.first(end), false);
        QVERIFY2(!sink.completed, qPrintable(u"ended at %1"_s.arg(end)));
        QVERIFY(sink.failure.has_value());
        QCOMPARE(sink.failure->status, 502);
        QCOMPARE(sink.failure->code, u"stream_truncated"_s);
    }
}

void TestOllamaAdapter::streamLastLineWithoutNewline()
{
    QByteArray stream = fixture(u"api_chat_stream_tools.adapted.ndjson"_s);
    QVERIFY(stream.endsWith('\n'));
    stream.chop(1);
    const RecordingSink sink = decodeStream(stream, false);
    QVERIFY(!sink.failure);
    QVERIFY(sink.completed);
    QCOMPARE(reassemble(sink.frames).finishReason, u"tool_calls"_s);
}

void TestOllamaAdapter::streamGarbageLine()
{
    const QByteArray stream = fixture(u"api_chat_stream_length.composed.ndjson"_s);
    const QByteArray broken = stream.left(stream.indexOf('\n') + 1) + "<html>502 Bad Gateway</html>\n" + stream;
    const RecordingSink sink = decodeStream(broken, false);
    QVERIFY(sink.failure.has_value());
    QCOMPARE(sink.failure->code, u"bad_upstream_response"_s);
    QCOMPARE(reassemble(sink.frames).content, u"The"_s);
}

void TestOllamaAdapter::streamOversizedLine()
{
    // A provider that never ends its line: refused once past the 16 MiB line limit.
    const QByteArray stream = "{\"model\":\"m\",\"message\":{\"content\":\"" + QByteArray(17 * 1024 * 1024, 'x');
    const RecordingSink sink = decodeStream(stream, false);
    QVERIFY(sink.failure.has_value());
    QCOMPARE(sink.failure->code, u"bad_upstream_response"_s);
    QVERIFY(sink.failure->message.contains(u"limit"_s));
}

void TestOllamaAdapter::streamIgnoresAfterDone()
{
    const QByteArray stream = fixture(u"api_chat_stream.adapted.ndjson"_s) + "{\"error\":\"late\"}\nnot json\n";
    const RecordingSink sink = decodeStream(stream, false);
    QVERIFY(sink.completed);
    QVERIFY(!sink.failure);
}

// ---- non-stream ------------------------------------------------------------------------

void TestOllamaAdapter::nonStream_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("content");
    QTest::addColumn<QString>("reasoning");
    QTest::addColumn<QStringList>("toolNames");
    QTest::addColumn<QList<QJsonObject>>("toolArguments");
    QTest::addColumn<QString>("finishReason");
    QTest::addColumn<QString>("model");
    QTest::addColumn<qint64>("created");
    QTest::addColumn<int>("prompt");
    QTest::addColumn<int>("completion");

    const QJsonObject tokyo{{u"city"_s, u"Tokyo"_s}};
    const QJsonObject paris{{u"city"_s, u"Paris"_s}};
    QTest::newRow("text, no done_reason") << u"api_chat_response_text.composed.json"_s << u"Hello! How are you today?"_s
                                          << QString() << QStringList() << QList<QJsonObject>() << u"stop"_s
                                          << u"llama3.2"_s << qint64(1702390423) << 26 << 298;
    QTest::newRow("tool call (recorded)") << u"api_chat_response_tools.json"_s << QString() << QString()
                                          << QStringList{u"get_weather"_s} << QList<QJsonObject>{tokyo}
                                          << u"tool_calls"_s << u"llama3.2"_s << qint64(1751920373) << 169 << 18;
    QTest::newRow("parallel tool calls") << u"api_chat_response_parallel_tools.composed.json"_s << QString()
                                         << QString() << QStringList{u"get_weather"_s, u"get_weather"_s}
                                         << QList<QJsonObject>{tokyo, paris} << u"tool_calls"_s << u"llama3.2"_s
                                         << qint64(1751920373) << 169 << 36;
    QTest::newRow("length") << u"api_chat_response_length.composed.json"_s << u"The sky is blue because"_s
                            << QString() << QStringList() << QList<QJsonObject>() << u"length"_s << u"llama3.2"_s
                            << qint64(1702390423) << 26 << 5;
    QTest::newRow("thinking") << u"api_chat_response_thinking.composed.json"_s << u"There are 3 r's in strawberry."_s
                              << u"Let me count the letters r in strawberry: st-r-awbe-r-r-y, so three."_s
                              << QStringList() << QList<QJsonObject>() << u"stop"_s << u"qwen3"_s
                              << qint64(1748511356) << 18 << 74;
}

void TestOllamaAdapter::nonStream()
{
    QFETCH(QString, file);
    QFETCH(QString, content);
    QFETCH(QString, reasoning);
    QFETCH(QStringList, toolNames);
    QFETCH(QList<QJsonObject>, toolArguments);
    QFETCH(QString, finishReason);
    QFETCH(QString, model);
    QFETCH(qint64, created);
    QFETCH(int, prompt);
    QFETCH(int, completion);

    OllamaAdapter adapter;
    ChatCall chatCall;
    chatCall.upstreamModel = u"configured-name"_s;
    const ChatResult result = adapter.decodeChat(chatCall, fixture(file));
    QVERIFY(!result.error);
    QVERIFY(result.usage.known);
    QCOMPARE(result.usage.prompt, qint64(prompt));
    QCOMPARE(result.usage.completion, qint64(completion));

    const QJsonObject completionObject = jsonOf(result.body);
    QCOMPARE(completionObject.value(u"model"_s).toString(), model);
    QCOMPARE(completionObject.value(u"created"_s).toInteger(), created);
    const QJsonObject choice = completionObject.value(u"choices"_s).toArray().at(0).toObject();
    QCOMPARE(choice.value(u"finish_reason"_s).toString(), finishReason);
    const QJsonObject message = choice.value(u"message"_s).toObject();
    QCOMPARE(message.value(u"role"_s).toString(), u"assistant"_s);
    if (toolNames.isEmpty())
        QCOMPARE(message.value(u"content"_s).toString(), content);
    else
        QVERIFY(message.value(u"content"_s).isNull());  // OpenAI's shape for a pure tool call
    QCOMPARE(message.value(u"reasoning_content"_s).toString(), reasoning);
    const QJsonArray calls = message.value(u"tool_calls"_s).toArray();
    QCOMPARE(calls.size(), toolNames.size());
    QSet<QString> ids;
    for (qsizetype i = 0; i < calls.size(); ++i) {
        const QJsonObject call = calls.at(i).toObject();
        QCOMPARE(call.value(u"type"_s).toString(), u"function"_s);
        const QString id = call.value(u"id"_s).toString();
        QVERIFY2(id.startsWith(u"call_"_s), qPrintable(id));
        ids.insert(id);
        const QJsonObject function = call.value(u"function"_s).toObject();
        QCOMPARE(function.value(u"name"_s).toString(), toolNames.at(i));
        QVERIFY(function.value(u"arguments"_s).isString());
        QCOMPARE(jsonOf(function.value(u"arguments"_s).toString().toUtf8()), toolArguments.at(i));
    }
    QCOMPARE(ids.size(), calls.size());

    const QJsonObject usage = completionObject.value(u"usage"_s).toObject();
    QCOMPARE(usage.value(u"prompt_tokens"_s).toInteger(), qint64(prompt));
    QCOMPARE(usage.value(u"completion_tokens"_s).toInteger(), qint64(completion));
    QCOMPARE(usage.value(u"total_tokens"_s).toInteger(), qint64(prompt + completion));
}

void TestOllamaAdapter::nonStreamShape()
{
    OllamaAdapter adapter;
    ChatCall call;
    call.upstreamModel = u"llama3.2"_s;
    const ChatResult result = adapter.decodeChat(call, fixture(u"api_chat_response_text.composed.json"_s));
    const QJsonObject object = jsonOf(result.body);
    QCOMPARE(object.value(u"object"_s).toString(), u"chat.completion"_s);
    QVERIFY(object.value(u"id"_s).toString().startsWith(u"chatcmpl-"_s));
    QCOMPARE(object.value(u"choices"_s).toArray().size(), 1);
    // No Ollama metrics in the OpenAI answer: durations are nanoseconds OpenAI has no
    // field for.
    QVERIFY2(!result.body.contains("duration"), result.body.constData());
    QVERIFY(!result.body.contains("eval_count"));

    // An answer without a model name reports the configured upstream model.
    QJsonObject bare = jsonOf(fixture(u"api_chat_response_text.composed.json"_s));
    bare.remove(u"model"_s);
    bare.remove(u"created_at"_s);
    const ChatResult fallback = adapter.decodeChat(call, QJsonDocument(bare).toJson());
    QCOMPARE(jsonOf(fallback.body).value(u"model"_s).toString(), u"llama3.2"_s);
    QVERIFY(jsonOf(fallback.body).value(u"created"_s).toInteger() > 0);
}

void TestOllamaAdapter::nonStreamBroken_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("code");
    QTest::addColumn<QString>("message");
    QTest::newRow("not JSON") << "<html>bad gateway</html>"_ba << u"bad_upstream_response"_s << QString();
    QTest::newRow("not a chat answer") << R"({"models":[]})"_ba << u"bad_upstream_response"_s << QString();
    QTest::newRow("an error with status 200") << R"({"error":"model is loading"})"_ba << QString()
                                              << u"model is loading"_s;
}

void TestOllamaAdapter::nonStreamBroken()
{
    QFETCH(QByteArray, body);
    QFETCH(QString, code);
    QFETCH(QString, message);
    OllamaAdapter adapter;
    const ChatResult result = adapter.decodeChat({}, body);
    QVERIFY(result.error.has_value());
    QCOMPARE(result.error->status, 502);
    QCOMPARE(result.error->code, code);
    if (!message.isEmpty())
        QCOMPARE(result.error->message, message);
    QVERIFY(result.body.isEmpty());
}

// ---- errors and models -----------------------------------------------------------------

void TestOllamaAdapter::errorMapping_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("type");
    QTest::addColumn<QString>("code");
    QTest::addColumn<QString>("message");  // exact, or a part of it when it starts with '~'
    QTest::addColumn<bool>("retryable");

    QTest::newRow("400") << 400 << R"({"error":"invalid options: num_predict must be an integer"})"_ba
                         << u"invalid_request_error"_s << QString()
                         << u"invalid options: num_predict must be an integer"_s << false;
    QTest::newRow("404 model") << 404 << R"({"error":"model \"llama9\" not found, try pulling it first"})"_ba
                               << u"not_found_error"_s << u"model_not_found"_s
                               << u"model \"llama9\" not found, try pulling it first"_s << false;
    QTest::newRow("404 plain text route") << 404 << "404 page not found"_ba << u"not_found_error"_s << QString()
                                          << u"~404 page not found"_s << false;
    QTest::newRow("429") << 429 << R"({"error":"rate limit exceeded, please try again later"})"_ba << u"api_error"_s
                         << QString() << u"rate limit exceeded, please try again later"_s << true;
    QTest::newRow("500 recorded") << 500 << fixture(u"error.json"_s) << u"api_error"_s << QString()
                                  << u"the model failed to generate a response"_s << true;
    QTest::newRow("401 behind a proxy") << 401 << R"({"error":"unauthorized"})"_ba << u"api_error"_s << QString()
                                        << u"unauthorized"_s << false;
    QTest::newRow("502 HTML from a proxy") << 502 << "<html><body>Bad Gateway</body></html>"_ba << u"api_error"_s
                                           << QString() << u"~Bad Gateway"_s << true;
    QTest::newRow("503 empty") << 503 << QByteArray() << u"api_error"_s << QString()
                               << u"the provider answered HTTP 503"_s << true;
}

void TestOllamaAdapter::errorMapping()
{
    QFETCH(int, status);
    QFETCH(QByteArray, body);
    QFETCH(QString, type);
    QFETCH(QString, code);
    QFETCH(QString, message);
    QFETCH(bool, retryable);

    OllamaAdapter adapter;
    const ApiError error = adapter.mapError(status, body, "application/json; charset=utf-8");
    QCOMPARE(error.status, status);
    QCOMPARE(error.type, type);
    QCOMPARE(error.code, code);
    if (message.startsWith(u'~'))
        QVERIFY2(error.message.contains(message.mid(1)), qPrintable(error.message));
    else
        QCOMPARE(error.message, message);
    QCOMPARE(error.retryable, retryable);
    // Translated into the client's shape, never relayed in Ollama's.
    QVERIFY(error.upstreamBody.isEmpty());
}

void TestOllamaAdapter::modelList()
{
    OllamaAdapter adapter;
    const ModelListResult result = adapter.decodeModelList(fixture(u"api_tags.json"_s));
    QVERIFY(!result.error);
    QCOMPARE(result.models, (QStringList{u"deepseek-r1:latest"_s, u"llama3.2:latest"_s}));
    QVERIFY(!adapter.decodeModelList(R"({"models":[]})"_ba).error);
    QVERIFY(adapter.decodeModelList(R"({"object":"list","data":[]})"_ba).error.has_value());
    QVERIFY(adapter.decodeModelList("garbage").error.has_value());
}

QTEST_GUILESS_MAIN(TestOllamaAdapter)
#include "tst_ollama_adapter.moc"
