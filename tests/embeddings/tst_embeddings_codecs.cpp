// The embeddings codecs of every provider kind that has an embeddings API
// (ProviderAdapter::embeddingsCodec): the request each builds (URL, method, headers, key,
// body), the recorded answers turned into OpenAI's list (floats and base64, the base64
// read back here byte by byte), dimensions, token-id input refused where the provider
// takes text only, error mapping as each adapter's own, answers that are not the expected
// JSON, and a round trip over real sockets against each kind's fake upstream.

#include "AdapterRegistry.h"
#include "FakeDialect.h"
#include "FakeUpstream.h"
#include "core/EmbeddingVectors.h"
#include "core/ProviderAdapter.h"
#include "core/ProviderTransport.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QTest>
#include <QtEndian>
#include <cstring>

using namespace onegate;
using namespace onegate::test;
using namespace Qt::StringLiterals;

namespace {

ProviderKind kindOf(const QString &name)
{
    if (name == "azure"_L1)
        return ProviderKind::Azure;
    if (name == "gemini"_L1)
        return ProviderKind::Gemini;
    if (name == "ollama"_L1)
        return ProviderKind::Ollama;
    if (name == "anthropic"_L1)
        return ProviderKind::Anthropic;
    return ProviderKind::OpenAi;
}

ProviderSettings providerOf(const QString &kind, const QString &baseUrl)
{
    ProviderSettings provider;
    provider.id = u"p-"_s + kind;
    provider.kind = kindOf(kind);
    provider.baseUrl = QUrl(baseUrl);
    provider.proxy.mode = ProxySetting::Mode::None;
    provider.extraHeaders = {{"X-Extra"_ba, "1"_ba}};
    if (kind == "azure"_L1)
        provider.apiVersion = u"2024-10-21"_s;
    return provider;
}

const ChatCodec *codecOf(const ProviderSettings &provider)
{
    const ProviderAdapter *adapter = adapterFor(provider.kind);
    return adapter ? adapter->embeddingsCodec(provider) : nullptr;
}

ChatCall embeddingsCall(const ProviderSettings *provider, const QByteArray &key,
                        const QString &model, const QJsonObject &body)
{
    ChatCall call;
    call.provider = provider;
    call.apiKey = key;
    call.upstreamModel = model;
    call.body = body;
    call.dialect = WireDialect::OpenAiEmbeddings;
    return call;
}

QJsonObject jsonOf(const QByteArray &bytes)
{
    return QJsonDocument::fromJson(bytes).object();
}

QByteArray headerOf(const UpstreamRequest &request, const QByteArray &name)
{
    for (const auto &[key, value] : request.headers) {
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return {};
}

bool hasHeader(const UpstreamRequest &request, const QByteArray &name)
{
    for (const auto &header : request.headers) {
        if (header.first.compare(name, Qt::CaseInsensitive) == 0)
            return true;
    }
    return false;
}

// OpenAI's base64 embeddings, read as the SDKs read them: little-endian float32s.
QList<float> floatsOfBase64(const QString &text)
{
    const auto decoded =
        QByteArray::fromBase64Encoding(text.toLatin1(), QByteArray::AbortOnBase64DecodingErrors);
    QList<float> values;
    if (!decoded || decoded.decoded.size() % 4 != 0)
        return values;
    for (qsizetype i = 0; i < decoded.decoded.size(); i += 4) {
        const quint32 bits = qFromLittleEndian<quint32>(decoded.decoded.constData() + i);
        float value = 0;
        std::memcpy(&value, &bits, sizeof value);
        values.append(value);
    }
    return values;
}

QList<double> doublesOf(const QJsonArray &array)
{
    QList<double> values;
    for (const QJsonValue &value : array)
        values.append(value.toDouble());
    return values;
}

QList<float> asFloats(const QList<double> &values)
{
    QList<float> floats;
    for (const double value : values)
        floats.append(static_cast<float>(value));
    return floats;
}

// The recorded vectors of a kind's embeddings fixture, in order.
QList<QList<double>> fixtureVectors(const QString &kind, const QByteArray &fixture)
{
    QList<QList<double>> vectors;
    const QJsonObject answer = jsonOf(fixture);
    if (kind == "gemini"_L1) {
        for (const QJsonValue &entry : answer.value("embeddings"_L1).toArray())
            vectors.append(doublesOf(entry.toObject().value("values"_L1).toArray()));
    } else if (kind == "ollama"_L1) {
        for (const QJsonValue &entry : answer.value("embeddings"_L1).toArray())
            vectors.append(doublesOf(entry.toArray()));
    } else {
        for (const QJsonValue &entry : answer.value("data"_L1).toArray())
            vectors.append(doublesOf(entry.toObject().value("embedding"_L1).toArray()));
    }
    return vectors;
}

QByteArray fixtureOf(const QString &kind)
{
    if (kind == "gemini"_L1)
        return readFixture(kind, u"batch_embed_contents_response_cookbook.adapted.json"_s);
    if (kind == "ollama"_L1)
        return readFixture(kind, u"api_embed_response.json"_s);
    return readFixture(u"openai"_s, u"embeddings_response.adapted.json"_s);
}

// An OpenAI embeddings list holds `expected`, as floats or as base64, in input order.
void verifyList(const QJsonObject &list, const QList<QList<double>> &expected, bool base64)
{
    QCOMPARE(list.value("object"_L1).toString(), u"list"_s);
    const QJsonArray data = list.value("data"_L1).toArray();
    QCOMPARE(data.size(), expected.size());
    for (qsizetype i = 0; i < data.size(); ++i) {
        const QJsonObject item = data.at(i).toObject();
        QCOMPARE(item.value("object"_L1).toString(), u"embedding"_s);
        QCOMPARE(item.value("index"_L1).toInteger(), qint64(i));
        const QJsonValue embedding = item.value("embedding"_L1);
        if (base64) {
            QVERIFY2(embedding.isString(), "base64 was asked for");
            QCOMPARE(floatsOfBase64(embedding.toString()), asFloats(expected.at(i)));
        } else {
            QVERIFY2(embedding.isArray(), "floats were asked for");
            QCOMPARE(doublesOf(embedding.toArray()), expected.at(i));
        }
    }
}

} // namespace

class EmbeddingsCodecsTest final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void everyKindWithAnEmbeddingsApiHasACodec();
    void base64IsLittleEndianFloat32();
    void requestBuilt_data();
    void requestBuilt();
    void tokenInput_data();
    void tokenInput();
    void decodesRecordedAnswer_data();
    void decodesRecordedAnswer();
    void errorsMapAsTheAdapterMapsThem_data();
    void errorsMapAsTheAdapterMapsThem();
    void unexpectedAnswerIs502_data();
    void unexpectedAnswerIs502();
    void roundTripThroughTheFake_data();
    void roundTripThroughTheFake();
};

