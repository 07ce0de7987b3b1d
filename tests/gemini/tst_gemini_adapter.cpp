// The gemini adapter against recorded Gemini wire data (tests/data/fixtures/gemini) and
// golden request translations (tests/data/gemini): request building, response and
// stream decoding, tool call reassembly, usage, finish reasons, errors, the model list.

#include "../support/ChatCalls.h"
#include "gemini/GeminiAdapter.h"
#include "gemini/GeminiFakeDialect.h"
#include "gemini/GeminiRequest.h"
#include "openai/OpenAiChatCodec.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QSet>
#include <QTest>

using namespace onegate;
using namespace Qt::StringLiterals;

namespace {

const QByteArray kKey = "sk-test-gemini-5e1f0a"_ba;

QByteArray readData(const QString &relative)
{
    QFile file(QStringLiteral(ONEGATE_TEST_DATA "/") + relative);
    if (!file.open(QIODevice::ReadOnly))
        qFatal("missing test data %s", qPrintable(relative));
    return file.readAll();
}

QByteArray fixture(const QString &name)
{
    return readData(u"fixtures/gemini/"_s + name);
}

QJsonObject jsonOf(const QByteArray &bytes)
{
    return QJsonDocument::fromJson(bytes).object();
}

QString compact(const QJsonObject &object)
{
    return QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact));
}

// A recorded whole answer streamed as Gemini streams a function call: one event.
QByteArray asOneEvent(const QByteArray &json)
{
    return "data: " + QJsonDocument::fromJson(json).toJson(QJsonDocument::Compact) + "\r\n\r\n";
}

struct RecordingSink final : ChatStreamSink {
    QList<QByteArray> frames;
    TokenUsage usage;
    QByteArray terminator;
    bool completed = false;
    std::optional<ApiError> failure;

