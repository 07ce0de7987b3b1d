#pragma once

#include "core/ApiError.h"
#include "core/ProviderAdapter.h"
#include "core/SseParser.h"

#include <QJsonObject>
#include <functional>
#include <optional>

namespace onegate {

// The relay's OpenAI Chat stream frames read back as chunk objects, for the encoders
// that re-express them in another dialect (Anthropic, Responses, Completions). Frames
// may be whole or split anywhere; "[DONE]" (the end comes through streamCompleted),
// comments, keep-alives and anything that is not a JSON object carry nothing, since the
// relay's decoders have already judged the stream.
class ChatChunkReader final {
public:
    // Calls `chunk` for every chunk completed by `frame`, while it returns true. False
    // when an event grew past the parser's limit (tooLarge() says so to the client).
    bool read(const QByteArray &frame, const std::function<bool(const QJsonObject &chunk)> &chunk);
    static ApiError tooLarge();
    // An error chunk relayed from an OpenAI-compatible provider, as its decoder reads it
    // ({"error":{...}} mid-stream): the stream's end, as a 502 with the provider's fields.
    static std::optional<ApiError> errorOf(const QJsonObject &chunk);
    // The usage a chunk reports (the usage chunk), when it reports any.
    static std::optional<TokenUsage> usageOf(const QJsonObject &chunk);

private:
    SseParser m_parser;
    QList<SseEvent> m_events;
};

} // namespace onegate
