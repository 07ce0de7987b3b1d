// The Ollama API's request decoder (OllamaRequestDecoder, /api/chat and /api/generate):
// any body is an envelope or a 400; an envelope goes on through every adapter.
#include "FuzzSupport.h"

#include "dialects/OllamaRequestDecoder.h"

using namespace onegate;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray body = fuzz::input(data, size).toByteArray();
    fuzz::throughAdapters(OllamaRequestDecoder::decodeChat(body), WireDialect::OllamaApi);
    fuzz::throughAdapters(OllamaRequestDecoder::decodeGenerate(body), WireDialect::OllamaApi);
    return 0;
}