    void streamFrame(const QByteArray &frame, bool) override
    {
        QVERIFY(!completed && !failure);
        frames.append(frame);
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

    QList<QJsonObject> chunks() const
    {
        QList<QJsonObject> out;
        for (const QByteArray &frame : frames) {
            [&] {
                QVERIFY(frame.startsWith("data: {"));
                QVERIFY(frame.endsWith("}\n\n"));
            }();
            out.append(jsonOf(frame.mid(6)));
        }
        return out;
    }
};

// What a client makes of a stream: the pieces reassembled per index, as SDKs do.
struct Reassembled {
    QString content;
    QString reasoning;
    QStringList toolIds;
    QStringList toolNames;
    QStringList toolArguments;
    QStringList signatures;
    QString finish;
    int usageChunks = 0;
};

Reassembled reassemble(const QList<QJsonObject> &chunks)
{
    Reassembled out;
    for (const QJsonObject &chunk : chunks) {
        if (chunk.value("usage"_L1).isObject())
            ++out.usageChunks;
        const QJsonArray choices = chunk.value("choices"_L1).toArray();
        if (choices.isEmpty())
            continue;
        const QJsonObject choice = choices.first().toObject();
        const QJsonObject delta = choice.value("delta"_L1).toObject();
        out.content += delta.value("content"_L1).toString();
        out.reasoning += delta.value("reasoning_content"_L1).toString();
        for (const QJsonValue &entry : delta.value("tool_calls"_L1).toArray()) {
            const QJsonObject call = entry.toObject();
            const int index = call.value("index"_L1).toInt();
            if (call.contains("id"_L1)) {
                [&] { QCOMPARE(index, out.toolIds.size()); }(); // indexes count calls: 0, 1, ...
                out.toolIds.append(call.value("id"_L1).toString());
                out.toolNames.append(
                    call.value("function"_L1).toObject().value("name"_L1).toString());
                out.toolArguments.append(QString());
                out.signatures.append(call.value("extra_content"_L1)
                                          .toObject()
                                          .value("google"_L1)
                                          .toObject()
                                          .value("thought_signature"_L1)
                                          .toString());
            }
            [&] {
                QVERIFY2(index < out.toolIds.size(), "arguments before the call's id and name");
            }();
            if (index < out.toolArguments.size())
                out.toolArguments[index] +=
                    call.value("function"_L1).toObject().value("arguments"_L1).toString();
        }
        if (choice.value("finish_reason"_L1).isString())
            out.finish = choice.value("finish_reason"_L1).toString();
    }
    return out;
}

// Random parts (ids, timestamps) removed, so two decodes of one stream compare equal.
QList<QJsonObject> withoutRandomParts(QList<QJsonObject> chunks)
{
    for (QJsonObject &chunk : chunks) {
        chunk.remove("id"_L1);
        chunk.remove("created"_L1);
        QJsonArray choices = chunk.value("choices"_L1).toArray();
        for (QJsonValueRef choiceRef : choices) {
            QJsonObject choice = choiceRef.toObject();
            QJsonObject delta = choice.value("delta"_L1).toObject();
            QJsonArray calls = delta.value("tool_calls"_L1).toArray();
            for (QJsonValueRef callRef : calls) {
                QJsonObject call = callRef.toObject();
                call.remove("id"_L1);
                callRef = call;
            }
            if (!calls.isEmpty())
                delta.insert("tool_calls"_L1, calls);
            choice.insert("delta"_L1, delta);
            choiceRef = choice;
        }
        chunk.insert("choices"_L1, choices);
    }
    return chunks;
}

ProviderSettings provider(const QString &baseUrl = u"http://127.0.0.1:9"_s)
{
    ProviderSettings settings;
    settings.id = u"gem"_s;
    settings.kind = ProviderKind::Gemini;
    settings.baseUrl = QUrl(baseUrl);
    return settings;
}

RecordingSink decode(const QByteArray &stream, bool clientWantsUsage, qsizetype cut = -1)
{
    GeminiAdapter adapter;
    const ProviderSettings settings = provider();
    ChatCall call = onegate::test::chatCall(&settings, kKey, u"gemini-2.5-flash"_s, {}, true, clientWantsUsage);
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

std::variant<UpstreamRequest, ApiError> build(const QJsonObject &body, bool stream = false,
                                              const QString &model = u"gemini-2.5-flash"_s,
                                              const ProviderSettings &settings = provider())
{
    GeminiAdapter adapter;
    ChatCall call = onegate::test::chatCall(&settings, kKey, model, body, stream, false);
    return adapter.chatRequest(call);
}

QJsonObject sentBody(const QJsonObject &body)
{
    auto request = build(body);
    if (const ApiError *error = std::get_if<ApiError>(&request))
        qWarning("unexpected error: %s", qPrintable(error->message));
    return jsonOf(std::get<UpstreamRequest>(request).body);
}

QByteArray header(const UpstreamRequest &request, const QByteArray &name)
{
    for (const auto &[key, value] : request.headers) {
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return {};
}

QJsonObject userText(const QString &text)
{
    return QJsonObject{{"role"_L1, "user"_L1}, {"content"_L1, text}};
}

QJsonObject chatWith(const QJsonArray &messages, const QJsonObject &extra = {})
{
    QJsonObject body = extra;
    body.insert("model"_L1, "m"_L1);
    body.insert("messages"_L1, messages);
    return body;
}

} // namespace

class TestGeminiAdapter final : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void requestGolden_data();
    void requestGolden();
    void requestMatchesCookbookFunctionTurn();
    void requestMatchesComposedFullRequest();
    void requestUrlAndHeaders_data();
    void requestUrlAndHeaders();
    void requestRefusals_data();
    void requestRefusals();
    void toolChoice_data();
    void toolChoice();
    void thinkingConfig_data();
    void thinkingConfig();
    void schemaConversion_data();
    void schemaConversion();
    void recursiveSchemaEnds();

    void decodeAnswer_data();
    void decodeAnswer();
    void finishReasonMapping_data();
    void finishReasonMapping();
    void decodeGeneratesDistinctToolIds();
    void decodeInvalid_data();
    void decodeInvalid();
    void thoughtSignatureRoundTrip();

    void streamDecode_data();
    void streamDecode();
    void streamSplitAtEveryByte_data();
    void streamSplitAtEveryByte();
    void streamChunkOrder();
    void streamUsageOnlyWhenAsked_data();
    void streamUsageOnlyWhenAsked();
    void streamFailures_data();
    void streamFailures();

    void errorMapping_data();
    void errorMapping();
    void modelListRequest();
    void modelList_data();
    void modelList();
    void fakePathModel_data();
    void fakePathModel();
};

// ---- request building ------------------------------------------------------------------

void TestGeminiAdapter::requestGolden_data()
{
    QTest::addColumn<QString>("name");
    QTest::newRow("full: roles, images, tool turns, tools, options") << u"request_full"_s;
    QTest::newRow("minimal, stream options dropped") << u"request_minimal"_s;
}

void TestGeminiAdapter::requestGolden()
{
    QFETCH(QString, name);
    const QJsonObject input = jsonOf(readData(u"gemini/%1.openai.json"_s.arg(name)));
    const QJsonObject expected = jsonOf(readData(u"gemini/%1.gemini.json"_s.arg(name)));
    QVERIFY(!input.isEmpty() && !expected.isEmpty());
    const QJsonObject sent = sentBody(input);
    QVERIFY2(sent == expected,
             qPrintable(u"\nsent:     "_s + compact(sent) + u"\nexpected: "_s + compact(expected)));
}

void TestGeminiAdapter::requestMatchesCookbookFunctionTurn()
{
    // The recorded cookbook turn (user question, model functionCall, functionResponse),
    // sent from its OpenAI equivalent. One difference is ours by choice: the result goes
    // in a `user` turn, where the older cookbook wrote `function`.
    QJsonObject expected =
        jsonOf(fixture(u"generate_content_request_function_response_turn_cookbook.json"_s));
    QJsonArray contents = expected.value("contents"_L1).toArray();
    QJsonObject resultTurn = contents.at(2).toObject();
    QCOMPARE(resultTurn.value("role"_L1).toString(), u"function"_s);
    resultTurn.insert("role"_L1, "user"_L1);
    contents.replace(2, resultTurn);
    expected.insert("contents"_L1, contents);

    const QJsonObject sent =
        sentBody(jsonOf(readData(u"gemini/function_response_turn.openai.json"_s)));
    QVERIFY2(sent == expected,
             qPrintable(u"\nsent:     "_s + compact(sent) + u"\nexpected: "_s + compact(expected)));
}

void TestGeminiAdapter::requestMatchesComposedFullRequest()
{
    // The shared composed request: everything OpenAI can say maps to the same fields.
    // safetySettings has no OpenAI field; candidateCount 1 and responseMimeType
    // text/plain are Gemini's defaults, which OneGate leaves unsaid.
    QJsonObject expected = jsonOf(fixture(u"generate_content_request_full.composed.json"_s));
    expected.remove("safetySettings"_L1);
    QJsonObject config = expected.value("generationConfig"_L1).toObject();
    config.remove("candidateCount"_L1);
    config.remove("responseMimeType"_L1);
    expected.insert("generationConfig"_L1, config);

    const QJsonObject sent =
        sentBody(jsonOf(readData(u"gemini/request_full_composed.openai.json"_s)));
    QVERIFY2(sent == expected,
             qPrintable(u"\nsent:     "_s + compact(sent) + u"\nexpected: "_s + compact(expected)));
}

void TestGeminiAdapter::requestUrlAndHeaders_data()
{
    QTest::addColumn<QString>("base");
    QTest::addColumn<QString>("model");
    QTest::addColumn<bool>("stream");
    QTest::addColumn<QString>("url");

    QTest::newRow("generateContent")
        << u"https://generativelanguage.googleapis.com"_s << u"gemini-2.5-flash"_s << false
        << u"https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:generateContent"_s;
    QTest::newRow("streamGenerateContent")
        << u"https://generativelanguage.googleapis.com"_s << u"gemini-2.5-flash"_s << true
        << u"https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse"_s;
    QTest::newRow("model with @, encoded")
        << u"http://127.0.0.1:9"_s << u"text@200"_s << true
        << u"http://127.0.0.1:9/v1beta/models/text%40200:streamGenerateContent?alt=sse"_s;
    QTest::newRow("model with / and ?, encoded")
        << u"http://127.0.0.1:9"_s << u"a/b?c"_s << false
        << u"http://127.0.0.1:9/v1beta/models/a%2Fb%3Fc:generateContent"_s;
    QTest::newRow("base with a path prefix")
        << u"https://proxy.example/gemini"_s << u"gemini-2.0-flash"_s << false
        << u"https://proxy.example/gemini/v1beta/models/gemini-2.0-flash:generateContent"_s;
}

void TestGeminiAdapter::requestUrlAndHeaders()
{
    QFETCH(QString, base);
    QFETCH(QString, model);
    QFETCH(bool, stream);
    QFETCH(QString, url);

    ProviderSettings settings = provider(base);
    settings.extraHeaders = {{"x-goog-user-project"_ba, "onegate-tests"_ba}};
    const QJsonObject body = chatWith({userText(u"Hi"_s)});
    const UpstreamRequest request = std::get<UpstreamRequest>(build(body, stream, model, settings));
    QCOMPARE(request.method, "POST"_ba);
    QCOMPARE(request.url.toString(QUrl::FullyEncoded), url);
    QCOMPARE(header(request, "x-goog-api-key"), kKey);
    QCOMPARE(header(request, "content-type"), "application/json"_ba);
    QCOMPARE(header(request, "accept"), stream ? "text/event-stream"_ba : "application/json"_ba);
    QCOMPARE(header(request, "x-goog-user-project"), "onegate-tests"_ba);
    // Never in the URL, where it would end up in logs.
    QVERIFY(!request.url.toString(QUrl::FullyEncoded).contains(QString::fromLatin1(kKey)));
    QVERIFY(!request.url.hasQuery() || !request.url.query().contains(u"key="_s));
    // The fake finds the scenario in the path again.
    QCOMPARE(test::GeminiFakeDialect::modelOfPath(request.url.path(QUrl::FullyEncoded).toLatin1()),
             model);
}

void TestGeminiAdapter::requestRefusals_data()
{
    QTest::addColumn<QJsonObject>("body");
    QTest::addColumn<QString>("param");

    const QJsonObject plainHttpImage{
        {"role"_L1, "user"_L1},
        {"content"_L1,
         QJsonArray{QJsonObject{
             {"type"_L1, "image_url"_L1},
             {"image_url"_L1, QJsonObject{{"url"_L1, "http://example.com/a.png"_L1}}}}}}};
    QTest::newRow("plain http image") << chatWith({plainHttpImage}) << u"messages[0].content"_s;

    const QJsonObject orphanResult{
        {"role"_L1, "tool"_L1}, {"tool_call_id"_L1, "call_nowhere"_L1}, {"content"_L1, "42"_L1}};
    QTest::newRow("tool result without its call")
        << chatWith({userText(u"Hi"_s), orphanResult}) << u"messages[1].tool_call_id"_s;

    const QJsonObject badArguments{
        {"role"_L1, "assistant"_L1},
        {"tool_calls"_L1,
         QJsonArray{QJsonObject{
             {"id"_L1, "call_1"_L1},
             {"type"_L1, "function"_L1},
             {"function"_L1, QJsonObject{{"name"_L1, "f"_L1}, {"arguments"_L1, "[1, 2"_L1}}}}}}};
    QTest::newRow("arguments not a JSON object")
        << chatWith({userText(u"Hi"_s), badArguments})
        << u"messages[1].tool_calls[0].function.arguments"_s;

    const QJsonObject system{{"role"_L1, "system"_L1}, {"content"_L1, "Be brief."_L1}};
    QTest::newRow("only a system message") << chatWith({system}) << u"messages"_s;
    QTest::newRow("unknown response_format")
        << chatWith({userText(u"Hi"_s)},
                    {{"response_format"_L1, QJsonObject{{"type"_L1, "xml"_L1}}}})
        << u"response_format.type"_s;
    // The shared OpenAI decoder's own checks come first.
    QTest::newRow("no messages") << chatWith({}) << u"messages"_s;
}

void TestGeminiAdapter::requestRefusals()
{
    QFETCH(QJsonObject, body);
    QFETCH(QString, param);
    const auto request = build(body);
    QVERIFY(std::holds_alternative<ApiError>(request));
    const ApiError &error = std::get<ApiError>(request);
    QCOMPARE(error.status, 400);
    QCOMPARE(error.type, u"invalid_request_error"_s);
    QCOMPARE(error.param, param);
    QVERIFY(!error.message.isEmpty());
}

void TestGeminiAdapter::toolChoice_data()
{
    QTest::addColumn<QJsonValue>("choice");
    QTest::addColumn<QJsonObject>("expected"); // functionCallingConfig; empty: no toolConfig

    QTest::newRow("absent") << QJsonValue(QJsonValue::Undefined) << QJsonObject();
    QTest::newRow("auto") << QJsonValue(u"auto"_s) << QJsonObject{{"mode"_L1, "AUTO"_L1}};
    QTest::newRow("none") << QJsonValue(u"none"_s) << QJsonObject{{"mode"_L1, "NONE"_L1}};
    QTest::newRow("required") << QJsonValue(u"required"_s) << QJsonObject{{"mode"_L1, "ANY"_L1}};
    QTest::newRow("one function")
        << QJsonValue(QJsonObject{{"type"_L1, "function"_L1},
                                  {"function"_L1, QJsonObject{{"name"_L1, "now"_L1}}}})
        << QJsonObject{{"mode"_L1, "ANY"_L1}, {"allowedFunctionNames"_L1, QJsonArray{u"now"_s}}};
}

void TestGeminiAdapter::toolChoice()
{
    QFETCH(QJsonValue, choice);
    QFETCH(QJsonObject, expected);
    QJsonObject extra{
        {"tools"_L1, QJsonArray{QJsonObject{{"type"_L1, "function"_L1},
                                            {"function"_L1, QJsonObject{{"name"_L1, "now"_L1}}}}}}};
    if (!choice.isUndefined())
        extra.insert("tool_choice"_L1, choice);
    const QJsonObject sent = sentBody(chatWith({userText(u"Hi"_s)}, extra));
    QCOMPARE(sent.value("toolConfig"_L1).toObject().value("functionCallingConfig"_L1).toObject(),
             expected);
    QCOMPARE(sent.contains("toolConfig"_L1), !expected.isEmpty());
    // A function without parameters is declared without any.
    QCOMPARE(sent.value("tools"_L1).toArray(),
             (QJsonArray{QJsonObject{
                 {"functionDeclarations"_L1, QJsonArray{QJsonObject{{"name"_L1, "now"_L1}}}}}}));
}

void TestGeminiAdapter::thinkingConfig_data()
{
    QTest::addColumn<QJsonObject>("extra");
    QTest::addColumn<QJsonObject>("expected"); // empty: no thinkingConfig

    auto effort = [](const char *value) {
        return QJsonObject{{"reasoning_effort"_L1, QLatin1String(value)}};
    };
    auto config = [](qint64 budget, bool thoughts) {
        QJsonObject object{{"thinkingBudget"_L1, budget}};
        if (thoughts)
            object.insert("includeThoughts"_L1, true);
        return object;
    };
    QTest::newRow("not asked") << QJsonObject() << QJsonObject();
    QTest::newRow("effort none: off") << effort("none") << config(0, false);
    QTest::newRow("effort minimal") << effort("minimal") << config(1024, true);
    QTest::newRow("effort low") << effort("low") << config(1024, true);
    QTest::newRow("effort medium") << effort("medium") << config(8192, true);
    QTest::newRow("effort high") << effort("high") << config(24576, true);
    QTest::newRow("effort unknown: dynamic") << effort("xhigh") << config(-1, true);
    QTest::newRow("budget") << QJsonObject{{"thinking"_L1, QJsonObject{{"type"_L1, "enabled"_L1},
                                                                       {"budget_tokens"_L1, 3000}}}}
                            << config(3000, true);
    QTest::newRow("budget wins over effort")
        << QJsonObject{{"reasoning_effort"_L1, "high"_L1},
                       {"thinking"_L1,
                        QJsonObject{{"type"_L1, "enabled"_L1}, {"budget_tokens"_L1, 512}}}}
        << config(512, true);
}

void TestGeminiAdapter::thinkingConfig()
{
    QFETCH(QJsonObject, extra);
    QFETCH(QJsonObject, expected);
    const QJsonObject sent = sentBody(chatWith({userText(u"Hi"_s)}, extra));
    const QJsonObject generation = sent.value("generationConfig"_L1).toObject();
    QCOMPARE(generation.value("thinkingConfig"_L1).toObject(), expected);
    QCOMPARE(generation.contains("thinkingConfig"_L1), !expected.isEmpty());
}

void TestGeminiAdapter::schemaConversion_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QByteArray>("expected");

