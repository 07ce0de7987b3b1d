// The exact-match response cache as a building block: the request key, the store (TTL
// on an injected clock, byte cap, LRU eviction, live limits), and the conversions that
// let one entry serve both kinds of client: a non-stream answer replayed as a strict
// OpenAI stream, and a recorded stream reassembled into a chat.completion. Streams come
// from the recorded OpenAI and DeepSeek fixtures.

#include "cache/CachedAnswer.h"
#include "cache/ResponseCache.h"
#include "cache/StreamCapture.h"
#include "openai/OpenAiStreamDecoder.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QMap>
#include <QTest>
#include <limits>

using namespace onegate;
using namespace Qt::StringLiterals;

namespace {

QByteArray fixtureBytes(const QString &name)
{
    QFile file(QStringLiteral(ONEGATE_TEST_DATA "/fixtures/") + name);
    if (!file.open(QIODevice::ReadOnly))
        qFatal("missing fixture %s", qPrintable(name));
    return file.readAll();
}

QJsonObject jsonOf(const QByteArray &bytes)
{
    return QJsonDocument::fromJson(bytes).object();
}

const QString Scope = u"openai-chat|openai/gpt-4o"_s;

const QByteArray BaseRequest =
    R"({"model":"gpt-4o","messages":[{"role":"system","content":"Be brief."},)"
    R"({"role":"user","content":"Hi there"}],"temperature":0.2,)"
    R"("tools":[{"type":"function","function":{"name":"f","parameters":)"
    R"({"type":"object","properties":{"a":{"type":"string"}}}}}]})";

QByteArray keyOf(const QString &scope, const QByteArray &json)
{
    QJsonParseError error{};
    const QJsonDocument doc = QJsonDocument::fromJson(json, &error);
    if (error.error != QJsonParseError::NoError)
        qFatal("bad test JSON: %s", qPrintable(error.errorString()));
    return ResponseCache::openAiChatKey(scope, doc.object());
}

// A clock the test moves by hand.
struct FakeClock {
    qint64 now = 1000;
    ResponseCache::Clock clock()
    {
        return [this] { return now; };
    }
};

CacheEntry entryOfSize(int bodyBytes, qint64 promptTokens = 1)
{
    CacheEntry entry;
    entry.body = QByteArray(bodyBytes, 'x');
    entry.usage.known = true;
    entry.usage.prompt = promptTokens;
    return entry;
}

// Keys of one length, so every test entry has the same cost.
QByteArray keyNamed(const QString &name)
{
    return ResponseCache::openAiChatKey(Scope, QJsonObject{{u"name"_s, name}});
}

// A replayed stream, checked frame by frame for the SSE framing.
struct ParsedStream {
    QList<QJsonObject> chunks;
    bool done = false;
};

ParsedStream parseStream(const QByteArray &bytes)
{
    ParsedStream parsed;
    const QList<QByteArray> frames = bytes.split('\n');
    // "data: X\n\n" per frame: every even line is data, every odd line empty.
    [&] {
        QVERIFY2(bytes.endsWith("\n\n"), bytes.right(40).constData());
        // The last piece is the empty one after the final "\n".
        for (qsizetype i = 0; i + 1 < frames.size(); i += 2) {
            const QByteArray &line = frames.at(i);
            QVERIFY2(frames.at(i + 1).isEmpty(), line.constData());
            QVERIFY2(line.startsWith("data: "), line.constData());
            QVERIFY2(!parsed.done, "a frame after [DONE]");
            const QByteArray data = line.mid(6);
            if (data == "[DONE]") {
                parsed.done = true;
                continue;
            }
            QJsonParseError error{};
            const QJsonDocument doc = QJsonDocument::fromJson(data, &error);
            QVERIFY2(error.error == QJsonParseError::NoError && doc.isObject(), data.constData());
            parsed.chunks.append(doc.object());
        }
    }();
    return parsed;
}

// What the gateway's sink would be handed during a replay.
struct RecordingSink final : ChatStreamSink {
    QByteArray bytes;
    QList<TokenUsage> usages;
    QByteArray terminator;
    int completions = 0;
    int failures = 0;

    void streamFrame(const QByteArray &frame, bool) override { bytes += frame; }
    void streamUsage(const TokenUsage &usage) override { usages.append(usage); }
    void streamCompleted(const QByteArray &done) override
    {
        terminator = done;
        bytes += done;
        ++completions;
    }
    void streamFailed(const ApiError &) override { ++failures; }
};

// Fans one sink call out to two sinks, as the gateway would tee its stream to a capture.
struct TeeSink final : ChatStreamSink {
    ChatStreamSink &a;
    ChatStreamSink &b;
    TeeSink(ChatStreamSink &first, ChatStreamSink &second)
        : a(first)
        , b(second)
    {
    }
    void streamFrame(const QByteArray &frame, bool content) override
    {
        a.streamFrame(frame, content);
        b.streamFrame(frame, content);
    }
    void streamUsage(const TokenUsage &usage) override
    {
        a.streamUsage(usage);
        b.streamUsage(usage);
    }
    void streamCompleted(const QByteArray &terminator) override
    {
        a.streamCompleted(terminator);
        b.streamCompleted(terminator);
    }
    void streamFailed(const ApiError &error) override
    {
        a.streamFailed(error);
        b.streamFailed(error);
    }
};

const QByteArray TextStream = "openai/chat_stream_text_include_usage.sse";

} // namespace

class TestResponseCache final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    // --- key
    void keyIgnoresStreamSettingsAndLayout_data();
    void keyIgnoresStreamSettingsAndLayout();
    void keyChangesWithEverythingElse_data();
    void keyChangesWithEverythingElse();

    // --- store
    void hitAndMiss();
    void ttlExpiry_data();
    void ttlExpiry();
    void ttlCountsFromStoreNotFromUse();
    void lruEvictionByByteCap_data();
    void lruEvictionByByteCap();
    void expiredEntriesGoBeforeLiveOnes();
    void oversizeEntryNotStored();
    void setLimitsAppliesAtOnce_data();
    void setLimitsAppliesAtOnce();
    void clearEmptiesEverything();

    // --- non-stream answers into the cache
    void fromResult_data();
    void fromResult();

    // --- replay as a stream
    void replayAsStream_data();
    void replayAsStream();
    void replayReportsUsageToTheSink();
    void replayRefusesWhatItCannotReplay_data();
    void replayRefusesWhatItCannotReplay();

    // --- streams into the cache
    void reassembleStream_data();
    void reassembleStream();
    void reassembleThroughTheDecoderWithHiddenUsage();
    void streamRoundTrip_data();
    void streamRoundTrip();
    void incompleteStreamGivesNoEntry_data();
    void incompleteStreamGivesNoEntry();
    void failedStreamGivesNoEntry_data();
    void failedStreamGivesNoEntry();
    void captureGivesUpPastItsLimit();
};

