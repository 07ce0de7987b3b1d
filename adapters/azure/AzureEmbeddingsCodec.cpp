#include "AzureEmbeddingsCodec.h"

#include "AzureAdapter.h"

namespace onegate {

std::variant<UpstreamRequest, ApiError>
AzureEmbeddingsCodec::chatRequest(const ChatCall &call) const
{
    return AzureAdapter::deploymentRequest(call, QLatin1String("embeddings"));
}

std::unique_ptr<ChatStreamDecoder> AzureEmbeddingsCodec::streamDecoder(const ChatCall &) const
{
    return nullptr;
}

ChatResult AzureEmbeddingsCodec::decodeChat(const ChatCall &call, const QByteArray &body) const
{
    return m_openAi.decodeChat(call, body);
}

ApiError AzureEmbeddingsCodec::mapError(int status, const QByteArray &body,
                                        const QByteArray &contentType) const
{
    return azureUpstreamError(status, body, contentType);
}

} // namespace onegate