void EmbeddingsCodecsTest::everyKindWithAnEmbeddingsApiHasACodec()
{
    for (const QString &kind : {u"openai"_s, u"azure"_s, u"gemini"_s, u"ollama"_s}) {
        const ProviderSettings provider = providerOf(kind, u"http://127.0.0.1:1"_s);
        const ChatCodec *codec = codecOf(provider);
        QVERIFY2(codec, qPrintable(kind));
        const ChatCall call = embeddingsCall(&provider, {}, u"m"_s, {{"input"_L1, u"x"_s}});
        QVERIFY2(!codec->streamDecoder(call), "embeddings are never streamed");
    }
    // Anthropic has no embeddings API.
    QVERIFY(!codecOf(providerOf(u"anthropic"_s, u"https://api.anthropic.com"_s)));
}

void EmbeddingsCodecsTest::base64IsLittleEndianFloat32()
{
    // 1.0f = 0x3F800000, -2.0f = 0xC0000000, 0.5f = 0x3F000000, each written low byte first.
    QCOMPARE(embeddingToBase64({1.0, -2.0, 0.5}), "AACAPwAAAMAAAAA/"_ba);
    QCOMPARE(embeddingToBase64({}), QByteArray());
    // Doubles are narrowed to the nearest float32, as OpenAI's own vectors are.
    const EmbeddingVector recorded{0.0023064255, -0.009327292, -0.0028842222};
    QCOMPARE(floatsOfBase64(QString::fromLatin1(embeddingToBase64(recorded))), asFloats(recorded));
}