// ---------------------------------------------------------------------------- key

void TestResponseCache::keyIgnoresStreamSettingsAndLayout_data()
{
    QTest::addColumn<QByteArray>("variant");

    QByteArray withStream = BaseRequest;
    withStream.chop(1);
    QTest::newRow("stream true") << withStream + R"(,"stream":true})";
    QTest::newRow("stream false") << withStream + R"(,"stream":false})";
    QTest::newRow("stream_options include_usage")
        << withStream + R"(,"stream":true,"stream_options":{"include_usage":true}})";
    QTest::newRow("stream_options without usage")
        << withStream + R"(,"stream_options":{"include_usage":false}})";
    QTest::newRow("key order and whitespace, nested too") << QByteArray(R"(
        {
          "tools" : [ { "function" : { "parameters" : { "properties" : { "a" : { "type" : "string" } },
                                                       "type" : "object" },
                                      "name" : "f" },
                        "type" : "function" } ],
          "temperature" : 0.2,
          "messages" : [ { "content" : "Be brief.", "role" : "system" },
                         { "content" : "Hi there", "role" : "user" } ],
          "model" : "gpt-4o"
        })");
    QTest::newRow("same number spelt differently")
        << QByteArray(BaseRequest).replace("0.2", "2.0e-1");
}

void TestResponseCache::keyIgnoresStreamSettingsAndLayout()
{
    QFETCH(QByteArray, variant);
    const QByteArray base = keyOf(Scope, BaseRequest);
    QCOMPARE(base.size(), 64); // SHA-256 as hex
    QCOMPARE(keyOf(Scope, variant), base);
}

void TestResponseCache::keyChangesWithEverythingElse_data()
{
    QTest::addColumn<QString>("scope");
    QTest::addColumn<QByteArray>("variant");

    auto changed = [](const char *from, const char *to) {
        return QByteArray(BaseRequest).replace(from, to);
    };
    QByteArray added = BaseRequest;
    added.chop(1);

    QTest::newRow("message text") << Scope << changed("Hi there", "Hi there!");
    QTest::newRow("whitespace inside a message") << Scope << changed("Hi there", "Hi  there");
    QTest::newRow("system prompt") << Scope << changed("Be brief.", "Be thorough.");
    QTest::newRow("message role") << Scope
                                  << changed(R"("role":"system")", R"("role":"developer")");
    QTest::newRow("messages reordered")
        << Scope
        << QByteArray(R"({"model":"gpt-4o","messages":[{"role":"user","content":"Hi there"},)"
                      R"({"role":"system","content":"Be brief."}],"temperature":0.2,)"
                      R"("tools":[{"type":"function","function":{"name":"f","parameters":)"
                      R"({"type":"object","properties":{"a":{"type":"string"}}}}}]})");
    QTest::newRow("temperature") << Scope << changed("0.2", "0.3");
    QTest::newRow("temperature absent") << Scope << changed(R"("temperature":0.2,)", "");
    QTest::newRow("max_tokens") << Scope << added + R"(,"max_tokens":100})";
    QTest::newRow("n") << Scope << added + R"(,"n":2})";
    QTest::newRow("tool schema") << Scope << changed(R"("type":"string")", R"("type":"number")");
    QTest::newRow("model field") << Scope << changed("gpt-4o", "gpt-4o-mini");
    QTest::newRow("other resolved model") << u"openai-chat|azure/gpt-4o"_s << BaseRequest;
    QTest::newRow("other endpoint") << u"anthropic-messages|openai/gpt-4o"_s << BaseRequest;
    QTest::newRow("empty scope") << QString() << BaseRequest;
}

void TestResponseCache::keyChangesWithEverythingElse()
{
    QFETCH(QString, scope);
    QFETCH(QByteArray, variant);
    QVERIFY(keyOf(scope, variant) != keyOf(Scope, BaseRequest));
}

// ---------------------------------------------------------------------------- store

void TestResponseCache::hitAndMiss()
{
    FakeClock time;
    ResponseCache cache(time.clock());
    QCOMPARE(cache.ttlSeconds(), ResponseCache::DefaultTtlSeconds);
    QCOMPARE(cache.maxBytes(), ResponseCache::DefaultMaxBytes);

    const QByteArray key = keyOf(Scope, BaseRequest);
    const CacheEntry entry{fixtureBytes(u"openai/chat_response_text_recorded.json"_s),
                           TokenUsage{14, 37, 0, 0, 0, true}};
    QVERIFY(!cache.lookup(key));
    QVERIFY(cache.store(key, entry));
    QCOMPARE(cache.size(), 1);
    QCOMPARE(cache.bytes(), ResponseCache::costOf(key, entry));

    const std::optional<CacheEntry> hit = cache.lookup(key);
    QVERIFY(hit);
    QCOMPARE(hit->body, entry.body);
    QCOMPARE(hit->usage.prompt, 14);
    QCOMPARE(hit->usage.completion, 37);
    QVERIFY(hit->usage.known);

    QVERIFY(!cache.lookup(keyOf(Scope, QByteArray(BaseRequest).replace("Hi there", "Bye"))));
    QVERIFY(!cache.lookup(keyOf(u"other"_s, BaseRequest)));

    // The same key again replaces the entry and its share of the bytes.
    const CacheEntry smaller = entryOfSize(10, 3);
    QVERIFY(cache.store(key, smaller));
    QCOMPARE(cache.size(), 1);
    QCOMPARE(cache.bytes(), ResponseCache::costOf(key, smaller));
    QCOMPARE(cache.lookup(key)->usage.prompt, 3);
}

