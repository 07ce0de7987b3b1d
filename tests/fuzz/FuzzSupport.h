#pragma once

// What the libFuzzer targets share: the input cut into reads, a sink that checks the
// stream contract, and the paths a decoded request or a provider's answer take through
// the real code. Each target's own file only picks the code it feeds.

#include "core/ProviderAdapter.h"
#include "dialects/OpenAiChatDialect.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <variant>

namespace onegate::fuzz {

inline QByteArrayView input(const std::uint8_t *data, std::size_t size)
{
    return QByteArrayView(reinterpret_cast<const char *>(data), static_cast<qsizetype>(size));
}

// Stops the run with `what` on stderr; libFuzzer keeps the input as a crash.
[[noreturn]] void fail(const char *what);

// Where the transport could have cut `bytes` into reads: lengths of 1 to 64 bytes drawn
// from the bytes themselves, so one input always splits the same way (a crash replays)
// and different inputs split differently.
QList<QByteArrayView> reads(QByteArrayView bytes);

// A decoded stream as the relay sees it, with the sink contract checked as it arrives:
// nothing after the stream completed or failed.
struct StreamRecord final : ChatStreamSink {
    QList<QByteArray> frames;
    QList<bool> content;
    QList<qint64> usage;  // prompt, completion, cached, cache write, reasoning per report
    int ends = 0;
    QByteArray terminator;
    bool failed = false;
    int errorStatus = 0;
    QString errorCode;

    void streamFrame(const QByteArray &frame, bool isContent) override;
    void streamUsage(const TokenUsage &reported) override;
    void streamCompleted(const QByteArray &end) override;
    void streamFailed(const ApiError &error) override;
};

// Runs the decoders `make` creates over `bytes` fed whole and fed in reads(): the stream
// must end after finish(), and end the same way with the same frames either way
// (`sameFrames`: byte for byte; otherwise their number and content flags, for
// translated streams that stamp the time into each chunk).
void decodeStream(const std::function<std::unique_ptr<ChatStreamDecoder>()> &make, QByteArrayView bytes,
                  bool sameFrames);

// A provider of `kind` on loopback, with a key and an API version.
ProviderSettings provider(ProviderKind kind);

// `bytes` as everything a provider of `kind` can answer a call with: a stream, a whole
// answer, an error body (and a model list, an embeddings answer). With a `dialect`
// other than OpenAI Chat: the answer to a client of that dialect, which the provider
// speaks itself (its native codec relays it).
void providerAnswer(ProviderKind kind, QByteArrayView bytes, WireDialect dialect = WireDialect::OpenAiChat);

// `bytes` as an OpenAI-compatible provider's answer relayed to a client of each inbound
// dialect: the stream through each dialect's translator, the whole answer through each
// dialect's answer encoder.
void clientDialects(QByteArrayView bytes);

// A decoded client request on to every provider kind: each adapter's request builder,
// and the native codec of the kinds that speak `dialect` themselves.
void throughAdapters(const std::variant<ChatEnvelope, ApiError> &decoded, WireDialect dialect);

} // namespace onegate::fuzz