    QTest::newRow("keywords Gemini refuses are dropped")
        << R"({"$schema":"x","$id":"y","type":"object","additionalProperties":false,"strict":true,
              "properties":{"a":{"type":"number","exclusiveMinimum":0,"multipleOf":2,"format":"double"},
                            "b":{"type":"array","uniqueItems":true,"items":{"type":"string","format":"uri"}}},
              "required":["a","b","c"],"allOf":[{"required":["a"]}],"not":{"type":"null"}})"_ba
        << R"({"type":"object","properties":{"a":{"type":"number","format":"double"},
              "b":{"type":"array","items":{"type":"string"}}},"required":["a","b"]})"_ba;
    QTest::newRow("kept as Gemini has them")
        << R"({"type":"OBJECT","title":"T","description":"D","nullable":true,"minProperties":1,"maxProperties":3,
              "propertyOrdering":["s"],"example":{"s":"x"},"default":{"s":"y"},
              "properties":{"s":{"type":"STRING","enum":["x","y"],"format":"enum","minLength":1,"maxLength":9,
                                 "pattern":"^[xy]$"},
                            "t":{"type":"string","format":"date-time"},
                            "l":{"type":"array","minItems":1,"maxItems":2,"items":{"type":"integer","format":"int64","minimum":0,"maximum":9}}}})"_ba
        << R"({"type":"OBJECT","title":"T","description":"D","nullable":true,"minProperties":1,"maxProperties":3,
              "propertyOrdering":["s"],"example":{"s":"x"},"default":{"s":"y"},
              "properties":{"s":{"type":"STRING","enum":["x","y"],"format":"enum","minLength":1,"maxLength":9,
                                 "pattern":"^[xy]$"},
                            "t":{"type":"string","format":"date-time"},
                            "l":{"type":"array","minItems":1,"maxItems":2,"items":{"type":"integer","format":"int64","minimum":0,"maximum":9}}}})"_ba;
    QTest::newRow("type list with null -> nullable") << R"({"type":["integer","null"]})"_ba
                                                     << R"({"type":"integer","nullable":true})"_ba;
    QTest::newRow("type list of several -> anyOf")
        << R"({"type":["string","number"]})"_ba
        << R"({"anyOf":[{"type":"string"},{"type":"number"}]})"_ba;
    QTest::newRow("oneOf -> anyOf")
        << R"({"oneOf":[{"type":"string"},{"type":"integer","additionalProperties":1}]})"_ba
        << R"({"anyOf":[{"type":"string"},{"type":"integer"}]})"_ba;
    QTest::newRow("string const -> enum") << R"({"const":"fixed"})"_ba
                                          << R"({"type":"string","enum":["fixed"]})"_ba;
    QTest::newRow("numeric enum dropped") << R"({"type":"integer","enum":[1,2]})"_ba
                                          << R"({"type":"integer"})"_ba;
    QTest::newRow("tuple items: the first schema")
        << R"({"type":"array","items":[{"type":"string"},{"type":"number"}]})"_ba
        << R"({"type":"array","items":{"type":"string"}})"_ba;
    QTest::newRow("local $ref inlined, siblings kept")
        << R"({"type":"object","properties":{"home":{"$ref":"#/$defs/Place","description":"Where I live"},
              "work":{"$ref":"#/definitions/Place"}},
              "$defs":{"Place":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"],
                                "additionalProperties":false}},
              "definitions":{"Place":{"type":"string"}}})"_ba
        << R"({"type":"object","properties":{"home":{"type":"object","description":"Where I live",
              "properties":{"city":{"type":"string"}},"required":["city"]},"work":{"type":"string"}}})"_ba;
    // The remote URL is put in with arg(): moc 6.4 reads a "//" inside a raw string as a comment.
    QTest::newRow("unresolvable $ref: property left out")
        << QString::fromLatin1(
               R"({"type":"object","properties":{"x":{"$ref":"%1"},"y":{"type":"string"}},
              "required":["x","y"]})")
               .arg(u"https://example.com/s.json"_s)
               .toUtf8()
        << R"({"type":"object","properties":{"y":{"type":"string"}},"required":["y"]})"_ba;
    QTest::newRow("empty properties dropped") << R"({"type":"object","properties":{}})"_ba
                                              << R"({"type":"object"})"_ba;
}

