#include "FuzzSupport.h"

#include "AdapterRegistry.h"
#include "dialects/AnthropicMessagesClient.h"
#include "dialects/OllamaChatClient.h"
#include "dialects/OllamaEmbedDialect.h"
#include "dialects/OpenAiCompletionsClient.h"
#include "dialects/OpenAiEmbeddingsDialect.h"
#include "dialects/OpenAiResponsesClient.h"
#include "openai/OpenAiStreamDecoder.h"

#include <QJsonArray>
#include <QJsonObject>

#include <QHashFunctions>
#include <cstdio>
#include <cstdlib>

namespace onegate::fuzz {

void fail(const char *what)
{
    std::fprintf(stderr, "fuzz check failed: %s\n", what);
    std::abort();
}

QList<QByteArrayView> reads(QByteArrayView bytes)
{
    // xorshift64 seeded with the bytes' hash: cheap, and the same cuts for the same input.
    quint64 state = qHash(bytes, 0x9e3779b97f4a7c15ULL) | 1;
    QList<QByteArrayView> pieces;
    while (!bytes.isEmpty()) {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        const qsizetype length = qMin<qsizetype>(bytes.size(), 1 + static_cast<qsizetype>(state % 64));
        pieces.append(bytes.first(length));
        bytes = bytes.sliced(length);
    }
    return pieces;
}

void StreamRecord::streamFrame(const QByteArray &frame, bool isContent)
{
    if (ends > 0)
        fail("a frame after the stream ended");
    frames.append(frame);
    content.append(isContent);
}

void StreamRecord::streamUsage(const TokenUsage &reported)
{
    if (ends > 0)
        fail("usage after the stream ended");
    usage << reported.prompt << reported.completion << reported.cached << reported.cacheWrite << reported.reasoning;
}

void StreamRecord::streamCompleted(const QByteArray &end)
{
    if (ends++ > 0)
        fail("a stream ended twice");
    terminator = end;
}

void StreamRecord::streamFailed(const ApiError &error)
{
    if (ends++ > 0)
        fail("a stream ended twice");
    failed = true;
    errorStatus = error.status;
    errorCode = error.code;
}

void decodeStream(const std::function<std::unique_ptr<ChatStreamDecoder>()> &make, QByteArrayView bytes,
                  bool sameFrames)
{
    StreamRecord whole;
    {
        const std::unique_ptr<ChatStreamDecoder> decoder = make();
        decoder->feed(bytes, whole);
        decoder->finish(whole);
    }
    StreamRecord split;
    {
        const std::unique_ptr<ChatStreamDecoder> decoder = make();
        for (const QByteArrayView piece : reads(bytes))
            decoder->feed(piece, split);
        decoder->finish(split);
    }
    if (whole.ends != 1 || split.ends != 1)
        fail("a stream did not end after finish()");
    if (whole.failed != split.failed || whole.errorStatus != split.errorStatus || whole.errorCode != split.errorCode
        || whole.terminator != split.terminator)
        fail("the stream ended differently when its bytes came in other reads");
    if (whole.content != split.content || whole.usage != split.usage || (sameFrames && whole.frames != split.frames))
        fail("the stream decoded differently when its bytes came in other reads");
}

ProviderSettings provider(ProviderKind kind)
{
    ProviderSettings settings;
    settings.id = QStringLiteral("fuzz");
    settings.kind = kind;
    settings.baseUrl = QUrl(QStringLiteral("http://127.0.0.1:9/v1"));
    settings.apiKeys = {SecretValue{QStringLiteral("env:FUZZ_KEY"), QByteArrayLiteral("sk-fuzz"), {}}};
    settings.models = {QStringLiteral("m")};
    settings.apiVersion = QStringLiteral("2024-10-21");
    settings.servesResponses = true;
    return settings;
}

namespace {

ChatCall callFor(const ProviderSettings &settings, bool stream, bool wantsUsage)
{
    ChatCall call;
    call.provider = &settings;
    call.apiKey = QByteArrayLiteral("sk-fuzz");
    call.upstreamModel = QStringLiteral("m");
    call.stream = stream;
    call.clientWantsUsage = wantsUsage;
    return call;
}

void answerThrough(const ChatCodec &codec, ChatCall call, QByteArrayView bytes, bool sameFrames)
{
    decodeStream([&] { return codec.streamDecoder(call); }, bytes, sameFrames);
    call.stream = false;
    const QByteArray body = bytes.toByteArray();
    codec.decodeChat(call, body);
    for (const int status : {400, 401, 404, 429, 500, 503})
        codec.mapError(status, body, QByteArrayLiteral("application/json"));
    codec.mapError(502, body, QByteArrayLiteral("text/html"));
}

} // namespace

void providerAnswer(ProviderKind kind, QByteArrayView bytes, WireDialect dialect)
{
    const ProviderSettings settings = provider(kind);
    const ProviderAdapter *adapter = adapterFor(kind);
    if (!adapter)
        fail("no adapter for a provider kind");
    // Whether the client asked for the usage chunk changes what a stream shows it.
    const bool wantsUsage = qHash(bytes) & 1;
    ChatCall call = callFor(settings, true, wantsUsage);
    call.dialect = dialect;
    if (dialect == WireDialect::OpenAiChat) {
        // Relayed kinds hand the provider's frames on; translated ones write new chunks.
        answerThrough(*adapter, call, bytes, kind == ProviderKind::OpenAi || kind == ProviderKind::Azure);
        adapter->decodeModelList(bytes.toByteArray());
        if (const ChatCodec *embeddings = adapter->embeddingsCodec(settings)) {
            call.dialect = WireDialect::OpenAiEmbeddings;
            call.stream = false;
            embeddings->decodeChat(call, bytes.toByteArray());
            embeddings->mapError(400, bytes.toByteArray(), QByteArrayLiteral("application/json"));
        }
        return;
    }
    const ChatCodec *native = adapter->nativeCodec(dialect, settings);
    if (!native)
        fail("no native codec for the dialect");
    answerThrough(*native, call, bytes, true);
}

void throughAdapters(const std::variant<ChatEnvelope, ApiError> &decoded, WireDialect dialect)
{
    const ChatEnvelope *envelope = std::get_if<ChatEnvelope>(&decoded);
    if (!envelope || envelope->loadOnly)
        return;  // answered at the front door: no provider is asked
    for (const ProviderKind kind : {ProviderKind::OpenAi, ProviderKind::Azure, ProviderKind::Anthropic,
                                    ProviderKind::Gemini, ProviderKind::Ollama}) {
        const ProviderSettings settings = provider(kind);
        const ProviderAdapter *adapter = adapterFor(kind);
        ChatCall call = callFor(settings, envelope->stream, envelope->includeUsage);
        call.body = envelope->body;
        call.dialect = dialect;
        call.nativeBody = envelope->native;
        call.untranslatable = envelope->untranslatable;
        // As UpstreamAttempt picks the codec: embeddings have their own; a provider that
        // speaks the client's dialect gets the client's body; the rest get the OpenAI
        // Chat body unless it could not be made.
        if (dialect == WireDialect::OpenAiEmbeddings) {
            if (const ChatCodec *embeddings = adapter->embeddingsCodec(settings))
                embeddings->chatRequest(call);
            continue;
        }
        if (dialect != WireDialect::OpenAiChat) {
            if (const ChatCodec *native = adapter->nativeCodec(dialect, settings))
                native->chatRequest(call);
        }
        if (!call.untranslatable)
            adapter->chatRequest(call);
    }
}

namespace {

// One dialect's translator fed as ChatExchange feeds it: frames until the translator
// ends the stream itself, usage, and the end of a completed stream (a failed one is
// rendered by the dialect, not the translator). What it writes is checked: nothing
// after its last event, and a completed stream ends it.
struct TranslatedStream {
    int ends = 0;
    std::unique_ptr<ChatStreamSink> translator;

