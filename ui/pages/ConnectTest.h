#pragma once

#include <QObject>
#include <QPointer>
#include <QString>
#include <QUrl>

class QNetworkAccessManager;
class QNetworkReply;

namespace onegate {

// The Connect page's Test button: one real, small, non-streaming chat completion through
// the gateway's own address with the chosen key and model, as a client would send it.
// It goes straight to the gateway (never through a system proxy, which could not reach a
// loopback address anyway) and reports the model's answer or the gateway's own error.
class ConnectTest final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ConnectTest)
public:
    static constexpr int kTimeoutMs = 60'000;

    explicit ConnectTest(QObject *parent = nullptr);
    ~ConnectTest() override;

    // Starts the request; one still running is abandoned first.
    void start(const QUrl &apiBase, const QString &key, const QString &model);
    bool isRunning() const { return !m_reply.isNull(); }

Q_SIGNALS:
    // `message` is the model's answer when `ok`, otherwise what went wrong.
    void finished(bool ok, const QString &message);

private:
    void onFinished(QNetworkReply *reply);

    QNetworkAccessManager *m_network;
    QPointer<QNetworkReply> m_reply;
    QUrl m_url;
};

} // namespace onegate
