#pragma once

#include "FakeDialect.h"

namespace onegate::test {

// Ollama's wire format for the fake upstream, replaying tests/data/fixtures/ollama.
class OllamaFakeDialect final : public FakeDialect {
public:
    QString fixtureFolder() const override { return QStringLiteral("ollama"); }
    QStringList requiredFixtures() const override;
    ResponsePlan plan(const RecordedRequest &request, const QByteArray &expectedKey) const override;
};

} // namespace onegate::test
