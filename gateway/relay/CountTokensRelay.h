#pragma once

#include "http/HttpResponses.h"
#include "routing/RoutePlan.h"

#include <QTcpSocket>
#include <QHttpServerResponder>
#include <QJsonObject>
#include <QObject>
#include <QPointer>
#include <memory>

namespace onegate {

class UpstreamCall;

// POST /v1/messages/count_tokens for one request. The route the router would try first
// decides: an anthropic-kind provider counts exactly (the body goes to its
// /v1/messages/count_tokens with only the model rewritten, and its answer comes back as
// it is); any other kind, or an Anthropic provider that cannot be reached or fails with
// a 5xx, gets OneGate's local estimate (AnthropicTokenEstimate). The answer says which in
// `x-onegate-token-count: exact | estimate`. Counting is free, so no usage row is
// written and the route's health is left as it was. Deletes itself when answered.
class CountTokensRelay final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CountTokensRelay)
public:
    // `responseHeaders` go on the answer (an allowed origin's CORS headers).
    CountTokensRelay(QHttpServerResponder &&responder, std::unique_ptr<RoutePlan> plan, QJsonObject body,
                     HeaderPairs clientHeaders, HeaderPairs responseHeaders, QObject *parent = nullptr);
    ~CountTokensRelay() override;

    void start();

private:
    void onFinished();
    void answerEstimate();
    void answer(int status, const QByteArray &body, const QByteArray &how);

    QHttpServerResponder m_responder;
    QPointer<QAbstractSocket> m_socket;
    std::unique_ptr<RoutePlan> m_plan;
    std::optional<Attempt> m_attempt;
    QJsonObject m_body;
    HeaderPairs m_clientHeaders;
    HeaderPairs m_responseHeaders;
    QPointer<UpstreamCall> m_upstream;
    QByteArray m_received;
};

} // namespace onegate
