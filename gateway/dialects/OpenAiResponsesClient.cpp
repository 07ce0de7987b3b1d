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

void OpenAiResponsesClient::nativeFrameSent(const QByteArray &frame) const
{
    QByteArray data;
    for (const QByteArray &line : frame.split('\n')) {
        if (line.startsWith("data:"))
            data += line.mid(5).trimmed();
    }
    const QJsonObject event = QJsonDocument::fromJson(data).object();
    const QString type = event.value("type"_L1).toString();
    // A native attempt has no translator of its own: its progress starts with its first event.
    if (!m_progress || type == "response.created"_L1)
        m_progress = std::make_shared<OpenAiResponsesStreamEncoder::Progress>();
    const QJsonValue sequence = event.value("sequence_number"_L1);
    if (sequence.isDouble())
        m_progress->nextSequence = sequence.toInt() + 1;
    if (type == "response.created"_L1) {
        QJsonObject shell = event.value("response"_L1).toObject();
        for (const QLatin1String key : {"status"_L1, "output"_L1, "usage"_L1, "error"_L1, "incomplete_details"_L1})
            shell.remove(key);
        m_progress->shell = shell;
        m_progress->started = true;
    } else if (type == "response.output_item.done"_L1) {
        m_progress->doneItems.append(event.value("item"_L1));
    }
}

QByteArray OpenAiResponsesClient::streamError(const ApiError &error) const
{
    return OpenAiResponsesStreamEncoder::failedEvent(m_options, m_progress.get(), error);
}

} // namespace onegate
