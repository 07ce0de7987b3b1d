#include "ChatExchange.h"

#include "cache/CachedAnswer.h"
#include "cache/ResponseCache.h"
#include "dialects/OpenAiChatDialect.h"
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
    run(m_setup.plan->place());
}

void ChatExchange::serveCached(const CacheEntry &entry)
{
    // Nothing was used upstream: the row says so (cache_hit) and counts no tokens.
    m_setup.record.cacheHit = true;
    if (!m_setup.call.stream) {
        const HeaderPairs headers = routeHeaders();
        finishAfterRecord(200, {}, [this, body = entry.body, headers] {
            if (clientConnected())
                sendResponse(m_responder, 200, QByteArrayLiteral("application/json"), body, headers);
        });
        return;
    }
    ReplayCollector replay;
    if (!CachedAnswer::replayAsStream(entry, m_setup.call.clientWantsUsage, replay)) {
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
    if (m_capture && (m_phase == Phase::Waiting || m_phase == Phase::Streaming))
        m_capture->streamFrame(frame, content);
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
    sendChunk(frame);
}

void ChatExchange::attemptUsage(const TokenUsage &usage)
{
    m_usage = usage;
    if (m_capture)
        m_capture->streamUsage(usage);
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
    if (m_capture) {
        m_capture->streamCompleted(terminator);
        if (std::optional<CacheEntry> entry = m_capture->entry())
            m_setup.cache->store(m_setup.cacheKey, std::move(*entry));
    }
    beginStream();
    finishAfterRecord(200, {}, [this, terminator] {
        sendChunk(terminator);
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
    if (m_setup.cache) {
        if (std::optional<CacheEntry> entry = CachedAnswer::fromResult(ChatResult{body, usage, std::nullopt}))
            m_setup.cache->store(m_setup.cacheKey, std::move(*entry));
    }
    const HeaderPairs headers = routeHeaders();
    finishAfterRecord(200, {}, [this, body, headers] {
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
            sendError(m_responder, error, headers);
    });
}

void ChatExchange::failStream(const ApiError &error)
{
    // OpenAI SDKs raise on a data event that carries "error"; no [DONE].
    const QByteArray payload = error.upstreamBody.isEmpty() ? OpenAiChatDialect::errorBody(error) : error.upstreamBody;
    finishAfterRecord(error.status, error.message, [this, payload] {
        sendChunk("data: " + payload + "\n\n");
        sendChunk({});
    });
}

void ChatExchange::finishAfterRecord(int status, const QString &error, std::function<void()> tail)
{
    m_phase = Phase::Finishing;
    UsageRecord record = m_setup.record;
    record.status = status;
    record.error = error;
    record.stream = m_setup.call.stream;
    record.latencyMs = m_setup.clock.elapsed();
    record.firstTokenMs = m_firstTokenMs;
    record.promptTokens = m_usage.prompt;
    record.completionTokens = m_usage.completion;
    record.cachedTokens = m_usage.cached;
    record.reasoningTokens = m_usage.reasoning;
    record.attempts = m_setup.plan->attempts();
    if (record.cacheHit) {
        record.provider.clear();
        record.upstreamModel.clear();
    }
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
    QTimer::singleShot(kCommitWaitMs, this, release);
    m_setup.usage->record(record, this, release);
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
    m_responder.writeHeader(QByteArrayLiteral("Content-Type"), QByteArrayLiteral("text/event-stream"));
    m_responder.writeHeader(QByteArrayLiteral("Cache-Control"), QByteArrayLiteral("no-cache"));
    for (const auto &[name, value] : routeHeaders())
        m_responder.writeHeader(name, value);
    m_responder.writeHeader(QByteArrayLiteral("Transfer-Encoding"), QByteArrayLiteral("chunked"));
    for (const QByteArray &frame : std::exchange(m_prelude, {}))
        sendChunk(frame);
}

void ChatExchange::sendChunk(const QByteArray &data)
{
    if (!clientConnected())
        return;
    m_responder.writeBody(data.isEmpty() ? QByteArray(kLastChunk) : httpChunk(data));
}

} // namespace onegate
