#include "AdapterRegistry.h"

#include "anthropic/AnthropicAdapter.h"
#include "azure/AzureAdapter.h"
#include "gemini/GeminiAdapter.h"
#include "ollama/OllamaAdapter.h"
#include "openai/OpenAiAdapter.h"

namespace onegate {

const ProviderAdapter *adapterFor(ProviderKind kind)
{
    static const OpenAiAdapter openAi;
    static const AzureAdapter azure;
    static const AnthropicAdapter anthropic;
    static const GeminiAdapter gemini;
    static const OllamaAdapter ollama;
    switch (kind) {
    case ProviderKind::OpenAi: return &openAi;
    case ProviderKind::Azure: return &azure;
    case ProviderKind::Anthropic: return &anthropic;
    case ProviderKind::Gemini: return &gemini;
    case ProviderKind::Ollama: return &ollama;
    }
    return nullptr;
}

} // namespace onegate
