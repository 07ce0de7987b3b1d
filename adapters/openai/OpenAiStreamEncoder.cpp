#include "OpenAiStreamEncoder.h"

#include "OpenAiChatCodec.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>

namespace onegate {

namespace {
QLatin1String key(const char *name)
{
    return QLatin1String(name);
}
} // namespace

OpenAiStreamEncoder::OpenAiStreamEncoder(QString fallbackModel, bool includeUsage)
    : m_model(std::move(fallbackModel))
    , m_includeUsage(includeUsage)
{
}

QByteArray OpenAiStreamEncoder::frame(const QJsonObject &chunk) const
{
    return "data: " + QJsonDocument(chunk).toJson(QJsonDocument::Compact) + "\n\n";
}

void OpenAiStreamEncoder::ensureStarted(ChatStreamSink &sink)
{
    if (m_started)
        return;
    m_started = true;
    if (m_id.isEmpty())
        m_id = newCompletionId();
    if (m_created == 0)
        m_created = QDateTime::currentSecsSinceEpoch();
    emitDelta(QJsonObject{{key("role"), key("assistant")}, {key("content"), QString()}}, sink, false);
}

void OpenAiStreamEncoder::emitDelta(const QJsonObject &delta, ChatStreamSink &sink, bool content,
                                    const QString &finishReason)
{
    const QJsonObject choice{{key("index"), 0},
                             {key("delta"), delta},
                             {key("logprobs"), QJsonValue(QJsonValue::Null)},
                             {key("finish_reason"), finishReason.isEmpty() ? QJsonValue(QJsonValue::Null)
                                                                           : QJsonValue(finishReason)}};
    const QJsonObject chunk{{key("id"), m_id},
                            {key("object"), key("chat.completion.chunk")},
                            {key("created"), m_created},
                            {key("model"), m_model},
                            {key("choices"), QJsonArray{choice}}};
    sink.streamFrame(frame(chunk), content);
}

void OpenAiStreamEncoder::event(const canonical::StreamEvent &event, ChatStreamSink &sink)
{
    using Kind = canonical::StreamEvent::Kind;
    switch (event.kind) {
    case Kind::Start:
        if (!m_started) {
            if (!event.id.isEmpty())
                m_id = event.id;
            if (!event.model.isEmpty())
                m_model = event.model;
            m_created = event.created;
        }
        ensureStarted(sink);
        return;
    case Kind::TextDelta:
        ensureStarted(sink);
        if (!event.text.isEmpty())
            emitDelta(QJsonObject{{key("content"), event.text}}, sink, true);
        return;
    case Kind::ReasoningDelta:
        ensureStarted(sink);
        if (!event.text.isEmpty())
            emitDelta(QJsonObject{{key("reasoning_content"), event.text}}, sink, true);
        return;
    case Kind::ReasoningSignature: {
        ensureStarted(sink);
        if (event.text.isEmpty())
            return;  // nothing to send back: no `thinking_blocks: []` chunk
        canonical::Reasoning block;
        if (event.redacted)
            block.redactedData = event.text;
        else
            block.signature = event.text;
        emitDelta(QJsonObject{{key("thinking_blocks"), encodeOpenAiThinkingBlocks({block})}}, sink, false);
        return;
    }
    case Kind::ToolCallStart: {
        ensureStarted(sink);
        m_openToolCalls.insert(event.index);
        QJsonObject call = encodeOpenAiToolCall({event.id, event.name, QString(), event.thoughtSignature});
        call.insert(key("index"), event.index);
        emitDelta(QJsonObject{{key("tool_calls"), QJsonArray{call}}}, sink, true);
        if (!event.arguments.isEmpty()) {
            canonical::StreamEvent rest = event;
            rest.kind = Kind::ToolCallDelta;
            this->event(rest, sink);
        }
        return;
    }
    case Kind::ToolCallDelta: {
        if (!m_openToolCalls.contains(event.index) || event.arguments.isEmpty())
            return;  // never arguments before the id and name
        const QJsonObject call{{key("index"), event.index},
                               {key("function"), QJsonObject{{key("arguments"), event.arguments}}}};
        emitDelta(QJsonObject{{key("tool_calls"), QJsonArray{call}}}, sink, true);
        return;
    }
    case Kind::Finish:
        ensureStarted(sink);
        if (m_finishReason.isEmpty()) {
            m_finishReason = event.finishReason.isEmpty() ? canonical::finish::Stop : event.finishReason;
            emitDelta(QJsonObject{}, sink, false, m_finishReason);
        }
        return;
    case Kind::Usage:
        m_usage = event.usage;
        sink.streamUsage(m_usage);
        return;
    }
}

void OpenAiStreamEncoder::complete(ChatStreamSink &sink)
{
    ensureStarted(sink);
    if (m_finishReason.isEmpty()) {
        canonical::StreamEvent finish;
        finish.kind = canonical::StreamEvent::Kind::Finish;
        finish.finishReason = m_openToolCalls.isEmpty() ? canonical::finish::Stop : canonical::finish::ToolCalls;
        event(finish, sink);
    }
    if (m_includeUsage && m_usage.known) {
        const QJsonObject chunk{{key("id"), m_id},
                                {key("object"), key("chat.completion.chunk")},
                                {key("created"), m_created},
                                {key("model"), m_model},
                                {key("choices"), QJsonArray{}},
                                {key("usage"), encodeOpenAiUsage(m_usage)}};
        sink.streamFrame(frame(chunk), false);
    }
    sink.streamCompleted(QByteArrayLiteral("data: [DONE]\n\n"));
}

} // namespace onegate