void TestGeminiAdapter::schemaConversion()
{
    QFETCH(QByteArray, input);
    QFETCH(QByteArray, expected);
    const QJsonObject in = jsonOf(input);
    const QJsonObject out = jsonOf(expected);
    QVERIFY(!in.isEmpty() && !out.isEmpty());
    const QJsonObject converted = gemini::toSchema(in);
    QVERIFY2(converted == out,
             qPrintable(u"\ngot:      "_s + compact(converted) + u"\nexpected: "_s + compact(out)));
}

void TestGeminiAdapter::recursiveSchemaEnds()
{
    const QJsonObject schema = jsonOf(
        R"({"$ref":"#/$defs/Node","$defs":{"Node":{"type":"object","properties":{"value":{"type":"string"},"next":{"$ref":"#/$defs/Node"}}}}})"_ba);
    const QJsonObject converted = gemini::toSchema(schema);
    QCOMPARE(converted.value("type"_L1).toString(), u"object"_s);
    int depth = 0;
    for (QJsonObject node = converted; node.contains("properties"_L1);
         node = node.value("properties"_L1).toObject().value("next"_L1).toObject())
        ++depth;
    QVERIFY2(depth >= 2 && depth <= 10, qPrintable(QString::number(depth)));
}

// ---- non-streamed answers --------------------------------------------------------------

void TestGeminiAdapter::decodeAnswer_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<QJsonValue>("content");
    QTest::addColumn<QString>("finish");
    QTest::addColumn<QStringList>("tools");
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<bool>("reasoning");
    QTest::addColumn<QList<qint64>>("usage"); // prompt, completion, cached, reasoning, total
    QTest::addColumn<QString>("model");

    const QStringList none;
    QTest::newRow("text")
        << u"generate_content_response_text.json"_s
        << QJsonValue(
               u"Google's headquarters, also known as the Googleplex, is located in **Mountain View, California**.\n"_s)
        << u"stop"_s << none << none << false << QList<qint64>{7, 22, 0, 0, 29}
        << u"gemini-2.0-flash"_s;
    QTest::newRow("text after a function response")
        << u"generate_content_response_after_function_response_cookbook.json"_s
        << QJsonValue(
               u"OK. I found two theaters in Mountain View that are showing the Barbie movie: AMC Mountain View 16 and Regal Edwards 14."_s)
        << u"stop"_s << none << none << false << QList<qint64>{0, 0, 0, 0, 0}
        << u"gemini-2.5-flash"_s;
    QTest::newRow("system instruction answer, UTF-8")
        << u"generate_content_response_system_instruction_cookbook.json"_s
        << QJsonValue(u"Meow 😺 \n"_s) << u"stop"_s << none << none << false
        << QList<qint64>{0, 0, 0, 0, 0} << u"gemini-2.5-flash"_s;
    QTest::newRow("function call: STOP is tool_calls")
        << u"function_call_response_cookbook.json"_s << QJsonValue(QJsonValue::Null)
        << u"tool_calls"_s << QStringList{u"find_theaters"_s}
        << QStringList{uR"({"location":"Mountain View, CA","movie":"Barbie"})"_s} << false
        << QList<qint64>{0, 0, 0, 0, 0} << u"gemini-2.5-flash"_s;
    QTest::newRow("parallel function calls")
        << u"function_call_response_parallel.json"_s << QJsonValue(QJsonValue::Null)
        << u"tool_calls"_s << QStringList{u"sum"_s, u"sum"_s, u"sum"_s}
        << QStringList{uR"({"x":2,"y":1})"_s, uR"({"x":4,"y":3})"_s, uR"({"x":6,"y":5})"_s} << false
        << QList<qint64>{0, 0, 0, 0, 0} << u"gemini-2.5-flash"_s;
    QTest::newRow("thinking + call with signature")
        << u"function_call_response_thinking_thought_signature.json"_s
        << QJsonValue(QJsonValue::Null) << u"tool_calls"_s << QStringList{u"now"_s}
        << QStringList{u"{}"_s} << true << QList<qint64>{38, 509, 0, 501, 547}
        << u"gemini-2.5-pro"_s;
    QTest::newRow("finish SAFETY: content_filter")
        << u"response_finish_reason_safety.json"_s
        << QJsonValue(u"Safety error incoming in 5, 4, 3, 2..."_s) << u"content_filter"_s << none
        << none << false << QList<qint64>{7, 20, 0, 0, 27} << u"gemini-2.0-flash"_s;
    QTest::newRow("prompt blocked (cookbook)")
        << u"response_prompt_blocked_safety_cookbook.json"_s << QJsonValue(u""_s)
        << u"content_filter"_s << none << none << false << QList<qint64>{0, 0, 0, 0, 0}
        << u"gemini-2.5-flash"_s;
    QTest::newRow("prompt blocked with message")
        << u"response_prompt_blocked_safety_with_message.json"_s << QJsonValue(u""_s)
        << u"content_filter"_s << none << none << false << QList<qint64>{0, 0, 0, 0, 0}
        << u"gemini-2.5-flash"_s;
    QTest::newRow("only promptFeedback, empty candidates")
        << u"response_only_prompt_feedback.json"_s << QJsonValue(u""_s) << u"content_filter"_s
        << none << none << false << QList<qint64>{0, 0, 0, 0, 0} << u"gemini-2.0-flash"_s;
    QTest::newRow("usage: cached and thoughts")
        << u"response_usage_cached_and_thoughts.json"_s
        << QJsonValue(u"Red Riding Hood is looking for **directions** in the forest."_s)
        << u"stop"_s << none << none << false << QList<qint64>{12013, 88, 11243, 73, 12101}
        << u"gemini-2.5-flash"_s;
}

void TestGeminiAdapter::decodeAnswer()
{
    QFETCH(QString, file);
    QFETCH(QJsonValue, content);
    QFETCH(QString, finish);
    QFETCH(QStringList, tools);
    QFETCH(QStringList, arguments);
    QFETCH(bool, reasoning);
    QFETCH(QList<qint64>, usage);
    QFETCH(QString, model);

    GeminiAdapter adapter;
    const ProviderSettings settings = provider();
    ChatCall call = onegate::test::chatCall(&settings, kKey, u"gemini-2.5-flash"_s, {}, false, false);
    const QByteArray body = fixture(file);
    const ChatResult result = adapter.decodeChat(call, body);
    QVERIFY2(!result.error, result.error ? qPrintable(result.error->message) : "");

    const QJsonObject answer = jsonOf(result.body);
    QCOMPARE(answer.value("object"_L1).toString(), u"chat.completion"_s);
    QVERIFY(answer.value("id"_L1).toString().startsWith(u"chatcmpl-"_s));
    QVERIFY(answer.value("created"_L1).toInteger() > 0);
    QCOMPARE(answer.value("model"_L1).toString(), model);
    const QJsonArray choices = answer.value("choices"_L1).toArray();
    QCOMPARE(choices.size(), 1); // never an empty choices array, blocked or not
    const QJsonObject choice = choices.first().toObject();
    const QJsonObject message = choice.value("message"_L1).toObject();
    QCOMPARE(message.value("role"_L1).toString(), u"assistant"_s);
    QCOMPARE(message.value("content"_L1), content);
    QCOMPARE(choice.value("finish_reason"_L1).toString(), finish);
    QCOMPARE(message.contains("reasoning_content"_L1), reasoning);
    QStringList names;
    QStringList args;
    for (const QJsonValue &entry : message.value("tool_calls"_L1).toArray()) {
        const QJsonObject toolCall = entry.toObject();
        QVERIFY(toolCall.value("id"_L1).toString().startsWith(u"call_"_s));
        QCOMPARE(toolCall.value("type"_L1).toString(), u"function"_s);
        names.append(toolCall.value("function"_L1).toObject().value("name"_L1).toString());
        // Arguments are a compact JSON string.
        args.append(toolCall.value("function"_L1).toObject().value("arguments"_L1).toString());
    }
    QCOMPARE(names, tools);
    QCOMPARE(args, arguments);

    const QJsonObject sentUsage = answer.value("usage"_L1).toObject();
    QCOMPARE(result.usage.prompt, usage.at(0));
    QCOMPARE(result.usage.completion, usage.at(1));
    QCOMPARE(result.usage.cached, usage.at(2));
    QCOMPARE(result.usage.reasoning, usage.at(3));
    QCOMPARE(sentUsage.value("prompt_tokens"_L1).toInteger(), usage.at(0));
    QCOMPARE(sentUsage.value("completion_tokens"_L1).toInteger(), usage.at(1));
    QCOMPARE(sentUsage.value("prompt_tokens_details"_L1)
                 .toObject()
                 .value("cached_tokens"_L1)
                 .toInteger(),
             usage.at(2));
    QCOMPARE(sentUsage.value("completion_tokens_details"_L1)
                 .toObject()
                 .value("reasoning_tokens"_L1)
                 .toInteger(),
             usage.at(3));
    // prompt + completion is Gemini's own totalTokenCount.
    QCOMPARE(sentUsage.value("total_tokens"_L1).toInteger(), usage.at(4));
    const QJsonValue total =
        jsonOf(body).value("usageMetadata"_L1).toObject().value("totalTokenCount"_L1);
    if (!total.isUndefined())
        QCOMPARE(total.toInteger(), usage.at(4));
}

