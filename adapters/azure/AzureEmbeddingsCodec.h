#pragma once

#include "core/ProviderAdapter.h"
#include "openai/OpenAiEmbeddingsCodec.h"

namespace onegate {

// The azure kind's embeddings codec: the openai kind's pass-through (OpenAiEmbeddingsCodec)
// on Azure's addressing, POST {base_url}/openai/deployments/{deployment}/embeddings
// ?api-version=... with the key in `api-key`, built as the chat request is
// (AzureAdapter::deploymentRequest). The body keeps `model`, set to the deployment name,
// as for chat: Azure routes by the path and ignores it. Answers are relayed as sent,
// errors as AzureAdapter maps them.
class AzureEmbeddingsCodec final : public ChatCodec {
public:
    std::variant<UpstreamRequest, ApiError> chatRequest(const ChatCall &call) const override;
    // nullptr: embeddings are never streamed.
    std::unique_ptr<ChatStreamDecoder> streamDecoder(const ChatCall &call) const override;
    ChatResult decodeChat(const ChatCall &call, const QByteArray &body) const override;
    ApiError mapError(int status, const QByteArray &body,
                      const QByteArray &contentType) const override;

private:
    OpenAiEmbeddingsCodec m_openAi; // same answer: read and relayed alike
};

} // namespace onegate
