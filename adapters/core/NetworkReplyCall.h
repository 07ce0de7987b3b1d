#pragma once

#include "UpstreamCall.h"

#include <QPointer>

class QNetworkReply;

namespace onegate {

// An UpstreamCall carried by QNetworkAccessManager: used where a proxy stands between
// OneGate and the provider, which QNAM speaks (HTTP CONNECT, SOCKS5, system settings).
class NetworkReplyCall final : public UpstreamCall {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(NetworkReplyCall)
public:
    NetworkReplyCall(QNetworkReply *reply, const TransportPolicy &policy, bool stream,
                     QObject *parent = nullptr);
    ~NetworkReplyCall() override;

    QByteArray responseHeader(const QByteArray &name) const override;

private:
    void onMetaData();
    void onReadyRead();
    void onReplyFinished();
    void stopWire() override;

    QPointer<QNetworkReply> m_reply;
};

} // namespace onegate
