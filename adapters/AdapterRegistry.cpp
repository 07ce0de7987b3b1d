#include "AdapterRegistry.h"

#include "openai/OpenAiAdapter.h"

namespace onegate {

const ProviderAdapter *adapterFor(ProviderKind kind)
{
    static const OpenAiAdapter openAi;
    switch (kind) {
    case ProviderKind::OpenAi: return &openAi;
    case ProviderKind::Azure:
    case ProviderKind::Anthropic:
    case ProviderKind::Gemini:
    case ProviderKind::Ollama: return nullptr;
    }
    return nullptr;
}

} // namespace onegate
