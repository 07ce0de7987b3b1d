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

// A POST to .../embeddings as OpenAI answers it (the azure fake answers the same): the
// shape of the recorded answer `recorded` (embeddings_response.adapted.json) with one
// item per input, each the fakeEmbedding() of its text (`dimensions` honoured), as floats
// or, for encoding_format "base64", as base64 of little-endian float32s; usage is the
// inputs' fakeTokenCount (a token-id input counts its ids). An input of any other shape
// gets OpenAI's 400.
ResponsePlan openAiEmbeddingsPlan(const QJsonObject &request, const QByteArray &recorded);

} // namespace onegate::test
