#pragma once

#include "FakeDialect.h"

namespace onegate::test {

// Azure's wire format for the fake upstream, replaying tests/data/fixtures/azure.
class AzureFakeDialect final : public FakeDialect {
public:
    QString fixtureFolder() const override { return QStringLiteral("azure"); }
    QStringList requiredFixtures() const override;
    ResponsePlan plan(const RecordedRequest &request, const QByteArray &expectedKey) const override;
};

} // namespace onegate::test
