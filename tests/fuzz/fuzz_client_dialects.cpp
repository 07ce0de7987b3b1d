// The inbound dialects' answer side (gateway/dialects): an OpenAI-compatible provider's
// stream, relayed, through each dialect's stream translator (Anthropic Messages,
// Responses, Completions, Ollama chat and generate), and the same bytes as a whole answer
// and an embeddings answer in each dialect's shape.
#include "FuzzSupport.h"

using namespace onegate;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz::clientDialects(fuzz::input(data, size));
    return 0;
}
