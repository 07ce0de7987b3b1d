#include "AnthropicAnswerEncoder.h"

#include "RelayOutput.h"

#include "anthropic/AnthropicToolIds.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRandomGenerator>

namespace onegate {

using namespace Qt::StringLiterals;

namespace {

// The tool's arguments as the object Anthropic's `input` is. Models do emit broken JSON;
// one bad call must not cost the client the rest of the answer, so it becomes {}.
QJsonObject inputOf(const QString &arguments)
{
    const QJsonDocument doc = QJsonDocument::fromJson(arguments.toUtf8());
    return doc.isObject() ? doc.object() : QJsonObject{};
}

// Reasoning blocks in Anthropic's shape. `thinking_blocks` carries signatures and
// redacted data; `reasoning_content` carries the text. A body reassembled from a stream
// (StreamCapture) has the text only in reasoning_content and signature-only blocks, so
// when no thinking block has text the whole reasoning text goes into the first one;
// unsigned reasoning (DeepSeek and the like) becomes one thinking block with an empty
// signature, which Anthropic's SDKs accept.
QJsonArray thinkingBlocksOf(const QJsonObject &message)
{
    QString reasoning = message.value("reasoning_content"_L1).toString();
    if (reasoning.isEmpty())
        reasoning = message.value("reasoning"_L1).toString(); // vLLM's name for it
    const QJsonArray given = message.value("thinking_blocks"_L1).toArray();

    bool anyThinkingText = false;
    bool anyThinkingBlock = false;
    for (const QJsonValue &value : given) {
        const QJsonObject block = value.toObject();
        if (block.value("type"_L1).toString() == "thinking"_L1) {
            anyThinkingBlock = true;
            anyThinkingText = anyThinkingText || !block.value("thinking"_L1).toString().isEmpty();
        }
    }

    QJsonArray blocks;
    if (!anyThinkingBlock && !reasoning.isEmpty()) {
        blocks.append(QJsonObject{
            {"type"_L1, "thinking"_L1}, {"thinking"_L1, reasoning}, {"signature"_L1, QString()}});
    }
    bool reasoningPlaced = anyThinkingText;
    for (const QJsonValue &value : given) {
        const QJsonObject block = value.toObject();
        const QString type = block.value("type"_L1).toString();
        if (type == "redacted_thinking"_L1) {
            blocks.append(QJsonObject{{"type"_L1, "redacted_thinking"_L1},
                                      {"data"_L1, block.value("data"_L1).toString()}});
        } else if (type == "thinking"_L1) {
            QString text = block.value("thinking"_L1).toString();
            if (!reasoningPlaced) {
                text = reasoning;
                reasoningPlaced = true;
            }
            blocks.append(QJsonObject{{"type"_L1, "thinking"_L1},
                                      {"thinking"_L1, text},
                                      {"signature"_L1, block.value("signature"_L1).toString()}});
        }
    }
    return blocks;
}

} // namespace

QString AnthropicAnswerEncoder::stopReason(const QString &finishReason,
                                           const QString &matchedStopSequence)
{
    // The inverse of anthropic::finishReasonFor (adapters/anthropic/AnthropicResponse.cpp).
    if (finishReason == "length"_L1)
        return u"max_tokens"_s;
    if (finishReason == "tool_calls"_L1 || finishReason == "function_call"_L1)
        return u"tool_use"_s;
    // The anthropic adapter maps refusal -> content_filter; this maps it back.
    if (finishReason == "content_filter"_L1)
        return u"refusal"_s;
    if (!matchedStopSequence.isEmpty())
        return u"stop_sequence"_s;
    return u"end_turn"_s;
}

QJsonObject AnthropicAnswerEncoder::usage(const TokenUsage &usage)
{
    // The inverse of anthropic::UsageTally::toTokenUsage, which reads Anthropic's counts
    // as prompt = input + cache_creation + cache_read, cached = cache_read, cacheWrite =
    // cache_creation. OpenAI's prompt_tokens likewise includes cached tokens, so:
    //   input_tokens = prompt - cached - cacheWrite (never below 0: providers that
    //                  report cache counts outside prompt_tokens must not go negative),
    //   cache_read_input_tokens = cached, cache_creation_input_tokens = cacheWrite,
    //   output_tokens = completion (reasoning included, as Anthropic counts thinking).
    // An Anthropic answer relayed through OpenAI Chat and back keeps every count.
    return QJsonObject{
        {"input_tokens"_L1, qMax<qint64>(0, usage.prompt - usage.cached - usage.cacheWrite)},
        {"cache_creation_input_tokens"_L1, usage.cacheWrite},
        {"cache_read_input_tokens"_L1, usage.cached},
        {"output_tokens"_L1, usage.completion},
    };
}

QString AnthropicAnswerEncoder::messageId(const QString &completionId)
{
    QString tail = completionId;
    // An Anthropic id relayed through OpenAI Chat keeps its own "msg_" prefix.
    if (tail.startsWith("msg_"_L1))
        tail = tail.mid(4);
    else if (tail.startsWith("chatcmpl-"_L1))
        tail = tail.mid(9);
    // toAnthropicToolId's alphabet; ids such as DeepSeek's UUIDs keep their dashes.
    QString clean;
    for (const QChar c : std::as_const(tail)) {
        const char16_t u = c.unicode();
        if ((u >= u'a' && u <= u'z') || (u >= u'A' && u <= u'Z') || (u >= u'0' && u <= u'9') ||
            u == u'_' || u == u'-')
            clean += c;
    }
    if (clean.isEmpty()) {
        static const char alphabet[] =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        for (int i = 0; i < 24; ++i)
            clean += QLatin1Char(
                alphabet[QRandomGenerator::global()->bounded(int(sizeof(alphabet) - 1))]);
    }
    return u"msg_"_s + clean;
}

std::variant<QJsonObject, ApiError>
AnthropicAnswerEncoder::message(const QJsonObject &completion, const QString &requestedModel,
                                const QString &matchedStopSequence)
{
    const QJsonArray choices = completion.value("choices"_L1).toArray();
    if (choices.isEmpty() || !choices.first().isObject())
        return relayOutput::notACompletion(u"the provider's answer has no choices"_s);
    const QJsonObject choice = choices.first().toObject();
    const QJsonObject message = choice.value("message"_L1).toObject();

    QJsonArray content = thinkingBlocksOf(message);
    QString text = relayOutput::textOf(message.value("content"_L1));
    // Anthropic has no refusal field: the refusal text is what the model said, so the
    // client reads it as the answer (stop_reason says refusal when the finish does).
    if (text.isEmpty())
        text = message.value("refusal"_L1).toString();
    if (!text.isEmpty())
        content.append(QJsonObject{{"type"_L1, "text"_L1}, {"text"_L1, text}});
    for (const QJsonValue &value : message.value("tool_calls"_L1).toArray()) {
        const QJsonObject call = value.toObject();
        const QJsonObject function = call.value("function"_L1).toObject();
        // The same id mapping the anthropic adapter uses, so ids minted by Anthropic
        // come back as they were and every other id is one Anthropic clients accept.
        content.append(
            QJsonObject{{"type"_L1, "tool_use"_L1},
                        {"id"_L1, anthropic::toAnthropicToolId(call.value("id"_L1).toString())},
                        {"name"_L1, function.value("name"_L1).toString()},
                        {"input"_L1, inputOf(function.value("arguments"_L1).toString())}});
    }

    QString finish = choice.value("finish_reason"_L1).toString();
    // Some servers say "stop" after tool calls; Anthropic clients run tools on tool_use.
    if (!message.value("tool_calls"_L1).toArray().isEmpty() &&
        (finish.isEmpty() || finish == "stop"_L1))
        finish = u"tool_calls"_s;
    const QString stop = stopReason(finish, matchedStopSequence);
    QString model = requestedModel;
    if (model.isEmpty())
        model = completion.value("model"_L1).toString();
    return QJsonObject{
        {"id"_L1, messageId(completion.value("id"_L1).toString())},
        {"type"_L1, "message"_L1},
        {"role"_L1, "assistant"_L1},
        {"model"_L1, model},
        {"content"_L1, content},
        {"stop_reason"_L1, stop},
        {"stop_sequence"_L1, stop == "stop_sequence"_L1 ? QJsonValue(matchedStopSequence)
                                                        : QJsonValue(QJsonValue::Null)},
        {"usage"_L1, usage(tokenUsageFromOpenAi(completion.value("usage"_L1).toObject()))},
    };
}

QString AnthropicAnswerEncoder::errorType(int httpStatus)
{
    switch (httpStatus) {
    case 400:
        return u"invalid_request_error"_s;
    case 401:
        return u"authentication_error"_s;
    case 402:
        return u"billing_error"_s;
    case 403:
        return u"permission_error"_s;
    case 404:
        return u"not_found_error"_s;
    case 413:
        return u"request_too_large"_s;
    case 429:
        return u"rate_limit_error"_s;
    case 503:
    case 529:
        return u"overloaded_error"_s;
    case 504:
        return u"timeout_error"_s;
    default:
        break;
    }
    // Other 4xx are the client's to fix; everything else is ours or the provider's.
    if (httpStatus >= 400 && httpStatus < 500)
        return u"invalid_request_error"_s;
    return u"api_error"_s;
}

QJsonObject AnthropicAnswerEncoder::error(const ApiError &error)
{
    QString message = error.message;
    // A relayed provider error normally has its message parsed already; fall back to
    // the body's own message rather than an empty string.
    if (message.isEmpty() && !error.upstreamBody.isEmpty()) {
        const QJsonObject body = QJsonDocument::fromJson(error.upstreamBody).object();
        const QJsonValue inner = body.value("error"_L1);
        message =
            inner.isObject() ? inner.toObject().value("message"_L1).toString() : inner.toString();
    }
    return QJsonObject{
        {"type"_L1, "error"_L1},
        {"error"_L1, QJsonObject{{"type"_L1, errorType(error.status)}, {"message"_L1, message}}},
    };
}

QByteArray AnthropicAnswerEncoder::errorBody(const ApiError &error)
{
    return QJsonDocument(AnthropicAnswerEncoder::error(error)).toJson(QJsonDocument::Compact);
}

} // namespace onegate
