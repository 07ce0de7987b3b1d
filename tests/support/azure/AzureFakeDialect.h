#pragma once

#include "FakeDialect.h"

namespace onegate::test {

// Azure OpenAI for the fake upstream, replaying tests/data/fixtures/azure (recorded Azure
// answers, plus Azure-shaped tool calls composed from the recorded OpenAI ones).
//
// The deployment in the path is the scenario: POST
// /openai/deployments/<scenario>[@<ms>]/chat/completions?api-version=V (percent-decoded,
// so `text%40200` is `text@200`). Like Azure it wants the key in `api-key` (401 with
// Azure's body otherwise, Authorization is not looked at) and an api-version on every
// call: without one Azure answers 404 "Resource not found", and so does the fake. A
// request with stream_options on an api-version older than 2024-09-01 gets Azure's 400
// "Unrecognized request argument supplied: stream_options".
//
// Scenarios (the shared names of FakeDialect.h, with Azure's bodies):
//   text             non-stream: the recorded answer (content_filter_results, finish
//                    length); stream: the recorded stream, opening with the empty-choices
//                    prompt-filter chunk; with stream_options.include_usage a usage chunk
//                    (composed) before [DONE]
//   tool, parallel-tools   composed Azure tool calls (stream: same first chunk; the usage
//                    chunk only when asked for)
//   length           non-stream: the recorded answer; stream: the recorded stream ending
//                    in length (composed)
//   filtered         the recorded answer and stream ending in finish_reason
//                    content_filter (composed)
//   content-filter   400 with Azure's recorded content-filter error (stream or not)
//   error-401/404/429/500   Azure-shaped error bodies (composed; 429 adds Retry-After: 7)
//   reset, truncated, stall, midstream-error, redirect, garbage, slow@<ms>
//                    as in FakeUpstream.h, on the recorded Azure text stream (reset and
//                    truncated after 3 events, midstream-error after 2, stall after 2: the
//                    prompt-filter chunk and the role chunk, so one reaches the client)
//   anything else    404 DeploymentNotFound
// POST /openai/deployments/<scenario>/embeddings?api-version=V answers `text` (and
// `slow@<ms>`) as the openai fake does (openAiEmbeddingsPlan, in the shape of
// ../openai/embeddings_response.adapted.json: Azure's embeddings answer is OpenAI's);
// the error and fault scenarios as for chat; the chat-only ones get DeploymentNotFound.
// GET /openai/deployments?api-version=V answers a composed deployment list.
class AzureFakeDialect final : public FakeDialect {
public:
    QString fixtureFolder() const override { return QStringLiteral("azure"); }
    QStringList requiredFixtures() const override;
    ResponsePlan plan(const RecordedRequest &request, const QByteArray &expectedKey) const override;

private:
    // `embeddings`: a POST to .../deployments/<deployment>/embeddings.
    ResponsePlan chatPlan(const RecordedRequest &request, const QString &deployment, bool embeddings) const;
};

} // namespace onegate::test
