#include "GeminiFakeDialect.h"

namespace onegate::test {

// Placeholder until the gemini scenarios are written: every request gets a 501.
QStringList GeminiFakeDialect::requiredFixtures() const
{
    return {};
}

ResponsePlan GeminiFakeDialect::plan(const RecordedRequest &, const QByteArray &) const
{
    ResponsePlan plan;
    plan.status = 501;
    plan.body = QByteArrayLiteral("{\"error\":\"not implemented\"}");
    return plan;
}

} // namespace onegate::test
