#pragma once

#include "limits/LimitLedger.h"

#include <QHash>
#include <deque>

namespace onegate {

// The ledger of one gateway process: exact sliding windows (one entry per request, and
// per finished request with tokens, kept only for keys that have rpm or tpm), counts and
// sums in memory. Used on the gateway thread only.
class MemoryLimitLedger final : public LimitLedger {
public:
    Admission admit(const QString &key, const AccessKeyLimits &limits, qint64 nowMs) override;
    void settle(const QString &key, qint64 nowMs, qint64 tokens, const RequestCost &cost) override;
    KeyStanding standing(const QString &key, const AccessKeyLimits &limits, qint64 nowMs) override;
    void restoreMonth(const QString &key, qint64 nowMs, double spent, qint64 unpriced) override;

    static constexpr qint64 kWindowMs = 60'000;

private:
    struct TokenEvent {
        qint64 atMs = 0;
        qint64 tokens = 0;
    };
    struct Account {
        std::deque<qint64> requests;  // admission times within the window
        std::deque<TokenEvent> tokens;
        qint64 tokensInWindow = 0;
        bool windowed = false;  // the key has rpm or tpm: the windows are kept
        int inFlight = 0;
        qint64 monthStartMs = 0;  // the month being counted: [start, end)
        qint64 monthEndMs = 0;
        double spent = 0;
        qint64 unpriced = 0;
    };

    Account &account(const QString &key, qint64 nowMs);
    static void slide(Account &account, qint64 nowMs);
    static KeyStanding standingOf(const Account &account, const AccessKeyLimits &limits);

    QHash<QString, Account> m_accounts;
};

} // namespace onegate
