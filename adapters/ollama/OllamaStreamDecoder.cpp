#include "OllamaStreamDecoder.h"

#include "OllamaChatCodec.h"

#include <QJsonDocument>

namespace onegate {

namespace {

ApiError badStream(const QString &code, const QString &message)
{
    return ApiError::make(502, QStringLiteral("upstream_error"), code, message);
}

} // namespace

OllamaStreamDecoder::OllamaStreamDecoder(QString fallbackModel, bool clientWantsUsage)
    : m_encoder(std::move(fallbackModel), clientWantsUsage)
{
}

void OllamaStreamDecoder::feed(QByteArrayView bytes, ChatStreamSink &sink)
{
    if (m_ended)
        return;
    m_lines.clear();
    const bool ok = m_parser.feed(bytes, m_lines);
    for (const QByteArray &line : std::as_const(m_lines)) {
        handleLine(line, sink);
        if (m_ended)
            return;
    }
    if (!ok)
        fail(badStream(QStringLiteral("bad_upstream_response"),
                       QStringLiteral("the provider sent a stream line larger than the limit")),
             sink);
}

void OllamaStreamDecoder::handleLine(const QByteArray &line, ChatStreamSink &sink)
{
    using Kind = canonical::StreamEvent::Kind;
    const QJsonDocument doc = QJsonDocument::fromJson(line);
    const auto chunk = doc.isObject() ? ollama::decodeChatChunk(doc.object()) : std::nullopt;
    if (!chunk) {
        fail(badStream(QStringLiteral("bad_upstream_response"),
                       QStringLiteral("the provider sent a stream line that is not an Ollama chat object: %1")
                           .arg(QString::fromUtf8(line.left(200)))),
             sink);
        return;
    }
    if (chunk->isError) {
        // Ollama reports a failure after the 200 as a line of its own.
        fail(ollama::errorFromOllama(502, chunk->errorMessage), sink);
        return;
    }
    if (!m_started) {
        m_started = true;
        canonical::StreamEvent start;
        start.kind = Kind::Start;
        start.model = chunk->model;
        start.created = chunk->created;
        m_encoder.event(start, sink);
    }
    canonical::StreamEvent event;
    if (!chunk->thinking.isEmpty()) {
        event.kind = Kind::ReasoningDelta;
        event.text = chunk->thinking;
        m_encoder.event(event, sink);
    }
    if (!chunk->content.isEmpty()) {
        event.kind = Kind::TextDelta;
        event.text = chunk->content;
        m_encoder.event(event, sink);
    }
    for (const canonical::ToolCall &call : chunk->toolCalls) {
        // Ollama sends each call whole: id and name, then all its arguments in one delta.
        canonical::StreamEvent start;
        start.kind = Kind::ToolCallStart;
        start.index = m_toolCalls++;
        start.id = call.id;
        start.name = call.name;
        start.arguments = call.arguments;
        m_encoder.event(start, sink);
    }
    if (!chunk->done)
        return;
    m_ended = true;
    canonical::StreamEvent finish;
    finish.kind = Kind::Finish;
    finish.finishReason = ollama::finishReason(chunk->doneReason, m_toolCalls > 0);
    m_encoder.event(finish, sink);
    canonical::StreamEvent usage;
    usage.kind = Kind::Usage;
    usage.usage = chunk->usage;
    m_encoder.event(usage, sink);
    m_encoder.complete(sink);
}

void OllamaStreamDecoder::fail(const ApiError &error, ChatStreamSink &sink)
{
    m_ended = true;
    sink.streamFailed(error);
}

void OllamaStreamDecoder::finish(ChatStreamSink &sink)
{
    if (m_ended)
        return;
    // A last object without its newline is still a complete object; half an object is
    // a stream cut short, not garbage.
    const QByteArray partial = m_parser.takePartialLine();
    if (!partial.isEmpty() && QJsonDocument::fromJson(partial).isObject()) {
        handleLine(partial, sink);
        if (m_ended)
            return;
    }
    fail(badStream(QStringLiteral("stream_truncated"),
                   QStringLiteral("the provider's stream ended before its final \"done\" object")),
         sink);
}

} // namespace onegate