    explicit TranslatedStream(const ClientDialect &dialect)
        : translator(dialect.streamTranslator(StreamOutlet{
              [this](const QByteArray &, bool) {
                  if (ends > 0)
                      fail("a translated event after the stream ended");
              },
              [this](const QByteArray &) { ended(); },
              [this](const QByteArray &, const ApiError &) { ended(); }}))
    {
    }
    void ended()
    {
        if (ends++ > 0)
            fail("a translated stream ended twice");
    }
};

// Hands the decoded stream to every translator still listening.
struct Relay final : ChatStreamSink {
    std::vector<std::unique_ptr<TranslatedStream>> streams;
    void streamFrame(const QByteArray &frame, bool content) override
    {
        for (const auto &stream : streams) {
            if (stream->ends == 0)
                stream->translator->streamFrame(frame, content);
        }
    }
    void streamUsage(const TokenUsage &usage) override
    {
        for (const auto &stream : streams) {
            if (stream->ends == 0)
                stream->translator->streamUsage(usage);
        }
    }
    void streamCompleted(const QByteArray &terminator) override
    {
        for (const auto &stream : streams) {
            if (stream->ends > 0)
                continue;
            stream->translator->streamCompleted(terminator);
            if (stream->ends != 1)
                fail("a translator did not end a completed stream");
        }
    }
    void streamFailed(const ApiError &) override {}
};

} // namespace

void clientDialects(QByteArrayView bytes)
{
    using namespace Qt::StringLiterals;
    const QString model = u"client-model"_s;
    // Requests whose fields the answers echo: a namespaced tool (Codex), an echoed prompt.
    const QJsonObject responsesRequest{
        {u"model"_s, model},
        {u"tools"_s, QJsonArray{QJsonObject{
                         {u"type"_s, u"namespace"_s},
                         {u"name"_s, u"mcp__fs__"_s},
                         {u"tools"_s, QJsonArray{QJsonObject{{u"type"_s, u"function"_s}, {u"name"_s, u"read"_s}}}}}}}};
    const QJsonObject completionsRequest{{u"model"_s, model}, {u"prompt"_s, u"p"_s}, {u"echo"_s, true}};
    const AnthropicMessagesClient anthropic(model, 12);
    const OpenAiResponsesClient responses(model, responsesRequest);
    const OpenAiCompletionsClient completions(model, completionsRequest);
    const OllamaChatClient ollamaChat(OllamaChatClient::Mode::Chat, model);
    const OllamaChatClient ollamaGenerate(OllamaChatClient::Mode::Generate, model);
    const QList<const ClientDialect *> dialects{&anthropic, &responses, &completions, &ollamaChat, &ollamaGenerate};

    // The stream: an OpenAI-compatible provider's frames, relayed, into every translator.
    Relay relay;
    for (const ClientDialect *dialect : dialects)
        relay.streams.push_back(std::make_unique<TranslatedStream>(*dialect));
    OpenAiStreamDecoder decoder(true);
    for (const QByteArrayView piece : reads(bytes))
        decoder.feed(piece, relay);
    decoder.finish(relay);

    // The whole answer, and the embeddings answer, in every dialect's shape.
    const QByteArray body = bytes.toByteArray();
    for (const ClientDialect *dialect : dialects)
        dialect->answer(body);
    OllamaEmbedClient(model, OllamaEmbedRequestDecoder::Form::Embed).answer(body);
    OllamaEmbedClient(model, OllamaEmbedRequestDecoder::Form::LegacyEmbeddings).answer(body);
}

} // namespace onegate::fuzz
