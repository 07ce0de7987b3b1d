// The legacy Completions dialect's request decoder (OpenAiCompletionsRequestDecoder): any
// body is an envelope or a 400; an envelope goes on through every adapter.
#include "FuzzSupport.h"

#include "dialects/OpenAiCompletionsRequestDecoder.h"

using namespace onegate;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray body = fuzz::input(data, size).toByteArray();
    fuzz::throughAdapters(OpenAiCompletionsRequestDecoder::decode(body), WireDialect::OpenAiCompletions);
    return 0;
}