void EmbeddingsCodecsTest::requestBuilt_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QString>("baseUrl");
    QTest::addColumn<QByteArray>("key");
    QTest::addColumn<QString>("model");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("url");
    QTest::addColumn<QByteArray>("keyHeader");
    QTest::addColumn<QByteArray>("keyValue");
    QTest::addColumn<QByteArray>("absentHeader");
    QTest::addColumn<QByteArray>("expected");

    const QByteArray full =
        R"({"model":"my-alias","input":["first text","second"],"dimensions":256,"encoding_format":"base64","user":"user-7","extra_field":true})"_ba;
    QTest::newRow("openai: passed through, model replaced")
        << u"openai"_s << u"https://api.example.test/v1"_s << "sk-test"_ba
        << u"text-embedding-3-small"_s << full << u"https://api.example.test/v1/embeddings"_s
        << "Authorization"_ba
        << "Bearer sk-test"_ba
        << "api-key"_ba
        << R"({"model":"text-embedding-3-small","input":["first text","second"],"dimensions":256,"encoding_format":"base64","user":"user-7","extra_field":true})"_ba;
    QTest::newRow("openai: token ids pass through")
        << u"openai"_s << u"http://127.0.0.1:8000/v1"_s << "sk-test"_ba << u"bge-m3"_s
        << R"({"model":"a","input":[[1,2,3],[4]]})"_ba << u"http://127.0.0.1:8000/v1/embeddings"_s
        << "Authorization"_ba
        << "Bearer sk-test"_ba
        << "api-key"_ba
        << R"({"model":"bge-m3","input":[[1,2,3],[4]]})"_ba;
    QTest::newRow("azure: deployments URL, api-key")
        << u"azure"_s << u"https://res.openai.azure.com"_s << "az-key"_ba << u"emb-small"_s << full
        << u"https://res.openai.azure.com/openai/deployments/emb-small/embeddings?api-version=2024-10-21"_s
        << "api-key"_ba
        << "az-key"_ba
        << "Authorization"_ba
        << R"({"model":"emb-small","input":["first text","second"],"dimensions":256,"encoding_format":"base64","user":"user-7","extra_field":true})"_ba;
    QTest::newRow("azure: deployment name percent-encoded")
        << u"azure"_s << u"https://res.openai.azure.com/"_s << "az-key"_ba << u"emb small"_s
        << R"({"model":"x","input":"one"})"_ba
        << u"https://res.openai.azure.com/openai/deployments/emb%20small/embeddings?api-version=2024-10-21"_s
        << "api-key"_ba
        << "az-key"_ba
        << "Authorization"_ba
        << R"({"model":"emb small","input":"one"})"_ba;
    QTest::newRow("gemini: one request per input, dimensions")
        << u"gemini"_s << u"https://generativelanguage.googleapis.com"_s << "g-key"_ba
        << u"gemini-embedding-001"_s << full
        << u"https://generativelanguage.googleapis.com/v1beta/models/gemini-embedding-001:batchEmbedContents"_s
        << "x-goog-api-key"_ba
        << "g-key"_ba
        << "Authorization"_ba
        << R"({"requests":[
              {"model":"models/gemini-embedding-001","content":{"parts":[{"text":"first text"}]},"outputDimensionality":256},
              {"model":"models/gemini-embedding-001","content":{"parts":[{"text":"second"}]},"outputDimensionality":256}]})"_ba;
    QTest::newRow("gemini: one string, no dimensions")
        << u"gemini"_s << u"https://generativelanguage.googleapis.com"_s << "g-key"_ba
        << u"text-embedding-004"_s << R"({"model":"a","input":"just one"})"_ba
        << u"https://generativelanguage.googleapis.com/v1beta/models/text-embedding-004:batchEmbedContents"_s
        << "x-goog-api-key"_ba
        << "g-key"_ba
        << "Authorization"_ba
        << R"({"requests":[{"model":"models/text-embedding-004","content":{"parts":[{"text":"just one"}]}}]})"_ba;
    QTest::newRow("ollama: /api/embed, dimensions, truncate")
        << u"ollama"_s << u"http://127.0.0.1:11434"_s << "o-key"_ba << u"nomic-embed-text"_s << full
        << u"http://127.0.0.1:11434/api/embed"_s << "Authorization"_ba
        << "Bearer o-key"_ba
        << "api-key"_ba
        << R"({"model":"nomic-embed-text","input":["first text","second"],"dimensions":256,"truncate":true})"_ba;
    QTest::newRow("ollama: keyless, one string")
        << u"ollama"_s << u"http://127.0.0.1:11434/"_s << QByteArray() << u"all-minilm"_s
        << R"({"model":"a","input":"just one"})"_ba << u"http://127.0.0.1:11434/api/embed"_s
        << QByteArray() << QByteArray() << "Authorization"_ba
        << R"({"model":"all-minilm","input":"just one","truncate":true})"_ba;
}

