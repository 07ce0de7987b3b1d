// The OpenAI Chat dialect's request decoder (gateway/dialects/OpenAiChatDialect): any
// body is an envelope or a 400; an envelope goes on through every adapter's request
// builder (the translating ones decode it into the canonical request).
#include "FuzzSupport.h"

using namespace onegate;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray body = fuzz::input(data, size).toByteArray();
    fuzz::throughAdapters(OpenAiChatDialect::decode(body), WireDialect::OpenAiChat);
    return 0;
}
