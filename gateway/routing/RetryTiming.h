#pragma once

#include <QByteArray>
#include <QRandomGenerator>
#include <optional>

namespace onegate {

// How long a provider asked us to wait before trying again, in milliseconds, from
// (first found wins) `retry-after-ms` (OpenAI, Azure: milliseconds, may be fractional),
// `Retry-After` (seconds, or an HTTP date measured from `nowEpochMs`), or Gemini's
// RetryInfo in the error body (`"retryDelay": "12s"` / `"1.5s"`). Nothing when none is
// given or none parses; a date in the past is 0.
std::optional<qint64> requestedRetryDelayMs(const QByteArray &retryAfterMs, const QByteArray &retryAfter,
                                            const QByteArray &errorBody, qint64 nowEpochMs);

// The pause before the n-th retry of a route already tried in this request (n >= 1):
// exponential from 250 ms, doubling up to 8 s, with jitter drawn from the upper half
// so clients retrying together spread out. Failing over to another route waits not.
qint64 backoffMs(int retry, QRandomGenerator &random);

} // namespace onegate