void EmbeddingsCodecsTest::requestBuilt()
{
    QFETCH(QString, kind);
    QFETCH(QString, baseUrl);
    QFETCH(QByteArray, key);
    QFETCH(QString, model);
    QFETCH(QByteArray, body);
    QFETCH(QString, url);
    QFETCH(QByteArray, keyHeader);
    QFETCH(QByteArray, keyValue);
    QFETCH(QByteArray, absentHeader);
    QFETCH(QByteArray, expected);

    const ProviderSettings provider = providerOf(kind, baseUrl);
    const ChatCodec *codec = codecOf(provider);
    QVERIFY(codec);
    const auto built = codec->chatRequest(embeddingsCall(&provider, key, model, jsonOf(body)));
    if (const ApiError *refused = std::get_if<ApiError>(&built))
        QFAIL(qPrintable(refused->message));
    const UpstreamRequest &request = std::get<UpstreamRequest>(built);
    QCOMPARE(request.url.toString(QUrl::FullyEncoded), url);
    QCOMPARE(request.method, "POST"_ba);
    QCOMPARE(headerOf(request, "Content-Type"_ba), "application/json"_ba);
    QCOMPARE(headerOf(request, "Accept"_ba), "application/json"_ba);
    QCOMPARE(headerOf(request, "X-Extra"_ba), "1"_ba); // the provider's own headers
    if (!keyHeader.isEmpty())
        QCOMPARE(headerOf(request, keyHeader), keyValue);
    QVERIFY2(!hasHeader(request, absentHeader), absentHeader.constData());
    const QJsonDocument sent = QJsonDocument::fromJson(request.body);
    QVERIFY(sent.isObject());
    QCOMPARE(sent.object(), jsonOf(expected));
}

void EmbeddingsCodecsTest::tokenInput_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<bool>("refused");

    for (const QString &kind : {u"gemini"_s, u"ollama"_s, u"openai"_s, u"azure"_s}) {
        const bool textOnly = kind == "gemini"_L1 || kind == "ollama"_L1;
        QTest::addRow("%s: one token array", qPrintable(kind))
            << kind << "[15496, 995]"_ba << textOnly;
        QTest::addRow("%s: token arrays", qPrintable(kind))
            << kind << "[[15496], [995, 1]]"_ba << textOnly;
        QTest::addRow("%s: strings", qPrintable(kind)) << kind << R"(["a", "b"])"_ba << false;
    }
}

