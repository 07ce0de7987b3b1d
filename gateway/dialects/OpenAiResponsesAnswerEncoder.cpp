#include "OpenAiResponsesAnswerEncoder.h"

#include "RelayOutput.h"

#include "OpenAiResponsesRequestDecoder.h"

#include "http/HttpResponses.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QRandomGenerator>

namespace onegate {

using namespace Qt::StringLiterals;

namespace {

struct ReasoningBlock {
    bool redacted = false;
    QString text;
    QString opaque; // the signature, or a redacted block's data
};

// The reasoning blocks of a message, as AnthropicAnswerEncoder reads them:
// `thinking_blocks` carries signatures and redacted data, `reasoning_content` the text.
// A body reassembled from a stream (StreamCapture) has the text only in
// reasoning_content and signature-only blocks, so when no thinking block has text the
// whole reasoning text goes into the first one; unsigned reasoning (DeepSeek and the
// like) is one block without a signature.
QList<ReasoningBlock> reasoningBlocksOf(const QJsonObject &message)
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

    QList<ReasoningBlock> blocks;
    if (!anyThinkingBlock && !reasoning.isEmpty())
        blocks.append({false, reasoning, {}});
    bool reasoningPlaced = anyThinkingText;
    for (const QJsonValue &value : given) {
        const QJsonObject block = value.toObject();
        const QString type = block.value("type"_L1).toString();
        if (type == "redacted_thinking"_L1) {
            blocks.append({true, {}, block.value("data"_L1).toString()});
        } else if (type == "thinking"_L1) {
            QString text = block.value("thinking"_L1).toString();
            if (!reasoningPlaced) {
                text = reasoning;
                reasoningPlaced = true;
            }
            blocks.append({false, text, block.value("signature"_L1).toString()});
        }
    }
    return blocks;
}

QString randomTail()
{
    static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
    QString tail;
    for (int i = 0; i < 32; ++i)
        tail +=
            QLatin1Char(alphabet[QRandomGenerator::global()->bounded(int(sizeof(alphabet) - 1))]);
    return tail;
}

QJsonValue orNull(const QJsonValue &value)
{
    return value.isUndefined() ? QJsonValue(QJsonValue::Null) : value;
}

QJsonValue orDefault(const QJsonValue &value, const QJsonValue &fallback)
{
    return value.isUndefined() || value.isNull() ? fallback : value;
}

} // namespace

QJsonObject OpenAiResponsesAnswerEncoder::requestEcho(const QJsonObject &request)
{
    const QJsonObject reasoning = request.value("reasoning"_L1).toObject();
    // `text` as the client set it (verbosity and all), with the default format if none.
    QJsonObject text = request.value("text"_L1).toObject();
    if (!text.value("format"_L1).isObject())
        text.insert("format"_L1, QJsonObject{{"type"_L1, "text"_L1}});
    return QJsonObject{
        {"instructions"_L1, orNull(request.value("instructions"_L1))},
        {"max_output_tokens"_L1, orNull(request.value("max_output_tokens"_L1))},
        {"parallel_tool_calls"_L1, orDefault(request.value("parallel_tool_calls"_L1), true)},
        // Stateless: nothing is stored, so there is nothing a later request could name.
        {"previous_response_id"_L1, QJsonValue(QJsonValue::Null)},
        {"store"_L1, false},
        {"reasoning"_L1, QJsonObject{{"effort"_L1, orNull(reasoning.value("effort"_L1))},
                                     {"summary"_L1, orNull(reasoning.value("summary"_L1))}}},
        {"temperature"_L1, orDefault(request.value("temperature"_L1), 1.0)},
        {"top_p"_L1, orDefault(request.value("top_p"_L1), 1.0)},
        {"text"_L1, text},
        {"tool_choice"_L1, orDefault(request.value("tool_choice"_L1), u"auto"_s)},
        {"tools"_L1, orDefault(request.value("tools"_L1), QJsonArray{})},
        {"truncation"_L1, orDefault(request.value("truncation"_L1), u"disabled"_s)},
        {"user"_L1, orNull(request.value("user"_L1))},
        {"metadata"_L1, orDefault(request.value("metadata"_L1), QJsonObject{})},
    };
}

QJsonObject OpenAiResponsesAnswerEncoder::responseShell(const QString &responseId, qint64 createdAt,
                                                        const QString &model,
                                                        const QJsonObject &echo)
{
    QJsonObject shell = echo;
    shell.insert("id"_L1, responseId);
    shell.insert("object"_L1, "response"_L1);
    shell.insert("created_at"_L1, createdAt);
    shell.insert("model"_L1, model);
    shell.insert("error"_L1, QJsonValue(QJsonValue::Null));
    shell.insert("incomplete_details"_L1, QJsonValue(QJsonValue::Null));
    return shell;
}

