#include "AzureAdapter.h"

namespace onegate {

// Placeholder while the azure translation is written: every call answers 501.
namespace {
ApiError notYet()
{
    return ApiError::make(501, QStringLiteral("not_implemented_error"), QStringLiteral("provider_kind_not_supported"),
                          QStringLiteral("the azure adapter is not available in this build yet"));
}
} // namespace

std::variant<UpstreamRequest, ApiError> AzureAdapter::chatRequest(const ChatCall &) const
{
    return notYet();
}

std::unique_ptr<ChatStreamDecoder> AzureAdapter::streamDecoder(const ChatCall &) const
{
    return nullptr;
}

ChatResult AzureAdapter::decodeChat(const ChatCall &, const QByteArray &) const
{
    return {{}, {}, notYet()};
}

ApiError AzureAdapter::mapError(int, const QByteArray &, const QByteArray &) const
{
    return notYet();
}

UpstreamRequest AzureAdapter::modelListRequest(const ProviderSettings &, const QByteArray &) const
{
    return {};
}

ModelListResult AzureAdapter::decodeModelList(const QByteArray &) const
{
    return {{}, notYet()};
}

} // namespace onegate