void EmbeddingsCodecsTest::tokenInput()
{
    QFETCH(QString, kind);
    QFETCH(QByteArray, input);
    QFETCH(bool, refused);

    const ProviderSettings provider = providerOf(kind, u"http://127.0.0.1:9"_s);
    const QJsonObject body{{"model"_L1, u"m"_s},
                           {"input"_L1, QJsonDocument::fromJson(input).array()}};
    const auto built =
        codecOf(provider)->chatRequest(embeddingsCall(&provider, "k"_ba, u"m"_s, body));
    if (!refused) {
        QVERIFY(std::holds_alternative<UpstreamRequest>(built));
        return;
    }
    QVERIFY(std::holds_alternative<ApiError>(built));
    const ApiError &error = std::get<ApiError>(built);
    QCOMPARE(error.status, 400);
    QCOMPARE(error.type, u"invalid_request_error"_s);
    QCOMPARE(error.param, u"input"_s);
    QVERIFY2(!error.retryable, "another provider would not read token ids either");
    const QString api = kind == "gemini"_L1 ? u"Gemini"_s : u"Ollama"_s;
    QVERIFY2(error.message.startsWith(api + u" takes text only"_s), qPrintable(error.message));
}

void EmbeddingsCodecsTest::decodesRecordedAnswer_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<bool>("base64");
    QTest::addColumn<QString>("model");
    QTest::addColumn<qint64>("promptTokens");
    QTest::addColumn<bool>("usageKnown");

    const QByteArray three =
        R"(["What is the meaning of life?", "How much wood would a woodchuck chuck?", "How does the brain work?"])"_ba;
    // openai and azure relay the recorded answer as it is (base64 is the provider's job).
    QTest::newRow("openai") << u"openai"_s << R"("The food was delicious and the waiter...")"_ba
                            << false << u"text-embedding-ada-002"_s << qint64(8) << true;
    QTest::newRow("azure") << u"azure"_s << R"("The food was delicious and the waiter...")"_ba
                           << false << u"text-embedding-ada-002"_s << qint64(8) << true;
    // Gemini reports no tokens and names no model: the upstream model, 0, unknown.
    QTest::newRow("gemini floats")
        << u"gemini"_s << three << false << u"embedding-001"_s << qint64(0) << false;
    QTest::newRow("gemini base64")
        << u"gemini"_s << three << true << u"embedding-001"_s << qint64(0) << false;
    QTest::newRow("ollama floats") << u"ollama"_s << R"("Why is the sky blue?")"_ba << false
                                   << u"all-minilm"_s << qint64(8) << true;
    QTest::newRow("ollama base64") << u"ollama"_s << R"(["Why is the sky blue?"])"_ba << true
                                   << u"all-minilm"_s << qint64(8) << true;
}

void EmbeddingsCodecsTest::decodesRecordedAnswer()
{
    QFETCH(QString, kind);
    QFETCH(QByteArray, input);
    QFETCH(bool, base64);
    QFETCH(QString, model);
    QFETCH(qint64, promptTokens);
    QFETCH(bool, usageKnown);

    const ProviderSettings provider = providerOf(kind, u"http://127.0.0.1:9"_s);
    QJsonObject body = jsonOf(R"({"model":"alias","input":)"_ba + input + "}");
    if (base64)
        body.insert("encoding_format"_L1, u"base64"_s);
    // Ollama names its model in the answer; Gemini does not, so the upstream model is used.
    const QString upstream = kind == "ollama"_L1 ? u"all-minilm:latest"_s : u"embedding-001"_s;
    const QByteArray recorded = fixtureOf(kind);
    QVERIFY(!recorded.isEmpty());

    const ChatResult result =
        codecOf(provider)->decodeChat(embeddingsCall(&provider, "k"_ba, upstream, body), recorded);
    QVERIFY2(!result.error, qPrintable(result.error ? result.error->message : QString()));
    if (kind == "openai"_L1 || kind == "azure"_L1)
        QCOMPARE(result.body, recorded); // relayed byte for byte
    const QJsonObject list = jsonOf(result.body);
    verifyList(list, fixtureVectors(kind, recorded), base64);
    if (QTest::currentTestFailed())
        return;
    QCOMPARE(list.value("model"_L1).toString(), model);
    const QJsonObject usage = list.value("usage"_L1).toObject();
    QCOMPARE(usage.value("prompt_tokens"_L1).toInteger(), promptTokens);
    QCOMPARE(usage.value("total_tokens"_L1).toInteger(), promptTokens);
    QCOMPARE(result.usage.prompt, promptTokens);
    QCOMPARE(result.usage.completion, qint64(0));
    QCOMPARE(result.usage.known, usageKnown);
}

