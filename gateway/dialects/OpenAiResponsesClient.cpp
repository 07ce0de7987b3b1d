#include "OpenAiResponsesClient.h"

#include "OpenAiResponsesAnswerEncoder.h"

#include <QJsonDocument>

namespace onegate {

using namespace Qt::StringLiterals;

namespace {

// The Responses API answers errors in the same shape as Chat Completions, so either
// kind of OpenAI provider's own body reads right to a Responses client.
bool relaysUpstreamBody(const ApiError &error)
{
    return !error.upstreamBody.isEmpty() && (error.upstreamDialect == WireDialect::OpenAiChat ||
                                             error.upstreamDialect == WireDialect::OpenAiResponses);
}

} // namespace

OpenAiResponsesClient::OpenAiResponsesClient(QString model, QJsonObject request)
    : m_options{std::move(model), std::move(request)}
{
}

std::unique_ptr<ChatStreamSink> OpenAiResponsesClient::streamTranslator(StreamOutlet outlet) const
{
    m_progress = std::make_shared<OpenAiResponsesStreamEncoder::Progress>();
    return std::make_unique<OpenAiResponsesStreamEncoder>(m_options, std::move(outlet), m_progress);
}

std::variant<QByteArray, ApiError> OpenAiResponsesClient::answer(const QByteArray &completion) const
{
    auto response = OpenAiResponsesAnswerEncoder::response(
        QJsonDocument::fromJson(completion).object(), m_options.model, m_options.request);
    if (const ApiError *error = std::get_if<ApiError>(&response))
        return *error;
    return QJsonDocument(std::get<QJsonObject>(response)).toJson(QJsonDocument::Compact);
}

QByteArray OpenAiResponsesClient::errorBody(const ApiError &error)
{
    return relaysUpstreamBody(error) ? error.upstreamBody
                                     : OpenAiResponsesAnswerEncoder::errorBody(error);
}

void OpenAiResponsesClient::sendError(QHttpServerResponder &responder, const ApiError &error,
                                      const HeaderPairs &headers) const
{
    const QByteArray contentType = relaysUpstreamBody(error) && !error.upstreamContentType.isEmpty()
                                       ? error.upstreamContentType
                                       : "application/json"_ba;
    sendResponse(responder, error.status, contentType, errorBody(error), headers);
}

QByteArray OpenAiResponsesClient::streamError(const ApiError &error) const
{
    return OpenAiResponsesStreamEncoder::failedEvent(m_options, m_progress.get(), error);
}

} // namespace onegate
