// OpenAiResponsesRelayDecoder (the openai kind's native codec for Responses API clients):
// a Responses stream relayed event by event, whole or in any reads, and the same bytes
// as a whole answer and an error body.
#include "FuzzSupport.h"

using namespace onegate;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz::providerAnswer(ProviderKind::OpenAi, fuzz::input(data, size), WireDialect::OpenAiResponses);
    return 0;
}
