#include "OllamaAdapter.h"

namespace onegate {

// Placeholder while the ollama translation is written: every call answers 501.
namespace {
ApiError notYet()
{
    return ApiError::make(501, QStringLiteral("not_implemented_error"), QStringLiteral("provider_kind_not_supported"),
                          QStringLiteral("the ollama adapter is not available in this build yet"));
}
} // namespace

std::variant<UpstreamRequest, ApiError> OllamaAdapter::chatRequest(const ChatCall &) const
{
    return notYet();
}

std::unique_ptr<ChatStreamDecoder> OllamaAdapter::streamDecoder(const ChatCall &) const
{
    return nullptr;
}

ChatResult OllamaAdapter::decodeChat(const ChatCall &, const QByteArray &) const
{
    return {{}, {}, notYet()};
}

ApiError OllamaAdapter::mapError(int, const QByteArray &, const QByteArray &) const
{
    return notYet();
}

UpstreamRequest OllamaAdapter::modelListRequest(const ProviderSettings &, const QByteArray &) const
{
    return {};
}

ModelListResult OllamaAdapter::decodeModelList(const QByteArray &) const
{
    return {{}, notYet()};
}

} // namespace onegate
