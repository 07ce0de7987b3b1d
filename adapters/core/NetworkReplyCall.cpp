#include "NetworkReplyCall.h"

#include <QNetworkReply>
#include <QNetworkRequest>

namespace onegate {

NetworkReplyCall::NetworkReplyCall(QNetworkReply *reply, const TransportPolicy &policy, bool stream,
                                   QObject *parent)
    : UpstreamCall(policy, stream, parent)
    , m_reply(reply)
{
    connect(reply, &QNetworkReply::requestSent, this, &NetworkReplyCall::requestSent);
    connect(reply, &QNetworkReply::metaDataChanged, this, &NetworkReplyCall::onMetaData);
    connect(reply, &QNetworkReply::readyRead, this, &NetworkReplyCall::onReadyRead);
    connect(reply, &QNetworkReply::finished, this, &NetworkReplyCall::onReplyFinished);
    // Under ManualRedirectPolicy a 3xx arrives as the answer (onMetaData refuses it);
    // redirected() would only come under another policy, and is refused alike.
    connect(reply, &QNetworkReply::redirected, this, [this](const QUrl &target) {
        responseBegan(307, target);
    });
}

NetworkReplyCall::~NetworkReplyCall()
{
    stopWire();
}

QByteArray NetworkReplyCall::responseHeader(const QByteArray &name) const
{
    return m_reply ? m_reply->rawHeader(name) : QByteArray();
}

void NetworkReplyCall::stopWire()
{
    if (QNetworkReply *reply = m_reply) {
        m_reply = nullptr;
        reply->disconnect(this);
        reply->abort();
        reply->deleteLater();
    }
}

void NetworkReplyCall::onMetaData()
{
    if (hasStarted() || !m_reply)
        return;
    const QVariant status = m_reply->attribute(QNetworkRequest::HttpStatusCodeAttribute);
    if (!status.isValid())
        return;
    const QVariant target = m_reply->attribute(QNetworkRequest::RedirectionTargetAttribute);
    responseBegan(status.toInt(), target.isValid() ? m_reply->url().resolved(target.toUrl()) : QUrl());
}

void NetworkReplyCall::onReadyRead()
{
    if (!m_reply || isFinished())
        return;
    onMetaData();
    if (m_reply && !isFinished())
        bodyReceived(m_reply->readAll());
}

void NetworkReplyCall::onReplyFinished()
{
    if (isFinished() || !m_reply)
        return;
    onMetaData();
    if (isFinished() || !m_reply)
        return;
    if (m_reply->bytesAvailable() > 0)
        onReadyRead();
    if (isFinished() || !m_reply)
        return;
    const auto error = m_reply->error();
    // An HTTP error status is a normal answer here: the caller relays it. Only transport
    // failures (no status at all, or a connection dropped mid-body) are failures.
    const bool transportFailure = error != QNetworkReply::NoError
        && (httpStatus() == 0 || error < QNetworkReply::ContentAccessDenied
            || error == QNetworkReply::UnknownNetworkError);
    if (transportFailure) {
        fail(UpstreamFailure::Network, m_reply->errorString());
        return;
    }
    succeeded();
}

} // namespace onegate
