#include "OpenAiCompletionsClient.h"

#include "RelayOutput.h"

#include "OpenAiCompletionsRequestDecoder.h"
#include "OpenAiCompletionsStreamEncoder.h"
#include "OpenAiResponsesAnswerEncoder.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>

namespace onegate {

using namespace Qt::StringLiterals;

namespace {

// Chat, Responses and Completions share OpenAI's error shape: a body from any of them
// reads right to a Completions client, and OpenAiChatClient relays it as it was.
ApiError asChatError(ApiError error)
{
    if (error.upstreamDialect == WireDialect::OpenAiCompletions ||
        error.upstreamDialect == WireDialect::OpenAiResponses)
        error.upstreamDialect = WireDialect::OpenAiChat;
    return error;
}

} // namespace

OpenAiCompletionsClient::OpenAiCompletionsClient(QString model, const QJsonObject &request)
    : m_model(std::move(model))
    , m_echo(request.value("echo"_L1).toBool(false) ? OpenAiCompletionsRequestDecoder::promptText(request)
                                                   : QString())
    , m_includeUsage(request.value("stream_options"_L1).toObject().value("include_usage"_L1).toBool(false))
{
}

QString OpenAiCompletionsClient::completionId(const QString &chatId)
{
    return u"cmpl-"_s + OpenAiResponsesAnswerEncoder::idTail(chatId);
}

QString OpenAiCompletionsClient::finishReason(const QString &chatReason)
{
    if (chatReason.isEmpty() || chatReason == "length"_L1 || chatReason == "content_filter"_L1)
        return chatReason;
    return u"stop"_s;
}

std::unique_ptr<ChatStreamSink> OpenAiCompletionsClient::streamTranslator(StreamOutlet outlet) const
{
    return std::make_unique<OpenAiCompletionsStreamEncoder>(
        OpenAiCompletionsStreamEncoder::Options{m_model, m_echo, m_includeUsage}, std::move(outlet));
}

std::variant<QByteArray, ApiError> OpenAiCompletionsClient::answer(const QByteArray &completion) const
{
    const QJsonObject chat = QJsonDocument::fromJson(completion).object();
    const QJsonArray choices = chat.value("choices"_L1).toArray();
    if (choices.isEmpty() || !choices.first().isObject())
        return relayOutput::notACompletion(u"the provider's answer is not a chat completion"_s);
    const QJsonObject choice = choices.first().toObject();
    const QString reason = finishReason(choice.value("finish_reason"_L1).toString());
    const qint64 created = chat.value("created"_L1).toInteger();
    QJsonObject out{
        {"id"_L1, completionId(chat.value("id"_L1).toString())},
        {"object"_L1, "text_completion"_L1},
        {"created"_L1, created > 0 ? created : QDateTime::currentSecsSinceEpoch()},
        {"model"_L1, m_model},
        {"choices"_L1, QJsonArray{QJsonObject{
                           {"text"_L1, QString(m_echo + relayOutput::textOf(choice.value("message"_L1).toObject().value("content"_L1)))},
                           {"index"_L1, 0},
                           {"logprobs"_L1, QJsonValue(QJsonValue::Null)},
                           {"finish_reason"_L1, reason.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(reason)},
                       }}},
    };
    const TokenUsage usage = tokenUsageFromOpenAi(chat.value("usage"_L1).toObject());
    if (usage.known) {
        out.insert("usage"_L1, QJsonObject{{"prompt_tokens"_L1, usage.prompt},
                                           {"completion_tokens"_L1, usage.completion},
                                           {"total_tokens"_L1, usage.prompt + usage.completion}});
    }
    return QJsonDocument(out).toJson(QJsonDocument::Compact);
}

void OpenAiCompletionsClient::sendError(QHttpServerResponder &responder, const ApiError &error,
                                        const HeaderPairs &headers) const
{
    m_chat.sendError(responder, asChatError(error), headers);
}

QByteArray OpenAiCompletionsClient::streamError(const ApiError &error) const
{
    return m_chat.streamError(asChatError(error));
}

} // namespace onegate
