// The `azure` adapter against Azure's recorded wire data (tests/data/fixtures/azure):
// request building against golden JSON, the deployment URL and api-key header, stream
// relay with the prompt-filter chunk folded, tool call reassembly, usage, finish reasons,
// error relay and the deployment list. Every stream fixture is also fed split at every byte.

#include "../support/ChatCalls.h"
#include "azure/AzureAdapter.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QMap>
#include <QTest>

using namespace onegate;
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
    return readData(u"fixtures/azure/"_s + name);
}

QJsonObject jsonOf(const QByteArray &bytes)
{
    return QJsonDocument::fromJson(bytes).object();
}

// The JSON of a relayed frame ("data: {...}\n\n").
QJsonObject chunkOf(const QByteArray &frame)
{
    return jsonOf(frame.mid(6));
}

// The `data:` payloads of an SSE text, [DONE] included.
QList<QByteArray> dataOf(const QByteArray &sse)
{
    QList<QByteArray> events;
    for (const QByteArray &line : sse.split('\n')) {
        if (line.startsWith("data: "))
            events.append(line.mid(6));
    }
    return events;
}

// The recorded text stream with the composed usage chunk before [DONE], as Azure sends
// it when stream_options.include_usage is set.
QByteArray textStreamWithUsage()
{
    QByteArray stream = fixture(u"chat_stream_prompt_filter_first_chunk.sse"_s);
    stream.replace("data: [DONE]", QByteArray(fixture(u"chat_stream_usage_chunk.composed.sse"_s) + "data: [DONE]"));
    return stream;
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

ProviderSettings provider(const QString &baseUrl = u"https://contoso.openai.azure.com"_s,
                          const QString &apiVersion = u"2024-10-21"_s)
{
    ProviderSettings settings;
    settings.id = u"az"_s;
    settings.kind = ProviderKind::Azure;
    settings.baseUrl = QUrl(baseUrl);
    settings.apiVersion = apiVersion;
    return settings;
}

// Feeds `stream` whole, or in two pieces cut at `cut`.
RecordingSink decode(const QByteArray &stream, bool clientWantsUsage, qsizetype cut = -1)
{
    AzureAdapter adapter;
    const ProviderSettings settings = provider();
    ChatCall call;
    call.provider = &settings;
    call.upstreamModel = u"text"_s;
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

UpstreamRequest request(const ChatCall &call)
{
    AzureAdapter adapter;
    auto built = adapter.chatRequest(call);
    if (!std::holds_alternative<UpstreamRequest>(built))
        qFatal("chatRequest failed: %s", qPrintable(std::get<ApiError>(built).message));
    return std::get<UpstreamRequest>(built);
}

QByteArray header(const UpstreamRequest &request, const QByteArray &name)
{
    for (const auto &[key, value] : request.headers) {
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return {};
}

struct ToolCallSeen {
    QString id;
    QString name;
    QString arguments;
};

// Reassembles streamed tool calls the way a client does: fragments per index, and notes
// whether any arguments arrived before their call's id and name.
QMap<int, ToolCallSeen> reassemble(const QList<QByteArray> &frames, bool *argumentsBeforeName)
{
    QMap<int, ToolCallSeen> calls;
    *argumentsBeforeName = false;
    for (const QByteArray &frame : frames) {
        for (const QJsonValue &choice : chunkOf(frame).value(u"choices"_s).toArray()) {
            const QJsonArray deltas = choice.toObject().value(u"delta"_s).toObject().value(u"tool_calls"_s).toArray();
            for (const QJsonValue &delta : deltas) {
                const QJsonObject call = delta.toObject();
                const int index = call.value(u"index"_s).toInt();
                const QJsonObject function = call.value(u"function"_s).toObject();
                if (call.contains(u"id"_s)) {
                    calls[index].id = call.value(u"id"_s).toString();
                    calls[index].name = function.value(u"name"_s).toString();
                } else if (!calls.contains(index)) {
                    *argumentsBeforeName = true;
                }
                calls[index].arguments += function.value(u"arguments"_s).toString();
            }
        }
    }
    return calls;
}

QString lastFinishReason(const QList<QByteArray> &frames)
{
    QString finish;
    for (const QByteArray &frame : frames) {
        for (const QJsonValue &choice : chunkOf(frame).value(u"choices"_s).toArray()) {
            if (choice.toObject().value(u"finish_reason"_s).isString())
                finish = choice.toObject().value(u"finish_reason"_s).toString();
        }
    }
    return finish;
}

} // namespace

class TestAzureAdapter final : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void requestUrl_data();
    void requestUrl();
    void requestMatchesTheDocumentedShape();
    void requestHeaders();
    void goldenBody_data();
    void goldenBody();
    void streamOptionsByApiVersion_data();
    void streamOptionsByApiVersion();
    void clientStreamOptionsPassThrough();
    void notADeploymentName_data();
    void notADeploymentName();

    void promptFilterChunkFolded();
    void strictReadingOfEveryChunk_data();
    void strictReadingOfEveryChunk();
    void streamSplitAtEveryByte_data();
    void streamSplitAtEveryByte();
    void streamUsage_data();
    void streamUsage();
    void streamToolCalls_data();
    void streamToolCalls();
    void streamFinishReasons_data();
    void streamFinishReasons();
    void heldChunkAtTheEnd_data();
    void heldChunkAtTheEnd();
    void chunkWithItsOwnPromptFilterResults();
    void inStreamError();

    void nonStream_data();
    void nonStream();
    void nonStreamInvalidJson();
    void errorMapping_data();
    void errorMapping();

    void modelListRequest();
    void modelList();
    void modelListRejectsNonLists_data();
    void modelListRejectsNonLists();
};

// ---- request ----------------------------------------------------------------------------

void TestAzureAdapter::requestUrl_data()
{
    QTest::addColumn<QString>("base");
    QTest::addColumn<QString>("apiVersion");
    QTest::addColumn<QString>("deployment");
    QTest::addColumn<QString>("url");

    QTest::newRow("resource endpoint") << u"https://contoso.openai.azure.com"_s << u"2024-10-21"_s << u"gpt-4o"_s
                                       << u"https://contoso.openai.azure.com/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21"_s;
    QTest::newRow("trailing slash") << u"https://contoso.openai.azure.com/"_s << u"2024-10-21"_s << u"gpt-4o"_s
                                    << u"https://contoso.openai.azure.com/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21"_s;
    QTest::newRow("default api-version") << u"https://contoso.openai.azure.com"_s << QString() << u"gpt-4o"_s
                                         << u"https://contoso.openai.azure.com/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21"_s;
    QTest::newRow("preview api-version") << u"https://contoso.openai.azure.com"_s << u"2025-01-01-preview"_s << u"gpt-4.1"_s
                                         << u"https://contoso.openai.azure.com/openai/deployments/gpt-4.1/chat/completions?api-version=2025-01-01-preview"_s;
    QTest::newRow("behind a gateway path") << u"https://apim.example.com/team-a"_s << u"2024-10-21"_s << u"chat"_s
                                           << u"https://apim.example.com/team-a/openai/deployments/chat/chat/completions?api-version=2024-10-21"_s;
    QTest::newRow("local fake") << u"http://127.0.0.1:8080"_s << u"2024-10-21"_s << u"text"_s
                                << u"http://127.0.0.1:8080/openai/deployments/text/chat/completions?api-version=2024-10-21"_s;
    // The name is one path segment whatever it holds: never a new segment or a query.
    QTest::newRow("at sign") << u"http://127.0.0.1:8080"_s << u"2024-10-21"_s << u"text@200"_s
                             << u"http://127.0.0.1:8080/openai/deployments/text%40200/chat/completions?api-version=2024-10-21"_s;
    QTest::newRow("slash") << u"http://127.0.0.1:8080"_s << u"2024-10-21"_s << u"team/model"_s
                           << u"http://127.0.0.1:8080/openai/deployments/team%2Fmodel/chat/completions?api-version=2024-10-21"_s;
    QTest::newRow("query and fragment characters") << u"http://127.0.0.1:8080"_s << u"2024-10-21"_s << u"a?b#c"_s
                                                   << u"http://127.0.0.1:8080/openai/deployments/a%3Fb%23c/chat/completions?api-version=2024-10-21"_s;
    QTest::newRow("space and percent") << u"http://127.0.0.1:8080"_s << u"2024-10-21"_s << u"my model 100%"_s
                                       << u"http://127.0.0.1:8080/openai/deployments/my%20model%20100%25/chat/completions?api-version=2024-10-21"_s;
    QTest::newRow("non-ASCII") << u"http://127.0.0.1:8080"_s << u"2024-10-21"_s << u"modèle"_s
                               << u"http://127.0.0.1:8080/openai/deployments/mod%C3%A8le/chat/completions?api-version=2024-10-21"_s;
}

void TestAzureAdapter::requestUrl()
{
    QFETCH(QString, base);
    QFETCH(QString, apiVersion);
    QFETCH(QString, deployment);
    QFETCH(QString, url);
    const ProviderSettings settings = provider(base, apiVersion);
    const ChatCall call = onegate::test::chatCall(&settings, "sk-test-azure", deployment, QJsonObject{{u"messages"_s, QJsonArray{}}}, false, false);
    const UpstreamRequest built = request(call);
    QCOMPARE(built.method, "POST"_ba);
    QCOMPARE(built.url.toString(QUrl::FullyEncoded), url);
    QCOMPARE(QString::fromLatin1(built.url.toEncoded()), url);
}

void TestAzureAdapter::requestMatchesTheDocumentedShape()
{
    // request_shape.json: the deployment-style URL and headers assembled from Azure's spec
    // example and openai-python's AzureOpenAI client.
    const QJsonObject shape = jsonOf(fixture(u"request_shape.json"_s)).value(u"deployment_style"_s).toObject();
    QString expected = shape.value(u"url"_s).toString();
    expected.replace(u"{resource-name}"_s, u"contoso"_s).replace(u"{deployment-id}"_s, u"gpt-4o"_s);
    const ProviderSettings settings = provider(u"https://contoso.openai.azure.com"_s, u"2024-10-21"_s);
    const UpstreamRequest built = request(onegate::test::chatCall(&settings, "sk-test-azure", u"gpt-4o"_s, {}, false, false));
    QCOMPARE(built.method, shape.value(u"method"_s).toString().toLatin1());
    QCOMPARE(built.url.toString(), expected);
    const QJsonObject headers = shape.value(u"headers"_s).toObject();
    for (auto it = headers.begin(); it != headers.end(); ++it)
        QVERIFY2(!header(built, it.key().toLatin1()).isEmpty(), qPrintable(it.key()));
    QCOMPARE(header(built, "Content-Type"), headers.value(u"Content-Type"_s).toString().toLatin1());
}

void TestAzureAdapter::requestHeaders()
{
    ProviderSettings settings = provider();
    settings.extraHeaders = {{"x-ms-client-request-id", "onegate-test"}};
    ChatCall call = onegate::test::chatCall(&settings, "sk-test-azure-key", u"gpt-4o"_s, {}, true, false);
    UpstreamRequest built = request(call);
    QCOMPARE(header(built, "api-key"), "sk-test-azure-key"_ba);
    // A resource key in Authorization would be read as an Entra ID token and refused.
    QVERIFY(header(built, "Authorization").isEmpty());
    QCOMPARE(header(built, "Content-Type"), "application/json"_ba);
    QCOMPARE(header(built, "Accept"), "text/event-stream"_ba);
    QCOMPARE(header(built, "x-ms-client-request-id"), "onegate-test"_ba);

    call.stream = false;
    call.apiKey.clear();
    built = request(call);
    QCOMPARE(header(built, "Accept"), "application/json"_ba);
    QVERIFY(header(built, "api-key").isEmpty());
}

void TestAzureAdapter::goldenBody_data()
{
    QTest::addColumn<bool>("stream");
    QTest::addColumn<QString>("golden");
    QTest::newRow("non-stream") << false << u"azure/chat_request_spec_example.golden.json"_s;
    QTest::newRow("stream") << true << u"azure/chat_request_spec_example.stream.golden.json"_s;
}

void TestAzureAdapter::goldenBody()
{
    QFETCH(bool, stream);
    QFETCH(QString, golden);
    // Azure's own spec example as a client would send it through the gateway, under an alias.
    QJsonObject body = jsonOf(fixture(u"chat_request_spec_example.json"_s));
    body.insert(u"model"_s, u"pirate-alias"_s);
    if (stream)
        body.insert(u"stream"_s, true);
    const ProviderSettings settings = provider();
    const UpstreamRequest built = request(onegate::test::chatCall(&settings, "sk-test-azure", u"gpt-4o-prod"_s, body, stream, false));
    // "model" names the deployment (Azure routes by the path and ignores it, as the
    // official AzureOpenAI client sends it); a stream also asks for usage.
    QCOMPARE(jsonOf(built.body), jsonOf(readData(golden)));
}

void TestAzureAdapter::streamOptionsByApiVersion_data()
{
    QTest::addColumn<QString>("apiVersion");
    QTest::addColumn<bool>("asked");
    QTest::newRow("GA 2024-10-21") << u"2024-10-21"_s << true;
    QTest::newRow("2024-09-01-preview, where it arrived") << u"2024-09-01-preview"_s << true;
    QTest::newRow("2025-04-01-preview") << u"2025-04-01-preview"_s << true;
    QTest::newRow("2024-08-01-preview") << u"2024-08-01-preview"_s << false;
    QTest::newRow("GA 2024-06-01") << u"2024-06-01"_s << false;
    QTest::newRow("GA 2024-02-01") << u"2024-02-01"_s << false;
    QTest::newRow("GA 2023-05-15") << u"2023-05-15"_s << false;
    QTest::newRow("undated v1") << u"v1"_s << true;
    QTest::newRow("undated preview") << u"preview"_s << true;
}

void TestAzureAdapter::streamOptionsByApiVersion()
{
    QFETCH(QString, apiVersion);
    QFETCH(bool, asked);
    QCOMPARE(AzureAdapter::acceptsStreamOptions(apiVersion), asked);
    const ProviderSettings settings = provider(u"https://contoso.openai.azure.com"_s, apiVersion);
    const QJsonObject body{{u"messages"_s, QJsonArray{}}, {u"stream"_s, true}};
    const QJsonObject sent = jsonOf(request(onegate::test::chatCall(&settings, {}, u"d"_s, body, true, false)).body);
    QCOMPARE(sent.contains(u"stream_options"_s), asked);
    if (asked)
        QCOMPARE(sent.value(u"stream_options"_s).toObject().value(u"include_usage"_s), QJsonValue(true));
    // Never on a plain request.
    const QJsonObject plain = jsonOf(request(onegate::test::chatCall(&settings, {}, u"d"_s, {{u"messages"_s, QJsonArray{}}}, false, false)).body);
    QVERIFY(!plain.contains(u"stream_options"_s));
}

void TestAzureAdapter::clientStreamOptionsPassThrough()
{
    // The client's own stream_options is its request: relayed even where the gateway
    // would not add it (Azure's 400 then reaches the client as Azure's answer).
    const ProviderSettings settings = provider(u"https://contoso.openai.azure.com"_s, u"2024-06-01"_s);
    const QJsonObject options{{u"include_usage"_s, true}, {u"x_other"_s, u"kept"_s}};
    const QJsonObject body{{u"messages"_s, QJsonArray{}}, {u"stream"_s, true}, {u"stream_options"_s, options}};
    const QJsonObject sent = jsonOf(request(onegate::test::chatCall(&settings, {}, u"d"_s, body, true, true)).body);
    QCOMPARE(sent.value(u"stream_options"_s).toObject(), options);
}

void TestAzureAdapter::notADeploymentName_data()
{
    QTest::addColumn<QString>("deployment");
    QTest::newRow("empty") << QString();
    // Percent-encoding leaves dots alone, and a server would resolve these as dot segments.
    QTest::newRow("dot") << u"."_s;
    QTest::newRow("dot dot") << u".."_s;
}

void TestAzureAdapter::notADeploymentName()
{
    QFETCH(QString, deployment);
    AzureAdapter adapter;
    const ProviderSettings settings = provider();
    const auto built = adapter.chatRequest(onegate::test::chatCall(&settings, {}, deployment, {}, false, false));
    QVERIFY(std::holds_alternative<ApiError>(built));
    QCOMPARE(std::get<ApiError>(built).status, 400);
    QCOMPARE(std::get<ApiError>(built).param, u"model"_s);
}

// ---- stream -----------------------------------------------------------------------------

void TestAzureAdapter::promptFilterChunkFolded()
{
    const QByteArray stream = fixture(u"chat_stream_prompt_filter_first_chunk.sse"_s);
    const QList<QByteArray> recorded = dataOf(stream);  // 6 chunks and [DONE]
    const RecordingSink sink = decode(stream, false);
    QVERIFY(sink.completed);
    QCOMPARE(sink.terminator, "data: [DONE]\n\n"_ba);
    QCOMPARE(sink.frames.size(), recorded.size() - 2);

    // The first frame is Azure's role chunk with the prompt's filter results added, at the
    // top level as in Azure's non-stream answer; nothing else about it changed.
    const QJsonObject promptChunk = jsonOf(recorded.at(0));
    QJsonObject expected = jsonOf(recorded.at(1));
    expected.insert(u"prompt_filter_results"_s, promptChunk.value(u"prompt_filter_results"_s));
    QCOMPARE(chunkOf(sink.frames.at(0)), expected);
    QCOMPARE(sink.contentFlags.at(0), true);
    // The rest is relayed byte for byte, content_filter_results and all.
    for (qsizetype i = 1; i < sink.frames.size(); ++i)
        QCOMPARE(sink.frames.at(i), "data: " + recorded.at(i + 1) + "\n\n");
    QString text;
    for (const QByteArray &frame : sink.frames)
        text += chunkOf(frame).value(u"choices"_s).toArray().at(0).toObject().value(u"delta"_s).toObject().value(u"content"_s).toString();
    QCOMPARE(text, u"Hallo Welt!"_s);
}

void TestAzureAdapter::strictReadingOfEveryChunk_data()
{
    QTest::addColumn<QString>("file");
    QTest::newRow("text") << u"chat_stream_prompt_filter_first_chunk.sse"_s;
    QTest::newRow("tool call") << u"chat_stream_tool_call.composed.sse"_s;
    QTest::newRow("parallel tool calls") << u"chat_stream_parallel_tool_calls.composed.sse"_s;
    QTest::newRow("content filter finish") << u"chat_stream_finish_content_filter.composed.sse"_s;
}

void TestAzureAdapter::strictReadingOfEveryChunk()
{
    // A strict client reads choices[0].delta of every chunk and the id and model of the
    // first: after the fold, each of those is there (the client did not ask for usage,
    // so there is no usage-only chunk either).
    QFETCH(QString, file);
    const RecordingSink sink = decode(fixture(file), false);
    QVERIFY(sink.completed);
    const QJsonObject first = chunkOf(sink.frames.constFirst());
    QVERIFY(!first.value(u"id"_s).toString().isEmpty());
    QVERIFY(!first.value(u"model"_s).toString().isEmpty());
    QCOMPARE(first.value(u"object"_s).toString(), u"chat.completion.chunk"_s);
    QVERIFY(first.value(u"created"_s).toInteger() > 0);
    QVERIFY(first.value(u"prompt_filter_results"_s).isArray());
    for (const QByteArray &frame : sink.frames) {
        const QJsonObject chunk = chunkOf(frame);
        QCOMPARE(chunk.value(u"id"_s), first.value(u"id"_s));
        const QJsonArray choices = chunk.value(u"choices"_s).toArray();
        QVERIFY2(!choices.isEmpty(), frame.constData());
        QVERIFY2(choices.at(0).toObject().value(u"delta"_s).isObject(), frame.constData());
        QVERIFY2(choices.at(0).toObject().value(u"content_filter_results"_s).isObject(), frame.constData());
    }
}

void TestAzureAdapter::streamSplitAtEveryByte_data()
{
    QTest::addColumn<QByteArray>("stream");
    QTest::newRow("text") << fixture(u"chat_stream_prompt_filter_first_chunk.sse"_s);
    QTest::newRow("text with usage") << textStreamWithUsage();
    QTest::newRow("tool call") << fixture(u"chat_stream_tool_call.composed.sse"_s);
    QTest::newRow("parallel tool calls") << fixture(u"chat_stream_parallel_tool_calls.composed.sse"_s);
    QTest::newRow("finish length") << fixture(u"chat_stream_finish_length.composed.sse"_s);
    QTest::newRow("finish content_filter") << fixture(u"chat_stream_finish_content_filter.composed.sse"_s);
    QByteArray crlf = fixture(u"chat_stream_prompt_filter_first_chunk.sse"_s);
    QTest::newRow("text, CRLF") << crlf.replace("\n", "\r\n");
}

void TestAzureAdapter::streamSplitAtEveryByte()
{
    QFETCH(QByteArray, stream);
    for (const bool wantsUsage : {false, true}) {
        const RecordingSink whole = decode(stream, wantsUsage);
        QVERIFY(whole.completed);
        QVERIFY(!whole.frames.isEmpty());
        QVERIFY(chunkOf(whole.frames.constFirst()).contains(u"prompt_filter_results"_s));
        for (qsizetype cut = 1; cut < stream.size(); ++cut) {
            const RecordingSink split = decode(stream, wantsUsage, cut);
            QVERIFY(split.completed);
            QCOMPARE(split.frames, whole.frames);
            QCOMPARE(split.contentFlags, whole.contentFlags);
            QCOMPARE(split.usage.prompt, whole.usage.prompt);
            QCOMPARE(split.usage.completion, whole.usage.completion);
        }
    }
}

void TestAzureAdapter::streamUsage_data()
{
    QTest::addColumn<QByteArray>("stream");
    QTest::addColumn<bool>("clientWantsUsage");
    QTest::addColumn<qint64>("prompt");
    QTest::addColumn<qint64>("completion");

    QTest::newRow("text, client asked") << textStreamWithUsage() << true << qint64(11) << qint64(4);
    QTest::newRow("text, gateway asked") << textStreamWithUsage() << false << qint64(11) << qint64(4);
    QTest::newRow("tool call, gateway asked") << fixture(u"chat_stream_tool_call.composed.sse"_s) << false
                                              << qint64(44) << qint64(16);
    QTest::newRow("parallel tool calls, client asked") << fixture(u"chat_stream_parallel_tool_calls.composed.sse"_s)
                                                       << true << qint64(149) << qint64(60);
    // An api-version before 2024-09-01 sends none: nothing to record, nothing invented.
    QTest::newRow("old api-version, no usage") << fixture(u"chat_stream_prompt_filter_first_chunk.sse"_s) << false
                                               << qint64(0) << qint64(0);
}

void TestAzureAdapter::streamUsage()
{
    QFETCH(QByteArray, stream);
    QFETCH(bool, clientWantsUsage);
    QFETCH(qint64, prompt);
    QFETCH(qint64, completion);
    const RecordingSink sink = decode(stream, clientWantsUsage);
    QVERIFY(sink.completed);
    QCOMPARE(sink.usage.known, prompt > 0);
    QCOMPARE(sink.usage.prompt, prompt);
    QCOMPARE(sink.usage.completion, completion);
    // The usage-only chunk reaches the client only when it asked for it, and last.
    const bool hasUsageChunk = stream.contains("\"usage\":{");
    const QJsonObject last = chunkOf(sink.frames.constLast());
    QCOMPARE(last.value(u"usage"_s).isObject(), hasUsageChunk && clientWantsUsage);
    for (qsizetype i = 0; i + 1 < sink.frames.size(); ++i)
        QVERIFY(!chunkOf(sink.frames.at(i)).value(u"usage"_s).isObject());
}

void TestAzureAdapter::streamToolCalls_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<QStringList>("names");
    QTest::addColumn<QStringList>("arguments");
    QTest::newRow("one call") << u"chat_stream_tool_call.composed.sse"_s << QStringList{u"get_weather"_s}
                              << QStringList{uR"({"city":"New York City"})"_s};
    QTest::newRow("parallel calls") << u"chat_stream_parallel_tool_calls.composed.sse"_s
                                    << QStringList{u"GetWeatherArgs"_s, u"get_stock_price"_s}
                                    << QStringList{uR"({"city": "Edinburgh", "country": "GB", "units": "c"})"_s,
                                                   uR"({"ticker": "AAPL", "exchange": "NASDAQ"})"_s};
}