QString OpenAiResponsesAnswerEncoder::incompleteReason(const QString &finishReason)
{
    if (finishReason == "length"_L1)
        return u"max_output_tokens"_s;
    if (finishReason == "content_filter"_L1)
        return u"content_filter"_s;
    return {};
}

QJsonValue OpenAiResponsesAnswerEncoder::usage(const TokenUsage &usage)
{
    if (!usage.known)
        return QJsonValue(QJsonValue::Null);
    // OpenAI Chat and Responses count alike: input includes cached tokens, output
    // includes reasoning tokens.
    return QJsonObject{
        {"input_tokens"_L1, usage.prompt},
        {"input_tokens_details"_L1, QJsonObject{{"cached_tokens"_L1, usage.cached},
                                                {"cache_write_tokens"_L1, usage.cacheWrite}}},
        {"output_tokens"_L1, usage.completion},
        {"output_tokens_details"_L1, QJsonObject{{"reasoning_tokens"_L1, usage.reasoning}}},
        {"total_tokens"_L1, usage.prompt + usage.completion},
    };
}

QString OpenAiResponsesAnswerEncoder::idTail(const QString &completionId)
{
    QString tail = completionId;
    if (tail.startsWith("chatcmpl-"_L1))
        tail = tail.mid(9);
    else if (tail.startsWith("resp_"_L1))
        tail = tail.mid(5);
    QString clean;
    for (const QChar c : std::as_const(tail)) {
        const char16_t u = c.unicode();
        if ((u >= u'a' && u <= u'z') || (u >= u'A' && u <= u'Z') || (u >= u'0' && u <= u'9') ||
            u == u'_' || u == u'-')
            clean += c;
    }
    return clean.isEmpty() ? randomTail() : clean;
}

QString OpenAiResponsesAnswerEncoder::itemId(const QString &prefix, const QString &tail,
                                             int ordinal)
{
    if (ordinal <= 0)
        return prefix + tail;
    return prefix + tail + QLatin1Char('_') + QString::number(ordinal);
}

namespace {
// Marks encrypted_content that OneGate made from a provider's thinking block (v1: the
// block's signature or redacted data follows as it was).
constexpr QLatin1String kSealPrefix("onegate-thinking-v1:");
} // namespace

QString OpenAiResponsesAnswerEncoder::sealedThinking(const QString &opaque)
{
    return kSealPrefix + opaque;
}

std::optional<QString> OpenAiResponsesAnswerEncoder::unsealedThinking(const QString &encryptedContent)
{
    if (!encryptedContent.startsWith(kSealPrefix) || encryptedContent.size() == kSealPrefix.size())
        return std::nullopt;
    return encryptedContent.mid(kSealPrefix.size());
}

QJsonObject OpenAiResponsesAnswerEncoder::reasoningItem(const QString &id, const QString &text,
                                                        const QString &opaque, bool redacted)
{
    QJsonObject item{{"id"_L1, id}, {"type"_L1, "reasoning"_L1}, {"summary"_L1, QJsonArray{}}};
    // A readable block always has its content part (possibly empty text); a redacted
    // one has none, which is how a client's echo of it tells the two apart.
    if (!redacted)
        item.insert("content"_L1,
                    QJsonArray{QJsonObject{{"type"_L1, "reasoning_text"_L1}, {"text"_L1, text}}});
    if (!opaque.isEmpty())
        item.insert("encrypted_content"_L1, sealedThinking(opaque));
    return item;
}

QJsonObject OpenAiResponsesAnswerEncoder::messageItem(const QString &id, const QString &status,
                                                      const QJsonArray &content)
{
    return QJsonObject{{"id"_L1, id},
                       {"type"_L1, "message"_L1},
                       {"status"_L1, status},
                       {"role"_L1, "assistant"_L1},
                       {"content"_L1, content}};
}

QJsonObject OpenAiResponsesAnswerEncoder::outputTextPart(const QString &text)
{
    return QJsonObject{{"type"_L1, "output_text"_L1},
                       {"text"_L1, text},
                       {"annotations"_L1, QJsonArray{}},
                       {"logprobs"_L1, QJsonArray{}}};
}

QJsonObject OpenAiResponsesAnswerEncoder::refusalPart(const QString &refusal)
{
    return QJsonObject{{"type"_L1, "refusal"_L1}, {"refusal"_L1, refusal}};
}

