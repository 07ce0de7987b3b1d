#pragma once

#include "pages/ConnectSnippets.h"

#include <QObject>
#include <QPointer>
#include <QString>
#include <QUrl>

class QNetworkAccessManager;
class QNetworkReply;

namespace onegate {

// The Connect page's Test button: one real, small, non-streaming request through the
// gateway's own address with the chosen key and model, as the client would send it: a
// chat completion for OpenAI-compatible clients, a Messages request (as Claude Code sends
// it) for Anthropic ones. It goes straight to the gateway (never through a system proxy,
// which could not reach a loopback address anyway) and reports the model's answer or the
// gateway's own error.
class ConnectTest final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ConnectTest)
public:
    static constexpr int kTimeoutMs = 60'000;

    explicit ConnectTest(QObject *parent = nullptr);
    ~ConnectTest() override;

    // Starts the request a client of `api` sends to `origin` (http://HOST:PORT); one still
    // running is abandoned first. An API the gateway does not serve fails at once.
    void start(ClientApi api, const QUrl &origin, const QString &key, const QString &model);
    bool isRunning() const { return !m_reply.isNull(); }
    // What the request asks the model, untranslated (it is sent as it is).
    static QString prompt(ClientApi api);

Q_SIGNALS:
    // `message` is the model's answer when `ok`, otherwise what went wrong.
    void finished(bool ok, const QString &message);

private:
    void onFinished(QNetworkReply *reply);

    QNetworkAccessManager *m_network;
    QPointer<QNetworkReply> m_reply;
    ClientApi m_api = ClientApi::ChatCompletions;
    QUrl m_url;
};

} // namespace onegate