void TestAzureAdapter::streamToolCalls()
{
    QFETCH(QString, file);
    QFETCH(QStringList, names);
    QFETCH(QStringList, arguments);
    const RecordingSink sink = decode(fixture(file), false);
    QVERIFY(sink.completed);
    bool argumentsBeforeName = true;
    const QMap<int, ToolCallSeen> calls = reassemble(sink.frames, &argumentsBeforeName);
    QVERIFY(!argumentsBeforeName);
    QCOMPARE(calls.size(), names.size());
    for (int i = 0; i < names.size(); ++i) {
        QVERIFY(calls.value(i).id.startsWith(u"call_"_s));
        QCOMPARE(calls.value(i).name, names.at(i));
        QCOMPARE(jsonOf(calls.value(i).arguments.toUtf8()), jsonOf(arguments.at(i).toUtf8()));
    }
    QCOMPARE(lastFinishReason(sink.frames), u"tool_calls"_s);
}

void TestAzureAdapter::streamFinishReasons_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("finish");
    QTest::newRow("stop") << u"chat_stream_prompt_filter_first_chunk.sse"_s << u"stop"_s;
    QTest::newRow("length") << u"chat_stream_finish_length.composed.sse"_s << u"length"_s;
    QTest::newRow("tool_calls") << u"chat_stream_tool_call.composed.sse"_s << u"tool_calls"_s;
    QTest::newRow("content_filter") << u"chat_stream_finish_content_filter.composed.sse"_s << u"content_filter"_s;
}

