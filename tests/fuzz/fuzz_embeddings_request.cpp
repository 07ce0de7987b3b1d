// The embeddings request decoders (/v1/embeddings, Ollama's /api/embed and
// /api/embeddings): any body is an envelope or a 400; an envelope goes on through every
// kind's embeddings codec.
#include "FuzzSupport.h"

#include "dialects/OllamaEmbedDialect.h"
#include "dialects/OpenAiEmbeddingsDialect.h"

using namespace onegate;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray body = fuzz::input(data, size).toByteArray();
    fuzz::throughAdapters(OpenAiEmbeddingsRequestDecoder::decode(body), WireDialect::OpenAiEmbeddings);
    for (const auto form : {OllamaEmbedRequestDecoder::Form::Embed, OllamaEmbedRequestDecoder::Form::LegacyEmbeddings})
        fuzz::throughAdapters(OllamaEmbedRequestDecoder::decode(body, form), WireDialect::OpenAiEmbeddings);
    return 0;
}