void TestResponseCache::ttlExpiry_data()
{
    QTest::addColumn<qint64>("ttlSeconds");
    QTest::addColumn<qint64>("elapsedMs");
    QTest::addColumn<bool>("hit");

    QTest::newRow("fresh") << qint64(10) << qint64(0) << true;
    QTest::newRow("one ms before the ttl") << qint64(10) << qint64(9999) << true;
    QTest::newRow("at the ttl") << qint64(10) << qint64(10000) << false;
    QTest::newRow("long after") << qint64(10) << qint64(3600 * 1000) << false;
    QTest::newRow("default ttl, 59 min")
        << ResponseCache::DefaultTtlSeconds << qint64(59 * 60 * 1000) << true;
    QTest::newRow("default ttl, 61 min")
        << ResponseCache::DefaultTtlSeconds << qint64(61 * 60 * 1000) << false;
    QTest::newRow("huge ttl does not overflow")
        << std::numeric_limits<qint64>::max() / 10 << qint64(3600 * 1000) << true;
}

void TestResponseCache::ttlExpiry()
{
    QFETCH(qint64, ttlSeconds);
    QFETCH(qint64, elapsedMs);
    QFETCH(bool, hit);

    FakeClock time;
    ResponseCache cache(time.clock());
    cache.setLimits(ttlSeconds, ResponseCache::DefaultMaxBytes);
    const QByteArray key = keyNamed(u"a"_s);
    QVERIFY(cache.store(key, entryOfSize(100)));
    time.now += elapsedMs;
    QCOMPARE(bool(cache.lookup(key)), hit);
    // An expired entry is dropped on sight, with its bytes.
    QCOMPARE(cache.size(), hit ? 1 : 0);
    QCOMPARE(cache.bytes(), hit ? ResponseCache::costOf(key, entryOfSize(100)) : 0);
}

void TestResponseCache::ttlCountsFromStoreNotFromUse()
{
    FakeClock time;
    ResponseCache cache(time.clock());
    cache.setLimits(10, 1 << 20);
    const QByteArray key = keyNamed(u"a"_s);
    QVERIFY(cache.store(key, entryOfSize(100)));
    time.now += 6000;
    QVERIFY(cache.lookup(key));
    time.now += 4000;
    QVERIFY(!cache.lookup(key));
    // Storing again starts a new life.
    QVERIFY(cache.store(key, entryOfSize(100)));
    time.now += 9000;
    QVERIFY(cache.lookup(key));
}

void TestResponseCache::lruEvictionByByteCap_data()
{
    // Operations: "s:x" stores x, "l:x" looks x up. The cap holds exactly three entries.
    QTest::addColumn<QStringList>("operations");
    QTest::addColumn<QStringList>("survivors");

    QTest::newRow("untouched: the oldest goes")
        << QStringList{u"s:a"_s, u"s:b"_s, u"s:c"_s, u"s:d"_s}
        << QStringList{u"b"_s, u"c"_s, u"d"_s};
    QTest::newRow("a lookup protects the oldest")
        << QStringList{u"s:a"_s, u"s:b"_s, u"s:c"_s, u"l:a"_s, u"s:d"_s}
        << QStringList{u"a"_s, u"c"_s, u"d"_s};
    QTest::newRow("least recently used, not least recently stored")
        << QStringList{u"s:a"_s, u"s:b"_s, u"s:c"_s, u"l:a"_s, u"l:b"_s, u"s:d"_s, u"s:e"_s}
        << QStringList{u"b"_s, u"d"_s, u"e"_s};
    QTest::newRow("storing again counts as use")
        << QStringList{u"s:a"_s, u"s:b"_s, u"s:c"_s, u"s:a"_s, u"s:d"_s}
        << QStringList{u"a"_s, u"c"_s, u"d"_s};
    QTest::newRow("a miss touches nothing")
        << QStringList{u"s:a"_s, u"s:b"_s, u"s:c"_s, u"l:zz"_s, u"s:d"_s}
        << QStringList{u"b"_s, u"c"_s, u"d"_s};
    QTest::newRow("several evictions in a row")
        << QStringList{u"s:a"_s, u"s:b"_s, u"s:c"_s, u"s:d"_s, u"s:e"_s, u"s:f"_s}
        << QStringList{u"d"_s, u"e"_s, u"f"_s};
}

void TestResponseCache::lruEvictionByByteCap()
{
    QFETCH(QStringList, operations);
    QFETCH(QStringList, survivors);

    FakeClock time;
    ResponseCache cache(time.clock());
    const qint64 cost = ResponseCache::costOf(keyNamed(u"a"_s), entryOfSize(100));
    cache.setLimits(60, 3 * cost + cost / 2);

    for (const QString &operation : std::as_const(operations)) {
        time.now += 10;
        const QByteArray key = keyNamed(operation.mid(2));
        if (operation.startsWith(u"s:"))
            QVERIFY(cache.store(key, entryOfSize(100)));
        else
            cache.lookup(key);
        QVERIFY(cache.bytes() <= cache.maxBytes());
    }
    QCOMPARE(cache.size(), int(survivors.size()));
    QCOMPARE(cache.bytes(), survivors.size() * cost);
    for (const QString &name : {u"a"_s, u"b"_s, u"c"_s, u"d"_s, u"e"_s, u"f"_s})
        QCOMPARE(bool(cache.lookup(keyNamed(name))), survivors.contains(name));
}

void TestResponseCache::expiredEntriesGoBeforeLiveOnes()
{
    FakeClock time;
    ResponseCache cache(time.clock());
    const qint64 cost = ResponseCache::costOf(keyNamed(u"a"_s), entryOfSize(100));
    cache.setLimits(10, 2 * cost);

    QVERIFY(cache.store(keyNamed(u"a"_s), entryOfSize(100)));
    time.now += 5000;
    QVERIFY(cache.store(keyNamed(u"b"_s), entryOfSize(100)));
    time.now += 4000;
    QVERIFY(cache.lookup(keyNamed(u"a"_s))); // a is now the most recently used...
    time.now += 2000;                        // ...but has expired; b has not
    QVERIFY(cache.store(keyNamed(u"c"_s), entryOfSize(100)));
    QCOMPARE(cache.size(), 2);
    QVERIFY(cache.lookup(keyNamed(u"b"_s)));
    QVERIFY(cache.lookup(keyNamed(u"c"_s)));
}