void TestAzureAdapter::streamFinishReasons()
{
    QFETCH(QString, file);
    QFETCH(QString, finish);
    const RecordingSink sink = decode(fixture(file), false);
    QVERIFY(sink.completed);
    QCOMPARE(lastFinishReason(sink.frames), finish);
    if (finish == u"content_filter"_s) {
        // Which category tripped is Azure's to say, and it stays on the choice.
        const QJsonObject results = chunkOf(sink.frames.constLast())
                                        .value(u"choices"_s).toArray().at(0).toObject()
                                        .value(u"content_filter_results"_s).toObject();
        QCOMPARE(results.value(u"violence"_s).toObject().value(u"filtered"_s), QJsonValue(true));
    }
}

void TestAzureAdapter::heldChunkAtTheEnd_data()
{
    QTest::addColumn<QByteArray>("tail");
    QTest::addColumn<bool>("completes");
    QTest::newRow("[DONE] right after it") << "data: [DONE]\n\n"_ba << true;
    QTest::newRow("cut off after it") << QByteArray() << false;
    QTest::newRow("error after it")
        << R"(data: {"error":{"message":"The server had an error","type":"server_error","param":null,"code":null}})"
           "\n\n"_ba
        << false;
}

void TestAzureAdapter::heldChunkAtTheEnd()
{
    QFETCH(QByteArray, tail);
    QFETCH(bool, completes);
    const QByteArray first = "data: " + dataOf(fixture(u"chat_stream_prompt_filter_first_chunk.sse"_s)).constFirst() + "\n\n";
    const RecordingSink sink = decode(first + tail, false);
    QCOMPARE(sink.completed, completes);
    QCOMPARE(sink.failure.has_value(), !completes);
    if (completes) {
        // Nothing to fold it into: relayed as Azure sent it, not lost.
        QCOMPARE(sink.frames, QList<QByteArray>{first});
    } else {
        // Nothing reached the client, so the gateway can still answer with a plain HTTP error.
        QVERIFY(sink.frames.isEmpty());
    }
}

