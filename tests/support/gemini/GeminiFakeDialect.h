#pragma once

#include "FakeDialect.h"

namespace onegate::test {

// Gemini's wire format for the fake upstream, replaying tests/data/fixtures/gemini.
//
// The scenario comes from the model in the URL path, percent-decoded:
//   POST /v1beta/models/{scenario[@ms]}:generateContent
//   POST /v1beta/models/{scenario[@ms]}:streamGenerateContent?alt=sse
// Streams are replayed one SSE event per HTTP chunk with the recordings' CRLF line ends;
// a scenario recorded only as a whole answer streams it as one event (Gemini sends a
// function call whole in one chunk). The shared names (FakeUpstream.h) and Gemini's own:
//   text            generate_content_response_text.json / stream_generate_content_alt_sse.sse
//   tool            function_call_response_cookbook.json (one event when streamed)
//   parallel-tools  function_call_response_parallel.json (three calls; one event)
//   length          the text answer with finishReason MAX_TOKENS instead of STOP
//   thinking        thought summary + functionCall with thoughtSignature:
//                   function_call_response_thinking_thought_signature.json /
//                   stream_thinking_function_call_thought_signature.sse
//   safety          response_finish_reason_safety.json (candidate finishReason SAFETY)
//   blocked         promptFeedback.blockReason, no candidates, HTTP 200:
//                   response_prompt_blocked_safety_cookbook.json / stream_prompt_blocked_safety.sse
//   cached          response_usage_cached_and_thoughts.json (cached + thought tokens)
//   error-401       400 INVALID_ARGUMENT with ErrorInfo API_KEY_INVALID (how Gemini
//                   answers a bad key); also the answer to a wrong or missing x-goog-api-key
//   error-404 / error-429 / error-500   the recorded NOT_FOUND / RESOURCE_EXHAUSTED and a
//                   composed INTERNAL body, with that status
//   midstream-error stream_error_mid_stream_sdk_mock.sse: two data events, then a bare
//                   JSON error object (CANCELLED) outside any data: line
//   reset / truncated   the first 2 text events, then a TCP reset / a clean end without
//                   finishReason;  stall: 1 event, then silence
//   redirect, garbage, slow@ms, anything else: as FakeUpstream.h says (404 NOT_FOUND)
//   POST /v1beta/models/{scenario}:batchEmbedContents answers `text` (and `slow@ms`)
//                   in the shape of batch_embed_contents_response_cookbook.adapted.json:
//                   one {"values": fakeEmbedding(text, outputDimensionality)} per request
//                   (FakeDialect.h; the text is the request's parts joined), no token
//                   count (Gemini reports none). A request naming another model than the
//                   batch's, or no requests, gets 400 INVALID_ARGUMENT as on Gemini;
//                   the error and fault scenarios as above; the chat-only ones the 404.
// GET or HEAD /v1beta/models answers models_list.subset.json.
class GeminiFakeDialect final : public FakeDialect {
public:
    QString fixtureFolder() const override { return QStringLiteral("gemini"); }
    QStringList requiredFixtures() const override;
    ResponsePlan plan(const RecordedRequest &request, const QByteArray &expectedKey) const override;
    ResponsePlan echoPlan(int status, const QByteArray &credential) const override;

    // The scenario model in a Gemini request path ("" when it is not a model method).
    static QString modelOfPath(const QByteArray &path);

private:
    ResponsePlan embedPlan(const RecordedRequest &request, const QString &model) const;
};

} // namespace onegate::test