void TestResponseCache::oversizeEntryNotStored()
{
    FakeClock time;
    ResponseCache cache(time.clock());
    const QByteArray small = keyNamed(u"small"_s);
    const QByteArray big = keyNamed(u"big"_s);
    cache.setLimits(60, 1000);

    QVERIFY(cache.store(small, entryOfSize(100)));
    const qint64 before = cache.bytes();

    // One byte over the cap: refused, and nothing else is disturbed.
    const int tooLarge = int(1000 - big.size() + 1);
    QVERIFY(!cache.store(big, entryOfSize(tooLarge)));
    QVERIFY(!cache.lookup(big));
    QCOMPARE(cache.size(), 1);
    QCOMPARE(cache.bytes(), before);
    QVERIFY(cache.lookup(small));

    // Exactly the cap fits, at the cost of everything else.
    QVERIFY(cache.store(big, entryOfSize(tooLarge - 1)));
    QCOMPARE(cache.bytes(), 1000);
    QCOMPARE(cache.size(), 1);
    QVERIFY(cache.lookup(big));
    QVERIFY(!cache.lookup(small));
}

void TestResponseCache::setLimitsAppliesAtOnce_data()
{
    // Entries a (stored at 0 s), b (20 s), c (40 s); at 50 s, a is looked up, so the
    // LRU order is a, c, b. Limits are then changed; sizes are in entries.
    QTest::addColumn<qint64>("ttlSeconds");
    QTest::addColumn<int>("maxEntries");
    QTest::addColumn<QStringList>("survivors");
    QTest::addColumn<bool>("storesAfter");

    QTest::newRow("cap to two: least recently used goes")
        << qint64(100) << 2 << QStringList{u"a"_s, u"c"_s} << true;
    QTest::newRow("cap to one") << qint64(100) << 1 << QStringList{u"a"_s} << true;
    QTest::newRow("ttl to 40 s: a is 50 s old")
        << qint64(40) << 10 << QStringList{u"b"_s, u"c"_s} << true;
    QTest::newRow("ttl to 20 s: a and b too old")
        << qint64(20) << 10 << QStringList{u"c"_s} << true;
    QTest::newRow("both: expired first, then LRU")
        << qint64(40) << 1 << QStringList{u"c"_s} << true;
    QTest::newRow("growing keeps everything")
        << qint64(1000) << 100 << QStringList{u"a"_s, u"b"_s, u"c"_s} << true;
    QTest::newRow("ttl 0: nothing kept") << qint64(0) << 10 << QStringList{} << false;
    QTest::newRow("cap 0: nothing kept") << qint64(100) << 0 << QStringList{} << false;
}

void TestResponseCache::setLimitsAppliesAtOnce()
{
    QFETCH(qint64, ttlSeconds);
    QFETCH(int, maxEntries);
    QFETCH(QStringList, survivors);
    QFETCH(bool, storesAfter);

    FakeClock time;
    time.now = 0;
    ResponseCache cache(time.clock());
    const qint64 cost = ResponseCache::costOf(keyNamed(u"a"_s), entryOfSize(100));
    cache.setLimits(100, 10 * cost);
    for (const QString &name : {u"a"_s, u"b"_s, u"c"_s}) {
        QVERIFY(cache.store(keyNamed(name), entryOfSize(100)));
        time.now += 20000;
    }
    time.now = 50000;
    QVERIFY(cache.lookup(keyNamed(u"a"_s)));

    cache.setLimits(ttlSeconds, maxEntries * cost);
    // At once, before any lookup.
    QCOMPARE(cache.size(), int(survivors.size()));
    QCOMPARE(cache.bytes(), survivors.size() * cost);
    for (const QString &name : {u"a"_s, u"b"_s, u"c"_s})
        QCOMPARE(bool(cache.lookup(keyNamed(name))), survivors.contains(name));
    QCOMPARE(cache.store(keyNamed(u"d"_s), entryOfSize(100)), storesAfter);
}

void TestResponseCache::clearEmptiesEverything()
{
    FakeClock time;
    ResponseCache cache(time.clock());
    QVERIFY(cache.store(keyNamed(u"a"_s), entryOfSize(100)));
    QVERIFY(cache.store(keyNamed(u"b"_s), entryOfSize(100)));
    cache.clear();
    QCOMPARE(cache.size(), 0);
    QCOMPARE(cache.bytes(), 0);
    QVERIFY(!cache.lookup(keyNamed(u"a"_s)));
    QVERIFY(cache.store(keyNamed(u"a"_s), entryOfSize(100)));
    QCOMPARE(cache.size(), 1);
}

// ---------------------------------------------------------------------------- non-stream in

void TestResponseCache::fromResult_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<bool>("withError");
    QTest::addColumn<bool>("usageKnown");
    QTest::addColumn<bool>("cached");
    QTest::addColumn<qint64>("promptTokens");

    const QByteArray text = fixtureBytes(u"openai/chat_response_text_recorded.json"_s);
    QTest::newRow("text answer, usage from the adapter")
        << text << false << true << true << qint64(999);
    QTest::newRow("text answer, usage from the body")
        << text << false << false << true << qint64(14);
    QTest::newRow("tool call answer")
        << fixtureBytes(u"openai/chat_response_tool_call_recorded.json"_s) << false << false << true
        << qint64(48);
    QTest::newRow("finish length is a normal answer")
        << fixtureBytes(u"openai/chat_response_finish_length_recorded.json"_s) << false << false
        << true << qint64(79);
    QTest::newRow("an error result") << text << true << true << false << qint64(0);
    QTest::newRow("an error body") << fixtureBytes(u"openai/error_500_server_error.composed.json"_s)
                                   << false << false << false << qint64(0);
    QTest::newRow("not JSON") << QByteArray("<html>bad gateway</html>") << false << false << false
                              << qint64(0);
    QTest::newRow("no choices") << QByteArray(
                                       R"({"id":"x","object":"chat.completion","choices":[]})")
                                << false << false << false << qint64(0);
    QTest::newRow("no finish_reason")
        << QByteArray(
               R"({"id":"x","choices":[{"index":0,"message":{"role":"assistant","content":"hi"},"finish_reason":null}]})")
        << false << false << false << qint64(0);
}

