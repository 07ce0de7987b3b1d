#pragma once

#include "core/ProviderAdapter.h"
#include "core/SseParser.h"
#include "openai/OpenAiStreamEncoder.h"

namespace onegate {

// Translates Gemini's `:streamGenerateContent?alt=sse` into OpenAI chat chunks. Each
// `data:` event is a whole GenerateContentResponse holding only the new parts; the last
// one carries finishReason and the final usageMetadata, and there is no end sentinel.
//
// - finishReason is held until the stream ends: Gemini may repeat it on earlier chunks,
//   and a functionCall in any chunk turns STOP into tool_calls;
// - usage is forwarded from every chunk that has it; the last one wins;
// - a stream that ends without any finishReason (or prompt block) is truncated: a
//   failure, never a [DONE];
// - the last event may lack its blank line (the recorded prompt-blocked stream ends in
//   one CRLF): it is still read when the body ends;
// - an error object in a `data:` event fails the stream, mapped like an HTTP error;
// - so does one written bare, outside any `data:` line, as the Firebase SDKs' mid-stream
//   error recording has it (the SSE standard would skip those lines). Any other bare JSON
//   object is read as one more response chunk, so a body that is one whole answer instead
//   of SSE still works; events and bare objects are handled in the order they came.
class GeminiStreamDecoder final : public ChatStreamDecoder {
public:
    GeminiStreamDecoder(const QString &fallbackModel, bool clientWantsUsage);
    void feed(QByteArrayView bytes, ChatStreamSink &sink) override;
    void finish(ChatStreamSink &sink) override;

private:
    void dispatch(ChatStreamSink &sink);
    void handlePayload(const QByteArray &payload, ChatStreamSink &sink);
    void handleResponse(const QJsonObject &response, ChatStreamSink &sink);
    void scanStray(QByteArrayView bytes, ChatStreamSink &sink);
    void fail(const ApiError &error, ChatStreamSink &sink);

    SseParser m_parser;
    QList<SseEvent> m_events;
    OpenAiStreamEncoder m_encoder;
    QByteArray m_stray; // a JSON object outside `data:` lines, being collected
    bool m_atLineStart = true;
    bool m_lineIsStray = false;
    bool m_flushing = false; // finish() is reading what the body left unterminated
    bool m_started = false;
    bool m_ended = false;
    bool m_blocked = false;
    int m_toolCalls = 0;
    QString m_finishReason; // Gemini's, from the last chunk that had one
};

} // namespace onegate
