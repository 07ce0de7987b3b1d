#pragma once

#include "FakeDialect.h"

namespace onegate::test {

// Anthropic's Messages API for the fake upstream, replaying tests/data/fixtures/anthropic
// (sources in its SOURCES.md). The scenario is the request body's "model", as in
// FakeUpstream.h, with Anthropic's answers:
//   text, tool           the recorded message / recorded stream
//   parallel-tools       text + two tool_use blocks (composed), usage with cache counts
//   length               stop_reason max_tokens (composed)
//   thinking             signed + redacted thinking (composed) / the docs' thinking stream
//   error-400            the recorded invalid_request_error (400)
//   error-401            authentication_error (composed)
//   error-404            the docs' not_found_error
//   error-429            the recorded rate_limit_error with `retry-after: 7`
//   error-500            api_error (composed)
//   overloaded           the SDK's 529 overloaded_error
//   reset, truncated     the text stream's first 5 events (up to the second text delta),
//                        then a TCP reset / a clean end without message_stop
//   stall                message_start, then silence
//   midstream-error      the first 4 events, then the docs' `event: error` (overloaded)
//   redirect, garbage, slow@<ms>, anything else: as for OpenAI (else: not_found_error)
// POST /v1/messages/count_tokens answers the documented counts (with tools: 403, else 14).
// Like the real API it checks what it can of the request first: `x-api-key` (the
// expected key, 401), `anthropic-version` and `max_tokens` present, no system role in
// messages (unless anthropic-beta lists mid-conversation-system-*), tool ids matching ^[a-zA-Z0-9_-]+$, and every tool_result answering a
// tool_use of the assistant message just before it (the recorded 400 otherwise).
// GET .../v1/models answers the composed model list.
class AnthropicFakeDialect final : public FakeDialect {
public:
    QString fixtureFolder() const override { return QStringLiteral("anthropic"); }
    QStringList requiredFixtures() const override;
    ResponsePlan plan(const RecordedRequest &request, const QByteArray &expectedKey) const override;
    ResponsePlan echoPlan(int status, const QByteArray &credential) const override;
};

} // namespace onegate::test
