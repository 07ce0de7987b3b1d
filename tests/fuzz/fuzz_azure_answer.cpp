// The azure kind's answers (adapters/azure): its stream decoder fed the bytes whole and in
// any reads (the same stream either way, always ended by finish()), and the same bytes
// as a whole answer, an error body, a model list and an embeddings answer.
#include "FuzzSupport.h"

using namespace onegate;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz::providerAnswer(ProviderKind::Azure, fuzz::input(data, size));
    return 0;
}