void TestResponseCache::fromResult()
{
    QFETCH(QByteArray, body);
    QFETCH(bool, withError);
    QFETCH(bool, usageKnown);
    QFETCH(bool, cached);
    QFETCH(qint64, promptTokens);

    ChatResult result;
    result.body = body;
    if (usageKnown)
        result.usage = TokenUsage{999, 1, 0, 0, 0, true};
    if (withError)
        result.error = ApiError::make(502, u"upstream_error"_s, {}, u"boom"_s);

    const std::optional<CacheEntry> entry = CachedAnswer::fromResult(result);
    QCOMPARE(bool(entry), cached);
    if (!entry)
        return;
    QCOMPARE(entry->body, body); // byte for byte: a non-stream hit is the original answer
    QVERIFY(entry->usage.known);
    QCOMPARE(entry->usage.prompt, promptTokens);
}

// ---------------------------------------------------------------------------- replay out

void TestResponseCache::replayAsStream_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<bool>("includeUsage");

    const QByteArray reasoning =
        R"({"id":"r-1","object":"chat.completion","created":1759299469,"model":"deepseek-reasoner",)"
        R"("choices":[{"index":0,"message":{"role":"assistant","content":"Hello!",)"
        R"("reasoning_content":"The user greets me.","refusal":null},"logprobs":null,"finish_reason":"stop"}],)"
        R"("usage":{"prompt_tokens":6,"completion_tokens":20,"total_tokens":26,)"
        R"("completion_tokens_details":{"reasoning_tokens":12}}})";
    const QByteArray textAndTool =
        R"({"id":"t-1","object":"chat.completion","created":1759075956,"model":"deepseek-chat",)"
        R"("choices":[{"index":0,"message":{"role":"assistant","content":"Checking.","tool_calls":)"
        R"([{"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\"location\": \"Tokyo\"}"}}]},)"
        R"("logprobs":null,"finish_reason":"tool_calls"}],)"
        R"("usage":{"prompt_tokens":161,"completion_tokens":25,"total_tokens":186}})";
    const QByteArray refusal =
        R"({"id":"f-1","object":"chat.completion","created":1727346142,"model":"gpt-4o",)"
        R"("choices":[{"index":0,"message":{"role":"assistant","content":null,"refusal":"I can't help with that."},)"
        R"("logprobs":null,"finish_reason":"stop"}],)"
        R"("usage":{"prompt_tokens":10,"completion_tokens":7,"total_tokens":17}})";

    const struct {
        const char *name;
        QByteArray body;
    } bodies[] = {
        {"text", fixtureBytes(u"openai/chat_response_text_recorded.json"_s)},
        {"tool call", fixtureBytes(u"openai/chat_response_tool_call_recorded.json"_s)},
        {"parallel tool calls",
         fixtureBytes(u"openai/chat_response_parallel_tool_calls_recorded.json"_s)},
        {"finish length", fixtureBytes(u"openai/chat_response_finish_length_recorded.json"_s)},
        {"reasoning", reasoning},
        {"text and tool call", textAndTool},
        {"refusal", refusal},
    };
    for (const auto &[name, body] : bodies) {
        QTest::addRow("%s, no usage", name) << body << false;
        QTest::addRow("%s, include_usage", name) << body << true;
    }
}

void TestResponseCache::replayAsStream()
{
    QFETCH(QByteArray, body);
    QFETCH(bool, includeUsage);

    const QJsonObject completion = jsonOf(body);
    const QJsonObject choice = completion.value(u"choices"_s).toArray().first().toObject();
    const QJsonObject message = choice.value(u"message"_s).toObject();
    const QJsonArray expectedCalls = message.value(u"tool_calls"_s).toArray();

    const std::optional<QByteArray> bytes = CachedAnswer::toStreamBytes({body, {}}, includeUsage);
    QVERIFY(bytes);
    const ParsedStream stream = parseStream(*bytes);
    if (QTest::currentTestFailed())
        return;
    QVERIFY(stream.done);
    QVERIFY(bytes->endsWith("data: [DONE]\n\n"));
    QVERIFY(!stream.chunks.isEmpty());

    QString content;
    QString reasoning;
    QString refusal;
    QMap<int, QString> ids;
    QMap<int, QString> names;
    QMap<int, QString> arguments;
    QString finishReason;
    int usageChunks = 0;
    for (qsizetype i = 0; i < stream.chunks.size(); ++i) {
        const QJsonObject chunk = stream.chunks.at(i);
        QCOMPARE(chunk.value(u"object"_s).toString(), u"chat.completion.chunk"_s);
        QCOMPARE(chunk.value(u"id"_s), completion.value(u"id"_s));
        QCOMPARE(chunk.value(u"model"_s), completion.value(u"model"_s));
        QCOMPARE(chunk.value(u"created"_s).toInteger(), completion.value(u"created"_s).toInteger());

        const QJsonArray choices = chunk.value(u"choices"_s).toArray();
        if (choices.isEmpty()) {
            // The usage-only chunk: after the finish chunk, last before [DONE].
            QVERIFY(includeUsage);
            QVERIFY(!finishReason.isEmpty());
            QCOMPARE(i, stream.chunks.size() - 1);
            QCOMPARE(chunk.value(u"usage"_s).toObject(), completion.value(u"usage"_s).toObject());
            ++usageChunks;
            continue;
        }
        QCOMPARE(choices.size(), 1);
        const QJsonObject delta = choices.first().toObject().value(u"delta"_s).toObject();
        if (i == 0)
            QCOMPARE(delta.value(u"role"_s).toString(), u"assistant"_s);
        else
            QVERIFY(!delta.contains(u"role"_s));
        QVERIFY2(finishReason.isEmpty(), "a chunk after the finish chunk");
        content += delta.value(u"content"_s).toString();
        reasoning += delta.value(u"reasoning_content"_s).toString();
        refusal += delta.value(u"refusal"_s).toString();
        for (const QJsonValue &value : delta.value(u"tool_calls"_s).toArray()) {
            const QJsonObject call = value.toObject();
            const int index = int(call.value(u"index"_s).toInteger(-1));
            QVERIFY(index >= 0);
            const QJsonObject function = call.value(u"function"_s).toObject();
            if (call.contains(u"id"_s)) {
                QVERIFY2(!ids.contains(index), "a tool call started twice");
                ids.insert(index, call.value(u"id"_s).toString());
                names.insert(index, function.value(u"name"_s).toString());
                // Strict clients want the call's first chunk before any other call's.
                QCOMPARE(index, int(ids.size() - 1));
            } else {
                QVERIFY2(ids.contains(index), "arguments before the call's id and name");
            }
            arguments[index] += function.value(u"arguments"_s).toString();
        }
        const QJsonValue finish = choices.first().toObject().value(u"finish_reason"_s);
        if (!finish.isNull())
            finishReason = finish.toString();
    }

    QCOMPARE(content, message.value(u"content"_s).toString());
    QCOMPARE(reasoning, message.value(u"reasoning_content"_s).toString());
    QCOMPARE(refusal, message.value(u"refusal"_s).toString());
    QCOMPARE(finishReason, choice.value(u"finish_reason"_s).toString());
    QCOMPARE(usageChunks, includeUsage ? 1 : 0);
    QCOMPARE(ids.size(), expectedCalls.size());
    for (qsizetype i = 0; i < expectedCalls.size(); ++i) {
        const QJsonObject call = expectedCalls.at(i).toObject();
        const QJsonObject function = call.value(u"function"_s).toObject();
        QCOMPARE(ids.value(int(i)), call.value(u"id"_s).toString());
        QCOMPARE(names.value(int(i)), function.value(u"name"_s).toString());
        QCOMPARE(arguments.value(int(i)), function.value(u"arguments"_s).toString());
    }
}

