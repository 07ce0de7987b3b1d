#include "ChatExchange.h"

#include "cache/CachedAnswer.h"
#include "cache/ResponseCache.h"
#include "http/HttpResponses.h"
#include "metrics/GatewayMetrics.h"
#include "routing/ProviderRuntime.h"
#include "usage/UsageRecorder.h"

#include <QDateTime>
#include <QTimer>

namespace onegate {

namespace {
// If storage stalls, the client still gets its answer after this long.
constexpr int kCommitWaitMs = 2000;

QByteArray retryAfterSeconds(qint64 ms)
{
    return QByteArray::number((ms + 999) / 1000);
}

// Collects a cached answer replayed as a stream: the frames, and the terminator that
// is held back until the usage row is committed.
class ReplayCollector final : public ChatStreamSink {
public:
    QList<QByteArray> frames;
    QByteArray terminator;
    void streamFrame(const QByteArray &frame, bool) override { frames.append(frame); }
    void streamUsage(const TokenUsage &) override {}
    void streamCompleted(const QByteArray &end) override { terminator = end; }
    void streamFailed(const ApiError &) override {}
};
} // namespace

ChatExchange::ChatExchange(QHttpServerResponder &&responder, Setup setup, QObject *parent)
    : QObject(parent)
    , m_responder(std::move(responder))
    , m_socket(m_responder.socket())
    , m_setup(std::move(setup))
{
    m_retryTimer.setSingleShot(true);
    m_keepAlive.setSingleShot(true);
    connect(&m_keepAlive, &QTimer::timeout, this, &ChatExchange::keepAliveTick);
}

ChatExchange::~ChatExchange() = default;

void ChatExchange::start()
{
    if (!clientConnected()) {
        onClientGone();
        return;
    }
    connect(m_socket, &QObject::destroyed, this, &ChatExchange::onClientGone);
    connect(m_socket, &QAbstractSocket::disconnected, this, &ChatExchange::onClientGone);
    if (m_setup.cached) {
        serveCached(*m_setup.cached);
        return;
    }
    if (m_setup.cache && m_setup.call.stream)
        m_capture.emplace(m_setup.cache->maxBytes());
    if (m_setup.call.stream && !m_setup.dialect->keepAlive().isEmpty())
        m_keepAlive.start(m_setup.keepAliveMs);
    run(m_setup.plan->place());
}

void ChatExchange::serveCached(const CacheEntry &entry)
{
    // Nothing was used upstream: the row says so (cache_hit) and counts no tokens.
    m_setup.record.cacheHit = true;
    if (!m_setup.call.stream) {
        auto shaped = m_setup.dialect->answer(entry.body);
        if (const ApiError *error = std::get_if<ApiError>(&shaped)) {
            failBeforeAnswer(*error, std::nullopt);
            return;
        }
        const HeaderPairs headers = routeHeaders();
        finishAfterRecord(200, {}, [this, body = std::get<QByteArray>(shaped), headers] {
            if (clientConnected())
                sendResponse(m_responder, 200, QByteArrayLiteral("application/json"), body, headers);
        });
        return;
    }
    ReplayCollector replay;
    std::unique_ptr<ChatStreamSink> translator = m_setup.dialect->streamTranslator(StreamOutlet{
        [&replay](const QByteArray &event, bool) { replay.frames.append(event); },
        [&replay](const QByteArray &end) { replay.terminator = end; },
        {},
    });
    ChatStreamSink &sink = translator ? *translator : static_cast<ChatStreamSink &>(replay);
    if (!CachedAnswer::replayAsStream(entry, m_setup.call.clientWantsUsage, sink)) {
        // Not replayable after all (the cache refuses such entries): ask a provider.
        m_setup.record.cacheHit = false;
        m_setup.cached.reset();
        run(m_setup.plan->place());
        return;
    }
    m_firstTokenMs = m_setup.clock.elapsed();
    beginStream();
    for (const QByteArray &frame : std::as_const(replay.frames))
        sendChunk(frame);
    finishAfterRecord(200, {}, [this, terminator = replay.terminator] {
        sendChunk(terminator);
        sendChunk({});
    });
}

void ChatExchange::run(RoutePlan::Step step)
{
    if (step.giveUp) {
        failBeforeAnswer(*step.giveUp, step.retryAfterMs);
        return;
    }
    if (step.waitForCapacity) {
        m_retryTimer.disconnect(this);
        connect(&m_retryTimer, &QTimer::timeout, this, [this] {
            if (m_phase == Phase::Waiting)
                run(m_setup.plan->place());
        });
        m_retryTimer.start(int(step.delayMs));
        return;
    }
    if (!step.attempt)
        return;
    if (step.delayMs <= 0) {
        startAttempt(std::move(*step.attempt));
        return;
    }
    m_outsideMs += step.delayMs;
    m_retryTimer.disconnect(this);
    connect(&m_retryTimer, &QTimer::timeout, this, [this, attempt = *step.attempt]() mutable {
        if (m_phase == Phase::Waiting)
            startAttempt(std::move(attempt));
    });
    m_retryTimer.start(int(step.delayMs));
}

void ChatExchange::startAttempt(Attempt attempt)
{
    ChatCall call = m_setup.call;
    call.provider = attempt.target.provider;
    call.apiKey = attempt.apiKey;
    call.upstreamModel = attempt.target.upstreamModel;
    m_lastAttempt = attempt;
    m_setup.record.provider = attempt.target.provider->id;
    m_setup.record.upstreamModel = attempt.target.upstreamModel;
    Listener &listener = *this;  // a private base: converted here, where it is accessible
    m_attempt = std::make_unique<UpstreamAttempt>(std::move(attempt), std::move(call), listener);
    m_native = m_attempt->native();
    // Each attempt's stream is translated afresh: a failed one's events never reach the
    // client (they were held), and the next one starts its own message.
    m_translator = m_setup.call.stream && !m_native ? m_setup.dialect->streamTranslator(translatedOutlet()) : nullptr;
    m_translatedEnd.clear();
    m_translationError.reset();
    m_attempt->start();
}

void ChatExchange::endAttempt()
{
    if (!m_attempt)
        return;
    m_outsideMs += m_attempt->elapsedMs();
    // Deleted later: this runs inside the attempt's own callbacks.
    m_attempt.release()->deleteLater();
}

void ChatExchange::cancel(const QString &reason)
{
    if (m_phase != Phase::Waiting && m_phase != Phase::Streaming)
        return;
    m_retryTimer.stop();
    if (m_attempt)
        m_attempt->abort();
    const ApiError error =
        ApiError::make(503, QStringLiteral("server_error"), QStringLiteral("server_shutting_down"), reason, true);
    m_setup.plan->abandon(m_attempt ? &m_attempt->attempt() : nullptr);
    endAttempt();
    if (m_phase == Phase::Waiting)
        failBeforeAnswer(error, std::nullopt);
    else
        failStream(error);
}

void ChatExchange::onClientGone()
{
    if (m_phase == Phase::Done || m_phase == Phase::Finishing)
        return;
    // Stop the provider at once (it bills for every token it still generates), and
    // never start another attempt for a client that is gone.
    m_retryTimer.stop();
    if (m_attempt)
        m_attempt->abort();
    m_setup.plan->abandon(m_attempt ? &m_attempt->attempt() : nullptr);
    endAttempt();
    finishAfterRecord(499, QStringLiteral("client disconnected"), {});
}

void ChatExchange::attemptFrame(const QByteArray &frame, bool content)
{
    // The cache keeps OpenAI Chat answers (replayed through the dialect later); a native
    // provider's frames are not that.
    if (m_capture && !m_native && (m_phase == Phase::Waiting || m_phase == Phase::Streaming))
        m_capture->streamFrame(frame, content);
    if (!m_translator) {
        clientFrame(frame, content);
        return;
    }
    m_translator->streamFrame(frame, content);
    if (m_translationError)
        translationFailed();
}

StreamOutlet ChatExchange::translatedOutlet()
{
    return StreamOutlet{
        [this](const QByteArray &event, bool content) { clientFrame(event, content); },
        [this](const QByteArray &end) { m_translatedEnd = end; },
        [this](const QByteArray &, const ApiError &error) { m_translationError = error; },
    };
}

void ChatExchange::translationFailed()
{
    // The translator could not read what the adapter produced: the attempt is over.
    if (!m_attempt)
        return;
    AttemptResult result;
    result.error = *m_translationError;
    result.anyByteReceived = true;
    m_attempt->abort();
    attemptFailed(result);
}

void ChatExchange::keepAliveTick()
{
    // Nothing went to the client for keepAliveMs. While waiting, only a provider that
    // has begun answering (its first events are held) is worth committing to; before
    // that, failover matters more than a keep-alive.
    if (m_phase == Phase::Waiting && m_attempt && !m_prelude.isEmpty())
        beginStream();
    if (m_phase == Phase::Streaming)
        sendChunk(m_setup.dialect->keepAlive());
    if (m_phase == Phase::Waiting || m_phase == Phase::Streaming)
        m_keepAlive.start(m_setup.keepAliveMs);
}

void ChatExchange::clientFrame(const QByteArray &frame, bool content)
{
    if (m_phase == Phase::Waiting) {
        if (!content) {
            // Held: until the answer shows content, a failure may still go elsewhere.
            m_prelude.append(frame);
            return;
        }
        m_firstTokenMs = m_setup.clock.elapsed();
        beginStream();
    } else if (m_phase != Phase::Streaming) {
        return;
    }
    deliver(frame);
}

void ChatExchange::deliver(const QByteArray &frame)
{
    if (m_native)
        m_setup.dialect->nativeFrameSent(frame);
    sendChunk(frame);
}

void ChatExchange::attemptUsage(const TokenUsage &usage)
{
    m_usage = usage;
    if (m_capture && !m_native)
        m_capture->streamUsage(usage);
    if (m_translator)
        m_translator->streamUsage(usage);
}

void ChatExchange::attemptCompleted(const QByteArray &terminator)
{
    if (m_phase != Phase::Waiting && m_phase != Phase::Streaming)
        return;
    AttemptResult success;
    success.success = true;
    success.firstByteMs = m_attempt ? m_attempt->firstByteMs() : -1;
    m_setup.plan->finish(*m_lastAttempt, success);
    endAttempt();
    if (m_capture && !m_native) {
        m_capture->streamCompleted(terminator);
        if (std::optional<CacheEntry> entry = m_capture->entry())
            m_setup.cache->store(m_setup.cacheKey, std::move(*entry));
    }
    QByteArray end = terminator;
    if (m_translator) {
        // The dialect's closing events: those before its terminator go out now.
        m_translator->streamCompleted(terminator);
        end = m_translatedEnd;
    }
    beginStream();
    finishAfterRecord(200, {}, [this, end] {
        sendChunk(end);
        sendChunk({});
    });
}

void ChatExchange::attemptAnswered(const QByteArray &body, const TokenUsage &usage)
{
    if (m_phase != Phase::Waiting)
        return;
    m_usage = usage;
    AttemptResult success;
    success.success = true;
    success.firstByteMs = m_attempt ? m_attempt->firstByteMs() : -1;
    m_setup.plan->finish(*m_lastAttempt, success);
    endAttempt();
    if (m_setup.cache && !m_native) {
        if (std::optional<CacheEntry> entry = CachedAnswer::fromResult(ChatResult{body, usage, std::nullopt}))
            m_setup.cache->store(m_setup.cacheKey, std::move(*entry));
    }
    QByteArray shapedBody = body;
    if (!m_native) {
        auto shaped = m_setup.dialect->answer(body);
        if (const ApiError *error = std::get_if<ApiError>(&shaped)) {
            failBeforeAnswer(*error, std::nullopt);
            return;
        }
        shapedBody = std::get<QByteArray>(std::move(shaped));
    }
    const HeaderPairs headers = routeHeaders();
    finishAfterRecord(200, {}, [this, body = std::move(shapedBody), headers] {
        if (clientConnected())
            sendResponse(m_responder, 200, QByteArrayLiteral("application/json"), body, headers);
    });
}

void ChatExchange::attemptFailed(const AttemptResult &result)
{
    endAttempt();
    if (m_phase == Phase::Streaming) {
        // Content already reached the client: no failover, the stream ends in an error.
        m_setup.plan->finish(*m_lastAttempt, result);
        failStream(result.error);
        return;
    }
    if (m_phase != Phase::Waiting)
        return;
    m_prelude.clear();
    m_usage = {};
    m_translator.reset();
    if (m_capture)
        m_capture.emplace(m_setup.cache->maxBytes());  // the next attempt starts afresh
    run(m_setup.plan->next(*m_lastAttempt, result));
}

void ChatExchange::failBeforeAnswer(const ApiError &error, std::optional<qint64> retryAfterMs)
{
    HeaderPairs headers = routeHeaders();
    if (retryAfterMs)
        headers.append({QByteArrayLiteral("Retry-After"), retryAfterSeconds(*retryAfterMs)});
    finishAfterRecord(error.status, error.message, [this, error, headers] {
        if (clientConnected())
            m_setup.dialect->sendError(m_responder, error, headers);
    });
}

void ChatExchange::failStream(const ApiError &error)
{
    const QByteArray event = m_setup.dialect->streamError(error);
    finishAfterRecord(error.status, error.message, [this, event] {
        sendChunk(event);
        sendChunk({});
    });
}

void ChatExchange::finishAfterRecord(int status, const QString &error, std::function<void()> tail)
{
    m_phase = Phase::Finishing;
    m_keepAlive.stop();
    UsageRecord record = m_setup.record;
    record.status = status;
    record.error = error;
    record.stream = m_setup.call.stream;
    record.latencyMs = m_setup.clock.elapsed();
    record.firstTokenMs = m_firstTokenMs;
    record.promptTokens = m_usage.prompt;
    record.completionTokens = m_usage.completion;
    record.cachedTokens = m_usage.cached;
    record.cacheWriteTokens = m_usage.cacheWrite;
    record.reasoningTokens = m_usage.reasoning;
    record.attempts = m_setup.plan->attempts();
    if (record.cacheHit) {
        record.provider.clear();
        record.upstreamModel.clear();
    }
    if (m_setup.limitTicket)
        m_setup.limitTicket->settle(*m_setup.config, record);
    if (m_setup.metrics) {
        m_setup.metrics->requestFinished(record.requestedModel, record.provider, status,
                                         double(record.latencyMs) / 1000.0,
                                         m_firstTokenMs < 0 ? -1.0 : double(m_firstTokenMs) / 1000.0);
        m_setup.metrics->tokens(record.requestedModel, record.provider, m_usage);
        if (m_streamCounted) {
            m_setup.metrics->streamEnded();
            m_streamCounted = false;
        }
    }

    auto release = [this, tail = std::move(tail)] {
        if (m_phase != Phase::Finishing)
            return;
        if (tail)
            tail();
        close();
    };
    if (!m_setup.usage) {
        release();
        return;
    }
    // Journaled rows are durable at once: the answer's end goes out without waiting.
    if (m_setup.usage->record(record)) {
        release();
        return;
    }
    QTimer::singleShot(kCommitWaitMs, this, release);
    m_setup.usage->afterCommit(this, release);
}

void ChatExchange::close()
{
    // Hand the last bytes to the OS now: on shutdown the socket may not see another
    // event loop pass before it is destroyed.
    if (clientConnected())
        m_socket->flush();
    m_phase = Phase::Done;
    Q_EMIT done();
}

bool ChatExchange::clientConnected() const
{
    return m_socket && m_socket->state() == QAbstractSocket::ConnectedState;
}

HeaderPairs ChatExchange::routeHeaders() const
{
    HeaderPairs headers;
    if (m_setup.cache)
        headers.append({QByteArrayLiteral("x-onegate-cache"), m_setup.cached ? QByteArrayLiteral("hit") : QByteArrayLiteral("miss")});
    if (m_lastAttempt) {
        headers.append({QByteArrayLiteral("x-onegate-provider"),
                        (m_lastAttempt->target.provider->id + QLatin1Char('/') + m_lastAttempt->target.upstreamModel)
                            .toUtf8()});
    }
    headers.append({QByteArrayLiteral("x-onegate-attempts"), QByteArray::number(m_setup.plan->attempts())});
    // Time spent inside OneGate: everything but waiting for providers and backoffs.
    const double insideMs = double(m_setup.clock.nsecsElapsed()) / 1e6 - double(m_outsideMs)
        - (m_attempt ? double(m_attempt->elapsedMs()) : 0.0);
    headers.append({QByteArrayLiteral("x-onegate-overhead-ms"), QByteArray::number(std::max(0.0, insideMs), 'f', 2)});
    headers.append(m_setup.responseHeaders);
    return headers;
}

void ChatExchange::beginStream()
{
    if (m_phase != Phase::Waiting)
        return;
    m_phase = Phase::Streaming;
    if (m_setup.metrics && !m_streamCounted) {
        m_setup.metrics->streamStarted();
        m_streamCounted = true;
    }
    if (!clientConnected())
        return;
    m_responder.writeStatusLine(QHttpServerResponder::StatusCode::Ok);
    m_responder.writeHeader(QByteArrayLiteral("Content-Type"), m_setup.dialect->streamContentType());
    m_responder.writeHeader(QByteArrayLiteral("Cache-Control"), QByteArrayLiteral("no-cache"));
    for (const auto &[name, value] : routeHeaders())
        m_responder.writeHeader(name, value);
    m_responder.writeHeader(QByteArrayLiteral("Transfer-Encoding"), QByteArrayLiteral("chunked"));
    for (const QByteArray &frame : std::exchange(m_prelude, {}))
        deliver(frame);
}

void ChatExchange::sendChunk(const QByteArray &data)
{
    if (!clientConnected())
        return;
    m_responder.writeBody(data.isEmpty() ? QByteArray(kLastChunk) : httpChunk(data));
    if (m_keepAlive.isActive())
        m_keepAlive.start(m_setup.keepAliveMs);  // silence is counted from the last write
}

} // namespace onegate
