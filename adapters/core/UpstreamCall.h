#pragma once

#include "ProviderSettings.h"

#include <QByteArray>
#include <QList>
#include <QObject>
#include <QPair>
#include <QPointer>
#include <QTimer>
#include <QUrl>

class QNetworkAccessManager;
class QNetworkReply;

namespace onegate {

struct UpstreamRequest {
    QUrl url;
    QByteArray method = QByteArrayLiteral("POST");
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray body;
};

enum class UpstreamFailure { None, ConnectTimeout, IdleTimeout, TotalTimeout, Network, Redirect, Aborted };

// One HTTP exchange with a provider. Owns its QNetworkReply and enforces the provider's
// TransportPolicy with its own timers: the connect budget runs until the request has
// been sent; a stream is then bounded by silence between reads, a plain call by its
// total time. Redirects are never followed, so a key cannot leak to another host.
// Emits finished() exactly once; deleting the call aborts the exchange.
class UpstreamCall final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(UpstreamCall)
public:
    UpstreamCall(QNetworkReply *reply, const TransportPolicy &policy, bool stream,
                 QObject *parent = nullptr);
    ~UpstreamCall() override;

    void abort();

    int httpStatus() const { return m_status; }
    QByteArray responseHeader(const QByteArray &name) const;
    UpstreamFailure failure() const { return m_failure; }
    QString failureText() const { return m_failureText; }
    bool isFinished() const { return m_finished; }

Q_SIGNALS:
    void responseStarted(int status);
    void dataReceived(const QByteArray &bytes);
    void finished();

private:
    void onRequestSent();
    void onMetaData();
    void onReadyRead();
    void onReplyFinished();
    void onRedirected(const QUrl &target);
    void fail(UpstreamFailure failure, const QString &text);
    void finish();

    QPointer<QNetworkReply> m_reply;
    TransportPolicy m_policy;
    bool m_stream;
    QTimer m_phaseTimer;  // connect, then idle (streams)
    QTimer m_totalTimer;  // non-stream only
    int m_status = 0;
    bool m_sent = false;
    bool m_started = false;
    bool m_finished = false;
    UpstreamFailure m_failure = UpstreamFailure::None;
    QString m_failureText;
};

// The network side of one provider: a small pool of QNetworkAccessManagers sharing the
// provider's proxy. One manager opens at most six HTTP/1.1 connections per host, so long
// streams to a plain-HTTP upstream would queue; the pool grows on demand and each call
// goes to the least-loaded manager (DESIGN.md section 3).
class ProviderTransport final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ProviderTransport)
public:
    explicit ProviderTransport(const ProxySetting &proxy, QObject *parent = nullptr);
    ~ProviderTransport() override;

    UpstreamCall *start(const UpstreamRequest &request, const TransportPolicy &policy,
                        bool stream, QObject *parent);

    int managerCount() const { return int(m_managers.size()); }

private:
    struct Slot {
        QNetworkAccessManager *manager = nullptr;
        int inFlight = 0;
    };
    Slot &leastLoaded();

    ProxySetting m_proxy;
    QList<Slot> m_managers;
};

QString upstreamFailureName(UpstreamFailure failure);

} // namespace onegate