void TestResponseCache::replayReportsUsageToTheSink()
{
    const CacheEntry entry{fixtureBytes(u"openai/chat_response_text_recorded.json"_s),
                           TokenUsage{14, 37, 0, 0, 0, true}};
    RecordingSink sink;
    QVERIFY(CachedAnswer::replayAsStream(entry, false, sink));
    QCOMPARE(sink.completions, 1);
    QCOMPARE(sink.failures, 0);
    QCOMPARE(sink.terminator, QByteArray("data: [DONE]\n\n"));
    QCOMPARE(sink.usages.size(), 1);
    QCOMPARE(sink.usages.first().prompt, 14);
    QCOMPARE(sink.usages.first().completion, 37);
    // The terminator came through streamCompleted, not as a frame.
    QCOMPARE(sink.bytes.count("[DONE]"), 1);
}

void TestResponseCache::replayRefusesWhatItCannotReplay_data()
{
    QTest::addColumn<QByteArray>("body");

    QTest::newRow("not JSON") << QByteArray("nope");
    QTest::newRow("two choices") << QByteArray(
        R"({"id":"x","model":"m","created":1,"choices":[)"
        R"({"index":0,"message":{"role":"assistant","content":"a"},"finish_reason":"stop"},)"
        R"({"index":1,"message":{"role":"assistant","content":"b"},"finish_reason":"stop"}]})");
    QTest::newRow("no finish_reason") << QByteArray(
        R"({"id":"x","model":"m","created":1,"choices":[{"index":0,"message":{"role":"assistant","content":"a"}}]})");
    QTest::newRow("tool call without a name") << QByteArray(
        R"({"id":"x","model":"m","created":1,"choices":[{"index":0,"message":{"role":"assistant","content":null,)"
        R"("tool_calls":[{"id":"c","type":"function","function":{"arguments":"{}"}}]},"finish_reason":"tool_calls"}]})");
}

void TestResponseCache::replayRefusesWhatItCannotReplay()
{
    QFETCH(QByteArray, body);
    RecordingSink sink;
    QVERIFY(!CachedAnswer::replayAsStream({body, {}}, true, sink));
    QVERIFY(sink.bytes.isEmpty());
    QCOMPARE(sink.completions, 0);
    QVERIFY(sink.usages.isEmpty());
}

// ---------------------------------------------------------------------------- streams in

void TestResponseCache::reassembleStream_data()
{
    QTest::addColumn<QString>("fixture");
    QTest::addColumn<int>("pieceSize"); // 0: all at once
    QTest::addColumn<QJsonValue>("content");
    QTest::addColumn<QString>("reasoning");
    QTest::addColumn<QStringList>("toolCalls"); // id|name|arguments
    QTest::addColumn<QString>("finishReason");
    QTest::addColumn<qint64>("promptTokens");
    QTest::addColumn<qint64>("completionTokens");

    const QString text =
        u"I'm unable to provide real-time weather updates. To get the current weather in San "
        u"Francisco, I recommend checking a reliable weather website or a weather app."_s;
    for (int piece : {0, 1, 7}) {
        QTest::addRow("openai text, pieces of %d", piece)
            << u"openai/chat_stream_text_include_usage.sse"_s << piece << QJsonValue(text)
            << QString() << QStringList() << u"stop"_s << qint64(14) << qint64(30);
    }
    QTest::newRow("openai tool call")
        << u"openai/chat_stream_tool_call.sse"_s << 5 << QJsonValue(QJsonValue::Null) << QString()
        << QStringList{u"call_4XzlGBLtUe9dy3GVNV4jhq7h|get_weather|{\"city\":\"New York City\"}"_s}
        << u"tool_calls"_s << qint64(44) << qint64(16);
    QTest::newRow("openai parallel tool calls")
        << u"openai/chat_stream_parallel_tool_calls.sse"_s << 0 << QJsonValue(QJsonValue::Null)
        << QString()
        << QStringList{u"call_JMW1whyEaYG438VE1OIflxA2|GetWeatherArgs|{\"city\": \"Edinburgh\", \"country\": \"GB\", \"units\": \"c\"}"_s,
                       u"call_DNYTawLBoN8fj3KN6qU9N1Ou|get_stock_price|{\"ticker\": \"AAPL\", \"exchange\": \"NASDAQ\"}"_s}
        << u"tool_calls"_s << qint64(149) << qint64(60);
    QTest::newRow("openai finish length")
        << u"openai/chat_stream_finish_length.sse"_s << 0 << QJsonValue(u"{\""_s) << QString()
        << QStringList() << u"length"_s << qint64(79) << qint64(1);
    QTest::newRow("deepseek reasoning_content")
        << u"deepseek/chat_stream_reasoning_content.sse"_s << 3
        << QJsonValue(u"Hello! 😊 It's wonderful to meet you!"_s)
        << u"Hmm, the user just said \"Hello!\" with an exclamation mark, which suggests a "
           u"friendly and "
           u"enthusiastic tone. This is a simple greeting, so no complex analysis is needed. "
           u"\n\nThe best "
           u"response would be to mirror their energy with an equally warm and welcoming reply."_s
        << QStringList() << u"stop"_s << qint64(6) << qint64(169);
    QTest::newRow("deepseek text then tool call, usage on the finish chunk")
        << u"deepseek/chat_stream_tool_call_usage_on_finish_chunk.sse"_s << 0
        << QJsonValue(u"I'll check the current weather in Tokyo for you."_s) << QString()
        << QStringList{u"call_00_Sq0n5HVeFHkS1mBrIGbwBQcK|get_weather|{\"location\": \"Tokyo\"}"_s}
        << u"tool_calls"_s << qint64(161) << qint64(25);
}

