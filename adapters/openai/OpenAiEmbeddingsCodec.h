#pragma once

#include "core/ProviderAdapter.h"

namespace onegate {

// The openai kind's embeddings codec. The provider speaks OpenAI's embeddings API itself,
// so the client's request passes through to POST {base_url}/embeddings with only `model`
// rewritten: input (token ids too), dimensions, encoding_format (the server encodes
// base64 itself), user and unknown fields go as sent, with the chat request's
// Authorization and the provider's extra headers. The answer is relayed byte for byte,
// its usage read for the record; errors are relayed as the chat codec relays them.
class OpenAiEmbeddingsCodec final : public ChatCodec {
public:
    std::variant<UpstreamRequest, ApiError> chatRequest(const ChatCall &call) const override;
    // nullptr: embeddings are never streamed.
    std::unique_ptr<ChatStreamDecoder> streamDecoder(const ChatCall &call) const override;
    // The body as sent when it is a JSON object with a `data` array; a 502 otherwise.
    ChatResult decodeChat(const ChatCall &call, const QByteArray &body) const override;
    ApiError mapError(int status, const QByteArray &body,
                      const QByteArray &contentType) const override;
};

} // namespace onegate
