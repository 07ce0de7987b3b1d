#include "ProviderAdapter.h"

namespace onegate {

TokenUsage tokenUsageFromOpenAi(const QJsonObject &usage)
{
    TokenUsage out;
    if (usage.isEmpty())
        return out;
    out.known = true;
    out.prompt = usage.value(QLatin1String("prompt_tokens")).toInteger();
    out.completion = usage.value(QLatin1String("completion_tokens")).toInteger();
    const QJsonObject promptDetails = usage.value(QLatin1String("prompt_tokens_details")).toObject();
    out.cached = promptDetails.value(QLatin1String("cached_tokens")).toInteger();
    out.cacheWrite = promptDetails.value(QLatin1String("cache_write_tokens")).toInteger();
    // DeepSeek reports cache hits in its own field as well as (sometimes) the standard one.
    if (out.cached == 0)
        out.cached = usage.value(QLatin1String("prompt_cache_hit_tokens")).toInteger();
    out.reasoning = usage.value(QLatin1String("completion_tokens_details"))
                        .toObject()
                        .value(QLatin1String("reasoning_tokens"))
                        .toInteger();
    return out;
}

} // namespace onegate
