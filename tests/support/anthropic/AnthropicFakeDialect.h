#pragma once

#include "FakeDialect.h"

namespace onegate::test {

// Anthropic's wire format for the fake upstream, replaying tests/data/fixtures/anthropic.
class AnthropicFakeDialect final : public FakeDialect {
public:
    QString fixtureFolder() const override { return QStringLiteral("anthropic"); }
    QStringList requiredFixtures() const override;
    ResponsePlan plan(const RecordedRequest &request, const QByteArray &expectedKey) const override;
};

} // namespace onegate::test
