#pragma once

#include "CacheEntry.h"
#include "core/ProviderAdapter.h"

#include <QByteArray>
#include <QByteArrayView>
#include <optional>

namespace onegate {

// The conversions between a cached answer and what a client is sent, so one entry
// serves non-stream and streaming clients alike:
// - into the cache: a finished non-stream answer (fromResult) or a recorded stream
//   (fromStream, via StreamCapture); errors and incomplete streams give nothing;
// - out of it: the stored chat.completion body as is for a non-stream client, or
//   replayAsStream() for a streaming one.
class CachedAnswer final {
public:
    CachedAnswer() = delete;

    // A non-stream answer worth caching: no error, a JSON chat.completion whose every
    // choice has a message and a finish_reason. The body is kept byte for byte.
    static std::optional<CacheEntry> fromResult(const ChatResult &result);

    // A whole recorded OpenAI Chat stream (client-facing SSE, [DONE] included), with the
    // usage the gateway saw if the client's frames did not carry it.
    static std::optional<CacheEntry> fromStream(QByteArrayView sse, const TokenUsage &usage = {});

    // Plays the entry to `sink` as the OpenAI chunks a live stream would have produced:
    // role chunk; reasoning_content and reasoning signatures; content; refusal; each tool
    // call's id and name before its arguments; the finish chunk; the usage chunk
    // (choices: []) only when `includeUsage`; then streamCompleted("data: [DONE]\n\n").
    // Every chunk has the cached id, model and created. streamUsage() reports the
    // cached usage when known; billing a hit is the caller's decision.
    // Returns false, having written nothing, when the body cannot be replayed (not one
    // choice, no finish_reason, a tool call without a name): treat it as a miss.
    static bool replayAsStream(const CacheEntry &entry, bool includeUsage, ChatStreamSink &sink);

    // replayAsStream() as bytes: every frame, then the terminator.
    static std::optional<QByteArray> toStreamBytes(const CacheEntry &entry, bool includeUsage);
};

} // namespace onegate