void TestGeminiAdapter::finishReasonMapping_data()
{
    // NOTES.md section 2, every value of Gemini's FinishReason enum; RECITATION is
    // content_filter by choice (GeminiResponse.h).
    QTest::addColumn<QString>("reason");
    QTest::addColumn<bool>("withCall");
    QTest::addColumn<QString>("finish");

    const struct {
        const char *reason;
        bool withCall;
        const char *finish;
    } cases[] = {
        {"STOP", false, "stop"},
        {"STOP", true, "tool_calls"},
        {"", true, "tool_calls"},
        {"MAX_TOKENS", false, "length"},
        {"MAX_TOKENS", true, "length"},
        {"SAFETY", false, "content_filter"},
        {"RECITATION", false, "content_filter"},
        {"BLOCKLIST", false, "content_filter"},
        {"PROHIBITED_CONTENT", false, "content_filter"},
        {"SPII", false, "content_filter"},
        {"IMAGE_SAFETY", false, "content_filter"},
        {"LANGUAGE", false, "content_filter"},
        {"OTHER", false, "stop"},
        {"MALFORMED_FUNCTION_CALL", false, "stop"},
        {"FINISH_REASON_UNSPECIFIED", false, "stop"},
        {"SOMETHING_NEW", false, "stop"},
    };
    for (const auto &c : cases)
        QTest::addRow("%s%s", *c.reason ? c.reason : "(none)", c.withCall ? " + functionCall" : "")
            << QString::fromLatin1(c.reason) << c.withCall << QString::fromLatin1(c.finish);
}

void TestGeminiAdapter::finishReasonMapping()
{
    QFETCH(QString, reason);
    QFETCH(bool, withCall);
    QFETCH(QString, finish);

    QJsonArray parts{QJsonObject{{"text"_L1, "Partial answer"_L1}}};
    if (withCall)
        parts.append(QJsonObject{
            {"functionCall"_L1, QJsonObject{{"name"_L1, "now"_L1}, {"args"_L1, QJsonObject()}}}});
    QJsonObject candidate{
        {"content"_L1, QJsonObject{{"role"_L1, "model"_L1}, {"parts"_L1, parts}}}};
    if (!reason.isEmpty())
        candidate.insert("finishReason"_L1, reason);
    const QByteArray body = QJsonDocument(QJsonObject{{"candidates"_L1, QJsonArray{candidate}}})
                                .toJson(QJsonDocument::Compact);

    GeminiAdapter adapter;
    const ProviderSettings settings = provider();
    ChatCall call = onegate::test::chatCall(&settings, kKey, u"m"_s, {}, false, false);
    const ChatResult result = adapter.decodeChat(call, body);
    QVERIFY(!result.error);
    QCOMPARE(jsonOf(result.body)
                 .value("choices"_L1)
                 .toArray()
                 .first()
                 .toObject()
                 .value("finish_reason"_L1)
                 .toString(),
             finish);
    // The same answer streamed as one event.
    const RecordingSink sink = decode(asOneEvent(body), false);
    if (reason.isEmpty()) {
        QVERIFY(sink.failure.has_value()); // a stream without any finishReason was cut short
        return;
    }
    QVERIFY(sink.completed);
    QCOMPARE(reassemble(sink.chunks()).finish, finish);
}

void TestGeminiAdapter::decodeGeneratesDistinctToolIds()
{
    GeminiAdapter adapter;
    const ProviderSettings settings = provider();
    ChatCall call = onegate::test::chatCall(&settings, kKey, u"m"_s, {}, false, false);
    QSet<QString> ids;
    for (int round = 0; round < 2; ++round) {
        const QJsonObject answer = jsonOf(
            adapter.decodeChat(call, fixture(u"function_call_response_parallel.json"_s)).body);
        for (const QJsonValue &entry : answer.value("choices"_L1)
                                           .toArray()
                                           .first()
                                           .toObject()
                                           .value("message"_L1)
                                           .toObject()
                                           .value("tool_calls"_L1)
                                           .toArray()) {
            const QString id = entry.toObject().value("id"_L1).toString();
            QVERIFY2(QRegularExpression(u"^call_[A-Za-z0-9]{24}$"_s).match(id).hasMatch(),
                     qPrintable(id));
            ids.insert(id);
        }
    }
    QCOMPARE(ids.size(), 6);
}

void TestGeminiAdapter::decodeInvalid_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("code");

    QTest::newRow("not JSON") << "not json at all"_ba << 502 << u"bad_upstream_response"_s;
    QTest::newRow("neither candidates nor feedback")
        << R"({"modelVersion":"gemini-2.0-flash"})"_ba << 502 << u"bad_upstream_response"_s;
    QTest::newRow("error object with HTTP 200")
        << fixture(u"error_429_resource_exhausted.json"_s) << 429 << u"rate_limit_exceeded"_s;
}

void TestGeminiAdapter::decodeInvalid()
{
    QFETCH(QByteArray, body);
    QFETCH(int, status);
    QFETCH(QString, code);
    GeminiAdapter adapter;
    const ProviderSettings settings = provider();
    ChatCall call = onegate::test::chatCall(&settings, kKey, u"m"_s, {}, false, false);
    const ChatResult result = adapter.decodeChat(call, body);
    QVERIFY(result.error.has_value());
    QCOMPARE(result.error->status, status);
    QCOMPARE(result.error->code, code);
    QVERIFY(result.error->upstreamBody.isEmpty());
}

void TestGeminiAdapter::thoughtSignatureRoundTrip()
{
    // Turn 1: Gemini calls `now` with a signature; the client gets it in extra_content.
    GeminiAdapter adapter;
    const ProviderSettings settings = provider();
    ChatCall call = onegate::test::chatCall(&settings, kKey, u"gemini-2.5-pro"_s, {}, false, false);
    const QByteArray recorded =
        fixture(u"function_call_response_thinking_thought_signature.json"_s);
    const QString signature = jsonOf(recorded)
                                  .value("candidates"_L1)
                                  .toArray()
                                  .first()
                                  .toObject()
                                  .value("content"_L1)
                                  .toObject()
                                  .value("parts"_L1)
                                  .toArray()
                                  .at(1)
                                  .toObject()
                                  .value("thoughtSignature"_L1)
                                  .toString();
    QVERIFY(signature.size() > 100);
    const QJsonObject message = jsonOf(adapter.decodeChat(call, recorded).body)
                                    .value("choices"_L1)
                                    .toArray()
                                    .first()
                                    .toObject()
                                    .value("message"_L1)
                                    .toObject();
    const QJsonObject toolCall = message.value("tool_calls"_L1).toArray().first().toObject();
    QCOMPARE(toolCall.value("extra_content"_L1)
                 .toObject()
                 .value("google"_L1)
                 .toObject()
                 .value("thought_signature"_L1)
                 .toString(),
             signature);

    // Turn 2: the client sends the assistant message back as it got it, plus the result.
    QJsonObject assistant = message;
    assistant.remove("refusal"_L1);
    const QJsonObject result{{"role"_L1, "tool"_L1},
                             {"tool_call_id"_L1, toolCall.value("id"_L1)},
                             {"content"_L1, "2025-07-28T18:00:00Z"_L1}};
    const QJsonObject sent =
        sentBody(chatWith({userText(u"How many days until New Year's Eve?"_s), assistant, result}));
    const QJsonArray contents = sent.value("contents"_L1).toArray();
    QCOMPARE(contents.size(), 3);
    const QJsonObject modelTurn = contents.at(1).toObject();
    QCOMPARE(modelTurn.value("role"_L1).toString(), u"model"_s);
    // Thought text is not sent back; the signature rides on its functionCall part.
    const QJsonArray parts = modelTurn.value("parts"_L1).toArray();
    QCOMPARE(parts.size(), 1);
    QCOMPARE(parts.first().toObject(),
             (QJsonObject{{"functionCall"_L1,
                           QJsonObject{{"name"_L1, "now"_L1}, {"args"_L1, QJsonObject()}}},
                          {"thoughtSignature"_L1, signature}}));
    QCOMPARE(contents.at(2).toObject(),
             (QJsonObject{
                 {"role"_L1, "user"_L1},
                 {"parts"_L1,
                  QJsonArray{QJsonObject{
                      {"functionResponse"_L1,
                       QJsonObject{{"name"_L1, "now"_L1},
                                   {"response"_L1,
                                    QJsonObject{{"content"_L1, "2025-07-28T18:00:00Z"_L1}}}}}}}}}));
}

