#include "usage/UsageCost.h"

#include "config/Config.h"

#include <algorithm>

namespace onegate {

RequestCost costAt(const ModelPrices &prices, const TokenCounts &tokens)
{
    if (!prices.input || (tokens.completion > 0 && !prices.output))
        return {0, false};
    const double input = *prices.input;
    const qint64 uncached = std::max<qint64>(0, tokens.prompt - tokens.cacheRead - tokens.cacheWrite);
    const double perMillion = double(uncached) * input + double(tokens.cacheRead) * prices.cacheRead.value_or(input)
        + double(tokens.cacheWrite) * prices.cacheWrite.value_or(input)
        + double(tokens.completion) * prices.output.value_or(0);
    return {perMillion / 1'000'000.0, true};
}

RequestCost requestCost(const Config &config, const QString &requestedModel, const QString &upstreamModel,
                        const TokenCounts &tokens)
{
    if (tokens.prompt == 0 && tokens.completion == 0)
        return {};
    for (const QString &id : {requestedModel, upstreamModel}) {
        const ModelAlias *model = config.model(id);
        if (model && model->prices.input)
            return costAt(model->prices, tokens);
    }
    return {0, false};
}

} // namespace onegate
