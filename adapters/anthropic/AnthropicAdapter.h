#pragma once

#include "core/ProviderAdapter.h"

namespace onegate {

// The `anthropic` kind: Anthropic's Messages API (POST {base_url}/v1/messages with
// x-api-key and anthropic-version), translated from and to OpenAI Chat through the
// canonical model. The translation rules and every gateway choice are in
// AnthropicRequest.h, AnthropicResponse.h and AnthropicStreamDecoder.h.
class AnthropicAdapter final : public ProviderAdapter {
public:
    std::variant<UpstreamRequest, ApiError> chatRequest(const ChatCall &call) const override;
    std::unique_ptr<ChatStreamDecoder> streamDecoder(const ChatCall &call) const override;
    ChatResult decodeChat(const ChatCall &call, const QByteArray &body) const override;
    ApiError mapError(int status, const QByteArray &body,
                      const QByteArray &contentType) const override;
    // GET /v1/models?limit=1000: the API's largest page, so one request lists every
    // model (Anthropic offers a few dozen); the interface decodes a single body.
    UpstreamRequest modelListRequest(const ProviderSettings &provider,
                                     const QByteArray &apiKey) const override;
    ModelListResult decodeModelList(const QByteArray &body) const override;
    // Messages API clients are relayed as they are (AnthropicMessagesCodec).
    const ChatCodec *nativeCodec(WireDialect dialect, const ProviderSettings &provider) const override;
};

} // namespace onegate