// ---- streams ---------------------------------------------------------------------------

void TestGeminiAdapter::streamDecode_data()
{
    QTest::addColumn<QByteArray>("stream");
    QTest::addColumn<QString>("content");
    QTest::addColumn<bool>("reasoning");
    QTest::addColumn<QStringList>("tools");
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("finish");
    QTest::addColumn<QList<qint64>>("usage"); // prompt, completion, reasoning; empty: unknown

    const QStringList none;
    QTest::newRow("text (CRLF)") << fixture(u"stream_generate_content_alt_sse.sse"_s)
                                 << u"The capital of Wyoming is **Cheyenne**.\n"_s << false << none
                                 << none << u"stop"_s << QList<qint64>{7, 10, 0};
    QTest::newRow("thinking + call with signature")
        << fixture(u"stream_thinking_function_call_thought_signature.sse"_s) << QString() << true
        << QStringList{u"now"_s} << QStringList{u"{}"_s} << u"tool_calls"_s
        << QList<qint64>{38, 174, 168};
    QTest::newRow("prompt blocked, no final blank line")
        << fixture(u"stream_prompt_blocked_safety.sse"_s) << QString() << false << none << none
        << u"content_filter"_s << QList<qint64>{};
    QTest::newRow("one event: function call")
        << asOneEvent(fixture(u"function_call_response_cookbook.json"_s)) << QString() << false
        << QStringList{u"find_theaters"_s}
        << QStringList{uR"({"location":"Mountain View, CA","movie":"Barbie"})"_s} << u"tool_calls"_s
        << QList<qint64>{};
    QTest::newRow("one event: parallel calls")
        << asOneEvent(fixture(u"function_call_response_parallel.json"_s)) << QString() << false
        << QStringList{u"sum"_s, u"sum"_s, u"sum"_s}
        << QStringList{uR"({"x":2,"y":1})"_s, uR"({"x":4,"y":3})"_s, uR"({"x":6,"y":5})"_s}
        << u"tool_calls"_s << QList<qint64>{};
    QTest::newRow("one event: SAFETY")
        << asOneEvent(fixture(u"response_finish_reason_safety.json"_s))
        << u"Safety error incoming in 5, 4, 3, 2..."_s << false << none << none
        << u"content_filter"_s << QList<qint64>{7, 20, 0};
    QTest::newRow("one event: cached and thoughts")
        << asOneEvent(fixture(u"response_usage_cached_and_thoughts.json"_s))
        << u"Red Riding Hood is looking for **directions** in the forest."_s << false << none
        << none << u"stop"_s << QList<qint64>{12013, 88, 73};
    QByteArray length = fixture(u"stream_generate_content_alt_sse.sse"_s);
    length.replace(R"("finishReason": "STOP")", R"("finishReason": "MAX_TOKENS")");
    QTest::newRow("MAX_TOKENS: length")
        << length << u"The capital of Wyoming is **Cheyenne**.\n"_s << false << none << none
        << u"length"_s << QList<qint64>{7, 10, 0};
    // Lenient on purpose: a JSON object outside SSE framing is read as one more chunk.
    QTest::newRow("whole answer, no SSE framing")
        << fixture(u"generate_content_response_text.json"_s)
        << u"Google's headquarters, also known as the Googleplex, is located in **Mountain View, California**.\n"_s
        << false << none << none << u"stop"_s << QList<qint64>{7, 22, 0};
    QTest::newRow("bare object, then data events")
        << QByteArray(R"({"usageMetadata": {"promptTokenCount": 3}})"
                      "\r\n" +
                      fixture(u"stream_generate_content_alt_sse.sse"_s))
        << u"The capital of Wyoming is **Cheyenne**.\n"_s << false << none << none << u"stop"_s
        << QList<qint64>{7, 10, 0};
    QTest::newRow("LF line ends")
        << fixture(u"stream_generate_content_alt_sse.sse"_s).replace("\r\n", "\n")
        << u"The capital of Wyoming is **Cheyenne**.\n"_s << false << none << none << u"stop"_s
        << QList<qint64>{7, 10, 0};
}

void TestGeminiAdapter::streamDecode()
{
    QFETCH(QByteArray, stream);
    QFETCH(QString, content);
    QFETCH(bool, reasoning);
    QFETCH(QStringList, tools);
    QFETCH(QStringList, arguments);
    QFETCH(QString, finish);
    QFETCH(QList<qint64>, usage);

    const RecordingSink sink = decode(stream, true);
    QVERIFY2(!sink.failure, sink.failure ? qPrintable(sink.failure->message) : "");
    QVERIFY(sink.completed);
    QCOMPARE(sink.terminator, "data: [DONE]\n\n"_ba);
    const Reassembled got = reassemble(sink.chunks());
    QCOMPARE(got.content, content);
    QCOMPARE(!got.reasoning.isEmpty(), reasoning);
    QCOMPARE(got.toolNames, tools);
    QStringList args;
    for (const QString &text : got.toolArguments)
        args.append(compact(QJsonDocument::fromJson(text.toUtf8()).object()));
    QCOMPARE(args, arguments);
    for (const QString &id : got.toolIds)
        QVERIFY(id.startsWith(u"call_"_s));
    QCOMPARE(QSet<QString>(got.toolIds.begin(), got.toolIds.end()).size(), got.toolIds.size());
    QCOMPARE(got.finish, finish);
    QCOMPARE(sink.usage.known, !usage.isEmpty());
    QCOMPARE(got.usageChunks, usage.isEmpty() ? 0 : 1);
    if (!usage.isEmpty()) {
        QCOMPARE(sink.usage.prompt, usage.at(0));
        QCOMPARE(sink.usage.completion, usage.at(1));
        QCOMPARE(sink.usage.reasoning, usage.at(2));
    }
    if (tools.contains(u"now"_s))
        QVERIFY(got.signatures.first().startsWith(u"CiIBVKhc7vB+"_s));
}

void TestGeminiAdapter::streamSplitAtEveryByte_data()
{
    QTest::addColumn<QByteArray>("stream");
    QTest::newRow("text") << fixture(u"stream_generate_content_alt_sse.sse"_s);
    QTest::newRow("thinking + call")
        << fixture(u"stream_thinking_function_call_thought_signature.sse"_s);
    QTest::newRow("prompt blocked") << fixture(u"stream_prompt_blocked_safety.sse"_s);
    QTest::newRow("mid-stream error") << fixture(u"stream_error_mid_stream_sdk_mock.sse"_s);
    QTest::newRow("one event: parallel calls")
        << asOneEvent(fixture(u"function_call_response_parallel.json"_s));
    QTest::newRow("one event: cached and thoughts")
        << asOneEvent(fixture(u"response_usage_cached_and_thoughts.json"_s));
    QTest::newRow("one event: SAFETY")
        << asOneEvent(fixture(u"response_finish_reason_safety.json"_s));
    QTest::newRow("whole answer, no SSE framing")
        << fixture(u"response_usage_cached_and_thoughts.json"_s);
}

