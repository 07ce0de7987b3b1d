#include "AnthropicMessagesClient.h"

#include "AnthropicAnswerEncoder.h"
#include "AnthropicStreamEncoder.h"

#include <QJsonDocument>

namespace onegate {

using namespace Qt::StringLiterals;

AnthropicMessagesClient::AnthropicMessagesClient(QString model, qint64 inputTokens)
    : m_model(std::move(model))
    , m_inputTokens(inputTokens)
{
}

std::unique_ptr<ChatStreamSink> AnthropicMessagesClient::streamTranslator(StreamOutlet outlet) const
{
    AnthropicStreamEncoder::Options options;
    options.model = m_model;
    options.inputTokens = m_inputTokens;
    return std::make_unique<AnthropicStreamEncoder>(std::move(options), std::move(outlet));
}

std::variant<QByteArray, ApiError> AnthropicMessagesClient::answer(const QByteArray &completion) const
{
    auto message = AnthropicAnswerEncoder::message(QJsonDocument::fromJson(completion).object(), m_model);
    if (const ApiError *error = std::get_if<ApiError>(&message))
        return *error;
    return QJsonDocument(std::get<QJsonObject>(message)).toJson(QJsonDocument::Compact);
}

QByteArray AnthropicMessagesClient::errorBody(const ApiError &error)
{
    if (!error.upstreamBody.isEmpty() && error.upstreamDialect == WireDialect::AnthropicMessages)
        return error.upstreamBody;
    return AnthropicAnswerEncoder::errorBody(error);
}

void AnthropicMessagesClient::sendError(QHttpServerResponder &responder, const ApiError &error,
                                        const HeaderPairs &headers) const
{
    sendResponse(responder, error.status, "application/json"_ba, errorBody(error), headers);
}

QByteArray AnthropicMessagesClient::streamError(const ApiError &error) const
{
    return "event: error\ndata: " + errorBody(error) + "\n\n";
}

QByteArray AnthropicMessagesClient::keepAlive() const
{
    return AnthropicStreamEncoder::formatEvent("ping"_ba, QJsonObject{{"type"_L1, "ping"_L1}});
}

} // namespace onegate
