#pragma once

#include "FakeDialect.h"

namespace onegate::test {

// Ollama's native API for the fake upstream, replaying tests/data/fixtures/ollama.
// POST /api/chat picks the scenario from the body's "model" (the shared table in
// FakeUpstream.h); a request without "stream": false gets NDJSON, as Ollama streams by
// default. Streams are application/x-ndjson, one object per line and one line per HTTP
// chunk. What each scenario replays:
//   text            api_chat_stream.adapted.ndjson / api_chat_response_text.composed.json
//   tool            api_chat_stream_tools.adapted.ndjson / api_chat_response_tools.json
//   parallel-tools  api_chat_*_parallel_tools.composed.*  (two get_weather calls)
//   length          api_chat_*_length.composed.*           (done_reason "length")
//   thinking        api_chat_*_thinking.composed.*         (message.thinking; Ollama only)
//   error-401/404/429/500  {"error": "..."} with that status (500: the recorded
//                   error.json; 429 adds Retry-After: 7); unknown models get the 404
//   reset, truncated, stall  the recorded api_generate_stream.ndjson lines, rewritten
//                   into /api/chat objects ("response" -> message.content)
//   midstream-error the recorded api_stream_midstream_error.ndjson, rewritten the same
//                   way except its final {"error": ...} line, which is sent as recorded
//   redirect, garbage, slow@ms  as in the shared table
// POST /api/embed answers `text` (and `slow@ms`) in the shape of api_embed_response.json
// (its model and durations kept): one fakeEmbedding(text, dimensions) per input (a string
// or an array of strings; FakeDialect.h) and prompt_eval_count the inputs'
// fakeTokenCount; any other input gets 400 {"error":"invalid input type"}; the error and
// fault scenarios as for /api/chat; the chat-only ones (tool, ...) the model 404.
// GET /api/tags answers api_tags.json; any other path is Go's plain-text 404. With an
// expected key, a request without `Authorization: Bearer <key>` gets a 401.
class OllamaFakeDialect final : public FakeDialect {
public:
    QString fixtureFolder() const override { return QStringLiteral("ollama"); }
    QStringList requiredFixtures() const override;
    ResponsePlan plan(const RecordedRequest &request, const QByteArray &expectedKey) const override;
    ResponsePlan echoPlan(int status, const QByteArray &credential) const override;

private:
    ResponsePlan embedPlan(const RecordedRequest &request) const;
};

} // namespace onegate::test
