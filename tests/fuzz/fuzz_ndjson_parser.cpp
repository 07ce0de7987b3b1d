// NdjsonParser (adapters/core): any bytes, whole or in any reads, give the same records
// and the same unterminated last line; a line past the limit stops the parser either way.
#include "FuzzSupport.h"

#include "core/NdjsonParser.h"

using namespace onegate;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArrayView bytes = fuzz::input(data, size);
    constexpr qsizetype kLimit = 4096;
    NdjsonParser whole(kLimit);
    QList<QByteArray> wholeLines;
    const bool wholeOk = whole.feed(bytes, wholeLines);
    NdjsonParser split(kLimit);
    QList<QByteArray> splitLines;
    bool splitOk = true;
    for (const QByteArrayView piece : fuzz::reads(bytes))
        splitOk = split.feed(piece, splitLines) && splitOk;
    if (wholeOk != splitOk)
        fuzz::fail("the limit was reached in one way of reading and not the other");
    if (wholeOk && (wholeLines != splitLines || whole.takePartialLine() != split.takePartialLine()))
        fuzz::fail("other reads gave other records");
    return 0;
}
