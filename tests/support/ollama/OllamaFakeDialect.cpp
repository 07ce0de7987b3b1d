#include "OllamaFakeDialect.h"

namespace onegate::test {

// Placeholder until the ollama scenarios are written: every request gets a 501.
QStringList OllamaFakeDialect::requiredFixtures() const
{
    return {};
}

ResponsePlan OllamaFakeDialect::plan(const RecordedRequest &, const QByteArray &) const
{
    ResponsePlan plan;
    plan.status = 501;
    plan.body = QByteArrayLiteral("{\"error\":\"not implemented\"}");
    return plan;
}

} // namespace onegate::test
