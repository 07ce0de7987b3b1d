// AnthropicRelayDecoder (the anthropic kind's native codec, for Messages API clients):
// a Messages stream relayed event by event, whole or in any reads, and the same bytes as
// a whole answer and an error body.
#include "FuzzSupport.h"

using namespace onegate;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz::providerAnswer(ProviderKind::Anthropic, fuzz::input(data, size), WireDialect::AnthropicMessages);
    return 0;
}