QJsonObject OpenAiResponsesAnswerEncoder::functionCallItem(const QString &id, const QString &callId,
                                                           const QString &name,
                                                           const QString &arguments,
                                                           const QString &status,
                                                           const QJsonObject &request)
{
    // A function of a namespace tool went to the provider under its flat name; the
    // client (Codex) dispatches on its own name and namespace.
    const OpenAiResponsesRequestDecoder::ToolName tool = OpenAiResponsesRequestDecoder::splitToolName(name, request);
    QJsonObject item{{"id"_L1, id},         {"type"_L1, "function_call"_L1},
                     {"status"_L1, status}, {"call_id"_L1, callId},
                     {"name"_L1, tool.name}, {"arguments"_L1, arguments}};
    if (!tool.ns.isEmpty())
        item.insert("namespace"_L1, tool.ns);
    return item;
}

std::variant<QJsonObject, ApiError>
OpenAiResponsesAnswerEncoder::response(const QJsonObject &completion, const QString &requestedModel,
                                       const QJsonObject &request)
{
    const QJsonArray choices = completion.value("choices"_L1).toArray();
    if (choices.isEmpty() || !choices.first().isObject())
        return relayOutput::notACompletion(u"the provider's answer has no choices"_s);
    const QJsonObject choice = choices.first().toObject();
    const QJsonObject message = choice.value("message"_L1).toObject();
    const QString tail = idTail(completion.value("id"_L1).toString());

    QJsonArray output;
    int reasoningCount = 0;
    for (const ReasoningBlock &block : reasoningBlocksOf(message))
        output.append(reasoningItem(itemId(u"rs_"_s, tail, reasoningCount++), block.text,
                                    block.opaque, block.redacted));

    QJsonArray content;
    const QString text = relayOutput::textOf(message.value("content"_L1));
    if (!text.isEmpty())
        content.append(outputTextPart(text));
    const QString refusal = message.value("refusal"_L1).toString();
    if (!refusal.isEmpty())
        content.append(refusalPart(refusal));
    if (!content.isEmpty())
        output.append(messageItem(itemId(u"msg_"_s, tail, 0), u"completed"_s, content));

    int callCount = 0;
    for (const QJsonValue &value : message.value("tool_calls"_L1).toArray()) {
        const QJsonObject call = value.toObject();
        const QJsonObject function = call.value("function"_L1).toObject();
        QString callId = call.value("id"_L1).toString();
        if (callId.isEmpty())
            callId = u"call_"_s + randomTail();
        output.append(functionCallItem(itemId(u"fc_"_s, tail, callCount++), callId,
                                       function.value("name"_L1).toString(),
                                       function.value("arguments"_L1).toString(), u"completed"_s, request));
    }

    const QString reason = incompleteReason(choice.value("finish_reason"_L1).toString());
    if (!reason.isEmpty() && !output.isEmpty()) {
        // The item the limit cut short; reasoning items carry no status.
        QJsonObject last = output.last().toObject();
        if (last.contains("status"_L1)) {
            last.insert("status"_L1, "incomplete"_L1);
            output[output.size() - 1] = last;
        }
    }

    QString model = requestedModel;
    if (model.isEmpty())
        model = completion.value("model"_L1).toString();
    qint64 created = completion.value("created"_L1).toInteger();
    if (created <= 0)
        created = QDateTime::currentSecsSinceEpoch();
    QJsonObject response = responseShell(u"resp_"_s + tail, created, model, requestEcho(request));
    response.insert("status"_L1, reason.isEmpty() ? "completed"_L1 : "incomplete"_L1);
    if (!reason.isEmpty())
        response.insert("incomplete_details"_L1, QJsonObject{{"reason"_L1, reason}});
    response.insert("output"_L1, output);
    response.insert("usage"_L1,
                    usage(tokenUsageFromOpenAi(completion.value("usage"_L1).toObject())));
    return response;
}

QJsonObject OpenAiResponsesAnswerEncoder::responseError(const ApiError &error)
{
    QString message = error.message;
    QString code = error.code;
    // A relayed provider error normally has its fields parsed already; fall back to the
    // body's own rather than empty ones.
    if ((message.isEmpty() || code.isEmpty()) && !error.upstreamBody.isEmpty()) {
        const QJsonObject body = QJsonDocument::fromJson(error.upstreamBody).object();
        const QJsonValue inner = body.value("error"_L1);
        const QJsonObject object = inner.toObject();
        if (message.isEmpty())
            message = inner.isObject() ? object.value("message"_L1).toString() : inner.toString();
        if (code.isEmpty())
            code = object.value("code"_L1).toString();
    }
    // Codex decides from the code: context_length_exceeded, insufficient_quota and the
    // like as the provider named them; rate_limit_exceeded is retried after the delay
    // the message names; anything else (server_error) is retried as a stream error.
    if (code.isEmpty())
        code = error.status == 429 ? u"rate_limit_exceeded"_s : u"server_error"_s;
    return QJsonObject{{"code"_L1, code}, {"message"_L1, message}};
}

QByteArray OpenAiResponsesAnswerEncoder::errorBody(const ApiError &error)
{
    return openAiErrorBody(error);
}

} // namespace onegate