void TestGeminiAdapter::streamSplitAtEveryByte()
{
    QFETCH(QByteArray, stream);
    const RecordingSink whole = decode(stream, true);
    QVERIFY(whole.completed || whole.failure);
    QVERIFY(!whole.frames.isEmpty());
    const QList<QJsonObject> expected = withoutRandomParts(whole.chunks());
    for (qsizetype cut = 1; cut < stream.size(); ++cut) {
        const RecordingSink split = decode(stream, true, cut);
        QCOMPARE(split.completed, whole.completed);
        QCOMPARE(split.failure.has_value(), whole.failure.has_value());
        if (whole.failure)
            QCOMPARE(split.failure->code, whole.failure->code);
        QCOMPARE(withoutRandomParts(split.chunks()), expected);
        QCOMPARE(split.usage.completion, whole.usage.completion);
        QCOMPARE(split.usage.prompt, whole.usage.prompt);
    }
}

void TestGeminiAdapter::streamChunkOrder()
{
    // What strict clients need: role chunk first; a call's id and name before its
    // arguments; the finish chunk; the usage chunk (choices: []); then [DONE].
    const RecordingSink sink =
        decode(fixture(u"stream_thinking_function_call_thought_signature.sse"_s), true);
    QVERIFY(sink.completed);
    QCOMPARE(sink.terminator, "data: [DONE]\n\n"_ba);
    const QList<QJsonObject> chunks = sink.chunks();
    QCOMPARE(chunks.size(), 7);
    QSet<QString> ids;
    for (const QJsonObject &chunk : chunks) {
        ids.insert(chunk.value("id"_L1).toString());
        QCOMPARE(chunk.value("object"_L1).toString(), u"chat.completion.chunk"_s);
        QCOMPARE(chunk.value("model"_L1).toString(), u"gemini-2.5-flash"_s);
    }
    QCOMPARE(ids, QSet<QString>{u"chatcmpl-48SHaPHpHKbG-8YPtZCawAk"_s});
    auto delta = [&](int i) {
        return chunks.at(i)
            .value("choices"_L1)
            .toArray()
            .first()
            .toObject()
            .value("delta"_L1)
            .toObject();
    };
    QCOMPARE(delta(0), (QJsonObject{{"role"_L1, "assistant"_L1}, {"content"_L1, ""_L1}}));
    QVERIFY(delta(1)
                .value("reasoning_content"_L1)
                .toString()
                .startsWith(u"**Calculating the Days**"_s));
    QVERIFY(delta(2)
                .value("reasoning_content"_L1)
                .toString()
                .startsWith(u"**Determining the Approach**"_s));
    const QJsonObject start = delta(3).value("tool_calls"_L1).toArray().first().toObject();
    QCOMPARE(start.value("index"_L1).toInt(), 0);
    QVERIFY(start.value("id"_L1).toString().startsWith(u"call_"_s));
    QCOMPARE(start.value("type"_L1).toString(), u"function"_s);
    QCOMPARE(start.value("function"_L1).toObject().value("name"_L1).toString(), u"now"_s);
    QCOMPARE(start.value("function"_L1).toObject().value("arguments"_L1).toString(), QString());
    QVERIFY(start.value("extra_content"_L1)
                .toObject()
                .value("google"_L1)
                .toObject()
                .value("thought_signature"_L1)
                .toString()
                .startsWith(u"CiIBVKhc7vB+"_s));
    QCOMPARE(
        delta(4).value("tool_calls"_L1).toArray().first().toObject(),
        (QJsonObject{{"index"_L1, 0}, {"function"_L1, QJsonObject{{"arguments"_L1, "{}"_L1}}}}));
    const QJsonObject finish = chunks.at(5).value("choices"_L1).toArray().first().toObject();
    QCOMPARE(finish.value("finish_reason"_L1).toString(), u"tool_calls"_s);
    QCOMPARE(finish.value("delta"_L1).toObject(), QJsonObject());
    QCOMPARE(chunks.at(6).value("choices"_L1).toArray(), QJsonArray());
    const QJsonObject usage = chunks.at(6).value("usage"_L1).toObject();
    QCOMPARE(usage.value("prompt_tokens"_L1).toInteger(), 38);
    QCOMPARE(usage.value("completion_tokens"_L1).toInteger(), 174);
    QCOMPARE(usage.value("total_tokens"_L1).toInteger(), 212); // Gemini's totalTokenCount
    QCOMPARE(usage.value("completion_tokens_details"_L1)
                 .toObject()
                 .value("reasoning_tokens"_L1)
                 .toInteger(),
             168);
}

void TestGeminiAdapter::streamUsageOnlyWhenAsked_data()
{
    QTest::addColumn<bool>("asked");
    QTest::newRow("include_usage") << true;
    QTest::newRow("not asked") << false;
}

void TestGeminiAdapter::streamUsageOnlyWhenAsked()
{
    QFETCH(bool, asked);
    const RecordingSink sink = decode(fixture(u"stream_generate_content_alt_sse.sse"_s), asked);
    QVERIFY(sink.completed);
    const QList<QJsonObject> chunks = sink.chunks();
    // role, three text deltas, finish[, usage]
    QCOMPARE(chunks.size(), asked ? 6 : 5);
    QCOMPARE(chunks.at(4)
                 .value("choices"_L1)
                 .toArray()
                 .first()
                 .toObject()
                 .value("finish_reason"_L1)
                 .toString(),
             u"stop"_s);
    if (asked) {
        QCOMPARE(chunks.last().value("choices"_L1).toArray(), QJsonArray());
        const QJsonObject usage = chunks.last().value("usage"_L1).toObject();
        QCOMPARE(usage.value("prompt_tokens"_L1).toInteger(), 7);
        QCOMPARE(usage.value("completion_tokens"_L1).toInteger(), 10);
        QCOMPARE(usage.value("total_tokens"_L1).toInteger(), 17);
    }
    // The gateway records usage either way; the last chunk's usageMetadata wins.
    QVERIFY(sink.usage.known);
    QCOMPARE(sink.usage.completion, 10);
}

void TestGeminiAdapter::streamFailures_data()
{
    QTest::addColumn<QByteArray>("stream");
    QTest::addColumn<int>("events"); // frames relayed before the failure
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("code");

    const QByteArray text = fixture(u"stream_generate_content_alt_sse.sse"_s);
    const qsizetype secondEnd = text.indexOf("\r\n\r\n", text.indexOf("\r\n\r\n") + 4) + 4;
    QTest::newRow("bare error object after data (SDK recording)")
        << fixture(u"stream_error_mid_stream_sdk_mock.sse"_s) << 3 << 502
        << u"upstream_cancelled"_s;
    QTest::newRow("error in a data event")
        << text.left(secondEnd) + "data: " +
               QJsonDocument::fromJson(fixture(u"error_429_resource_exhausted.json"_s))
                   .toJson(QJsonDocument::Compact) +
               "\r\n\r\n"
        << 3 << 429 << u"rate_limit_exceeded"_s;
    QTest::newRow("ends without finishReason")
        << text.left(secondEnd) << 3 << 502 << u"stream_truncated"_s;
    QTest::newRow("cut inside an event")
        << text.left(secondEnd + 40) << 3 << 502 << u"stream_truncated"_s;
    QTest::newRow("cut inside a bare object") << text.left(secondEnd) + "{\n  \"error\": {\n"
                                              << 3 << 502 << u"stream_truncated"_s;
    QTest::newRow("event that is not JSON") << "data: {\"candidates\": [\r\n\r\ndata: {}\r\n\r\n"_ba
                                            << 0 << 502 << u"bad_upstream_response"_s;
    QTest::newRow("empty body") << QByteArray() << 0 << 502 << u"stream_truncated"_s;
    QTest::newRow("an error object as the whole body")
        << fixture(u"error_429_resource_exhausted.json"_s) << 0 << 429 << u"rate_limit_exceeded"_s;
    QTest::newRow("stray text past the limit")
        << QByteArray("{\"x\": \"" + QByteArray(70 * 1024, 'a')) << 0 << 502
        << u"bad_upstream_response"_s;
}