void TestAzureAdapter::chunkWithItsOwnPromptFilterResults()
{
    // Should Azure ever put the results on the first chunk with choices, they win.
    const QList<QByteArray> recorded = dataOf(fixture(u"chat_stream_prompt_filter_first_chunk.sse"_s));
    QJsonObject own = jsonOf(recorded.at(1));
    own.insert(u"prompt_filter_results"_s, QJsonArray{QJsonObject{{u"prompt_index"_s, 7}}});
    const QByteArray ownData = QJsonDocument(own).toJson(QJsonDocument::Compact);
    const QByteArray stream = "data: " + recorded.at(0) + "\n\ndata: " + ownData + "\n\ndata: " + recorded.at(5)
        + "\n\ndata: [DONE]\n\n";
    const RecordingSink sink = decode(stream, false);
    QVERIFY(sink.completed);
    QCOMPARE(sink.frames.size(), 2);
    QCOMPARE(chunkOf(sink.frames.at(0)), own);
}

void TestAzureAdapter::inStreamError()
{
    const QByteArray errorData = R"({"error":{"message":"The server had an error","type":"server_error","param":null,"code":null}})"_ba;
    const QList<QByteArray> recorded = dataOf(fixture(u"chat_stream_prompt_filter_first_chunk.sse"_s));
    const QByteArray stream = "data: " + recorded.at(0) + "\n\ndata: " + recorded.at(1) + "\n\ndata: " + errorData
        + "\n\ndata: " + recorded.at(2) + "\n\n";
    const RecordingSink sink = decode(stream, false);
    QCOMPARE(sink.frames.size(), 1);
    QVERIFY(sink.failure.has_value());
    QCOMPARE(sink.failure->upstreamBody, errorData);
    QVERIFY(!sink.completed);

    // Cut before any finish_reason: the client hears the stream was truncated.
    const QByteArray cut = fixture(u"chat_stream_tool_call.composed.sse"_s);
    const RecordingSink truncated = decode(cut.first(cut.size() / 2), false);
    QVERIFY(truncated.failure.has_value());
    QCOMPARE(truncated.failure->code, u"stream_truncated"_s);
}

