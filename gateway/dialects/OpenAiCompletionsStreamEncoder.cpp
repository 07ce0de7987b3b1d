#include "OpenAiCompletionsStreamEncoder.h"

#include "OpenAiCompletionsClient.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace onegate {

using namespace Qt::StringLiterals;

OpenAiCompletionsStreamEncoder::OpenAiCompletionsStreamEncoder(Options options, StreamOutlet outlet)
    : m_options(std::move(options))
    , m_outlet(std::move(outlet))
    , m_echoPending(!m_options.echo.isEmpty())
{
}

void OpenAiCompletionsStreamEncoder::streamFrame(const QByteArray &frame, bool content)
{
    Q_UNUSED(content); // judged per text_completion chunk instead
    if (m_ended)
        return;
    if (!m_chunks.read(frame, [this](const QJsonObject &chunk) {
            handleChunk(chunk);
            return !m_ended;
        }))
        fail(ChatChunkReader::tooLarge());
}

void OpenAiCompletionsStreamEncoder::handleChunk(const QJsonObject &chunk)
{
    if (const auto error = ChatChunkReader::errorOf(chunk)) {
        fail(*error);
        return;
    }
    if (const auto counts = ChatChunkReader::usageOf(chunk))
        m_usage = *counts;
    const QJsonArray choices = chunk.value("choices"_L1).toArray();
    // Chunks without a choice (Azure's prompt filter results, with an empty id; the usage
    // chunk) name no answer: the id comes from the first chunk that has one, or failing
    // that from any chunk that has an id.
    if (choices.isEmpty()) {
        if (m_fallbackId.isEmpty() && !chunk.value("id"_L1).toString().isEmpty()) {
            m_fallbackId = chunk.value("id"_L1).toString();
            m_fallbackCreated = chunk.value("created"_L1).toInteger();
        }
        return;
    }
    if (m_id.isEmpty()) {
        m_id = OpenAiCompletionsClient::completionId(chunk.value("id"_L1).toString());
        m_created = chunk.value("created"_L1).toInteger();
        if (m_created <= 0)
            m_created = QDateTime::currentSecsSinceEpoch();
    }
    // The relay serves one choice (translated kinds refuse n > 1).
    const QJsonObject choice = choices.first().toObject();
    const QJsonValue content = choice.value("delta"_L1).toObject().value("content"_L1);
    const QString text = content.isString() ? content.toString() : QString();
    const QString reason = OpenAiCompletionsClient::finishReason(choice.value("finish_reason"_L1).toString());
    if (!text.isEmpty() || !reason.isEmpty())
        writeChoice(text, reason);
}

void OpenAiCompletionsStreamEncoder::writeChoice(const QString &text, const QString &finishReason)
{
    QString out = text;
    if (m_echoPending) {
        out.prepend(m_options.echo);
        m_echoPending = false;
    }
    QJsonObject chunk{
        {"id"_L1, m_id},
        {"object"_L1, "text_completion"_L1},
        {"created"_L1, m_created},
        {"model"_L1, m_options.model},
        {"choices"_L1, QJsonArray{QJsonObject{
                           {"text"_L1, out},
                           {"index"_L1, 0},
                           {"logprobs"_L1, QJsonValue(QJsonValue::Null)},
                           {"finish_reason"_L1, finishReason.isEmpty() ? QJsonValue(QJsonValue::Null)
                                                                        : QJsonValue(finishReason)},
                       }}},
    };
    // The finish chunk is model output too: an answer may be empty.
    write(chunk, true);
}

void OpenAiCompletionsStreamEncoder::write(const QJsonObject &chunk, bool content)
{
    if (m_outlet.write)
        m_outlet.write("data: " + QJsonDocument(chunk).toJson(QJsonDocument::Compact) + "\n\n", content);
}

void OpenAiCompletionsStreamEncoder::streamUsage(const TokenUsage &usage)
{
    if (usage.known)
        m_usage = usage;
}

void OpenAiCompletionsStreamEncoder::streamCompleted(const QByteArray &terminator)
{
    Q_UNUSED(terminator); // OpenAI Chat's [DONE], the same as this dialect's
    if (m_ended)
        return;
    if (m_id.isEmpty()) {
        m_id = OpenAiCompletionsClient::completionId(m_fallbackId);
        m_created = m_fallbackCreated > 0 ? m_fallbackCreated : QDateTime::currentSecsSinceEpoch();
    }
    if (m_echoPending) // no text and no finish reason came: the echo still does
        writeChoice(QString(), QString());
    if (m_options.includeUsage && m_usage.known) {
        write(QJsonObject{{"id"_L1, m_id},
                          {"object"_L1, "text_completion"_L1},
                          {"created"_L1, m_created},
                          {"model"_L1, m_options.model},
                          {"choices"_L1, QJsonArray{}},
                          {"usage"_L1, QJsonObject{{"prompt_tokens"_L1, m_usage.prompt},
                                                   {"completion_tokens"_L1, m_usage.completion},
                                                   {"total_tokens"_L1, m_usage.prompt + m_usage.completion}}}},
              false);
    }
    m_ended = true;
    if (m_outlet.completed)
        m_outlet.completed("data: [DONE]\n\n");
}

void OpenAiCompletionsStreamEncoder::streamFailed(const ApiError &error)
{
    fail(error);
}

void OpenAiCompletionsStreamEncoder::fail(const ApiError &error)
{
    if (m_ended)
        return;
    m_ended = true;
    if (m_outlet.failed)
        m_outlet.failed(OpenAiChatClient().streamError(error), error);
}

} // namespace onegate