void TestGeminiAdapter::streamFailures()
{
    QFETCH(QByteArray, stream);
    QFETCH(int, events);
    QFETCH(int, status);
    QFETCH(QString, code);
    const RecordingSink sink = decode(stream, false);
    QVERIFY(!sink.completed);
    QVERIFY(sink.failure.has_value());
    QCOMPARE(sink.frames.size(), events);
    QCOMPARE(sink.failure->status, status);
    QCOMPARE(sink.failure->code, code);
    QVERIFY(!sink.failure->message.isEmpty());
    // Rendered by the gateway in OpenAI's shape, not relayed in Gemini's.
    QVERIFY(sink.failure->upstreamBody.isEmpty());
}

// ---- errors and the model list ---------------------------------------------------------

void TestGeminiAdapter::errorMapping_data()
{
    QTest::addColumn<int>("httpStatus");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("type");
    QTest::addColumn<QString>("code");
    QTest::addColumn<bool>("retryable");
    QTest::addColumn<QString>("message");

    QTest::newRow("bad key: 400 API_KEY_INVALID -> 401")
        << 400 << fixture(u"error_400_api_key_invalid.json"_s) << 401 << u"invalid_request_error"_s
        << u"invalid_api_key"_s << false << u"API key not valid. Please pass a valid API key."_s;
    QTest::newRow("404 model") << 404 << fixture(u"error_404_model_not_found.json"_s) << 404
                               << u"invalid_request_error"_s << u"model_not_found"_s << false
                               << u"models/gemini-5.0-flash is not found"_s;
    QTest::newRow("429 RESOURCE_EXHAUSTED")
        << 429 << fixture(u"error_429_resource_exhausted.json"_s) << 429 << u"requests"_s
        << u"rate_limit_exceeded"_s << true << u"Quota exceeded for quota metric"_s;
    QTest::newRow("500 INTERNAL") << 500 << fixture(u"error_500_internal.composed.json"_s) << 500
                                  << u"server_error"_s << QString() << true
                                  << u"An internal error has occurred"_s;
    QTest::newRow("503 UNAVAILABLE")
        << 503
        << R"({"error":{"code":503,"message":"The model is overloaded. Please try again later.","status":"UNAVAILABLE"}})"_ba
        << 503 << u"server_error"_s << QString() << true << u"The model is overloaded"_s;
    QTest::newRow("504 DEADLINE_EXCEEDED")
        << 504
        << R"({"error":{"code":504,"message":"Deadline expired before operation could complete.","status":"DEADLINE_EXCEEDED"}})"_ba
        << 504 << u"server_error"_s << QString() << true << u"Deadline expired"_s;
    QTest::newRow("400 INVALID_ARGUMENT")
        << 400
        << R"({"error":{"code":400,"message":"Invalid JSON payload received.","status":"INVALID_ARGUMENT"}})"_ba
        << 400 << u"invalid_request_error"_s << QString() << false
        << u"Invalid JSON payload received."_s;
    QTest::newRow("400 FAILED_PRECONDITION")
        << 400
        << R"({"error":{"code":400,"message":"User location is not supported for the API use.","status":"FAILED_PRECONDITION"}})"_ba
        << 400 << u"invalid_request_error"_s << QString() << false
        << u"User location is not supported"_s;
    QTest::newRow("403 PERMISSION_DENIED")
        << 403
        << R"({"error":{"code":403,"message":"Method doesn't allow unregistered callers.","status":"PERMISSION_DENIED"}})"_ba
        << 403 << u"invalid_request_error"_s << u"permission_denied"_s << false
        << u"unregistered callers"_s;
    QTest::newRow("error in a one-element array")
        << 429 << QByteArray("[" + fixture(u"error_429_resource_exhausted.json"_s) + "]") << 429
        << u"requests"_s << u"rate_limit_exceeded"_s << true << u"Quota exceeded"_s;
    QTest::newRow("HTML from a proxy")
        << 502 << "<html><body>Bad Gateway</body></html>"_ba << 502 << u"server_error"_s
        << QString() << true << u"HTTP 502: <html>"_s;
    QTest::newRow("empty body") << 504 << QByteArray() << 504 << u"server_error"_s << QString()
                                << true << u"HTTP 504"_s;
    QTest::newRow("empty 401") << 401 << QByteArray() << 401 << u"invalid_request_error"_s
                               << u"invalid_api_key"_s << false << u"HTTP 401"_s;
}

void TestGeminiAdapter::errorMapping()
{
    QFETCH(int, httpStatus);
    QFETCH(QByteArray, body);
    QFETCH(int, status);
    QFETCH(QString, type);
    QFETCH(QString, code);
    QFETCH(bool, retryable);
    QFETCH(QString, message);
    GeminiAdapter adapter;
    const ApiError error = adapter.mapError(httpStatus, body, "application/json");
    QCOMPARE(error.status, status);
    QCOMPARE(error.type, type);
    QCOMPARE(error.code, code);
    QCOMPARE(error.retryable, retryable);
    QVERIFY2(error.message.contains(message), qPrintable(error.message));
    QVERIFY(error.param.isEmpty());
    // Gemini's body is not OpenAI's shape: the gateway renders ours.
    QVERIFY(error.upstreamBody.isEmpty());
    // The details may quote the key that was sent ("Invalid API key: key1234").
    QVERIFY(!error.message.contains(u"key1234"_s));
}

void TestGeminiAdapter::modelListRequest()
{
    GeminiAdapter adapter;
    ProviderSettings settings = provider(u"https://generativelanguage.googleapis.com"_s);
    const UpstreamRequest request = adapter.modelListRequest(settings, kKey);
    QCOMPARE(request.method, "GET"_ba);
    QCOMPARE(request.url.toString(QUrl::FullyEncoded),
             u"https://generativelanguage.googleapis.com/v1beta/models?pageSize=1000"_s);
    QCOMPARE(header(request, "x-goog-api-key"), kKey);
    QVERIFY(request.body.isEmpty());
}

void TestGeminiAdapter::modelList_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QStringList>("models");
    QTest::addColumn<bool>("error");

    QTest::newRow("recorded subset")
        << fixture(u"models_list.subset.json"_s)
        << QStringList{u"gemini-2.0-flash"_s, u"gemini-2.0-flash-001"_s, u"gemini-2.0-flash-lite"_s}
        << false;
    QTest::newRow("only models that generate content")
        << R"({"models":[{"name":"models/text-embedding-004","supportedGenerationMethods":["embedContent"]},
              {"name":"models/gemini-2.5-pro","supportedGenerationMethods":["generateContent","countTokens"]},
              {"name":"models/aqa","supportedGenerationMethods":["generateAnswer"]},
              {"name":"models/imagen","supportedGenerationMethods":["predict"]}]})"_ba
        << QStringList{u"gemini-2.5-pro"_s} << false;
    QTest::newRow("empty page") << "{}"_ba << QStringList() << false;
    QTest::newRow("not JSON") << "garbage"_ba << QStringList() << true;
    QTest::newRow("models not a list") << R"({"models":5})"_ba << QStringList() << true;
}

void TestGeminiAdapter::modelList()
{
    QFETCH(QByteArray, body);
    QFETCH(QStringList, models);
    QFETCH(bool, error);
    GeminiAdapter adapter;
    const ModelListResult result = adapter.decodeModelList(body);
    QCOMPARE(result.error.has_value(), error);
    QCOMPARE(result.models, models);
}

void TestGeminiAdapter::fakePathModel_data()
{
    QTest::addColumn<QByteArray>("path");
    QTest::addColumn<QString>("model");
    QTest::newRow("plain") << "/v1beta/models/text:generateContent"_ba << u"text"_s;
    QTest::newRow("encoded @") << "/v1beta/models/text%40200:streamGenerateContent"_ba
                               << u"text@200"_s;
    QTest::newRow("literal @") << "/v1beta/models/text@200:streamGenerateContent"_ba
                               << u"text@200"_s;
    QTest::newRow("prefix") << "/proxy/v1beta/models/tool:generateContent"_ba << u"tool"_s;
    QTest::newRow("no method") << "/v1beta/models"_ba << QString();
}

void TestGeminiAdapter::fakePathModel()
{
    QFETCH(QByteArray, path);
    QFETCH(QString, model);
    QCOMPARE(test::GeminiFakeDialect::modelOfPath(path), model);
}

QTEST_GUILESS_MAIN(TestGeminiAdapter)
#include "tst_gemini_adapter.moc"