void TestResponseCache::reassembleStream()
{
    QFETCH(QString, fixture);
    QFETCH(int, pieceSize);
    QFETCH(QJsonValue, content);
    QFETCH(QString, reasoning);
    QFETCH(QStringList, toolCalls);
    QFETCH(QString, finishReason);
    QFETCH(qint64, promptTokens);
    QFETCH(qint64, completionTokens);

    const QByteArray sse = fixtureBytes(fixture);
    StreamCapture capture;
    if (pieceSize == 0) {
        capture.feed(sse);
    } else {
        for (qsizetype at = 0; at < sse.size(); at += pieceSize)
            capture.feed(sse.mid(at, pieceSize));
    }
    const std::optional<CacheEntry> entry = capture.entry();
    QVERIFY(entry);

    // The first chunk names the answer.
    const QJsonObject first = jsonOf(sse.mid(6, sse.indexOf('\n') - 6));
    const QJsonObject body = jsonOf(entry->body);
    QCOMPARE(body.value(u"object"_s).toString(), u"chat.completion"_s);
    QCOMPARE(body.value(u"id"_s), first.value(u"id"_s));
    QCOMPARE(body.value(u"model"_s), first.value(u"model"_s));
    QCOMPARE(body.value(u"created"_s).toInteger(), first.value(u"created"_s).toInteger());
    QCOMPARE(body.value(u"system_fingerprint"_s), first.value(u"system_fingerprint"_s));

    const QJsonArray choices = body.value(u"choices"_s).toArray();
    QCOMPARE(choices.size(), 1);
    const QJsonObject choice = choices.first().toObject();
    QCOMPARE(choice.value(u"index"_s).toInt(-1), 0);
    QCOMPARE(choice.value(u"finish_reason"_s).toString(), finishReason);
    const QJsonObject message = choice.value(u"message"_s).toObject();
    QCOMPARE(message.value(u"role"_s).toString(), u"assistant"_s);
    QCOMPARE(message.value(u"content"_s), content);
    QCOMPARE(message.value(u"reasoning_content"_s).toString(), reasoning);
    QCOMPARE(message.contains(u"reasoning_content"_s), !reasoning.isEmpty());
    QVERIFY(message.value(u"refusal"_s).isNull());

    const QJsonArray calls = message.value(u"tool_calls"_s).toArray();
    QCOMPARE(message.contains(u"tool_calls"_s), !toolCalls.isEmpty());
    QCOMPARE(calls.size(), toolCalls.size());
    for (qsizetype i = 0; i < calls.size(); ++i) {
        const QJsonObject call = calls.at(i).toObject();
        const QJsonObject function = call.value(u"function"_s).toObject();
        QCOMPARE(call.value(u"type"_s).toString(), u"function"_s);
        QCOMPARE(call.value(u"id"_s).toString() + u'|' + function.value(u"name"_s).toString() +
                     u'|' + function.value(u"arguments"_s).toString(),
                 toolCalls.at(i));
        // Arguments that arrived in pieces are whole JSON again.
        QVERIFY(
            QJsonDocument::fromJson(function.value(u"arguments"_s).toString().toUtf8()).isObject());
    }

    const QJsonObject usage = body.value(u"usage"_s).toObject();
    QCOMPARE(usage.value(u"prompt_tokens"_s).toInteger(), promptTokens);
    QCOMPARE(usage.value(u"completion_tokens"_s).toInteger(), completionTokens);
    QVERIFY(entry->usage.known);
    QCOMPARE(entry->usage.prompt, promptTokens);
    QCOMPARE(entry->usage.completion, completionTokens);

    // The one-shot helper gives the same answer.
    const std::optional<CacheEntry> oneShot = CachedAnswer::fromStream(sse);
    QVERIFY(oneShot);
    QCOMPARE(jsonOf(oneShot->body), body);
}

void TestResponseCache::reassembleThroughTheDecoderWithHiddenUsage()
{
    // As the gateway would wire it: the provider stream goes through the adapter's
    // decoder into the client's sink and a capture. The client did not ask for usage, so
    // the usage chunk never reaches the frames; the capture still gets it.
    const QByteArray sse = fixtureBytes(QString::fromLatin1(TextStream));
    OpenAiStreamDecoder decoder(false);
    RecordingSink client;
    StreamCapture capture;
    TeeSink tee(client, capture);
    for (qsizetype at = 0; at < sse.size(); at += 64)
        decoder.feed(sse.mid(at, 64), tee);
    decoder.finish(tee);
    QCOMPARE(client.completions, 1);
    QVERIFY(!client.bytes.contains("\"usage\""));

    const std::optional<CacheEntry> entry = capture.entry();
    QVERIFY(entry);
    QCOMPARE(entry->usage.prompt, 14);
    QCOMPARE(entry->usage.completion, 30);
    const QJsonObject usage = jsonOf(entry->body).value(u"usage"_s).toObject();
    QCOMPARE(usage.value(u"prompt_tokens"_s).toInteger(), 14);
    QCOMPARE(usage.value(u"total_tokens"_s).toInteger(), 44);
}

void TestResponseCache::streamRoundTrip_data()
{
    QTest::addColumn<QString>("fixture");
    QTest::addColumn<bool>("includeUsage");

    for (const char *name :
         {"openai/chat_stream_text_include_usage.sse", "openai/chat_stream_tool_call.sse",
          "openai/chat_stream_parallel_tool_calls.sse", "openai/chat_stream_finish_length.sse",
          "deepseek/chat_stream_reasoning_content.sse",
          "deepseek/chat_stream_tool_call_usage_on_finish_chunk.sse"}) {
        QTest::addRow("%s, usage", name) << QString::fromLatin1(name) << true;
        QTest::addRow("%s, no usage", name) << QString::fromLatin1(name) << false;
    }
}