void EmbeddingsCodecsTest::errorsMapAsTheAdapterMapsThem_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<bool>("relayed");

    const QByteArray openAi400 =
        R"({"error":{"message":"'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference.","type":"invalid_request_error","param":null,"code":null}})"_ba;
    QTest::newRow("openai 400") << u"openai"_s << 400 << openAi400 << true;
    QTest::newRow("openai 429") << u"openai"_s << 429
                                << readFixture(u"openai"_s, u"error_429_rate_limit_exceeded.json"_s)
                                << true;
    QTest::newRow("azure 400")
        << u"azure"_s << 400
        << R"({"error":{"code":"400","message":"Too many inputs. The max number of inputs is 2048."}})"_ba
        << true;
    QTest::newRow("azure 429") << u"azure"_s << 429
                               << readFixture(u"azure"_s, u"error_429_rate_limit.composed.json"_s)
                               << true;
    QTest::newRow("gemini 400")
        << u"gemini"_s << 400
        << R"({"error":{"code":400,"message":"* BatchEmbedContentsRequest.requests: at most 100 requests can be in one batch\n","status":"INVALID_ARGUMENT"}})"_ba
        << false;
    // Gemini answers a bad key with 400 API_KEY_INVALID; the adapter makes it the 401 it is.
    QTest::newRow("gemini 400 bad key")
        << u"gemini"_s << 400 << readFixture(u"gemini"_s, u"error_400_api_key_invalid.json"_s)
        << false;
    QTest::newRow("gemini 429") << u"gemini"_s << 429
                                << readFixture(u"gemini"_s, u"error_429_resource_exhausted.json"_s)
                                << false;
    QTest::newRow("ollama 400") << u"ollama"_s << 400 << R"({"error":"invalid input type"})"_ba
                                << false;
    QTest::newRow("ollama 429") << u"ollama"_s << 429
                                << R"({"error":"rate limit exceeded, please try again later"})"_ba
                                << false;
}

void EmbeddingsCodecsTest::errorsMapAsTheAdapterMapsThem()
{
    QFETCH(QString, kind);
    QFETCH(int, status);
    QFETCH(QByteArray, body);
    QFETCH(bool, relayed);

    QVERIFY(!body.isEmpty());
    const ProviderSettings provider = providerOf(kind, u"http://127.0.0.1:9"_s);
    const ApiError mapped = codecOf(provider)->mapError(status, body, "application/json"_ba);
    const ApiError chat = adapterFor(provider.kind)->mapError(status, body, "application/json"_ba);
    QCOMPARE(mapped.status, body.contains("API_KEY_INVALID") ? 401 : status);
    QCOMPARE(mapped.retryable, status == 429);
    QVERIFY(!mapped.message.isEmpty());
    QCOMPARE(!mapped.upstreamBody.isEmpty(), relayed);
    // The same mapping as the adapter's chat errors, field for field.
    QCOMPARE(mapped.status, chat.status);
    QCOMPARE(mapped.type, chat.type);
    QCOMPARE(mapped.code, chat.code);
    QCOMPARE(mapped.message, chat.message);
    QCOMPARE(mapped.param, chat.param);
    QCOMPARE(mapped.retryable, chat.retryable);
    QCOMPARE(mapped.upstreamBody, chat.upstreamBody);
    if (kind == "azure"_L1) {
        // Azure's own error bodies get the OpenAI fields they lack.
        const QJsonObject error = jsonOf(mapped.upstreamBody).value("error"_L1).toObject();
        QVERIFY(error.contains("type"_L1) && error.contains("param"_L1));
    }
}

