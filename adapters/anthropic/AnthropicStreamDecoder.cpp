#include "AnthropicStreamDecoder.h"

#include "AnthropicToolIds.h"

#include <QJsonDocument>

namespace onegate {

using namespace Qt::StringLiterals;
using Kind = canonical::StreamEvent::Kind;

namespace {
ApiError badStream(const QString &code, const QString &message)
{
    return ApiError::make(502, u"upstream_error"_s, code, message, true);
}
} // namespace

AnthropicStreamDecoder::AnthropicStreamDecoder(QString fallbackModel, bool clientWantsUsage)
    : m_encoder(std::move(fallbackModel), clientWantsUsage)
{
}

void AnthropicStreamDecoder::feed(QByteArrayView bytes, ChatStreamSink &sink)
{
    if (m_ended)
        return;
    m_events.clear();
    const bool ok = m_parser.feed(bytes, m_events);
    for (const SseEvent &event : std::as_const(m_events)) {
        handle(event, sink);
        if (m_ended)
            return;
    }
    if (!ok)
        fail(badStream(u"bad_upstream_response"_s,
                       u"the provider sent a stream event larger than the limit"_s),
             sink);
}

void AnthropicStreamDecoder::finish(ChatStreamSink &sink)
{
    if (m_ended)
        return;
    // Gateway choice: once message_delta carried the stop reason the answer is whole,
    // so a lost message_stop still completes; anything shorter is a failure.
    if (m_sawStopReason && !m_parser.hasPartialEvent()) {
        m_ended = true;
        m_encoder.complete(sink);
        return;
    }
    fail(badStream(u"stream_truncated"_s, u"the provider's stream ended before it was complete"_s),
         sink);
}

void AnthropicStreamDecoder::fail(const ApiError &error, ChatStreamSink &sink)
{
    m_ended = true;
    sink.streamFailed(error);
}

void AnthropicStreamDecoder::send(Kind kind, ChatStreamSink &sink, const QString &text)
{
    canonical::StreamEvent event;
    event.kind = kind;
    event.text = text;
    m_encoder.event(event, sink);
}

void AnthropicStreamDecoder::sendUsage(ChatStreamSink &sink)
{
    if (!m_usage.known())
        return;
    canonical::StreamEvent event;
    event.kind = Kind::Usage;
    event.usage = m_usage.toTokenUsage();
    m_encoder.event(event, sink);
}

void AnthropicStreamDecoder::handle(const SseEvent &event, ChatStreamSink &sink)
{
    // Live streams pad the JSON with spaces before the closing brace: a real parser only.
    QJsonParseError parseError{};
    const QJsonDocument doc = QJsonDocument::fromJson(event.data, &parseError);
    if (!doc.isObject()) {
        fail(badStream(u"bad_upstream_response"_s,
                       u"the provider sent a stream event that is not JSON: %1"_s.arg(
                           parseError.errorString())),
             sink);
        return;
    }
    const QJsonObject data = doc.object();
    QString type = data.value("type"_L1).toString();
    if (type.isEmpty())
        type = QString::fromUtf8(event.event);

    if (type == "message_start"_L1) {
        onMessageStart(data, sink);
    } else if (type == "content_block_start"_L1) {
        onBlockStart(data, sink);
    } else if (type == "content_block_delta"_L1) {
        onBlockDelta(data, sink);
    } else if (type == "content_block_stop"_L1) {
        onBlockStop(data, sink);
    } else if (type == "message_delta"_L1) {
        onMessageDelta(data, sink);
    } else if (type == "message_stop"_L1) {
        m_ended = true;
        m_encoder.complete(sink);
    } else if (type == "error"_L1) {
        fail(anthropic::errorFromAnthropic(0, data.value("error"_L1).toObject(),
                                           data.value("request_id"_L1).toString()),
             sink);
    }
    // ping, and event types Anthropic may add later, carry nothing for the client.
}

void AnthropicStreamDecoder::onMessageStart(const QJsonObject &data, ChatStreamSink &sink)
{
    const QJsonObject message = data.value("message"_L1).toObject();
    canonical::StreamEvent start;
    start.kind = Kind::Start;
    start.id = message.value("id"_L1).toString();
    start.model = message.value("model"_L1).toString();
    m_encoder.event(start, sink);
    // Input and cache counts; output_tokens here is a placeholder message_delta replaces.
    m_usage.merge(message.value("usage"_L1).toObject());
    sendUsage(sink);
}

void AnthropicStreamDecoder::onBlockStart(const QJsonObject &data, ChatStreamSink &sink)
{
    const int index = data.value("index"_L1).toInt();
    const QJsonObject content = data.value("content_block"_L1).toObject();
    const QString type = content.value("type"_L1).toString();
    Block block;
    if (type == "text"_L1) {
        block.kind = BlockKind::Text;
        send(Kind::TextDelta, sink, content.value("text"_L1).toString());
    } else if (type == "thinking"_L1) {
        block.kind = BlockKind::Thinking;
        send(Kind::ReasoningDelta, sink, content.value("thinking"_L1).toString());
    } else if (type == "redacted_thinking"_L1) {
        canonical::StreamEvent redacted;
        redacted.kind = Kind::ReasoningSignature;
        redacted.redacted = true;
        redacted.text = content.value("data"_L1).toString();
        m_encoder.event(redacted, sink);
    } else if (type == "tool_use"_L1) {
        block.kind = BlockKind::ToolUse;
        block.toolIndex = m_nextToolIndex++;
        const QJsonObject input = content.value("input"_L1).toObject();
        if (!input.isEmpty())
            block.initialInput =
                QString::fromUtf8(QJsonDocument(input).toJson(QJsonDocument::Compact));
        canonical::StreamEvent call;
        call.kind = Kind::ToolCallStart;
        call.index = block.toolIndex;
        call.id = anthropic::fromAnthropicToolId(content.value("id"_L1).toString());
        call.name = content.value("name"_L1).toString();
        m_encoder.event(call, sink);
    }
    m_blocks.insert(index, block);
}

void AnthropicStreamDecoder::onBlockDelta(const QJsonObject &data, ChatStreamSink &sink)
{
    const Block block = m_blocks.value(data.value("index"_L1).toInt());
    const QJsonObject delta = data.value("delta"_L1).toObject();
    const QString type = delta.value("type"_L1).toString();
    if (type == "text_delta"_L1) {
        send(Kind::TextDelta, sink, delta.value("text"_L1).toString());
    } else if (type == "thinking_delta"_L1) {
        send(Kind::ReasoningDelta, sink, delta.value("thinking"_L1).toString());
    } else if (type == "signature_delta"_L1) {
        send(Kind::ReasoningSignature, sink, delta.value("signature"_L1).toString());
    } else if (type == "input_json_delta"_L1 && block.kind == BlockKind::ToolUse) {
        // The first piece is often "": the encoder drops empty fragments.
        const QString piece = delta.value("partial_json"_L1).toString();
        if (piece.isEmpty())
            return;
        canonical::StreamEvent arguments;
        arguments.kind = Kind::ToolCallDelta;
        arguments.index = block.toolIndex;
        arguments.arguments = piece;
        m_encoder.event(arguments, sink);
        m_blocks[data.value("index"_L1).toInt()].sentArguments = true;
    }
    // citations_delta and later additions have no OpenAI Chat equivalent.
}

void AnthropicStreamDecoder::onBlockStop(const QJsonObject &data, ChatStreamSink &sink)
{
    const Block block = m_blocks.value(data.value("index"_L1).toInt());
    if (block.kind != BlockKind::ToolUse || block.sentArguments)
        return;
    // A call without arguments streams no JSON at all; OpenAI clients parse the
    // arguments string, so they get "{}" (or the input the start event carried).
    canonical::StreamEvent arguments;
    arguments.kind = Kind::ToolCallDelta;
    arguments.index = block.toolIndex;
    arguments.arguments = block.initialInput.isEmpty() ? u"{}"_s : block.initialInput;
    m_encoder.event(arguments, sink);
}

void AnthropicStreamDecoder::onMessageDelta(const QJsonObject &data, ChatStreamSink &sink)
{
    const QJsonValue stopReason = data.value("delta"_L1).toObject().value("stop_reason"_L1);
    if (stopReason.isString()) {
        m_sawStopReason = true;
        canonical::StreamEvent finish;
        finish.kind = Kind::Finish;
        finish.finishReason = anthropic::finishReasonFor(stopReason.toString());
        m_encoder.event(finish, sink);
    }
    m_usage.merge(data.value("usage"_L1).toObject());
    sendUsage(sink);
}

} // namespace onegate
