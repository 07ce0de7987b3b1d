#include "ProviderSettings.h"

namespace onegate {

QString providerKindName(ProviderKind kind)
{
    switch (kind) {
    case ProviderKind::OpenAi: return QStringLiteral("openai");
    case ProviderKind::Azure: return QStringLiteral("azure");
    case ProviderKind::Anthropic: return QStringLiteral("anthropic");
    case ProviderKind::Gemini: return QStringLiteral("gemini");
    case ProviderKind::Ollama: return QStringLiteral("ollama");
    }
    return {};
}

} // namespace onegate
