#pragma once

#include "CacheEntry.h"

#include <QByteArray>
#include <QHash>
#include <QJsonObject>
#include <QString>
#include <functional>
#include <list>
#include <optional>

namespace onegate {

// Exact-match response cache: request key -> finished answer, bounded by a TTL and a
// byte cap with least-recently-used eviction.
//
// Contract:
// - Keys come from openAiChatKey(): equal keys mean the same request to the same scope,
//   whatever the client's key order, whitespace or stream settings.
// - lookup() returns an entry younger than the TTL and marks it most recently used;
//   an expired entry is dropped on sight.
// - store() keeps the entry unless it alone is larger than the byte cap (then nothing
//   changes); older entries are evicted, least recently used first, until the cap holds.
// - A TTL or cap <= 0 means nothing is kept (store() refuses, setLimits() clears).
// - Whether to consult the cache at all is the caller's decision: it is off by default
//   in the gateway, not here.
// Not thread-safe: it lives on the gateway thread like every other per-request object.
class ResponseCache final {
    Q_DISABLE_COPY_MOVE(ResponseCache)
public:
    using Entry = CacheEntry;
    // Monotonic milliseconds; injected so tests can move time without sleeping.
    using Clock = std::function<qint64()>;

    // The contract's example values (config `cache: {ttl_s, max_mb}`).
    static constexpr qint64 DefaultTtlSeconds = 3600;
    static constexpr qint64 DefaultMaxBytes = 64LL * 1024 * 1024;

    // A null clock uses a process-wide monotonic timer.
    explicit ResponseCache(Clock clock = {});

    // SHA-256 (hex) of `scope` and the OpenAI Chat body without `stream` and
    // `stream_options`. The scope keeps endpoints and resolved models apart (e.g.
    // "openai-chat|openai/gpt-4o"): two of them never share an entry.
    static QByteArray openAiChatKey(const QString &scope, const QJsonObject &body);

    // What an entry counts against the byte cap.
    static qint64 costOf(const QByteArray &key, const Entry &entry);

    std::optional<Entry> lookup(const QByteArray &key);
    // True when the entry was kept. Replaces an entry with the same key.
    bool store(const QByteArray &key, Entry entry);
    // Applies at once: entries past the new TTL and over the new cap are dropped now.
    void setLimits(qint64 ttlSeconds, qint64 maxBytes);
    // Drops every expired entry; returns how many. lookup() already drops the ones it
    // meets, so this is only for callers that want bytes() to be exact.
    int purgeExpired();
    void clear();

    qint64 ttlSeconds() const { return m_ttlSeconds; }
    qint64 maxBytes() const { return m_maxBytes; }
    // Counts entries not yet known to be expired (see purgeExpired()).
    qint64 bytes() const { return m_bytes; }
    int size() const { return int(m_index.size()); }

private:
    struct Slot {
        QByteArray key;
        Entry entry;
        qint64 storedAtMs = 0;
        qint64 cost = 0;
    };
    using SlotList = std::list<Slot>;

    bool enabled() const { return m_ttlSeconds > 0 && m_maxBytes > 0; }
    bool isExpired(const Slot &slot, qint64 nowMs) const;
    void erase(SlotList::iterator slot);
    void shrinkTo(qint64 maxBytes);

    Clock m_clock;
    qint64 m_ttlSeconds = DefaultTtlSeconds;
    qint64 m_maxBytes = DefaultMaxBytes;
    qint64 m_bytes = 0;
    // Front = most recently used. std::list so that moving an entry to the front keeps
    // every iterator in m_index valid.
    SlotList m_lru;
    QHash<QByteArray, SlotList::iterator> m_index;
};

} // namespace onegate
