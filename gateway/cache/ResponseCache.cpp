#include "ResponseCache.h"

#include <QCryptographicHash>
#include <QElapsedTimer>
#include <QJsonDocument>
#include <algorithm>
#include <limits>

namespace onegate {

namespace {

qint64 monotonicMs()
{
    static const QElapsedTimer timer = [] {
        QElapsedTimer started;
        started.start();
        return started;
    }();
    return timer.elapsed();
}

} // namespace

ResponseCache::ResponseCache(Clock clock)
    : m_clock(clock ? std::move(clock) : Clock(&monotonicMs))
{
}

QByteArray ResponseCache::openAiChatKey(const QString &scope, const QJsonObject &body)
{
    // Stream settings change how the answer is delivered, not what it is: a streamed
    // answer can be replayed to a non-stream client and back.
    QJsonObject request = body;
    request.remove(QLatin1String("stream"));
    request.remove(QLatin1String("stream_options"));
    // QJsonObject keeps its keys sorted at every depth, and the compact form has no
    // whitespace, so the serialisation is canonical for the client's key order and layout.
    const QByteArray json = QJsonDocument(request).toJson(QJsonDocument::Compact);
    const QByteArray scopeBytes = scope.toUtf8();

    QCryptographicHash hash(QCryptographicHash::Sha256);
    // Length-prefixed so no scope can run into the body and collide with another pair.
    hash.addData(QByteArray::number(scopeBytes.size()));
    hash.addData(QByteArrayLiteral(":"));
    hash.addData(scopeBytes);
    hash.addData(json);
    return hash.result().toHex();
}

qint64 ResponseCache::costOf(const QByteArray &key, const Entry &entry)
{
    // The payload dominates; bookkeeping is a few dozen bytes per entry and is left out
    // so the cap stays predictable from what callers can see.
    return key.size() + entry.body.size();
}

bool ResponseCache::isExpired(const Slot &slot, qint64 nowMs) const
{
    // Clamped so a very long TTL cannot overflow into the past.
    const qint64 ttlMs = m_ttlSeconds > std::numeric_limits<qint64>::max() / 1000
                             ? std::numeric_limits<qint64>::max()
                             : m_ttlSeconds * 1000;
    return nowMs - slot.storedAtMs >= ttlMs;
}

void ResponseCache::erase(SlotList::iterator slot)
{
    m_bytes -= slot->cost;
    m_index.remove(slot->key);
    m_lru.erase(slot);
}

std::optional<ResponseCache::Entry> ResponseCache::lookup(const QByteArray &key)
{
    const auto found = m_index.constFind(key);
    if (found == m_index.constEnd())
        return std::nullopt;
    const SlotList::iterator slot = found.value();
    if (!enabled() || isExpired(*slot, m_clock())) {
        erase(slot);
        return std::nullopt;
    }
    m_lru.splice(m_lru.begin(), m_lru, slot);
    return slot->entry;
}

bool ResponseCache::store(const QByteArray &key, Entry entry)
{
    if (!enabled())
        return false;
    const qint64 cost = costOf(key, entry);
    // Storing it would mean evicting everything else and still not fitting.
    if (cost > m_maxBytes)
        return false;
    if (const auto found = m_index.constFind(key); found != m_index.constEnd())
        erase(found.value());
    m_lru.push_front(Slot{key, std::move(entry), m_clock(), cost});
    m_index.insert(key, m_lru.begin());
    m_bytes += cost;
    shrinkTo(m_maxBytes);
    return true;
}

void ResponseCache::shrinkTo(qint64 maxBytes)
{
    if (m_bytes <= maxBytes)
        return;
    // Entries already dead go before live ones, whatever their place in the LRU order.
    purgeExpired();
    while (m_bytes > maxBytes && !m_lru.empty())
        erase(std::prev(m_lru.end()));
}

int ResponseCache::purgeExpired()
{
    const qint64 now = m_clock();
    int dropped = 0;
    for (auto slot = m_lru.begin(); slot != m_lru.end();) {
        const auto next = std::next(slot);
        if (isExpired(*slot, now)) {
            erase(slot);
            ++dropped;
        }
        slot = next;
    }
    return dropped;
}

void ResponseCache::setLimits(qint64 ttlSeconds, qint64 maxBytes)
{
    m_ttlSeconds = ttlSeconds;
    m_maxBytes = maxBytes;
    if (!enabled()) {
        clear();
        return;
    }
    purgeExpired();
    shrinkTo(m_maxBytes);
}

void ResponseCache::clear()
{
    m_index.clear();
    m_lru.clear();
    m_bytes = 0;
}

} // namespace onegate
