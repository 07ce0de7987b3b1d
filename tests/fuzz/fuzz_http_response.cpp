// HttpResponseParser (adapters/core): a provider's response bytes, whole or in any reads,
// give the same status, body, completion, reuse verdict and error; the body never grows
// past the bytes given; after the peer closes, the verdict is the same either way.
#include "FuzzSupport.h"

#include "core/HttpResponseParser.h"

using namespace onegate;

namespace {
struct Outcome final : HttpResponseParser::Sink {
    int status = 0;
    int heads = 0;
    QByteArray body;
    int completions = 0;
    void responseHead(int s, const HttpHeaderList &) override
    {
        status = s;
        ++heads;
    }
    void responseBody(QByteArrayView bytes) override { body += bytes; }
    void responseComplete() override { ++completions; }
    bool operator==(const Outcome &o) const
    {
        return status == o.status && heads == o.heads && body == o.body && completions == o.completions;
    }
};
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArrayView bytes = fuzz::input(data, size);
    HttpResponseParser whole;
    Outcome wholeOut;
    bool wholeOk = whole.feed(bytes, wholeOut);
    HttpResponseParser split;
    Outcome splitOut;
    bool splitOk = true;
    for (const QByteArrayView piece : fuzz::reads(bytes)) {
        if (splitOk)
            splitOk = split.feed(piece, splitOut);
    }
    if (wholeOk != splitOk || !(wholeOut == splitOut) || whole.keepAlive() != split.keepAlive()
        || whole.errorText() != split.errorText())
        fuzz::fail("other reads gave another response");
    if (wholeOut.body.size() > bytes.size())
        fuzz::fail("the body grew past the bytes given");
    if (wholeOut.completions > 1 || wholeOut.heads > 1)
        fuzz::fail("one response was reported twice");
    if (wholeOk) {
        wholeOk = whole.finishAtClose(wholeOut);
        splitOk = split.finishAtClose(splitOut);
        if (wholeOk != splitOk || !(wholeOut == splitOut))
            fuzz::fail("the end of the connection was read in two ways");
    }
    return 0;
}
