#include "AzureFakeDialect.h"

namespace onegate::test {

// Placeholder until the azure scenarios are written: every request gets a 501.
QStringList AzureFakeDialect::requiredFixtures() const
{
    return {};
}

ResponsePlan AzureFakeDialect::plan(const RecordedRequest &, const QByteArray &) const
{
    ResponsePlan plan;
    plan.status = 501;
    plan.body = QByteArrayLiteral("{\"error\":\"not implemented\"}");
    return plan;
}

} // namespace onegate::test