void TestResponseCache::streamRoundTrip()
{
    // Stream -> cached completion -> replayed stream -> completion again: nothing lost
    // but the system fingerprint (which the replayed chunks do not carry).
    QFETCH(QString, fixture);
    QFETCH(bool, includeUsage);

    const std::optional<CacheEntry> cached = CachedAnswer::fromStream(fixtureBytes(fixture));
    QVERIFY(cached);
    RecordingSink sink;
    QVERIFY(CachedAnswer::replayAsStream(*cached, includeUsage, sink));
    QCOMPARE(sink.usages.size(), 1); // the replay reports usage either way

    StreamCapture again;
    again.feed(sink.bytes);
    again.streamUsage(sink.usages.first()); // the gateway passes on what it saw
    const std::optional<CacheEntry> reassembled = again.entry();
    QVERIFY(reassembled);

    QJsonObject expected = jsonOf(cached->body);
    expected.remove(u"system_fingerprint"_s);
    QJsonObject actual = jsonOf(reassembled->body);
    if (!includeUsage) {
        // Without the usage chunk the usage object is rebuilt from the counts.
        QCOMPARE(actual.value(u"usage"_s).toObject().value(u"total_tokens"_s),
                 expected.value(u"usage"_s).toObject().value(u"total_tokens"_s));
        actual.remove(u"usage"_s);
        expected.remove(u"usage"_s);
    }
    QCOMPARE(actual, expected);
    QCOMPARE(reassembled->usage.prompt, cached->usage.prompt);
    QCOMPARE(reassembled->usage.completion, cached->usage.completion);
}

void TestResponseCache::incompleteStreamGivesNoEntry_data()
{
    QTest::addColumn<QByteArray>("sse");

    const QByteArray full = fixtureBytes(QString::fromLatin1(TextStream));
    const qsizetype done = full.lastIndexOf("data: [DONE]");
    const qsizetype finish = full.indexOf("\"finish_reason\":\"stop\"");
    const qsizetype finishLine = full.lastIndexOf("data: ", finish);
    const qsizetype finishEnd = full.indexOf("\n\n", finish) + 2;
    const QByteArray error =
        R"(data: {"error":{"message":"The server is overloaded","type":"server_error"}})"
        "\n\n";

    QVERIFY(done > 0 && finishLine > 0);
    QTest::newRow("no [DONE]") << full.left(done);
    QTest::newRow("[DONE] without its blank line") << full.left(done) + "data: [DONE]\n";
    QTest::newRow("no finish_reason, no [DONE]") << full.left(finishLine);
    QTest::newRow("no finish_reason, then [DONE]") << full.left(finishLine) + full.mid(finishEnd);
    QTest::newRow("cut mid-event") << full.left(finishLine + 40);
    QTest::newRow("cut after a few chunks") << full.left(full.indexOf("data: ", 800));
    QTest::newRow("error chunk mid-stream") << full.left(finishLine) + error + full.mid(finishLine);
    QTest::newRow("error chunk instead of the end") << full.left(finishLine) + error;
    QTest::newRow("not JSON") << full.left(finishLine) + "data: upstream hiccup\n\n" +
                                     full.mid(finishLine);
    QTest::newRow("a second choice")
        << full.left(finishLine) +
               R"(data: {"id":"x","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":1,"delta":{"content":"b"},"finish_reason":null}]})"
               "\n\n" +
               full.mid(finishLine);
    QTest::newRow("only [DONE]") << QByteArray("data: [DONE]\n\n");
    QTest::newRow("empty") << QByteArray();
}

void TestResponseCache::incompleteStreamGivesNoEntry()
{
    QFETCH(QByteArray, sse);
    StreamCapture capture;
    capture.feed(sse);
    QVERIFY(!capture.entry());
    QVERIFY(!CachedAnswer::fromStream(sse));
}

void TestResponseCache::failedStreamGivesNoEntry_data()
{
    QTest::addColumn<QByteArray>("sse");
    QTest::addColumn<bool>("cached");

    const QByteArray full = fixtureBytes(QString::fromLatin1(TextStream));
    const qsizetype done = full.lastIndexOf("data: [DONE]");
    const qsizetype finishLine =
        full.lastIndexOf("data: ", full.indexOf("\"finish_reason\":\"stop\""));

    QTest::newRow("complete") << full << true;
    // The decoder's own judgement: a server that closes after the finish chunk without
    // [DONE] has still answered completely (the client is sent [DONE] too).
    QTest::newRow("finish_reason, connection closed before [DONE]") << full.left(done) << true;
    QTest::newRow("closed before finish_reason") << full.left(finishLine) << false;
    QTest::newRow("closed mid-event") << full.left(finishLine + 40) << false;
    QTest::newRow("in-stream error")
        << full.left(finishLine) +
               R"(data: {"error":{"message":"overloaded","type":"server_error"}})"
               "\n\n"
        << false;
}

void TestResponseCache::failedStreamGivesNoEntry()
{
    // Through the real OpenAI decoder, which turns truncation and error chunks into
    // streamFailed(): the capture must give nothing whenever the client saw a failure.
    QFETCH(QByteArray, sse);
    QFETCH(bool, cached);

    OpenAiStreamDecoder decoder(true);
    RecordingSink client;
    StreamCapture capture;
    TeeSink tee(client, capture);
    decoder.feed(sse, tee);
    decoder.finish(tee);
    QCOMPARE(client.failures, cached ? 0 : 1);
    QCOMPARE(bool(capture.entry()), cached);

    // A failure after everything else, however complete the frames looked.
    StreamCapture late;
    late.feed(sse);
    late.streamFailed(ApiError::make(502, u"upstream_error"_s, u"stream_truncated"_s, u"cut"_s));
    QVERIFY(!late.entry());
}

void TestResponseCache::captureGivesUpPastItsLimit()
{
    const QByteArray sse = fixtureBytes(QString::fromLatin1(TextStream));
    StreamCapture small(sse.size() - 1);
    small.feed(sse);
    QVERIFY(!small.entry());
    StreamCapture exact(sse.size());
    exact.feed(sse);
    QVERIFY(exact.entry());
}

QTEST_GUILESS_MAIN(TestResponseCache)
#include "tst_response_cache.moc"
