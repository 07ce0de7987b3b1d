#include "LocalServerProbe.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QTimer>
#include <QUrl>

using namespace Qt::StringLiterals;

namespace onegate {

namespace {

using Answer = LocalServerTarget::Answer;

// The model ids in an answer of the expected shape; nullopt when it is something else.
std::optional<QStringList> modelsIn(const QByteArray &body, Answer answer)
{
    if (answer == Answer::Health)
        return QStringList();
    const QJsonObject object = QJsonDocument::fromJson(body).object();
    const bool ollama = answer == Answer::OllamaTags;
    const QJsonValue list = object.value(ollama ? "models"_L1 : "data"_L1);
    if (!list.isArray())
        return std::nullopt;
    QStringList models;
    for (const QJsonValue &entry : list.toArray()) {
        const QJsonObject model = entry.toObject();
        const QString id =
            ollama ? model.value("name"_L1).toString() : model.value("id"_L1).toString();
        if (!id.isEmpty())
            models.append(id);
    }
    return models;
}

} // namespace

LocalServerProbe::LocalServerProbe(QObject *parent)
    : QObject(parent)
    , m_network(new QNetworkAccessManager(this))
    , m_targets(defaultTargets())
{
    // A system proxy would send "127.0.0.1" to the proxy host: never what is meant here.
    m_network->setProxy(QNetworkProxy::NoProxy);
}

LocalServerProbe::~LocalServerProbe()
{
    ++m_generation;
    for (const QPointer<QNetworkReply> &reply : std::as_const(m_replies)) {
        if (reply)
            reply->abort();
    }
}

QList<LocalServerTarget> LocalServerProbe::defaultTargets()
{
    const LocalServerTarget::Probe openAiModels{u"/v1/models"_s, Answer::OpenAiModels};
    return {
        {u"ollama"_s, 11434, {{u"/api/tags"_s, Answer::OllamaTags}}},
        {u"lmstudio"_s, 1234, {openAiModels}},
        {u"llamacpp"_s, 8080, {openAiModels, {u"/health"_s, Answer::Health}}},
        {u"vllm"_s, 8000, {openAiModels}},
        {u"jan"_s, 1337, {openAiModels}},
    };
}

void LocalServerProbe::setTargets(const QList<LocalServerTarget> &targets)
{
    m_targets = targets;
}

void LocalServerProbe::start()
{
    const quint64 generation = ++m_generation;
    for (const QPointer<QNetworkReply> &reply : std::as_const(m_replies)) {
        if (reply)
            reply->abort();
    }
    m_replies.clear();
    m_results = QList<std::optional<LocalServer>>(m_targets.size());
    m_pending = int(m_targets.size());
    if (m_pending == 0) {
        QTimer::singleShot(0, this, [this, generation] {
            if (generation == m_generation)
                Q_EMIT finished();
        });
        return;
    }
    for (int target = 0; target < m_targets.size(); ++target)
        probe(target, 0);
}

void LocalServerProbe::probe(int target, int step)
{
    const LocalServerTarget &where = m_targets.at(target);
    QUrl url;
    url.setScheme(u"http"_s);
    url.setHost(u"127.0.0.1"_s);
    url.setPort(where.port);
    url.setPath(where.probes.at(step).path);
    QNetworkRequest request(url);
    request.setTransferTimeout(m_timeoutMs);
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
                         QNetworkRequest::ManualRedirectPolicy);
    request.setRawHeader("Accept", "application/json");
    QNetworkReply *reply = m_network->get(request);
    m_replies.append(reply);
    const quint64 generation = m_generation;
    connect(reply, &QNetworkReply::finished, this,
            [this, reply, target, step, generation] { onReply(reply, target, step, generation); });
}

void LocalServerProbe::onReply(QNetworkReply *reply, int target, int step, quint64 generation)
{
    reply->deleteLater();
    if (generation != m_generation)
        return;
    const LocalServerTarget &where = m_targets.at(target);
    const Answer answer = where.probes.at(step).answer;
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (status == 200) {
        if (const auto models = modelsIn(reply->readAll(), answer)) {
            m_results[target] = LocalServer{where, *models, answer != Answer::Health, false};
            done();
            return;
        }
    } else if ((status == 401 || status == 403) && answer != Answer::Health) {
        m_results[target] = LocalServer{where, {}, false, true};
        done();
        return;
    }
    // Nothing listening, a timeout, or not the API expected: the next probe, if any.
    if (status != 0 && step + 1 < where.probes.size()) {
        probe(target, step + 1);
        return;
    }
    done();
}

void LocalServerProbe::done()
{
    if (--m_pending == 0)
        Q_EMIT finished();
}

QList<LocalServer> LocalServerProbe::found() const
{
    QList<LocalServer> servers;
    for (const std::optional<LocalServer> &result : m_results) {
        if (result)
            servers.append(*result);
    }
    return servers;
}

} // namespace onegate