void EmbeddingsCodecsTest::unexpectedAnswerIs502_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QByteArray>("answer");

    for (const QString &kind : {u"openai"_s, u"azure"_s, u"gemini"_s, u"ollama"_s}) {
        QTest::addRow("%s: not JSON", qPrintable(kind)) << kind << R"("hi")"_ba
                                                        << "not json at all"_ba;
        QTest::addRow("%s: an HTML page", qPrintable(kind))
            << kind << R"("hi")"_ba
            << "<html><body>Bad Gateway</body></html>"_ba;
        QTest::addRow("%s: a JSON array", qPrintable(kind)) << kind << R"("hi")"_ba
                                                            << "[1, 2]"_ba;
        QTest::addRow("%s: another object", qPrintable(kind)) << kind << R"("hi")"_ba
                                                              << R"({"ok":true})"_ba;
    }
    QTest::newRow("gemini: fewer vectors than inputs")
        << u"gemini"_s << R"(["a", "b"])"_ba
        << R"({"embeddings":[{"values":[0.1, 0.2]}]})"_ba;
    QTest::newRow("gemini: values not numbers") << u"gemini"_s << R"("a")"_ba
                                                << R"({"embeddings":[{"values":["x"]}]})"_ba;
    QTest::newRow("ollama: more vectors than inputs")
        << u"ollama"_s << R"("a")"_ba
        << R"({"model":"m","embeddings":[[0.1],[0.2]]})"_ba;
    QTest::newRow("ollama: an error object") << u"ollama"_s << R"("a")"_ba
                                             << R"({"error":"model is loading"})"_ba;
}

void EmbeddingsCodecsTest::unexpectedAnswerIs502()
{
    QFETCH(QString, kind);
    QFETCH(QByteArray, input);
    QFETCH(QByteArray, answer);

    const ProviderSettings provider = providerOf(kind, u"http://127.0.0.1:9"_s);
    const QJsonObject body = jsonOf(R"({"model":"alias","input":)"_ba + input + "}");
    const ChatResult result =
        codecOf(provider)->decodeChat(embeddingsCall(&provider, "k"_ba, u"m"_s, body), answer);
    QVERIFY(result.error);
    QCOMPARE(result.error->status, 502);
    QCOMPARE(result.error->type, u"upstream_error"_s);
    QCOMPARE(result.error->code, u"bad_upstream_response"_s);
    QVERIFY(result.body.isEmpty());
}

void EmbeddingsCodecsTest::roundTripThroughTheFake_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QString>("scenario");
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<bool>("base64");
    QTest::addColumn<QByteArray>("path");

    const QByteArray texts = R"(["hello world", "a second, longer input text"])"_ba;
    struct Kind {
        const char *name;
        const char *path;
    };
    const Kind kinds[] = {
        {"openai", "/v1/embeddings"},
        {"azure", "/openai/deployments/%1/embeddings"},
        {"gemini", "/v1beta/models/%1:batchEmbedContents"},
        {"ollama", "/api/embed"},
    };
    for (const Kind &kind : kinds) {
        const QString name = QString::fromLatin1(kind.name);
        const QByteArray path = QByteArray(kind.path);
        QTest::addRow("%s floats", kind.name) << name << u"text"_s << texts << false << path;
        QTest::addRow("%s base64", kind.name) << name << u"text"_s << texts << true << path;
        QTest::addRow("%s one string", kind.name)
            << name << u"text"_s << R"("just one")"_ba << false << path;
        QTest::addRow("%s 429", kind.name) << name << u"error-429"_s << texts << false << path;
        QTest::addRow("%s garbage", kind.name) << name << u"garbage"_s << texts << false << path;
    }
    QTest::newRow("openai token ids")
        << u"openai"_s << u"text"_s << "[[1, 2, 3], [4, 5]]"_ba << true << "/v1/embeddings"_ba;
    QTest::newRow("azure token ids") << u"azure"_s << u"text"_s << "[15496, 995]"_ba << false
                                     << "/openai/deployments/%1/embeddings"_ba;
}

