#pragma once

#include "config/Config.h"
#include "limits/LimitLedger.h"

#include <QCoreApplication>
#include <QString>

namespace onegate {

// The words for an access key's limits and its use of them, shared by the keys table
// (one compact cell each) and the Limits group (one line per limit), so both say the
// same thing the same way. Amounts of money have two decimals and no currency sign: they
// are in whatever currency the model prices on the Models page are in.
class AccessKeyLimitsText final {
    Q_DECLARE_TR_FUNCTIONS(onegate::AccessKeyLimitsText)
public:
    static QString money(double amount);
    // A moment in local time, as the expiry field shows it: "2027-01-31 08:00". Locales'
    // short formats have two-digit years, too easily misread in a date that stops a key.
    static QString dateTimeFormat();
    static QString localTime(qint64 ms);
    // "60/min · 4 at once · 20.00/month"; "None" when nothing limits the key.
    static QString summary(const AccessKeyLimits &limits, qint64 nowMs);
    // The key's spending this month for the table: "3.20", or "3.20 of 20.00" with a budget.
    static QString monthSpend(const AccessKeyLimits &limits, const KeyStanding &standing);

    // One line per limit for the Limits group. Empty when there is nothing to say (the
    // gateway counts requests and tokens per minute only for a key with such a limit).
    static QString requests(const AccessKeyLimits &limits, const KeyStanding &standing);
    static QString tokens(const AccessKeyLimits &limits, const KeyStanding &standing);
    static QString inFlight(const AccessKeyLimits &limits, const KeyStanding &standing);
    static QString spending(const AccessKeyLimits &limits, const KeyStanding &standing);
    // The whole percent of the budget spent, rounded down so that 100 means stopped.
    static int budgetPercent(double spent, double budget);
    // "Expires in 12 days", "Expired"; empty without an expiry.
    static QString expiry(qint64 expiresMs, qint64 nowMs);
    // Requests whose model has no price: the budget cannot count them. Empty when none.
    static QString unpriced(const KeyStanding &standing);
};

} // namespace onegate
