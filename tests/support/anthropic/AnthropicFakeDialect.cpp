#include "AnthropicFakeDialect.h"

namespace onegate::test {

// Placeholder until the anthropic scenarios are written: every request gets a 501.
QStringList AnthropicFakeDialect::requiredFixtures() const
{
    return {};
}

ResponsePlan AnthropicFakeDialect::plan(const RecordedRequest &, const QByteArray &) const
{
    ResponsePlan plan;
    plan.status = 501;
    plan.body = QByteArrayLiteral("{\"error\":\"not implemented\"}");
    return plan;
}

} // namespace onegate::test
