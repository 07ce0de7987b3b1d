#include "ChatExchange.h"

#include "core/UpstreamCall.h"
#include "http/HttpResponses.h"
#include "routing/ProviderRuntime.h"
#include "usage/UsageRecorder.h"

#include <QDateTime>
#include <QTimer>

namespace onegate {

namespace {
// A non-streaming answer larger than this is not a chat completion.
constexpr qsizetype kMaxUpstreamBody = 64 * 1024 * 1024;
// If storage stalls, the client still gets its answer after this long.
constexpr int kCommitWaitMs = 2000;
} // namespace

ChatExchange::ChatExchange(QHttpServerResponder &&responder, Setup setup, QObject *parent)
    : QObject(parent)
    , m_responder(std::move(responder))
    , m_socket(m_responder.socket())
    , m_setup(std::move(setup))
{
}

ChatExchange::~ChatExchange()
{
    // The call's reply lives in a network manager of m_setup.provider: end the call while
    // the runtime is certainly still here, before this exchange lets go of it.
    if (UpstreamCall *upstream = m_upstream) {
        upstream->disconnect(this);
        delete upstream;
    }
}

void ChatExchange::start()
{
    if (!clientConnected()) {
        onClientGone();
        return;
    }
    connect(m_socket, &QObject::destroyed, this, &ChatExchange::onClientGone);
    connect(m_socket, &QAbstractSocket::disconnected, this, &ChatExchange::onClientGone);

    const ChatCall &call = m_setup.call;
    const ProviderAdapter *adapter = m_setup.provider->adapter();
    auto request = adapter->chatRequest(call);
    if (const ApiError *error = std::get_if<ApiError>(&request)) {
        fail(*error);
        return;
    }
    if (call.stream)
        m_decoder = adapter->streamDecoder(call);
    m_upstream = m_setup.provider->transport()->start(std::get<UpstreamRequest>(request),
                                                      call.provider->policy, call.stream, this);
    connect(m_upstream, &UpstreamCall::responseStarted, this, &ChatExchange::onUpstreamStarted);
    connect(m_upstream, &UpstreamCall::dataReceived, this, &ChatExchange::onUpstreamData);
    connect(m_upstream, &UpstreamCall::finished, this, &ChatExchange::onUpstreamFinished);
}

void ChatExchange::cancel(const QString &reason)
{
    if (m_phase != Phase::Waiting && m_phase != Phase::Streaming)
        return;
    fail(ApiError::make(503, QStringLiteral("server_error"), QStringLiteral("server_shutting_down"), reason, true));
}

void ChatExchange::onUpstreamStarted(int status)
{
    m_upstreamStatus = status;
}

void ChatExchange::onUpstreamData(const QByteArray &bytes)
{
    if (m_phase != Phase::Waiting && m_phase != Phase::Streaming)
        return;
    const bool success = m_upstreamStatus >= 200 && m_upstreamStatus < 300;
    if (m_decoder && success) {
        m_decoder->feed(bytes, *this);
        return;
    }
    m_body.append(bytes);
    if (m_body.size() > kMaxUpstreamBody)
        fail(ApiError::make(502, QStringLiteral("upstream_error"), QStringLiteral("bad_upstream_response"),
                            QStringLiteral("the provider's answer exceeded %1 MiB").arg(kMaxUpstreamBody >> 20)));
}

void ChatExchange::onUpstreamFinished()
{
    if (m_phase != Phase::Waiting && m_phase != Phase::Streaming)
        return;
    if (m_upstream->failure() != UpstreamFailure::None) {
        fail(transportError());
        return;
    }
    if (m_upstreamStatus < 200 || m_upstreamStatus >= 300) {
        ApiError error = m_setup.provider->adapter()->mapError(
            m_upstreamStatus, m_body, m_upstream->responseHeader("Content-Type"));
        fail(error);
        return;
    }
    if (m_decoder) {
        m_decoder->finish(*this);
        return;
    }
    ChatResult result = m_setup.provider->adapter()->decodeChat(m_setup.call, m_body);
    if (result.error) {
        fail(*result.error);
        return;
    }
    m_usage = result.usage;
    succeedWithBody(result.body);
}

ApiError ChatExchange::transportError() const
{
    const UpstreamFailure failure = m_upstream->failure();
    const bool timeout = failure == UpstreamFailure::ConnectTimeout
        || failure == UpstreamFailure::IdleTimeout || failure == UpstreamFailure::TotalTimeout;
    return ApiError::make(timeout ? 504 : 502, QStringLiteral("upstream_error"),
                          timeout ? QStringLiteral("upstream_timeout") : QStringLiteral("upstream_unreachable"),
                          QStringLiteral("provider '%1': %2")
                              .arg(m_setup.call.provider->id, m_upstream->failureText()),
                          failure != UpstreamFailure::Redirect);
}

void ChatExchange::onClientGone()
{
    if (m_phase == Phase::Done || m_phase == Phase::Finishing)
        return;
    // Stop the provider at once: it bills for every token it still generates.
    if (m_upstream) {
        m_upstream->disconnect(this);
        m_upstream->abort();
    }
    finishAfterRecord(499, QStringLiteral("client disconnected"), {});
}

void ChatExchange::streamFrame(const QByteArray &frame, bool content)
{
    if (m_phase != Phase::Waiting && m_phase != Phase::Streaming)
        return;
    if (content && m_firstTokenMs < 0)
        m_firstTokenMs = m_setup.clock.elapsed();
    beginStream();
    writeChunk(frame);
}

void ChatExchange::streamUsage(const TokenUsage &usage)
{
    m_usage = usage;
}

void ChatExchange::streamCompleted(const QByteArray &terminator)
{
    if (m_phase != Phase::Waiting && m_phase != Phase::Streaming)
        return;
    beginStream();
    finishAfterRecord(200, {}, [this, terminator] {
        writeChunk(terminator);
        writeChunk({});
    });
}

void ChatExchange::streamFailed(const ApiError &error)
{
    fail(error);
}

void ChatExchange::fail(const ApiError &error)
{
    if (m_phase != Phase::Waiting && m_phase != Phase::Streaming)
        return;
    if (m_upstream && !m_upstream->isFinished()) {
        m_upstream->disconnect(this);
        m_upstream->abort();
    }
    if (m_phase == Phase::Waiting) {
        // Nothing has reached the client yet, so it can still get a plain HTTP error.
        HeaderPairs headers;
        const QByteArray retryAfter = m_upstream ? m_upstream->responseHeader("Retry-After") : QByteArray();
        if (!retryAfter.isEmpty())
            headers.append({QByteArrayLiteral("Retry-After"), retryAfter});
        finishAfterRecord(error.status, error.message, [this, error, headers] {
            if (clientConnected())
                sendError(m_responder, error, headers);
        });
        return;
    }
    // Mid-stream: OpenAI SDKs raise on a data event that carries "error"; no [DONE].
    const QByteArray payload = error.upstreamBody.isEmpty() ? openAiErrorBody(error) : error.upstreamBody;
    finishAfterRecord(error.status, error.message, [this, payload] {
        writeChunk("data: " + payload + "\n\n");
        writeChunk({});
    });
}

void ChatExchange::succeedWithBody(const QByteArray &body)
{
    finishAfterRecord(200, {}, [this, body] {
        if (clientConnected())
            sendResponse(m_responder, 200, QByteArrayLiteral("application/json"), body);
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
    m_responder.writeHeader(QByteArrayLiteral("Transfer-Encoding"), QByteArrayLiteral("chunked"));
}

void ChatExchange::writeChunk(const QByteArray &data)
{
    if (!clientConnected())
        return;
    m_responder.writeBody(data.isEmpty() ? QByteArray(kLastChunk) : httpChunk(data));
}

} // namespace onegate
