#pragma once

#include "core/ProviderAdapter.h"

namespace onegate {

// The gemini kind's embeddings codec: OpenAI embeddings <-> Gemini's batchEmbedContents.
//   POST {base_url}/v1beta/models/{model}:batchEmbedContents   (x-goog-api-key, as chat)
//   {"requests":[{"model":"models/{model}","content":{"parts":[{"text":...}]},
//                 "outputDimensionality":N?}, ...]}   one request per input string
//   -> {"embeddings":[{"values":[...]}, ...]}   in the same order
// Gateway choices:
// - Token-id input ([int], [[int]]) is refused with a 400 naming `input`: Gemini takes
//   text only, and OpenAI's token ids mean nothing to its tokenizer.
// - `dimensions` becomes outputDimensionality; `user` has no Gemini field and is dropped;
//   no taskType is sent, so Gemini's default applies.
// - Gemini sends floats only; for encoding_format "base64" the gateway encodes them as
//   OpenAI does (EmbeddingVectors.h).
// - The answer's model is the upstream model (Gemini's answer names none).
// - batchEmbedContents reports no token count: the answer says prompt_tokens 0 and the
//   usage is recorded as unknown (TokenUsage::known false), not guessed.
// - Gemini caps the number of requests in one batch; a larger input gets Gemini's own
//   400, relayed like any other error (GeminiAdapter::mapError).
class GeminiEmbeddingsCodec final : public ChatCodec {
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
