#include "limits/MemoryLimitLedger.h"

#include <QDateTime>

namespace onegate {

qint64 monthStartMs(qint64 ms)
{
    const QDate day = QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).date();
    return QDateTime(QDate(day.year(), day.month(), 1), QTime(0, 0), Qt::UTC).toMSecsSinceEpoch();
}

qint64 nextMonthStartMs(qint64 ms)
{
    const QDate day = QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).date();
    return QDateTime(QDate(day.year(), day.month(), 1).addMonths(1), QTime(0, 0), Qt::UTC).toMSecsSinceEpoch();
}

MemoryLimitLedger::Account &MemoryLimitLedger::account(const QString &key, qint64 nowMs)
{
    Account &account = m_accounts[key];
    // A new month starts with nothing spent. Checked against the cached start first:
    // the date arithmetic runs once a month, not once a request.
    if (nowMs < account.monthStartMs || nowMs >= account.monthEndMs) {
        account.monthStartMs = monthStartMs(nowMs);
        account.monthEndMs = nextMonthStartMs(nowMs);
        account.spent = 0;
        account.unpriced = 0;
    }
    slide(account, nowMs);
    return account;
}

void MemoryLimitLedger::slide(Account &account, qint64 nowMs)
{
    const qint64 from = nowMs - kWindowMs;
    while (!account.requests.empty() && account.requests.front() <= from)
        account.requests.pop_front();
    while (!account.tokens.empty() && account.tokens.front().atMs <= from) {
        account.tokensInWindow -= account.tokens.front().tokens;
        account.tokens.pop_front();
    }
}

KeyStanding MemoryLimitLedger::standingOf(const Account &account, const AccessKeyLimits &limits)
{
    KeyStanding standing;
    standing.requestsInWindow = qint64(account.requests.size());
    standing.tokensInWindow = account.tokensInWindow;
    if (!account.requests.empty())
        standing.requestsResetMs = account.requests.front() + kWindowMs;
    if (limits.tpm > 0 && account.tokensInWindow >= limits.tpm) {
        // The tokens fall below the limit once enough of the oldest events have left.
        qint64 left = account.tokensInWindow;
        for (const TokenEvent &event : account.tokens) {
            left -= event.tokens;
            if (left < limits.tpm) {
                standing.tokensResetMs = event.atMs + kWindowMs;
                break;
            }
        }
    }
    standing.inFlight = account.inFlight;
    standing.spentThisMonth = account.spent;
    standing.unpricedThisMonth = account.unpriced;
    return standing;
}

Admission MemoryLimitLedger::admit(const QString &key, const AccessKeyLimits &limits, qint64 nowMs)
{
    Account &entry = account(key, nowMs);
    entry.windowed = limits.limitsRate();
    Admission admission;
    if (limits.monthlyBudget > 0 && entry.spent >= limits.monthlyBudget)
        admission.refusedBy = LimitKind::Budget;
    else if (limits.maxConcurrent > 0 && entry.inFlight >= limits.maxConcurrent)
        admission.refusedBy = LimitKind::Concurrency;
    else if (limits.rpm > 0 && qint64(entry.requests.size()) >= limits.rpm)
        admission.refusedBy = LimitKind::Requests;
    else if (limits.tpm > 0 && entry.tokensInWindow >= limits.tpm)
        admission.refusedBy = LimitKind::Tokens;
    if (admission.admitted()) {
        ++entry.inFlight;
        if (entry.windowed)
            entry.requests.push_back(nowMs);
    }
    admission.standing = standingOf(entry, limits);
    return admission;
}

void MemoryLimitLedger::settle(const QString &key, qint64 nowMs, qint64 tokens, const RequestCost &cost)
{
    Account &entry = account(key, nowMs);
    entry.inFlight = qMax(0, entry.inFlight - 1);
    if (entry.windowed && tokens > 0) {
        entry.tokens.push_back({nowMs, tokens});
        entry.tokensInWindow += tokens;
    }
    entry.spent += cost.amount;
    if (!cost.priced)
        ++entry.unpriced;
}

KeyStanding MemoryLimitLedger::standing(const QString &key, const AccessKeyLimits &limits, qint64 nowMs)
{
    return standingOf(account(key, nowMs), limits);
}

void MemoryLimitLedger::restoreMonth(const QString &key, qint64 nowMs, double spent, qint64 unpriced)
{
    Account &entry = account(key, nowMs);
    entry.spent += spent;
    entry.unpriced += unpriced;
}

} // namespace onegate
