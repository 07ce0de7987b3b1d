#include "pages/ConnectTest.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QUrlQuery>
#include <optional>

using namespace Qt::StringLiterals;

namespace onegate {

namespace {

// The error text of an error body, empty when the body is something else. OpenAI's
// {"error":{"message"}} and Anthropic's {"type":"error","error":{"type","message"}} keep
// it in the same place.
QString errorMessage(const QJsonObject &body)
{
    return body.value(u"error"_s).toObject().value(u"message"_s).toString();
}

// The model's answer in a 200 body of `api`; nullopt when the body is not that API's
// answer at all.
std::optional<QString> answerText(ClientApi api, const QJsonObject &body)
{
    if (api != ClientApi::AnthropicMessages) {
        const QJsonObject message =
            body.value(u"choices"_s).toArray().at(0).toObject().value(u"message"_s).toObject();
        return message.value(u"content"_s).toString().trimmed();
    }
    if (body.value(u"type"_s).toString() != "message"_L1)
        return std::nullopt;
    // The text blocks make the answer; thinking and tool_use blocks are not shown.
    QString text;
    for (const QJsonValue block : body.value(u"content"_s).toArray()) {
        if (block[u"type"_s].toString() == "text"_L1)
            text += block[u"text"_s].toString();
    }
    return text.trimmed();
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

QString ConnectTest::prompt(ClientApi api)
{
    return api == ClientApi::AnthropicMessages ? u"Say OK"_s : u"Reply with OK"_s;
}

void ConnectTest::start(ClientApi api, const QUrl &origin, const QString &key, const QString &model)
{
    if (m_reply) {
        m_reply->disconnect(this);
        m_reply->abort();
        m_reply->deleteLater();
    }
    if (!gatewayServes(api)) {
        Q_EMIT finished(false, tr("OneGate does not serve %1 yet.").arg(endpointPath(api)));
        return;
    }
    m_api = api;
    m_url = origin;
    m_url.setPath(endpointPath(api));

    const QJsonArray messages{QJsonObject{{u"role"_s, u"user"_s}, {u"content"_s, prompt(api)}}};
    QJsonObject body{{u"model"_s, model}, {u"messages"_s, messages}};
    QNetworkRequest request;
    request.setHeader(QNetworkRequest::ContentTypeHeader, u"application/json"_s);
    // Both APIs take the key as a bearer token; Claude Code sends ANTHROPIC_AUTH_TOKEN so.
    if (!key.isEmpty())
        request.setRawHeader("Authorization", "Bearer " + key.toUtf8());
    if (api == ClientApi::AnthropicMessages) {
        // What Claude Code sends, minus its beta headers and streaming: the same URL with
        // ?beta=true, the API version, and max_tokens, which the Messages API requires.
        m_url.setQuery(QUrlQuery{{u"beta"_s, u"true"_s}});
        request.setRawHeader("anthropic-version", "2023-06-01");
        body.insert(u"max_tokens"_s, 16);
    } else {
        body.insert(u"stream"_s, false);
    }
    request.setUrl(m_url);

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
        Q_EMIT finished(false,
                        tr("OneGate could not be reached at %1: %2")
                            .arg(m_url.toString(QUrl::RemoveUserInfo | QUrl::RemoveQuery), reason));
        return;
    }
    if (status != 200) {
        QString message = errorMessage(body);
        if (message.isEmpty())
            message = reply->attribute(QNetworkRequest::HttpReasonPhraseAttribute).toString();
        Q_EMIT finished(false, tr("OneGate answered %1: %2").arg(status).arg(message));
        return;
    }
    const std::optional<QString> answer = answerText(m_api, body);
    if (!answer) {
        Q_EMIT finished(false, tr("OneGate answered, but not with an Anthropic Messages reply."));
        return;
    }
    if (answer->isEmpty()) {
        Q_EMIT finished(true, tr("The request went through, but the model's answer was empty."));
        return;
    }
    Q_EMIT finished(true, *answer);
}

} // namespace onegate
