#pragma once

#include "core/ProviderAdapter.h"

namespace onegate {

// The ollama kind's embeddings codec: OpenAI embeddings <-> Ollama's native /api/embed.
//   POST {base_url}/api/embed   (Authorization: Bearer when the provider has a key, as chat)
//   {"model":...,"input":"..." or ["...",...],"dimensions":N?,"truncate":true}
//   -> {"model":...,"embeddings":[[...],...],"prompt_eval_count":N,...durations}
// Gateway choices:
// - Token-id input ([int], [[int]]) is refused with a 400 naming `input`: /api/embed
//   takes text only.
// - `truncate: true` is sent (Ollama's own default, said out loud): an input longer than
//   the model's context is cut rather than refused.
// - `user` has no Ollama field and is dropped; durations are not passed on (OpenAI has no
//   field for them).
// - Ollama sends floats only; for encoding_format "base64" the gateway encodes them as
//   OpenAI does (EmbeddingVectors.h).
// - Usage is prompt_eval_count; an answer without it is recorded as unknown.
// - The answer's model is the one Ollama names, else the upstream model.
class OllamaEmbeddingsCodec final : public ChatCodec {
public:
    std::variant<UpstreamRequest, ApiError> chatRequest(const ChatCall &call) const override;
    // nullptr: embeddings are never streamed.
    std::unique_ptr<ChatStreamDecoder> streamDecoder(const ChatCall &call) const override;
    // The OpenAI list, or a 502 when the answer is not one vector per input.
    ChatResult decodeChat(const ChatCall &call, const QByteArray &body) const override;
    ApiError mapError(int status, const QByteArray &body,
                      const QByteArray &contentType) const override;
};

} // namespace onegate
