#include "pages/ConnectTest.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QNetworkRequest>

using namespace Qt::StringLiterals;

namespace onegate {

namespace {

// The error text of an OpenAI-shaped error body, empty when the body is something else.
QString errorMessage(const QJsonObject &body)
{
    return body.value(u"error"_s).toObject().value(u"message"_s).toString();
}

QString answerText(const QJsonObject &body)
{
    const QJsonObject message =
        body.value(u"choices"_s).toArray().at(0).toObject().value(u"message"_s).toObject();
    return message.value(u"content"_s).toString().trimmed();
}

} // namespace

ConnectTest::ConnectTest(QObject *parent)
    : QObject(parent)
    , m_network(new QNetworkAccessManager(this))
{
    m_network->setProxy(QNetworkProxy::NoProxy);
    m_network->setRedirectPolicy(QNetworkRequest::ManualRedirectPolicy);
    m_network->setTransferTimeout(kTimeoutMs);
}

ConnectTest::~ConnectTest()
{
    if (m_reply)
        m_reply->abort();
}

void ConnectTest::start(const QUrl &apiBase, const QString &key, const QString &model)
{
    if (m_reply) {
        m_reply->disconnect(this);
        m_reply->abort();
        m_reply->deleteLater();
    }
    m_url = apiBase;
    m_url.setPath(apiBase.path() + u"/chat/completions"_s);

    QNetworkRequest request(m_url);
    request.setHeader(QNetworkRequest::ContentTypeHeader, u"application/json"_s);
    if (!key.isEmpty())
        request.setRawHeader("Authorization", "Bearer " + key.toUtf8());
    const QJsonObject body{
        {u"model"_s, model},
        {u"stream"_s, false},
        {u"messages"_s,
         QJsonArray{QJsonObject{{u"role"_s, u"user"_s}, {u"content"_s, u"Reply with OK"_s}}}},
    };
    QNetworkReply *reply =
        m_network->post(request, QJsonDocument(body).toJson(QJsonDocument::Compact));
    m_reply = reply;
    connect(reply, &QNetworkReply::finished, this, [this, reply] { onFinished(reply); });
}

void ConnectTest::onFinished(QNetworkReply *reply)
{
    reply->deleteLater();
    if (m_reply == reply)
        m_reply.clear();

    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QJsonObject body = QJsonDocument::fromJson(reply->readAll()).object();
    if (status == 0) {
        // No HTTP answer at all: nothing listens there, or it did not answer in time.
        const QString reason = reply->error() == QNetworkReply::OperationCanceledError
                                   ? tr("no answer within %1 seconds").arg(kTimeoutMs / 1000)
                                   : reply->errorString();
        Q_EMIT finished(false, tr("OneGate could not be reached at %1: %2")
                                   .arg(m_url.toString(QUrl::RemoveUserInfo), reason));
        return;
    }
    if (status != 200) {
        QString message = errorMessage(body);
        if (message.isEmpty())
            message = reply->attribute(QNetworkRequest::HttpReasonPhraseAttribute).toString();
        Q_EMIT finished(false, tr("OneGate answered %1: %2").arg(status).arg(message));
        return;
    }
    const QString answer = answerText(body);
    if (answer.isEmpty()) {
        Q_EMIT finished(true, tr("The request went through, but the model's answer was empty."));
        return;
    }
    Q_EMIT finished(true, answer);
}

} // namespace onegate
