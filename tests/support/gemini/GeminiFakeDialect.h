#pragma once

#include "FakeDialect.h"

namespace onegate::test {

// Gemini's wire format for the fake upstream, replaying tests/data/fixtures/gemini.
class GeminiFakeDialect final : public FakeDialect {
public:
    QString fixtureFolder() const override { return QStringLiteral("gemini"); }
    QStringList requiredFixtures() const override;
    ResponsePlan plan(const RecordedRequest &request, const QByteArray &expectedKey) const override;
};

} // namespace onegate::test
