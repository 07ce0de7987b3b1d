#include "UpstreamCall.h"

#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QNetworkRequest>

namespace onegate {

namespace {
// Six HTTP/1.1 connections per host per manager; beyond this a new manager is cheaper
// than queueing a stream behind others.
constexpr int kCallsPerManager = 6;
constexpr int kMaxManagers = 64;
} // namespace

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

UpstreamCall::UpstreamCall(QNetworkReply *reply, const TransportPolicy &policy, bool stream,
                           QObject *parent)
    : QObject(parent)
    , m_reply(reply)
    , m_policy(policy)
    , m_stream(stream)
{
    m_phaseTimer.setSingleShot(true);
    m_totalTimer.setSingleShot(true);
    connect(&m_phaseTimer, &QTimer::timeout, this, [this] {
        if (m_sent)
            fail(UpstreamFailure::IdleTimeout,
                 QStringLiteral("provider sent nothing for %1 s").arg(m_policy.idleTimeoutMs / 1000.0));
        else
            fail(UpstreamFailure::ConnectTimeout,
                 QStringLiteral("could not reach the provider within %1 s")
                     .arg(m_policy.connectTimeoutMs / 1000.0));
    });
    connect(&m_totalTimer, &QTimer::timeout, this, [this] {
        fail(UpstreamFailure::TotalTimeout,
             QStringLiteral("provider did not answer within %1 s").arg(m_policy.totalTimeoutMs / 1000.0));
    });
    connect(reply, &QNetworkReply::requestSent, this, &UpstreamCall::onRequestSent);
    connect(reply, &QNetworkReply::metaDataChanged, this, &UpstreamCall::onMetaData);
    connect(reply, &QNetworkReply::readyRead, this, &UpstreamCall::onReadyRead);
    connect(reply, &QNetworkReply::finished, this, &UpstreamCall::onReplyFinished);
    connect(reply, &QNetworkReply::redirected, this, &UpstreamCall::onRedirected);
    m_phaseTimer.start(m_policy.connectTimeoutMs);
    if (!m_stream)
        m_totalTimer.start(m_policy.totalTimeoutMs);
}

UpstreamCall::~UpstreamCall()
{
    if (QNetworkReply *reply = m_reply) {
        reply->disconnect(this);
        reply->abort();
        reply->deleteLater();
    }
}

void UpstreamCall::abort()
{
    fail(UpstreamFailure::Aborted, QStringLiteral("request cancelled"));
}

QByteArray UpstreamCall::responseHeader(const QByteArray &name) const
{
    return m_reply ? m_reply->rawHeader(name) : QByteArray();
}

void UpstreamCall::onRequestSent()
{
    m_sent = true;
    // The connect budget is spent; from here a stream may only go quiet for idleTimeout.
    // A non-stream call stays bounded by its total timer alone.
    if (m_stream)
        m_phaseTimer.start(m_policy.idleTimeoutMs);
    else
        m_phaseTimer.stop();
}

void UpstreamCall::onMetaData()
{
    if (m_started || !m_reply)
        return;
    const QVariant status = m_reply->attribute(QNetworkRequest::HttpStatusCodeAttribute);
    if (!status.isValid())
        return;
    m_started = true;
    m_sent = true;
    m_status = status.toInt();
    // Under ManualRedirectPolicy QNAM never emits redirected(): a 3xx simply arrives as
    // the answer. Refuse it here, or the client would get a bare 3xx pointing nowhere.
    const QVariant target = m_reply->attribute(QNetworkRequest::RedirectionTargetAttribute);
    if (m_status >= 300 && m_status < 400 && target.isValid()) {
        onRedirected(m_reply->url().resolved(target.toUrl()));
        return;
    }
    if (m_stream)
        m_phaseTimer.start(m_policy.idleTimeoutMs);
    else
        m_phaseTimer.stop();
    Q_EMIT responseStarted(m_status);
}

void UpstreamCall::onReadyRead()
{
    if (!m_reply || m_finished)
        return;
    onMetaData();
    if (m_stream)
        m_phaseTimer.start(m_policy.idleTimeoutMs);
    const QByteArray bytes = m_reply->readAll();
    if (!bytes.isEmpty())
        Q_EMIT dataReceived(bytes);
}

void UpstreamCall::onRedirected(const QUrl &target)
{
    fail(UpstreamFailure::Redirect,
         QStringLiteral("provider redirected to %1; OneGate does not follow redirects so a key is never sent to another host")
             .arg(target.toString(QUrl::RemoveUserInfo | QUrl::RemoveQuery)));
}

void UpstreamCall::onReplyFinished()
{
    QNetworkReply *reply = m_reply;
    if (m_finished || !reply)
        return;
    onMetaData();
    if (m_finished)
        return;
    if (reply->bytesAvailable() > 0)
        onReadyRead();
    if (m_finished)
        return;
    const auto error = reply->error();
    // An HTTP error status is a normal answer here: the caller relays it. Only transport
    // failures (no status at all, or a connection dropped mid-body) are failures.
    const bool transportFailure = error != QNetworkReply::NoError
        && (m_status == 0 || error < QNetworkReply::ContentAccessDenied
            || error == QNetworkReply::UnknownNetworkError);
    if (transportFailure) {
        fail(UpstreamFailure::Network, reply->errorString());
        return;
    }
    finish();
}

void UpstreamCall::fail(UpstreamFailure failure, const QString &text)
{
    if (m_finished)
        return;
    m_failure = failure;
    m_failureText = text;
    if (QNetworkReply *reply = m_reply) {
        reply->disconnect(this);
        reply->abort();
    }
    finish();
}

void UpstreamCall::finish()
{
    if (m_finished)
        return;
    m_finished = true;
    m_phaseTimer.stop();
    m_totalTimer.stop();
    Q_EMIT finished();
}

ProviderTransport::ProviderTransport(const ProxySetting &proxy, QObject *parent)
    : QObject(parent)
    , m_proxy(proxy)
{
}

ProviderTransport::~ProviderTransport() = default;

ProviderTransport::Slot &ProviderTransport::leastLoaded()
{
    Slot *best = nullptr;
    for (Slot &slot : m_managers) {
        if (!best || slot.inFlight < best->inFlight)
            best = &slot;
    }
    if (best && (best->inFlight < kCallsPerManager || m_managers.size() >= kMaxManagers))
        return *best;

    auto *manager = new QNetworkAccessManager(this);
    manager->setRedirectPolicy(QNetworkRequest::ManualRedirectPolicy);
    // Cookies would let one client's session leak into another's requests.
    manager->setCookieJar(nullptr);
    switch (m_proxy.mode) {
    case ProxySetting::Mode::System:
        break;
    case ProxySetting::Mode::None:
        manager->setProxy(QNetworkProxy(QNetworkProxy::NoProxy));
        break;
    case ProxySetting::Mode::Http:
    case ProxySetting::Mode::Socks5: {
        const auto type = m_proxy.mode == ProxySetting::Mode::Http ? QNetworkProxy::HttpProxy
                                                                    : QNetworkProxy::Socks5Proxy;
        manager->setProxy(QNetworkProxy(type, m_proxy.url.host(), quint16(m_proxy.url.port(type == QNetworkProxy::HttpProxy ? 8080 : 1080)),
                                        m_proxy.url.userName(), m_proxy.url.password()));
        break;
    }
    }
    m_managers.append(Slot{manager, 0});
    return m_managers.last();
}

UpstreamCall *ProviderTransport::start(const UpstreamRequest &request,
                                       const TransportPolicy &policy, bool stream,
                                       QObject *parent)
{
    Slot &slot = leastLoaded();
    QNetworkRequest netRequest(request.url);
    netRequest.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    for (const auto &[name, value] : request.headers)
        netRequest.setRawHeader(name, value);
    QNetworkReply *reply = slot.manager->sendCustomRequest(netRequest, request.method, request.body);

    auto *call = new UpstreamCall(reply, policy, stream, parent);
    ++slot.inFlight;
    QNetworkAccessManager *manager = slot.manager;
    // Count by manager pointer: the slot list may grow (and move) while this call runs.
    connect(call, &QObject::destroyed, this, [this, manager] {
        for (Slot &s : m_managers) {
            if (s.manager == manager) {
                --s.inFlight;
                break;
            }
        }
    });
    return call;
}

} // namespace onegate
