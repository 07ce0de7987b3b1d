#pragma once

#include "ProviderSettings.h"

#include <QBasicTimer>
#include <QByteArray>
#include <QElapsedTimer>
#include <QList>
#include <QObject>
#include <QPair>
#include <QUrl>

namespace onegate {

struct UpstreamRequest {
    QUrl url;
    QByteArray method = QByteArrayLiteral("POST");
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray body;
};

enum class UpstreamFailure { None, ConnectTimeout, IdleTimeout, TotalTimeout, Network, Redirect, Aborted };

// One HTTP exchange with a provider, whatever carries it (ProviderTransport picks the
// wire: a pooled HTTP/1.1 connection, or QNetworkAccessManager behind a proxy). This
// base enforces the provider's TransportPolicy: the connect budget runs until the
// request has been sent; a stream is then bounded by silence between reads, a plain
// call by its total time. Redirects are never followed, so a key cannot leak to another
// host. Emits finished() exactly once; deleting the call aborts the exchange.
//
// One timer per call, armed for the earliest deadline and moved only when it fires: a
// stream's reads just note the time, so a busy stream costs no timer traffic.
class UpstreamCall : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(UpstreamCall)
public:
    ~UpstreamCall() override;

    void abort();

    int httpStatus() const { return m_status; }
    virtual QByteArray responseHeader(const QByteArray &name) const = 0;
    UpstreamFailure failure() const { return m_failure; }
    QString failureText() const { return m_failureText; }
    bool isFinished() const { return m_finished; }

Q_SIGNALS:
    void responseStarted(int status);
    void dataReceived(const QByteArray &bytes);
    void finished();

protected:
    UpstreamCall(const TransportPolicy &policy, bool stream, QObject *parent);

    // What the wire reports, in this order (any of them may end the call).
    void requestSent();
    // The answer's status line arrived; `location` is its Location header, if any.
    void responseBegan(int status, const QUrl &location);
    void bodyReceived(const QByteArray &bytes);
    void succeeded();
    void fail(UpstreamFailure failure, const QString &text);
    bool hasStarted() const { return m_started; }

    // Ends the wire's exchange at once; it reports nothing afterwards.
    virtual void stopWire() = 0;

private:
    void timerEvent(QTimerEvent *event) override;
    void armTimer();
    qint64 nextDeadline() const;
    void finish();

    TransportPolicy m_policy;
    bool m_stream;
    QElapsedTimer m_clock;
    QBasicTimer m_timer;
    qint64 m_timerDue = -1;       // m_clock time the timer fires at
    qint64 m_lastActivity = 0;    // m_clock time of the last sign of life (streams)
    int m_status = 0;
    bool m_sent = false;
    bool m_started = false;
    bool m_finished = false;
    UpstreamFailure m_failure = UpstreamFailure::None;
    QString m_failureText;
};

QString upstreamFailureName(UpstreamFailure failure);

} // namespace onegate