// ---- non-stream and errors ------------------------------------------------------------

void TestAzureAdapter::nonStream_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("finish");
    QTest::addColumn<qint64>("prompt");
    QTest::addColumn<qint64>("completion");
    QTest::newRow("text, recorded") << u"chat_response_with_content_filter_results.json"_s << u"length"_s << qint64(8)
                                    << qint64(5);
    QTest::newRow("tool call") << u"chat_response_tool_call.composed.json"_s << u"tool_calls"_s << qint64(48)
                               << qint64(19);
    QTest::newRow("parallel tool calls") << u"chat_response_parallel_tool_calls.composed.json"_s << u"tool_calls"_s
                                         << qint64(149) << qint64(60);
    QTest::newRow("content filter finish") << u"chat_response_finish_content_filter.composed.json"_s
                                           << u"content_filter"_s << qint64(8) << qint64(5);
}

void TestAzureAdapter::nonStream()
{
    QFETCH(QString, file);
    QFETCH(QString, finish);
    QFETCH(qint64, prompt);
    QFETCH(qint64, completion);
    AzureAdapter adapter;
    const QByteArray body = fixture(file);
    const ChatResult result = adapter.decodeChat({}, body);
    QVERIFY(!result.error);
    // Relayed byte for byte: prompt_filter_results and content_filter_results included.
    QCOMPARE(result.body, body);
    QVERIFY(result.usage.known);
    QCOMPARE(result.usage.prompt, prompt);
    QCOMPARE(result.usage.completion, completion);
    QCOMPARE(jsonOf(body).value(u"choices"_s).toArray().at(0).toObject().value(u"finish_reason"_s).toString(), finish);
}

