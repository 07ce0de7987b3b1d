#pragma once

#include <QString>
#include <QtGlobal>

namespace onegate {

// One finished request as it is stored in usage.db. Never holds a secret: the access
// key is recorded by its configured name only.
struct UsageRecord {
    qint64 timeMs = 0;  // request start, ms since the Unix epoch (UTC)
    QString accessKey;
    QString requestedModel;
    QString provider;
    QString upstreamModel;
    int status = 0;
    qint64 promptTokens = 0;
    qint64 completionTokens = 0;
    qint64 cachedTokens = 0;      // read from the provider's prompt cache (in promptTokens)
    qint64 cacheWriteTokens = 0;  // written to it (in promptTokens)
    qint64 reasoningTokens = 0;
    qint64 latencyMs = 0;
    qint64 firstTokenMs = -1;  // -1 when nothing was streamed
    bool stream = false;
    QString error;
    int attempts = 0;  // upstream calls the router made; provider/upstreamModel is the last
    bool cacheHit = false;  // answered from the response cache: no provider, no tokens used
};

// The tokens one access key spent on one model since some time (UsageStore::keyTokensSince):
// what budgets are rebuilt from when the gateway starts.
struct KeyModelTokens {
    QString accessKey;
    QString requestedModel;
    QString upstreamModel;
    qint64 requestsWithTokens = 0;
    qint64 promptTokens = 0;
    qint64 completionTokens = 0;
    qint64 cachedTokens = 0;
    qint64 cacheWriteTokens = 0;
};

} // namespace onegate
