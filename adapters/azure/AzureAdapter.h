#pragma once

#include "core/ProviderAdapter.h"

namespace onegate {

// The `azure` kind.
class AzureAdapter final : public ProviderAdapter {
public:
    std::variant<UpstreamRequest, ApiError> chatRequest(const ChatCall &call) const override;
    std::unique_ptr<ChatStreamDecoder> streamDecoder(const ChatCall &call) const override;
    ChatResult decodeChat(const ChatCall &call, const QByteArray &body) const override;
    ApiError mapError(int status, const QByteArray &body,
                      const QByteArray &contentType) const override;
    UpstreamRequest modelListRequest(const ProviderSettings &provider,
                                     const QByteArray &apiKey) const override;
    ModelListResult decodeModelList(const QByteArray &body) const override;
};

} // namespace onegate
