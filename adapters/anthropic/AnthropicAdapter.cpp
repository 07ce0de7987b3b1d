#include "AnthropicAdapter.h"

namespace onegate {

// Placeholder while the anthropic translation is written: every call answers 501.
namespace {
ApiError notYet()
{
    return ApiError::make(501, QStringLiteral("not_implemented_error"), QStringLiteral("provider_kind_not_supported"),
                          QStringLiteral("the anthropic adapter is not available in this build yet"));
}
} // namespace

std::variant<UpstreamRequest, ApiError> AnthropicAdapter::chatRequest(const ChatCall &) const
{
    return notYet();
}

std::unique_ptr<ChatStreamDecoder> AnthropicAdapter::streamDecoder(const ChatCall &) const
{
    return nullptr;
}

ChatResult AnthropicAdapter::decodeChat(const ChatCall &, const QByteArray &) const
{
    return {{}, {}, notYet()};
}

ApiError AnthropicAdapter::mapError(int, const QByteArray &, const QByteArray &) const
{
    return notYet();
}

UpstreamRequest AnthropicAdapter::modelListRequest(const ProviderSettings &, const QByteArray &) const
{
    return {};
}

ModelListResult AnthropicAdapter::decodeModelList(const QByteArray &) const
{
    return {{}, notYet()};
}

} // namespace onegate