void TestAzureAdapter::nonStreamInvalidJson()
{
    AzureAdapter adapter;
    const ChatResult result = adapter.decodeChat({}, "<html>Bad Gateway</html>");
    QVERIFY(result.error.has_value());
    QCOMPARE(result.error->status, 502);
}

void TestAzureAdapter::errorMapping_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<bool>("verbatim");   // relayed byte for byte
    QTest::addColumn<bool>("retryable");
    QTest::addColumn<QString>("code");
    QTest::addColumn<QString>("message");

    QTest::newRow("content filter 400, recorded") << 400 << fixture(u"error_400_content_filter.json"_s) << true << false
                                                  << u"content_filter"_s << u"The response was filtered"_s;
    QTest::newRow("stream_options refused") << 400 << fixture(u"error_400_stream_options_unrecognized.composed.json"_s)
                                            << true << false << QString() << u"Unrecognized request argument"_s;
    QTest::newRow("401 access denied") << 401 << fixture(u"error_401_access_denied.composed.json"_s) << false << false
                                       << u"401"_s << u"Access denied"_s;
    QTest::newRow("404 deployment not found") << 404 << fixture(u"error_404_deployment_not_found.composed.json"_s)
                                              << false << false << u"DeploymentNotFound"_s
                                              << u"The API deployment for this resource does not exist"_s;
    QTest::newRow("404 without api-version") << 404 << fixture(u"error_404_resource_not_found.composed.json"_s) << false
                                             << false << u"404"_s << u"Resource not found"_s;
    QTest::newRow("429") << 429 << fixture(u"error_429_rate_limit.composed.json"_s) << false << true << u"429"_s
                         << u"exceeded token rate limit"_s;
    QTest::newRow("500") << 500 << fixture(u"error_500_server_error.composed.json"_s) << true << true << QString()
                         << u"The server had an error"_s;
    QTest::newRow("numeric code") << 503 << R"({"error":{"code":503,"message":"busy"}})"_ba << false << true << u"503"_s
                                  << u"busy"_s;
    QTest::newRow("string error") << 400 << R"({"error":"bad thing"})"_ba << false << false << QString() << u"bad thing"_s;
}

