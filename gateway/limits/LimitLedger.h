#pragma once

#include "config/Config.h"
#include "usage/UsageCost.h"

#include <QString>
#include <QtGlobal>

namespace onegate {

// Which of an access key's limits refused a request.
enum class LimitKind { None, Requests, Tokens, Concurrency, Budget };

// Where one access key stands against its limits at one moment.
struct KeyStanding {
    qint64 requestsInWindow = 0;  // requests admitted in the last 60 s (keys with rpm or tpm)
    qint64 tokensInWindow = 0;    // tokens of the requests that finished in the last 60 s
    qint64 requestsResetMs = 0;   // when the oldest of those requests leaves the window; 0 none
    qint64 tokensResetMs = 0;     // when the window's tokens fall below tpm again; 0 when they are
    int inFlight = 0;
    double spentThisMonth = 0;     // money, at the config's prices, this UTC calendar month
    qint64 unpricedThisMonth = 0;  // requests this month that used tokens of a model with no price
};

struct Admission {
    LimitKind refusedBy = LimitKind::None;
    KeyStanding standing;  // after counting the request when admitted; as it was when refused
    bool admitted() const { return refusedBy == LimitKind::None; }
};

// The state behind access-key limits and budgets: requests and tokens in a sliding
// minute, requests in flight, and money spent this month. Every decision that reads and
// changes that state is one call (admit), so an implementation backed by a shared
// database can make it atomic there and several gateways enforce the same limits.
// Times are wall-clock ms since the epoch (UTC); months are UTC calendar months.
class LimitLedger {
public:
    virtual ~LimitLedger() = default;

    // Refuses when one of `limits` is reached at `nowMs` (budget first, then concurrency,
    // requests, tokens); otherwise counts the request and takes one of its slots. Every
    // admitted request must be settled exactly once.
    virtual Admission admit(const QString &key, const AccessKeyLimits &limits, qint64 nowMs) = 0;
    // An admitted request finished at `nowMs`: its slot is free, its tokens count in the
    // minute window and its cost in the month.
    virtual void settle(const QString &key, qint64 nowMs, qint64 tokens, const RequestCost &cost) = 0;
    virtual KeyStanding standing(const QString &key, const AccessKeyLimits &limits, qint64 nowMs) = 0;
    // What the key had spent in the month containing `nowMs` before this process started
    // (read back from usage rows): added to the month's totals.
    virtual void restoreMonth(const QString &key, qint64 nowMs, double spent, qint64 unpriced) = 0;
};

// The first ms of the UTC calendar month containing `ms`, and of the next one.
qint64 monthStartMs(qint64 ms);
qint64 nextMonthStartMs(qint64 ms);

} // namespace onegate
