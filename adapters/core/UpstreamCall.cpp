#include "UpstreamCall.h"

#include <QTimerEvent>

#include <limits>

namespace onegate {

QString upstreamFailureName(UpstreamFailure failure)
{
    switch (failure) {
    case UpstreamFailure::None: return QStringLiteral("none");
    case UpstreamFailure::ConnectTimeout: return QStringLiteral("connect timeout");
    case UpstreamFailure::IdleTimeout: return QStringLiteral("idle timeout");
    case UpstreamFailure::TotalTimeout: return QStringLiteral("timeout");
    case UpstreamFailure::Network: return QStringLiteral("network error");
    case UpstreamFailure::Redirect: return QStringLiteral("redirect refused");
    case UpstreamFailure::Aborted: return QStringLiteral("aborted");
    }
    return {};
}

UpstreamCall::UpstreamCall(const TransportPolicy &policy, bool stream, QObject *parent)
    : QObject(parent)
    , m_policy(policy)
    , m_stream(stream)
{
    m_clock.start();
    armTimer();
}

UpstreamCall::~UpstreamCall() = default;

void UpstreamCall::abort()
{
    fail(UpstreamFailure::Aborted, QStringLiteral("request cancelled"));
}

qint64 UpstreamCall::nextDeadline() const
{
    qint64 due = std::numeric_limits<qint64>::max();
    if (!m_sent)
        due = m_policy.connectTimeoutMs;
    if (!m_stream)
        due = qMin<qint64>(due, m_policy.totalTimeoutMs);
    else if (m_sent)
        due = qMin<qint64>(due, m_lastActivity + m_policy.idleTimeoutMs);
    return due;
}

void UpstreamCall::armTimer()
{
    if (m_finished)
        return;
    const qint64 due = nextDeadline();
    // A timer that fires early only re-arms; moving it on every read would be the churn
    // this avoids.
    if (m_timer.isActive() && m_timerDue <= due)
        return;
    m_timerDue = due;
    m_timer.start(int(qBound<qint64>(0, due - m_clock.elapsed(), qint64(std::numeric_limits<int>::max()))), this);
}

void UpstreamCall::timerEvent(QTimerEvent *event)
{
    if (event->timerId() != m_timer.timerId()) {
        QObject::timerEvent(event);
        return;
    }
    m_timer.stop();
    const qint64 now = m_clock.elapsed();
    if (!m_sent && now >= m_policy.connectTimeoutMs) {
        fail(UpstreamFailure::ConnectTimeout,
             QStringLiteral("could not reach the provider within %1 s").arg(m_policy.connectTimeoutMs / 1000.0));
    } else if (!m_stream && now >= m_policy.totalTimeoutMs) {
        fail(UpstreamFailure::TotalTimeout,
             QStringLiteral("provider did not answer within %1 s").arg(m_policy.totalTimeoutMs / 1000.0));
    } else if (m_stream && m_sent && now >= m_lastActivity + m_policy.idleTimeoutMs) {
        fail(UpstreamFailure::IdleTimeout,
             QStringLiteral("provider sent nothing for %1 s").arg(m_policy.idleTimeoutMs / 1000.0));
    } else {
        armTimer();
    }
}

void UpstreamCall::requestSent()
{
    if (m_sent || m_finished)
        return;
    // The connect budget is spent; from here a stream may only go quiet for idleTimeout.
    // A non-stream call stays bounded by its total time alone.
    m_sent = true;
    m_lastActivity = m_clock.elapsed();
    armTimer();
}

void UpstreamCall::responseBegan(int status, const QUrl &location)
{
    if (m_started || m_finished)
        return;
    requestSent();
    m_started = true;
    m_status = status;
    m_lastActivity = m_clock.elapsed();
    // A 3xx is never followed (the key would go with it) nor relayed (the client would
    // get a bare 3xx pointing nowhere).
    if (m_status >= 300 && m_status < 400 && location.isValid() && !location.isEmpty()) {
        fail(UpstreamFailure::Redirect,
             QStringLiteral("provider redirected to %1; OneGate does not follow redirects so a key is never sent to another host")
                 .arg(location.toString(QUrl::RemoveUserInfo | QUrl::RemoveQuery)));
        return;
    }
    Q_EMIT responseStarted(m_status);
}

void UpstreamCall::bodyReceived(const QByteArray &bytes)
{
    if (m_finished || bytes.isEmpty())
        return;
    m_lastActivity = m_clock.elapsed();
    Q_EMIT dataReceived(bytes);
}

void UpstreamCall::succeeded()
{
    finish();
}

void UpstreamCall::fail(UpstreamFailure failure, const QString &text)
{
    if (m_finished)
        return;
    m_failure = failure;
    m_failureText = text;
    stopWire();
    finish();
}

void UpstreamCall::finish()
{
    if (m_finished)
        return;
    m_finished = true;
    m_timer.stop();
    Q_EMIT finished();
}

} // namespace onegate
