#include "GeminiAdapter.h"

namespace onegate {

// Placeholder while the gemini translation is written: every call answers 501.
namespace {
ApiError notYet()
{
    return ApiError::make(501, QStringLiteral("not_implemented_error"), QStringLiteral("provider_kind_not_supported"),
                          QStringLiteral("the gemini adapter is not available in this build yet"));
}
} // namespace

std::variant<UpstreamRequest, ApiError> GeminiAdapter::chatRequest(const ChatCall &) const
{
    return notYet();
}

std::unique_ptr<ChatStreamDecoder> GeminiAdapter::streamDecoder(const ChatCall &) const
{
    return nullptr;
}

ChatResult GeminiAdapter::decodeChat(const ChatCall &, const QByteArray &) const
{
    return {{}, {}, notYet()};
}

ApiError GeminiAdapter::mapError(int, const QByteArray &, const QByteArray &) const
{
    return notYet();
}

UpstreamRequest GeminiAdapter::modelListRequest(const ProviderSettings &, const QByteArray &) const
{
    return {};
}

ModelListResult GeminiAdapter::decodeModelList(const QByteArray &) const
{
    return {{}, notYet()};
}

} // namespace onegate