void TestAzureAdapter::errorMapping()
{
    QFETCH(int, status);
    QFETCH(QByteArray, body);
    QFETCH(bool, verbatim);
    QFETCH(bool, retryable);
    QFETCH(QString, code);
    QFETCH(QString, message);
    AzureAdapter adapter;
    const ApiError error = adapter.mapError(status, body, "application/json");
    QCOMPARE(error.status, status);
    QCOMPARE(error.retryable, retryable);
    QVERIFY2(error.message.contains(message), qPrintable(error.message));
    QCOMPARE(error.code, code);
    QCOMPARE(error.upstreamBody == body, verbatim);
    // Whatever Azure sent, the client gets the OpenAI shape with every Azure field kept.
    const QJsonObject relayed = jsonOf(error.upstreamBody).value(u"error"_s).toObject();
    for (const QString &field : {u"message"_s, u"type"_s, u"param"_s, u"code"_s}) {
        const QJsonValue value = relayed.value(field);
        QVERIFY2(value.isString() || value.isNull(), qPrintable(field));
    }
    const QJsonValue original = jsonOf(body).value(u"error"_s);
    if (original.isObject()) {
        const QJsonObject fields = original.toObject();
        for (auto it = fields.begin(); it != fields.end(); ++it) {
            if (!it.value().isDouble())
                QCOMPARE(relayed.value(it.key()), it.value());
        }
    }
    if (code == u"content_filter"_s) {
        // Clients that read why the prompt was refused find it where Azure put it.
        QCOMPARE(relayed.value(u"param"_s).toString(), u"prompt"_s);
        QCOMPARE(relayed.value(u"innererror"_s).toObject().value(u"code"_s).toString(),
                 u"ResponsibleAIPolicyViolation"_s);
    }
}

