// The Responses dialect's request decoder (OpenAiResponsesRequestDecoder): any body is an
// envelope or a 400; an envelope goes on through every adapter (the openai kind's native
// codec takes the client's own body).
#include "FuzzSupport.h"

#include "dialects/OpenAiResponsesRequestDecoder.h"

using namespace onegate;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray body = fuzz::input(data, size).toByteArray();
    fuzz::throughAdapters(OpenAiResponsesRequestDecoder::decode(body), WireDialect::OpenAiResponses);
    return 0;
}
