#include "GeminiStreamDecoder.h"

#include "GeminiResponse.h"

#include <QDateTime>
#include <QJsonDocument>

namespace onegate {

using namespace Qt::StringLiterals;

namespace {

// A stray object is an error report of a few hundred bytes; past this it is garbage.
constexpr qsizetype kMaxStrayBytes = 64 * 1024;

ApiError truncated()
{
    return ApiError::make(502, u"upstream_error"_s, u"stream_truncated"_s,
                          u"the provider's stream ended before it was complete"_s);
}

ApiError garbage(const QString &why)
{
    return ApiError::make(502, u"upstream_error"_s, u"bad_upstream_response"_s,
                          u"the provider's stream is not Gemini SSE: %1"_s.arg(why));
}

// Whether the collected text, trailing blanks aside, ends a JSON object.
bool endsWithBrace(const QByteArray &text)
{
    for (qsizetype i = text.size() - 1; i >= 0; --i) {
        if (text.at(i) != ' ' && text.at(i) != '\t')
            return text.at(i) == '}';
    }
    return false;
}

} // namespace

GeminiStreamDecoder::GeminiStreamDecoder(const QString &fallbackModel, bool clientWantsUsage)
    : m_encoder(fallbackModel, clientWantsUsage)
{
}

void GeminiStreamDecoder::feed(QByteArrayView bytes, ChatStreamSink &sink)
{
    // Line by line, so SSE events and stray objects are handled in the order they came.
    while (!bytes.isEmpty() && !m_ended) {
        qsizetype end = 0;
        while (end < bytes.size() && bytes[end] != '\n' && bytes[end] != '\r')
            ++end;
        const QByteArrayView line = bytes.first(qMin(end + 1, bytes.size()));
        bytes = bytes.sliced(line.size());
        m_events.clear();
        const bool ok = m_parser.feed(line, m_events);
        dispatch(sink);
        if (m_ended)
            return;
        if (!ok) {
            fail(garbage(u"an event is larger than the limit"_s), sink);
            return;
        }
        scanStray(line, sink);
    }
}

void GeminiStreamDecoder::dispatch(ChatStreamSink &sink)
{
    for (const SseEvent &event : std::as_const(m_events)) {
        handlePayload(event.data, sink);
        if (m_ended)
            return;
    }
}

// Lines outside the SSE grammar are skipped by the parser, as the standard says; a JSON
// object written bare into the stream is how an error can arrive there, so such lines
// are collected here until they form one object.
void GeminiStreamDecoder::scanStray(QByteArrayView bytes, ChatStreamSink &sink)
{
    for (const char c : bytes) {
        if (c == '\n' || c == '\r') {
            const bool stray = m_lineIsStray;
            m_atLineStart = true;
            m_lineIsStray = false;
            if (!stray)
                continue;
            // Only a line ending in '}' can complete the object: parse no sooner.
            if (endsWithBrace(m_stray)) {
                const QJsonDocument doc = QJsonDocument::fromJson(m_stray);
                if (doc.isObject()) {
                    m_stray.clear();
                    handleResponse(doc.object(), sink);
                    if (m_ended)
                        return;
                    continue;
                }
            }
            m_stray.append('\n');
            continue;
        }
        if (m_atLineStart) {
            m_atLineStart = false;
            m_lineIsStray = !m_stray.isEmpty() || c == '{';
        }
        if (m_lineIsStray)
            m_stray.append(c);
    }
    if (m_stray.size() > kMaxStrayBytes)
        fail(garbage(u"text outside data: lines"_s), sink);
}

void GeminiStreamDecoder::handlePayload(const QByteArray &payload, ChatStreamSink &sink)
{
    QJsonParseError error{};
    const QJsonDocument doc = QJsonDocument::fromJson(payload, &error);
    if (!doc.isObject()) {
        // What the body left unterminated at its end and does not parse was cut short.
        fail(m_flushing ? truncated() : garbage(error.errorString()), sink);
        return;
    }
    handleResponse(doc.object(), sink);
}

void GeminiStreamDecoder::handleResponse(const QJsonObject &response, ChatStreamSink &sink)
{
    using Kind = canonical::StreamEvent::Kind;
    if (response.value("error"_L1).isObject()) {
        fail(gemini::apiErrorFromGemini(0, response.value("error"_L1).toObject()), sink);
        return;
    }
    const gemini::Chunk chunk = gemini::parseChunk(response);
    if (!m_started) {
        m_started = true;
        canonical::StreamEvent start;
        start.kind = Kind::Start;
        if (!chunk.responseId.isEmpty())
            start.id = u"chatcmpl-"_s + chunk.responseId;
        start.model = chunk.modelVersion;
        start.created = QDateTime::currentSecsSinceEpoch();
        m_encoder.event(start, sink);
    }
    for (const gemini::Piece &piece : chunk.pieces) {
        canonical::StreamEvent event;
        switch (piece.kind) {
        case gemini::Piece::Kind::Text:
            event.kind = Kind::TextDelta;
            event.text = piece.text;
            break;
        case gemini::Piece::Kind::Thought:
            event.kind = Kind::ReasoningDelta;
            event.text = piece.text;
            break;
        case gemini::Piece::Kind::ToolCall:
            // Gemini sends a call whole: id, name and all arguments in one event.
            event.kind = Kind::ToolCallStart;
            event.index = m_toolCalls++;
            event.id = piece.call.id;
            event.name = piece.call.name;
            event.arguments = piece.call.arguments;
            event.thoughtSignature = piece.call.thoughtSignature;
            break;
        }
        m_encoder.event(event, sink);
    }
    if (!chunk.finishReason.isEmpty())
        m_finishReason = chunk.finishReason;
    if (chunk.promptBlocked)
        m_blocked = true;
    if (chunk.usage.known) {
        canonical::StreamEvent usage;
        usage.kind = Kind::Usage;
        usage.usage = chunk.usage;
        m_encoder.event(usage, sink);
    }
}

void GeminiStreamDecoder::finish(ChatStreamSink &sink)
{
    if (m_ended)
        return;
    if (m_parser.hasPartialEvent()) {
        // Two line ends close whatever line and event are open, CR-split or not.
        m_flushing = true;
        m_events.clear();
        m_parser.feed("\n\n", m_events);
        dispatch(sink);
        if (m_ended)
            return;
    }
    if (m_lineIsStray) {
        scanStray("\n", sink); // a bare object may end the body without a line end
        if (m_ended)
            return;
    }
    if (!m_stray.isEmpty()) {
        fail(truncated(), sink);
        return;
    }
    if (!m_blocked && m_finishReason.isEmpty()) {
        fail(truncated(), sink);
        return;
    }
    canonical::StreamEvent finish;
    finish.kind = canonical::StreamEvent::Kind::Finish;
    finish.finishReason = m_blocked ? canonical::finish::ContentFilter
                                    : gemini::openAiFinishReason(m_finishReason, m_toolCalls > 0);
    m_encoder.event(finish, sink);
    m_ended = true;
    m_encoder.complete(sink);
}

void GeminiStreamDecoder::fail(const ApiError &error, ChatStreamSink &sink)
{
    m_ended = true;
    sink.streamFailed(error);
}

} // namespace onegate