// ---- model list -------------------------------------------------------------------------

void TestAzureAdapter::modelListRequest()
{
    AzureAdapter adapter;
    ProviderSettings settings = provider(u"https://contoso.openai.azure.com"_s, u"2024-10-21"_s);
    const UpstreamRequest built = adapter.modelListRequest(settings, "sk-test-azure");
    QCOMPARE(built.method, "GET"_ba);
    // Deployments, not /openai/models: a chat call names a deployment.
    QCOMPARE(built.url.toString(), u"https://contoso.openai.azure.com/openai/deployments?api-version=2023-03-15-preview"_s);
    QCOMPARE(header(built, "api-key"), "sk-test-azure"_ba);
    QVERIFY(header(built, "Authorization").isEmpty());
    QVERIFY(built.body.isEmpty());
}

void TestAzureAdapter::modelList()
{
    AzureAdapter adapter;
    const ModelListResult result = adapter.decodeModelList(fixture(u"deployments_list.composed.json"_s));
    QVERIFY(!result.error);
    // The deployment still being created is left out: it cannot answer yet.
    QCOMPARE(result.models, (QStringList{u"gpt-4o"_s, u"text"_s, u"embeddings-small"_s}));
}

void TestAzureAdapter::modelListRejectsNonLists_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::newRow("garbage") << "garbage"_ba;
    QTest::newRow("no data") << R"({"object":"list"})"_ba;
    QTest::newRow("an error") << fixture(u"error_404_resource_not_found.composed.json"_s);
}

void TestAzureAdapter::modelListRejectsNonLists()
{
    QFETCH(QByteArray, body);
    AzureAdapter adapter;
    const ModelListResult result = adapter.decodeModelList(body);
    QVERIFY(result.error.has_value());
    QCOMPARE(result.error->status, 502);
}

QTEST_GUILESS_MAIN(TestAzureAdapter)
#include "tst_azure_adapter.moc"
