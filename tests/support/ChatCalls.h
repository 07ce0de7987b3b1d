#pragma once

// For adapter tests: a chat call as the relay makes one for an OpenAI Chat client.

#include "core/ProviderAdapter.h"

namespace onegate::test {

inline ChatCall chatCall(const ProviderSettings *provider, const QByteArray &apiKey, const QString &upstreamModel,
                         const QJsonObject &body, bool stream, bool clientWantsUsage)
{
    ChatCall call;
    call.provider = provider;
    call.apiKey = apiKey;
    call.upstreamModel = upstreamModel;
    call.body = body;
    call.stream = stream;
    call.clientWantsUsage = clientWantsUsage;
    return call;
}

} // namespace onegate::test
