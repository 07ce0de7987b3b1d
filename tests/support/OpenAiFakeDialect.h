#pragma once

#include "FakeDialect.h"

namespace onegate::test {

// OpenAI Chat Completions, replaying tests/data/fixtures/openai. The scenario table is
// in FakeUpstream.h.
class OpenAiFakeDialect final : public FakeDialect {
public:
    QString fixtureFolder() const override { return QStringLiteral("openai"); }
    QStringList requiredFixtures() const override;
    ResponsePlan plan(const RecordedRequest &request, const QByteArray &expectedKey) const override;
};

} // namespace onegate::test
