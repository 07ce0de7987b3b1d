#pragma once

#include "core/ApiError.h"
#include "http/Authenticator.h"
#include "http/HttpResponses.h"
#include "limits/LimitLedger.h"
#include "usage/UsageRecord.h"

#include <QHash>
#include <functional>
#include <memory>
#include <optional>

namespace onegate {

class KeyLimiter;

// How far a key's month has gone into its budget. Ordered: each level is worse.
enum class BudgetLevel { Within, Warning, Stopped };

// The moment a key's spending crosses its warning threshold or its budget (once per key,
// level and month).
struct BudgetAlert {
    QString key;
    BudgetLevel level = BudgetLevel::Within;
    double spent = 0;
    double budget = 0;
};

// One admitted model call's place in its key's limits. Settled once with the finished
// request's usage row; dropped unsettled (a request that ended before any answer), it
// still frees its slot. Safe to outlive the limiter.
class LimitTicket final {
public:
    LimitTicket(const LimitTicket &) = delete;
    LimitTicket &operator=(const LimitTicket &) = delete;
    ~LimitTicket();

    void settle(const Config &config, const UsageRecord &record);

private:
    friend class KeyLimiter;
    LimitTicket(std::weak_ptr<KeyLimiter> limiter, QString key, AccessKeyLimits limits);

    std::weak_ptr<KeyLimiter> m_limiter;
    QString m_key;
    AccessKeyLimits m_limits;
    bool m_settled = false;
};

// Applies each access key's expiry, rate limits, concurrency and monthly budget
// (AccessKeyLimits) to its model calls, with the counts in a LimitLedger. It turns the
// ledger's verdicts into what clients see: OpenAI-style x-ratelimit-* headers on every
// answer to a rate-limited key, and a 429 with Retry-After (or a 401 for an expired
// key) naming the limit. Used on the gateway thread only.
class KeyLimiter final : public std::enable_shared_from_this<KeyLimiter> {
public:
    using WallClock = std::function<qint64()>;  // ms since the epoch, UTC

    explicit KeyLimiter(std::unique_ptr<LimitLedger> ledger, WallClock clock = {});

    void setClock(WallClock clock);
    qint64 now() const { return m_clock(); }
    // Receives every BudgetAlert (on the gateway thread).
    void setAlertHandler(std::function<void(const BudgetAlert &)> handler) { m_alert = std::move(handler); }

    // A key past its `expires` time is refused on every endpoint.
    std::optional<ApiError> expired(const Caller &caller) const;

    struct Verdict {
        std::optional<ApiError> refusal;
        HeaderPairs headers;                  // on the answer, refused or not
        std::unique_ptr<LimitTicket> ticket;  // when admitted
    };
    // Counts one model call of `caller`, or refuses it.
    Verdict admit(const Caller &caller);

    KeyStanding standing(const QString &key, const AccessKeyLimits &limits);
    // Puts back this month's spending from usage rows read when the gateway starts.
    void restoreMonth(const QList<KeyModelTokens> &totals, const Config &config);
    // Alerts for every key whose month is already past a level of its budget (at start,
    // and when a new config lowers a budget below what was spent).
    void reviewBudgets(const Config &config);

    // A duration as OpenAI's x-ratelimit-reset-* headers write it: "20ms", "1.5s", "6m0s".
    static QByteArray resetText(qint64 ms);

private:
    friend class LimitTicket;
    void settle(const QString &key, const AccessKeyLimits &limits, qint64 tokens, const RequestCost &cost);
    void checkBudget(const QString &key, const AccessKeyLimits &limits, const KeyStanding &standing);
    HeaderPairs rateHeaders(const AccessKeyLimits &limits, const KeyStanding &standing, qint64 nowMs) const;
    ApiError refusal(const QString &key, const AccessKeyLimits &limits, const Admission &admission, qint64 nowMs,
                     HeaderPairs &headers) const;

    std::unique_ptr<LimitLedger> m_ledger;
    WallClock m_clock;
    std::function<void(const BudgetAlert &)> m_alert;
    // The level last alerted for a key, for the month and the budget it was reached
    // under: a new month or a changed budget starts again from Within.
    struct Alerted {
        qint64 monthStartMs = 0;
        double budget = 0;
        double warnAt = 0;
        BudgetLevel level = BudgetLevel::Within;
    };
    QHash<QString, Alerted> m_alerted;
};

} // namespace onegate
