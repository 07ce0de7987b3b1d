// SseParser (adapters/core): any bytes, whole or in any reads, give the same events, and
// an event past the limit stops the parser either way. The limit is small here so the
// fuzzer reaches it.
#include "FuzzSupport.h"

#include "core/SseParser.h"

#include <algorithm>

using namespace onegate;

namespace {
bool same(const QList<SseEvent> &a, const QList<SseEvent> &b)
{
    return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](const SseEvent &x, const SseEvent &y) {
        return x.event == y.event && x.data == y.data && x.id == y.id;
    });
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArrayView bytes = fuzz::input(data, size);
    constexpr qsizetype kLimit = 4096;
    SseParser whole(kLimit);
    QList<SseEvent> wholeEvents;
    const bool wholeOk = whole.feed(bytes, wholeEvents);
    SseParser split(kLimit);
    QList<SseEvent> splitEvents;
    bool splitOk = true;
    for (const QByteArrayView piece : fuzz::reads(bytes))
        splitOk = split.feed(piece, splitEvents) && splitOk;
    if (wholeOk != splitOk)
        fuzz::fail("the limit was reached in one way of reading and not the other");
    if (wholeOk && (!same(wholeEvents, splitEvents) || whole.hasPartialEvent() != split.hasPartialEvent()))
        fuzz::fail("other reads gave other events");
    return 0;
}
