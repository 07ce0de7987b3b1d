#include "CountTokensRelay.h"

#include "anthropic/AnthropicHttp.h"
#include "core/SecretRedaction.h"
#include "core/ProviderTransport.h"
#include "dialects/AnthropicTokenEstimate.h"
#include "routing/ProviderRuntime.h"

#include <QAbstractSocket>
#include <QJsonDocument>

namespace onegate {

namespace {
constexpr qsizetype kMaxAnswerBytes = 1024 * 1024;  // {"input_tokens": n} is a few bytes
}

CountTokensRelay::CountTokensRelay(QHttpServerResponder &&responder, std::unique_ptr<RoutePlan> plan,
                                   QJsonObject body, HeaderPairs clientHeaders, HeaderPairs responseHeaders,
                                   QObject *parent)
    : QObject(parent)
    , m_responder(std::move(responder))
    , m_socket(m_responder.socket())
    , m_plan(std::move(plan))
    , m_body(std::move(body))
    , m_clientHeaders(std::move(clientHeaders))
    , m_responseHeaders(std::move(responseHeaders))
{
}

CountTokensRelay::~CountTokensRelay()
{
    if (UpstreamCall *upstream = m_upstream) {
        upstream->disconnect(this);
        delete upstream;
    }
    if (m_plan)  // the client left before the answer
        m_plan->abandon(m_attempt ? &*m_attempt : nullptr);
}

void CountTokensRelay::start()
{
    RoutePlan::Step step = m_plan->place();
    if (!step.attempt || step.attempt->target.provider->kind != ProviderKind::Anthropic) {
        answerEstimate();
        return;
    }
    m_attempt = std::move(step.attempt);
    const ProviderSettings &provider = *m_attempt->target.provider;
    QJsonObject body = m_body;
    body.insert(QLatin1String("model"), m_attempt->target.upstreamModel);
    UpstreamRequest request;
    request.url = anthropic::apiUrl(provider, u"/messages/count_tokens");
    request.body = QJsonDocument(body).toJson(QJsonDocument::Compact);
    request.headers = {{QByteArrayLiteral("Content-Type"), QByteArrayLiteral("application/json")},
                       {QByteArrayLiteral("Accept"), QByteArrayLiteral("application/json")}};
    anthropic::addApiHeaders(request, provider, m_attempt->apiKey, m_clientHeaders);
    m_upstream = m_attempt->provider->transport()->start(request, provider.policy, false, this);
    connect(m_upstream, &UpstreamCall::dataReceived, this, [this](const QByteArray &bytes) {
        m_received.append(bytes);
        if (m_received.size() > kMaxAnswerBytes)
            m_upstream->abort();
    });
    connect(m_upstream, &UpstreamCall::finished, this, &CountTokensRelay::onFinished);
    if (m_socket) {
        // The client left: stop asking for it.
        connect(m_socket, &QAbstractSocket::disconnected, this, &QObject::deleteLater);
    }
}

void CountTokensRelay::onFinished()
{
    const int status = m_upstream->httpStatus();
    const bool reached = m_upstream->failure() == UpstreamFailure::None;
    if (!reached || status >= 500 || status == 429 || m_received.size() > kMaxAnswerBytes) {
        // Unreachable, busy or broken: an estimate is more use to the client than an error.
        answerEstimate();
        return;
    }
    // A 4xx is the provider's verdict on this request (unknown model, bad block): relayed.
    // The provider's own answer, relayed: minus its key, should an error quote it.
    answer(status, redactSecret(m_received, m_attempt->apiKey), QByteArrayLiteral("exact"));
}

void CountTokensRelay::answerEstimate()
{
    const QJsonObject count{{QLatin1String("input_tokens"), AnthropicTokenEstimate::inputTokens(m_body)}};
    answer(200, QJsonDocument(count).toJson(QJsonDocument::Compact), QByteArrayLiteral("estimate"));
}

void CountTokensRelay::answer(int status, const QByteArray &body, const QByteArray &how)
{
    std::exchange(m_plan, {})->abandon(m_attempt ? &*m_attempt : nullptr);
    if (m_socket && m_socket->state() == QAbstractSocket::ConnectedState) {
        HeaderPairs headers{{QByteArrayLiteral("x-onegate-token-count"), how}};
        headers.append(m_responseHeaders);
        sendResponse(m_responder, status, QByteArrayLiteral("application/json"), body, headers);
    }
    deleteLater();
}

} // namespace onegate
