#include "AnthropicStreamEncoder.h"

#include "AnthropicAnswerEncoder.h"
#include "anthropic/AnthropicToolIds.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRandomGenerator>

namespace onegate {

using namespace Qt::StringLiterals;

namespace {

QString randomToolId()
{
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    QString id = u"toolu_"_s;
    for (int i = 0; i < 24; ++i)
        id += QLatin1Char(alphabet[QRandomGenerator::global()->bounded(int(sizeof(alphabet) - 1))]);
    return id;
}

} // namespace

AnthropicStreamEncoder::AnthropicStreamEncoder(Options options, Downstream downstream)
    : m_options(std::move(options))
    , m_downstream(std::move(downstream))
{
}

QByteArray AnthropicStreamEncoder::formatEvent(const QByteArray &name, const QJsonObject &data)
{
    return "event: " + name + "\ndata: " + QJsonDocument(data).toJson(QJsonDocument::Compact) +
           "\n\n";
}

void AnthropicStreamEncoder::emitEvent(const QByteArray &name, const QJsonObject &data,
                                       bool content)
{
    if (m_downstream.write)
        m_downstream.write(formatEvent(name, data), content);
}

void AnthropicStreamEncoder::streamFrame(const QByteArray &frame, bool content)
{
    Q_UNUSED(content); // content is judged per Anthropic event instead
    if (m_ended)
        return;
    if (!m_chunks.read(frame, [this](const QJsonObject &chunk) {
            handleChunk(chunk);
            return !m_ended;
        }))
        fail(ChatChunkReader::tooLarge());
}

void AnthropicStreamEncoder::streamUsage(const TokenUsage &usage)
{
    if (usage.known)
        m_usage = usage;
}

void AnthropicStreamEncoder::streamCompleted(const QByteArray &terminator)
{
    Q_UNUSED(terminator); // OpenAI's [DONE]; message_stop is this dialect's own
    if (m_ended)
        return;
    ensureStarted();
    closeBlock();
    QString finish = m_finishReason;
    // Some servers say "stop" after tool calls; Anthropic clients run tools on tool_use.
    if (m_sawToolCall && (finish.isEmpty() || finish == "stop"_L1))
        finish = u"tool_calls"_s;
    const QString stop = AnthropicAnswerEncoder::stopReason(finish, m_options.matchedStopSequence);
    // Cumulative, as Anthropic's own message_delta: the full counts once known (the SDKs
    // take input and cache counts from here too), else output 0 rather than a guess.
    const QJsonObject usage = m_usage.known ? AnthropicAnswerEncoder::usage(m_usage)
                                            : QJsonObject{{"output_tokens"_L1, 0}};
    emitEvent("message_delta",
              QJsonObject{{"type"_L1, "message_delta"_L1},
                          {"delta"_L1, QJsonObject{{"stop_reason"_L1, stop},
                                                   {"stop_sequence"_L1,
                                                    stop == "stop_sequence"_L1
                                                        ? QJsonValue(m_options.matchedStopSequence)
                                                        : QJsonValue(QJsonValue::Null)}}},
                          {"usage"_L1, usage}},
              false);
    m_ended = true;
    const QByteArray stopEvent =
        formatEvent("message_stop", QJsonObject{{"type"_L1, "message_stop"_L1}});
    if (m_downstream.completed)
        m_downstream.completed(stopEvent);
}

void AnthropicStreamEncoder::streamFailed(const ApiError &error)
{
    fail(error);
}

void AnthropicStreamEncoder::fail(const ApiError &error)
{
    if (m_ended)
        return;
    // Anthropic ends a failed stream with the error event alone: no block stops, no
    // message_delta, no message_stop.
    m_ended = true;
    const QByteArray event = formatEvent("error", AnthropicAnswerEncoder::error(error));
    if (m_downstream.failed)
        m_downstream.failed(event, error);
}

void AnthropicStreamEncoder::ping()
{
    if (m_started && !m_ended)
        emitEvent("ping", QJsonObject{{"type"_L1, "ping"_L1}}, false);
}

void AnthropicStreamEncoder::ensureStarted()
{
    if (m_started)
        return;
    m_started = true;
    QJsonObject usage;
    if (m_usage.known) {
        usage = AnthropicAnswerEncoder::usage(m_usage);
        usage.insert("output_tokens"_L1, 0); // output so far; message_delta has the total
    } else {
        usage = QJsonObject{{"input_tokens"_L1, m_options.inputTokens},
                            {"cache_creation_input_tokens"_L1, 0},
                            {"cache_read_input_tokens"_L1, 0},
                            {"output_tokens"_L1, 0}};
    }
    const QJsonObject message{
        {"id"_L1, AnthropicAnswerEncoder::messageId(m_completionId)},
        {"type"_L1, "message"_L1},
        {"role"_L1, "assistant"_L1},
        {"model"_L1, m_options.model},
        {"content"_L1, QJsonArray{}},
        {"stop_reason"_L1, QJsonValue(QJsonValue::Null)},
        {"stop_sequence"_L1, QJsonValue(QJsonValue::Null)},
        {"usage"_L1, usage},
    };
    emitEvent("message_start",
              QJsonObject{{"type"_L1, "message_start"_L1}, {"message"_L1, message}}, false);
}

void AnthropicStreamEncoder::openBlock(BlockKind kind, const QJsonObject &contentBlock)
{
    closeBlock();
    m_openIndex = m_nextBlockIndex++;
    m_openKind = kind;
    m_openThinkingSigned = false;
    m_openThinkingHasText = false;
    emitEvent("content_block_start",
              QJsonObject{{"type"_L1, "content_block_start"_L1},
                          {"index"_L1, m_openIndex},
                          {"content_block"_L1, contentBlock}},
              kind == BlockKind::ToolUse || kind == BlockKind::Redacted);
}

void AnthropicStreamEncoder::closeBlock()
{
    if (m_openIndex < 0)
        return;
    emitEvent("content_block_stop",
              QJsonObject{{"type"_L1, "content_block_stop"_L1}, {"index"_L1, m_openIndex}}, false);
    m_openIndex = -1;
    m_openKind = BlockKind::None;
}

void AnthropicStreamEncoder::blockDelta(const QJsonObject &delta)
{
    emitEvent("content_block_delta",
              QJsonObject{{"type"_L1, "content_block_delta"_L1},
                          {"index"_L1, m_openIndex},
                          {"delta"_L1, delta}},
              delta.value("type"_L1).toString() != "signature_delta"_L1);
}

void AnthropicStreamEncoder::handleChunk(const QJsonObject &chunk)
{
    if (const auto error = ChatChunkReader::errorOf(chunk)) {
        fail(*error);
        return;
    }
    if (!m_started && m_completionId.isEmpty())
        m_completionId = chunk.value("id"_L1).toString();
    if (const auto counts = ChatChunkReader::usageOf(chunk))
        m_usage = *counts;
    const QJsonArray choices = chunk.value("choices"_L1).toArray();
    // Chunks without a choice (Azure's prompt filter results, with an empty id; the
    // usage chunk) start nothing, so message_start takes the id of the answer itself.
    if (choices.isEmpty())
        return;
    ensureStarted();
    // The relay serves one choice (translated kinds refuse n > 1).
    const QJsonObject choice = choices.first().toObject();
    handleDelta(choice.value("delta"_L1).toObject());
    const QJsonValue finish = choice.value("finish_reason"_L1);
    if (finish.isString() && !finish.toString().isEmpty())
        m_finishReason = finish.toString();
}

void AnthropicStreamEncoder::handleDelta(const QJsonObject &delta)
{
    // Within one delta, Anthropic's block order: thinking, text, tool_use.
    QString reasoning = delta.value("reasoning_content"_L1).toString();
    if (reasoning.isEmpty())
        reasoning = delta.value("reasoning"_L1).toString(); // vLLM's name for it
    if (!reasoning.isEmpty()) {
        // A signature ends a thinking block: reasoning after it is a new block.
        if (m_openKind != BlockKind::Thinking || m_openThinkingSigned)
            openBlock(BlockKind::Thinking, QJsonObject{{"type"_L1, "thinking"_L1},
                                                       {"thinking"_L1, QString()},
                                                       {"signature"_L1, QString()}});
        blockDelta(QJsonObject{{"type"_L1, "thinking_delta"_L1}, {"thinking"_L1, reasoning}});
        m_openThinkingHasText = true;
    }
    if (delta.value("thinking_blocks"_L1).isArray())
        handleThinkingBlocks(delta.value("thinking_blocks"_L1).toArray());
    if (m_ended)
        return;

    // A refusal is what the model said: Anthropic has no other place for it.
    for (const QLatin1String field : {"content"_L1, "refusal"_L1}) {
        const QString text = delta.value(field).toString();
        if (text.isEmpty())
            continue;
        if (m_openKind != BlockKind::Text)
            openBlock(BlockKind::Text, QJsonObject{{"type"_L1, "text"_L1}, {"text"_L1, QString()}});
        blockDelta(QJsonObject{{"type"_L1, "text_delta"_L1}, {"text"_L1, text}});
    }

    for (const QJsonValue &call : delta.value("tool_calls"_L1).toArray()) {
        handleToolCall(call.toObject());
        if (m_ended)
            return;
    }
}

void AnthropicStreamEncoder::handleThinkingBlocks(const QJsonArray &blocks)
{
    for (const QJsonValue &value : blocks) {
        const QJsonObject block = value.toObject();
        const QString type = block.value("type"_L1).toString();
        if (type == "redacted_thinking"_L1) {
            // Anthropic sends a redacted block whole in its start event.
            openBlock(BlockKind::Redacted,
                      QJsonObject{{"type"_L1, "redacted_thinking"_L1},
                                  {"data"_L1, block.value("data"_L1).toString()}});
            closeBlock();
            continue;
        }
        if (type != "thinking"_L1)
            continue;
        const QString text = block.value("thinking"_L1).toString();
        const QString signature = block.value("signature"_L1).toString();
        const bool continuesOpen = m_openKind == BlockKind::Thinking && !m_openThinkingSigned;
        if (!continuesOpen)
            openBlock(BlockKind::Thinking, QJsonObject{{"type"_L1, "thinking"_L1},
                                                       {"thinking"_L1, QString()},
                                                       {"signature"_L1, QString()}});
        // OneGate's own streams put the text in reasoning_content and only the signature
        // here; text in the block is sent only when reasoning_content did not carry it,
        // so it never appears twice.
        if (!text.isEmpty() && !m_openThinkingHasText) {
            blockDelta(QJsonObject{{"type"_L1, "thinking_delta"_L1}, {"thinking"_L1, text}});
            m_openThinkingHasText = true;
        }
        if (!signature.isEmpty()) {
            blockDelta(QJsonObject{{"type"_L1, "signature_delta"_L1}, {"signature"_L1, signature}});
            m_openThinkingSigned = true;
        }
    }
}

void AnthropicStreamEncoder::handleToolCall(const QJsonObject &call)
{
    const int index = int(call.value("index"_L1).toInteger(0));
    const QJsonObject function = call.value("function"_L1).toObject();
    const QString arguments = function.value("arguments"_L1).toString();
    m_sawToolCall = true;
    auto block = m_toolBlocks.constFind(index);
    if (block == m_toolBlocks.constEnd()) {
        const QString id = call.value("id"_L1).toString();
        // The id mapping the anthropic adapter uses, so Anthropic's own ids round-trip.
        openBlock(
            BlockKind::ToolUse,
            QJsonObject{{"type"_L1, "tool_use"_L1},
                        {"id"_L1, id.isEmpty() ? randomToolId() : anthropic::toAnthropicToolId(id)},
                        {"name"_L1, function.value("name"_L1).toString()},
                        {"input"_L1, QJsonObject{}}});
        block = m_toolBlocks.insert(index, m_openIndex);
    } else if (block.value() != m_openIndex) {
        if (arguments.isEmpty())
            return; // a repeated id or name for a call already closed
        // Anthropic's grammar has one open block at a time, and a stop cannot be taken
        // back: arguments for a call after another began cannot be placed. Fail loudly
        // rather than hand the client a call with part of its JSON missing.
        fail(ApiError::make(502, u"upstream_error"_s, u"bad_upstream_response"_s,
                            u"the provider interleaved the arguments of parallel tool calls, "
                            u"which an Anthropic Messages stream cannot carry"_s,
                            true));
        return;
    }
    if (!arguments.isEmpty())
        blockDelta(QJsonObject{{"type"_L1, "input_json_delta"_L1}, {"partial_json"_L1, arguments}});
}

} // namespace onegate
