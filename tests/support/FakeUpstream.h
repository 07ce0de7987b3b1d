#pragma once

#include "FakeDialect.h"

#include <QByteArray>
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QPair>
#include <QString>
#include <QStringList>

class QTcpServer;

namespace onegate::test {

class FakeConnection;

// An OpenAI-compatible upstream for tests: a QTcpServer on 127.0.0.1 that speaks
// HTTP/1.1 itself (keep-alive, Content-Length or chunked request bodies) and replays the
// recorded fixtures in tests/data/fixtures/openai. It is real wire traffic, so the
// gateway's network stack, framing and timing are exercised, not mocked.
//
// The answer is chosen by the request body's "model": `<scenario>` optionally followed by
// `@<ms>`, the pause between stream events (default 0). Scenarios (other tests, including
// a Node one, depend on this table: keep it stable):
//   text, tool, parallel-tools, length
//       non-stream: 200 with the recorded completion; stream: the recorded events, one
//       SSE event per HTTP chunk, flushed one by one. The usage-only chunk is sent only
//       when stream_options.include_usage is true (as OpenAI does); ends with [DONE].
//   error-401 / error-404 / error-429 / error-500
//       that status with the recorded (500: composed) OpenAI error body; 429 adds
//       `Retry-After: 7`. Same answer for stream and non-stream requests.
//   reset            stream headers and the first 3 text events, then (after 100 ms, or
//                    the event delay if longer, so the events are read first) a TCP reset
//   truncated        the first 3 text events, then a clean end of the chunked body
//                    (no finish_reason, no [DONE])
//   stall            stream headers and 1 event, then silence until the client leaves
//   midstream-error  2 events, then `data: {"error":{...server_error...}}`, then the end
//   redirect         307 to http://127.0.0.2:9/v1/chat/completions
//   garbage          200 application/json with the body `not json at all`
//   slow@<ms>        the non-stream text answer after <ms>
//   error-<status>   any other 4xx/5xx status with a composed OpenAI error body
//                    (error-429-after-<s>: Retry-After seconds; error-429-date-<s>: an
//                    HTTP date <s> seconds ahead; error-429-ms-<ms>: retry-after-ms)
//   early-error      a 200 stream whose first event is an error (nothing else came)
//   anything else    404 with the recorded model_not_found body
// A POST to a path ending in /responses (the Responses API) answers `text` and `tool`
// with the recorded Responses answers (`text` also streamed); other scenarios as above.
// A POST to .../completions (legacy Completions, not chat) answers a non-stream `text`
// with the API reference's example text_completion.
// A POST to a path ending in /embeddings answers `text` (and `slow@<ms>`, after <ms>)
// with OpenAI's embeddings list in the shape of embeddings_response.adapted.json: one
// item per input holding fakeEmbedding() of its text (FakeDialect.h; `dimensions`
// honoured, base64 for encoding_format "base64") and usage counting fakeTokenCount();
// error and fault scenarios as above; the chat scenarios (tool, length, ...) get the 404.
// reset, truncated, stall and midstream-error always answer as an SSE stream.
// GET (or HEAD) on any path ending in /models answers the recorded model list; any
// other method than POST gets the 404.
// With an expected key, a request without `Authorization: Bearer <key>` gets the
// recorded 401 instead.
//
// A client abort is a connection the peer closed while a response was still pending or
// being sent; each one is counted and signalled.
class FakeUpstream final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(FakeUpstream)
public:
    // The OpenAI dialect.
    explicit FakeUpstream(const QByteArray &expectedKey = {}, QObject *parent = nullptr);
    // Any provider's wire format (see FakeDialect.h); the scenario names are the same.
    FakeUpstream(std::unique_ptr<FakeDialect> dialect, const QByteArray &expectedKey,
                 QObject *parent = nullptr);
    ~FakeUpstream() override;

    // Loads the fixtures and listens on 127.0.0.1:port (0 = any free port). On failure
    // errorString() says why.
    bool listen(quint16 port = 0);
    quint16 port() const;
    // http://127.0.0.1:PORT/v1, the base_url of an `openai` provider.
    QString baseUrl() const;
    // http://127.0.0.1:PORT, the base_url of anthropic, gemini, ollama and azure providers.
    QString origin() const;
    const FakeDialect &dialect() const { return *m_dialect; }
    QString errorString() const { return m_error; }

    void setExpectedKey(const QByteArray &key) { m_expectedKey = key; }
    // The next POSTs answer these scenarios in order, whatever model they name; then
    // the model name chooses again. appendScript() adds to the end.
    void setScript(const QStringList &scenarios) { m_script = scenarios; }
    void appendScript(const QStringList &scenarios) { m_script += scenarios; }
    // Besides the dialect's scenarios, a script (or the sticky scenario) may name these,
    // played the same way for every dialect:
    //   echo-<status>  that status with an error body in the dialect's shape whose message
    //                  quotes every credential the request carried (Authorization,
    //                  x-api-key, api-key, x-goog-api-key, ?key=), as some providers and
    //                  proxies quote a refused key; also in an `x-echoed-credential` header
    //   echo-stream    a 200 stream whose first event is such an error
    //   redirect-<port> 307 to the same path on http://127.0.0.1:<port>
    // Until cleared (empty), every POST answers this scenario once the script is used up.
    void setStickyScenario(const QString &scenario) { m_sticky = scenario; }

    const QList<RecordedRequest> &requests() const { return m_requests; }
    RecordedRequest lastRequest() const;
    int clientAborts() const { return m_clientAborts; }
    // Connections currently open (idle keep-alive ones included).
    int openConnections() const { return int(m_connections.size()); }

    // The bytes of a fixture file under tests/data/fixtures/openai, for comparisons
    // (other dialects: dialect().fixture(name)).
    static QByteArray fixture(const QString &fileName);
    // The `data:` payloads of a recorded stream fixture, in order ([DONE] included).
    static QList<QByteArray> fixtureEvents(const QString &fileName);

Q_SIGNALS:
    // A complete request was parsed; `index` is its position in requests().
    void requestReceived(int index);
    void clientAborted();

private:
    friend class FakeConnection;
    void onNewConnection();
    void recordRequest(const RecordedRequest &request);
    void noteClientAbort();
    void forget(FakeConnection *connection);

    QTcpServer *m_server;
    std::unique_ptr<FakeDialect> m_dialect;
    QByteArray m_expectedKey;
    QStringList m_script;
    QString m_sticky;
    QString m_error;
    QList<RecordedRequest> m_requests;
    QList<FakeConnection *> m_connections;
    int m_clientAborts = 0;
};

} // namespace onegate::test
