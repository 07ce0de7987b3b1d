// The Anthropic Messages dialect's request decoder (AnthropicRequestDecoder): any body is
// an envelope or a 400; an envelope goes on through every adapter (the anthropic kind's
// native codec takes the client's own body).
#include "FuzzSupport.h"

#include "dialects/AnthropicRequestDecoder.h"

using namespace onegate;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray body = fuzz::input(data, size).toByteArray();
    fuzz::throughAdapters(AnthropicRequestDecoder::decode(body), WireDialect::AnthropicMessages);
    return 0;
}