void EmbeddingsCodecsTest::roundTripThroughTheFake()
{
    QFETCH(QString, kind);
    QFETCH(QString, scenario);
    QFETCH(QByteArray, input);
    QFETCH(bool, base64);
    QFETCH(QByteArray, path);

    const QByteArray key = "sk-embed-" + kind.toLatin1();
    FakeUpstream fake(makeFakeDialect(kind), key);
    QVERIFY2(fake.listen(), qPrintable(fake.errorString()));
    const ProviderSettings provider =
        providerOf(kind, kind == "openai"_L1 ? fake.baseUrl() : fake.origin());
    QJsonObject body = jsonOf(R"({"model":"alias","dimensions":8,"input":)"_ba + input + "}");
    if (base64)
        body.insert("encoding_format"_L1, u"base64"_s);
    const ChatCall call = embeddingsCall(&provider, key, scenario, body);
    const ChatCodec *codec = codecOf(provider);
    const auto built = codec->chatRequest(call);
    QVERIFY(std::holds_alternative<UpstreamRequest>(built));

    ProviderTransport transport(provider.proxy);
    UpstreamCall *exchange =
        transport.start(std::get<UpstreamRequest>(built), provider.policy, false, this);
    QByteArray answer;
    connect(exchange, &UpstreamCall::dataReceived, this,
            [&answer](const QByteArray &bytes) { answer.append(bytes); });
    QSignalSpy finished(exchange, &UpstreamCall::finished);
    QVERIFY(finished.wait(5000));
    const int status = exchange->httpStatus();
    const QByteArray contentType = exchange->responseHeader("content-type");
    delete exchange;

    QCOMPARE(fake.requests().size(), 1);
    QCOMPARE(fake.lastRequest().pathOnly(), QByteArray(path).replace("%1", scenario.toLatin1()));

    if (scenario == "error-429"_L1) {
        QCOMPARE(status, 429);
        const ApiError error = codec->mapError(status, answer, contentType);
        QCOMPARE(error.status, 429);
        QVERIFY(error.retryable);
        return;
    }
    QCOMPARE(status, 200);
    const ChatResult result = codec->decodeChat(call, answer);
    if (scenario == "garbage"_L1) {
        QVERIFY(result.error);
        QCOMPARE(result.error->status, 502);
        QCOMPARE(result.error->code, u"bad_upstream_response"_s);
        return;
    }
    QVERIFY2(!result.error, qPrintable(result.error ? result.error->message : QString()));

    // What the fakes embed: each text, or a token input's ids as "1,2,3".
    QList<QList<double>> expected;
    qint64 tokens = 0;
    const QJsonValue inputs = body.value("input"_L1);
    const QJsonArray items = inputs.isString() ? QJsonArray{inputs} : inputs.toArray();
    if (!items.isEmpty() && items.first().isDouble()) {
        expected.append(fakeEmbedding(fakeTokensText(items), 8));
        tokens = items.size();
    } else {
        for (const QJsonValue &item : items) {
            if (item.isArray()) {
                expected.append(fakeEmbedding(fakeTokensText(item.toArray()), 8));
                tokens += item.toArray().size();
            } else {
                expected.append(fakeEmbedding(item.toString(), 8));
                tokens += fakeTokenCount(item.toString());
            }
        }
    }
    const QJsonObject list = jsonOf(result.body);
    verifyList(list, expected, base64);
    if (QTest::currentTestFailed())
        return;
    const bool counted = kind != "gemini"_L1;
    QCOMPARE(result.usage.known, counted);
    QCOMPARE(result.usage.prompt, counted ? tokens : 0);
    QCOMPARE(list.value("usage"_L1).toObject().value("prompt_tokens"_L1).toInteger(),
             counted ? tokens : 0);
}

QTEST_GUILESS_MAIN(EmbeddingsCodecsTest)

#include "tst_embeddings_codecs.moc"
