#include "UpstreamAttempt.h"

#include "core/SecretRedaction.h"
#include "core/ProviderTransport.h"
#include "routing/ProviderRuntime.h"
#include "routing/RetryTiming.h"

#include <QDateTime>

namespace onegate {

namespace {
// A non-streaming answer larger than this is not a chat completion.
constexpr qsizetype kMaxUpstreamBody = 64 * 1024 * 1024;
} // namespace

UpstreamAttempt::UpstreamAttempt(Attempt attempt, ChatCall call, Listener &listener, QObject *parent)
    : QObject(parent)
    , m_attempt(std::move(attempt))
    , m_call(std::move(call))
    , m_listener(listener)
{
    const ProviderAdapter *adapter = m_attempt.provider->adapter();
    if (m_call.dialect == WireDialect::OpenAiEmbeddings) {
        // Embeddings answers come back in OpenAI's shape from every codec, for the
        // client's dialect to render (as it does OpenAI Chat answers).
        m_codec = adapter->embeddingsCodec(*m_call.provider);
        m_native = false;
        return;
    }
    const ChatCodec *native = m_call.dialect == WireDialect::OpenAiChat ? nullptr : adapter->nativeCodec(m_call.dialect, *m_call.provider);
    m_codec = native ? native : adapter;
    m_native = native != nullptr;
}

UpstreamAttempt::~UpstreamAttempt()
{
    // The call's reply lives in a network manager of m_attempt.provider: end the call
    // while the runtime is certainly still here, before this attempt lets go of it.
    if (UpstreamCall *upstream = m_upstream) {
        upstream->disconnect(this);
        delete upstream;
    }
}

void UpstreamAttempt::start()
{
    m_clock.start();
    if (!m_codec) {
        fail(ApiError::invalidRequest(QStringLiteral("provider '%1' (kind %2) has no embeddings API")
                                          .arg(m_call.provider->id, providerKindName(m_call.provider->kind)),
                                      QStringLiteral("model")));
        return;
    }
    if (!m_native && m_call.untranslatable) {
        fail(*m_call.untranslatable);
        return;
    }
    auto request = m_codec->chatRequest(m_call);
    if (const ApiError *error = std::get_if<ApiError>(&request)) {
        fail(*error);
        return;
    }
    if (m_call.stream)
        m_decoder = m_codec->streamDecoder(m_call);
    m_upstream = m_attempt.provider->transport()->start(std::get<UpstreamRequest>(request),
                                                        m_call.provider->policy, m_call.stream, this);
    connect(m_upstream, &UpstreamCall::responseStarted, this, &UpstreamAttempt::onStarted);
    connect(m_upstream, &UpstreamCall::dataReceived, this, &UpstreamAttempt::onData);
    connect(m_upstream, &UpstreamCall::finished, this, &UpstreamAttempt::onFinished);
}

void UpstreamAttempt::abort()
{
    m_done = true;
    if (m_upstream && !m_upstream->isFinished()) {
        m_upstream->disconnect(this);
        m_upstream->abort();
    }
}

void UpstreamAttempt::onStarted(int status)
{
    m_status = status;
    if (m_firstByteMs < 0)
        m_firstByteMs = m_clock.elapsed();
}

void UpstreamAttempt::onData(const QByteArray &bytes)
{
    if (m_done)
        return;
    if (m_firstByteMs < 0)
        m_firstByteMs = m_clock.elapsed();
    const bool success = m_status >= 200 && m_status < 300;
    if (m_decoder && success) {
        m_decoder->feed(bytes, *this);
        return;
    }
    m_body.append(bytes);
    if (m_body.size() > kMaxUpstreamBody)
        fail(ApiError::make(502, QStringLiteral("upstream_error"), QStringLiteral("bad_upstream_response"),
                            QStringLiteral("the provider's answer exceeded %1 MiB").arg(kMaxUpstreamBody >> 20)));
}

void UpstreamAttempt::onFinished()
{
    if (m_done)
        return;
    if (m_upstream->failure() != UpstreamFailure::None) {
        fail(transportError());
        return;
    }
    if (m_status < 200 || m_status >= 300) {
        fail(m_codec->mapError(m_status, m_body, m_upstream->responseHeader("Content-Type")));
        return;
    }
    if (m_decoder) {
        m_decoder->finish(*this);
        return;
    }
    ChatResult result = m_codec->decodeChat(m_call, m_body);
    if (result.error) {
        fail(*result.error);
        return;
    }
    m_done = true;
    m_listener.attemptAnswered(redactSecret(std::move(result.body), m_call.apiKey), result.usage);
}

ApiError UpstreamAttempt::transportError() const
{
    const UpstreamFailure failure = m_upstream->failure();
    const bool timeout = failure == UpstreamFailure::ConnectTimeout
        || failure == UpstreamFailure::IdleTimeout || failure == UpstreamFailure::TotalTimeout;
    return ApiError::make(timeout ? 504 : 502, QStringLiteral("upstream_error"),
                          timeout ? QStringLiteral("upstream_timeout") : QStringLiteral("upstream_unreachable"),
                          QStringLiteral("provider '%1': %2").arg(m_call.provider->id, m_upstream->failureText()),
                          failure != UpstreamFailure::Redirect);
}

void UpstreamAttempt::streamFrame(const QByteArray &frame, bool content)
{
    if (!m_done)
        m_listener.attemptFrame(redactSecret(frame, m_call.apiKey), content);
}

void UpstreamAttempt::streamUsage(const TokenUsage &usage)
{
    if (!m_done)
        m_listener.attemptUsage(usage);
}

void UpstreamAttempt::streamCompleted(const QByteArray &terminator)
{
    if (m_done)
        return;
    m_done = true;
    m_listener.attemptCompleted(redactSecret(terminator, m_call.apiKey));
}

void UpstreamAttempt::streamFailed(const ApiError &error)
{
    fail(error);
}

AttemptResult UpstreamAttempt::failure(const ApiError &error) const
{
    AttemptResult result;
    result.error = error;
    result.upstreamStatus = m_status;
    if (m_upstream) {
        result.transport = m_upstream->failure();
        result.retryAfterMs = requestedRetryDelayMs(m_upstream->responseHeader("retry-after-ms"),
                                                    m_upstream->responseHeader("Retry-After"), m_body,
                                                    QDateTime::currentMSecsSinceEpoch());
    }
    result.anyByteReceived = m_firstByteMs >= 0;
    return result;
}

void UpstreamAttempt::fail(const ApiError &error)
{
    if (m_done)
        return;
    // Providers quote the key they refused in their error messages (and proxies in front
    // of them do worse): what goes on to the client, the usage log and route health must
    // not carry this attempt's key.
    ApiError redacted = error;
    redactSecret(redacted, m_call.apiKey);
    const AttemptResult result = failure(redacted);
    abort();
    m_listener.attemptFailed(result);
}

} // namespace onegate
