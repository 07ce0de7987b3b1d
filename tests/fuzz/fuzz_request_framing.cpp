// The front door's request size guard (RequestFraming, what RequestSizeGuard follows on
// each connection): any bytes, whole or in any reads, get the same verdict, so a request
// cannot be framed one way by the guard and another by QHttpServer by splitting it.
#include "FuzzSupport.h"

#include "http/RequestFraming.h"

using namespace onegate;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArrayView bytes = fuzz::input(data, size);
    // A small body limit, so that 413s are within the fuzzer's reach.
    constexpr qint64 kMaxBody = 1024;
    RequestFraming whole(kMaxBody);
    whole.scan(bytes.data(), bytes.size());
    RequestFraming split(kMaxBody);
    for (const QByteArrayView piece : fuzz::reads(bytes))
        split.scan(piece.data(), piece.size());
    if (whole.refused() != split.refused() || whole.readingHead() != split.readingHead()
        || whole.insideHead() != split.insideHead())
        fuzz::fail("the framing depends on how the bytes were read");
    if (whole.refused()
        && (whole.refusal().status != split.refusal().status || whole.refusal().message != split.refusal().message
            || whole.refusal().anthropicShape != split.refusal().anthropicShape))
        fuzz::fail("the refusal depends on how the bytes were read");
    if (whole.refused() && whole.scan("x", 1))
        fuzz::fail("a refused connection read on");
    return 0;
}
