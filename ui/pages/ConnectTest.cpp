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
// it in the same place; Ollama's is {"error":"message"}.
QString errorMessage(const QJsonObject &body)
{
    const QJsonValue error = body.value(u"error"_s);
    return error.isString() ? error.toString() : error.toObject().value(u"message"_s).toString();
}

// The model's answer in a 200 body of `api`; nullopt when the body is not that API's
// answer at all.
std::optional<QString> answerText(ClientApi api, const QJsonObject &body)
{
    switch (api) {
    case ClientApi::ChatCompletions:
    case ClientApi::OllamaOpenAiChat:
        if (body.value(u"object"_s).toString() != "chat.completion"_L1)
            return std::nullopt;
        return body.value(u"choices"_s)[0][u"message"_s][u"content"_s].toString().trimmed();
    case ClientApi::Completions:
        if (body.value(u"object"_s).toString() != "text_completion"_L1)
            return std::nullopt;
        return body.value(u"choices"_s)[0][u"text"_s].toString().trimmed();
    case ClientApi::OllamaChat:
        if (!body.value(u"message"_s).isObject())
            return std::nullopt;
        return body.value(u"message"_s)[u"content"_s].toString().trimmed();
    case ClientApi::Responses: {
        if (body.value(u"object"_s).toString() != "response"_L1)
            return std::nullopt;
        // The output_text parts of the message items; reasoning and calls are not shown.
        QString text;
        for (const QJsonValue item : body.value(u"output"_s).toArray()) {
            for (const QJsonValue part : item[u"content"_s].toArray()) {
                if (part[u"type"_s].toString() == "output_text"_L1)
                    text += part[u"text"_s].toString();
            }
        }
        return text.trimmed();
    }
    case ClientApi::AnthropicMessages:
        break;
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

// What a client of `api` calls the answer it expects, for "not a ... reply".
QString answerKind(ClientApi api)
{
    switch (api) {
    case ClientApi::AnthropicMessages:
        return u"Anthropic Messages"_s;
    case ClientApi::Responses:
        return u"OpenAI Responses"_s;
    case ClientApi::Completions:
        return u"OpenAI Completions"_s;
    case ClientApi::OllamaChat:
        return u"Ollama chat"_s;
    case ClientApi::ChatCompletions:
    case ClientApi::OllamaOpenAiChat:
        break;
    }
    return u"OpenAI Chat Completions"_s;
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
    m_api = api;
    m_url = origin;
    m_url.setPath(endpointPath(api));

    const QJsonArray messages{QJsonObject{{u"role"_s, u"user"_s}, {u"content"_s, prompt(api)}}};
    QJsonObject body{{u"model"_s, model}};
    // Claude Code's Messages requests leave stream out; every other API streams unless told not to
    // (Ollama's) or is asked plainly.
    if (api != ClientApi::AnthropicMessages)
        body.insert(u"stream"_s, false);
    QNetworkRequest request;
    request.setHeader(QNetworkRequest::ContentTypeHeader, u"application/json"_s);
    // Every API takes the key as a bearer token; Claude Code sends ANTHROPIC_AUTH_TOKEN
    // so. Clients of the Ollama-compatible API send none.
    if (!key.isEmpty())
        request.setRawHeader("Authorization", "Bearer " + key.toUtf8());
    switch (api) {
    case ClientApi::AnthropicMessages:
        // What Claude Code sends, minus its beta headers and streaming: the same URL with
        // ?beta=true, the API version, and max_tokens, which the Messages API requires.
        m_url.setQuery(QUrlQuery{{u"beta"_s, u"true"_s}});
        request.setRawHeader("anthropic-version", "2023-06-01");
        body.insert(u"messages"_s, messages);
        body.insert(u"max_tokens"_s, 16);
        break;
    case ClientApi::Responses:
        // As Codex asks, minus streaming: input text, nothing stored.
        body.insert(u"input"_s, prompt(api));
        body.insert(u"store"_s, false);
        break;
    case ClientApi::Completions:
        body.insert(u"prompt"_s, prompt(api));
        body.insert(u"max_tokens"_s, 16);
        break;
    case ClientApi::ChatCompletions:
    case ClientApi::OllamaOpenAiChat:
    case ClientApi::OllamaChat:
        body.insert(u"messages"_s, messages);
        break;
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
        Q_EMIT finished(false, tr("OneGate answered, but not with an %1 reply.").arg(answerKind(m_api)));
        return;
    }
    if (answer->isEmpty()) {
        Q_EMIT finished(true, tr("The request went through, but the model's answer was empty."));
        return;
    }
    Q_EMIT finished(true, *answer);
}

} // namespace onegate
