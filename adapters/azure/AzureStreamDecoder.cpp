#include "AzureStreamDecoder.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <utility>

namespace onegate {

namespace {

const QLatin1String kPromptFilterResults("prompt_filter_results");

// OpenAiStreamDecoder frames every event as one `data: <json>\n\n`.
QByteArray payloadOf(const QByteArray &frame)
{
    if (!frame.startsWith("data: ") || !frame.endsWith("\n\n"))
        return {};
    return frame.mid(6, frame.size() - 8);
}

} // namespace

AzureStreamDecoder::AzureStreamDecoder(bool clientWantsUsage)
    : m_relay(clientWantsUsage)
{
}

void AzureStreamDecoder::feed(QByteArrayView bytes, ChatStreamSink &sink)
{
    m_client = &sink;
    m_relay.feed(bytes, *this);
}

void AzureStreamDecoder::finish(ChatStreamSink &sink)
{
    m_client = &sink;
    m_relay.finish(*this);
}

void AzureStreamDecoder::streamFrame(const QByteArray &frame, bool content)
{
    // Only the start of a stream needs a look; after the first choice it is plain relay.
    if (m_sawChoices) {
        m_client->streamFrame(frame, content);
        return;
    }
    QJsonObject chunk = QJsonDocument::fromJson(payloadOf(frame)).object();
    const QJsonValue choices = chunk.value(QLatin1String("choices"));
    if (!choices.isArray()) {
        m_client->streamFrame(frame, content);
        return;
    }
    if (choices.toArray().isEmpty()) {
        const bool promptFilterOnly = chunk.contains(kPromptFilterResults)
            && !chunk.value(QLatin1String("usage")).isObject() && m_heldFrame.isEmpty();
        if (promptFilterOnly) {
            m_heldFrame = frame;
            m_promptFilterResults = chunk.value(kPromptFilterResults);
            return;
        }
        m_client->streamFrame(frame, content);
        return;
    }
    m_sawChoices = true;
    if (m_heldFrame.isEmpty()) {
        m_client->streamFrame(frame, content);
        return;
    }
    if (!chunk.contains(kPromptFilterResults))
        chunk.insert(kPromptFilterResults, m_promptFilterResults);
    m_heldFrame.clear();
    m_client->streamFrame("data: " + QJsonDocument(chunk).toJson(QJsonDocument::Compact) + "\n\n", content);
}

void AzureStreamDecoder::streamUsage(const TokenUsage &usage)
{
    m_client->streamUsage(usage);
}

void AzureStreamDecoder::streamCompleted(const QByteArray &terminator)
{
    // Nothing followed the prompt-filter chunk: relay it as Azure sent it.
    if (!m_heldFrame.isEmpty())
        m_client->streamFrame(std::exchange(m_heldFrame, {}), false);
    m_client->streamCompleted(terminator);
}

void AzureStreamDecoder::streamFailed(const ApiError &error)
{
    m_heldFrame.clear();
    m_client->streamFailed(error);
}

} // namespace onegate
