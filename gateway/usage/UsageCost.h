#pragma once

#include <QString>
#include <QtGlobal>

namespace onegate {

struct Config;
struct ModelPrices;

// The tokens one request used, as usage rows count them: prompt includes the cache reads
// and writes.
struct TokenCounts {
    qint64 prompt = 0;
    qint64 completion = 0;
    qint64 cacheRead = 0;
    qint64 cacheWrite = 0;
};

// What a request cost at the config's prices (per million tokens). `priced` is false when
// the prices it needs are not in the config: the request then counts as free, and budgets
// cannot see it (the Access keys page says how many such requests a key made).
struct RequestCost {
    double amount = 0;
    bool priced = true;
};

// Cache reads and writes are charged at their own prices where the model has them, at the
// input price otherwise.
RequestCost costAt(const ModelPrices &prices, const TokenCounts &tokens);

// The prices of the model the client asked for (an alias carries its own), or else of the
// upstream model that answered; a request with no tokens costs nothing, priced or not.
RequestCost requestCost(const Config &config, const QString &requestedModel, const QString &upstreamModel,
                        const TokenCounts &tokens);

} // namespace onegate
