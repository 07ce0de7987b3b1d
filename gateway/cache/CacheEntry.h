#pragma once

#include "core/ProviderAdapter.h"

#include <QByteArray>

namespace onegate {

// One cached answer. Whatever dialect the answer arrived in (a non-stream body or a
// stream), it is kept in one form, an OpenAI chat.completion, so a single entry can
// serve both non-stream clients (the body as is) and streaming ones (CachedAnswer
// replays it as chunks).
struct CacheEntry {
    QByteArray body;  // OpenAI chat.completion JSON, exactly as a non-stream client gets it
    TokenUsage usage; // what the original answer cost
};

} // namespace onegate
