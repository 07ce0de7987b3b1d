#include "ChatExchange.h"

#include "http/HttpResponses.h"
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
    run(m_setup.plan->first());
}

void ChatExchange::run(RoutePlan::Step step)
{
    if (step.giveUp) {
        failBeforeAnswer(*step.giveUp, step.retryAfterMs);
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
    writeChunk(frame);
}

void ChatExchange::attemptUsage(const TokenUsage &usage)
{
    m_usage = usage;
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
    beginStream();
    finishAfterRecord(200, {}, [this, terminator] {
        writeChunk(terminator);
        writeChunk({});
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
    const QByteArray payload = error.upstreamBody.isEmpty() ? openAiErrorBody(error) : error.upstreamBody;
    finishAfterRecord(error.status, error.message, [this, payload] {
        writeChunk("data: " + payload + "\n\n");
        writeChunk({});
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
    if (!clientConnected())
        return;
    m_responder.writeStatusLine(QHttpServerResponder::StatusCode::Ok);
    m_responder.writeHeader(QByteArrayLiteral("Content-Type"), QByteArrayLiteral("text/event-stream"));
    m_responder.writeHeader(QByteArrayLiteral("Cache-Control"), QByteArrayLiteral("no-cache"));
    for (const auto &[name, value] : routeHeaders())
        m_responder.writeHeader(name, value);
    m_responder.writeHeader(QByteArrayLiteral("Transfer-Encoding"), QByteArrayLiteral("chunked"));
    for (const QByteArray &frame : std::exchange(m_prelude, {}))
        writeChunk(frame);
}

void ChatExchange::writeChunk(const QByteArray &data)
{
    if (!clientConnected())
        return;
    m_responder.writeBody(data.isEmpty() ? QByteArray(kLastChunk) : httpChunk(data));
}

} // namespace onegate
