#pragma once

#include <QByteArray>
#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QPair>
#include <QString>
#include <QStringList>
#include <memory>

namespace onegate::test {

using RawHeaders = QList<QPair<QByteArray, QByteArray>>;

// One request as the fake upstream received it.
struct RecordedRequest {
    QByteArray method;
    QByteArray path;        // request target as sent, query included
    RawHeaders headers;     // names as sent
    QByteArray rawBody;
    QJsonObject body;       // empty when the body is not a JSON object

    // Case-insensitive; empty when absent.
    QByteArray header(QByteArrayView name) const;
    // The path without its query.
    QByteArray pathOnly() const;
};

// What one answer looks like; built from the request by a dialect, then played out on
// the socket by FakeUpstream (framing, pacing, resets and stalls are generic).
struct ResponsePlan {
    enum class End { Finish, Reset, Stall };

    int status = 200;
    RawHeaders headers;
    QByteArray contentType = QByteArrayLiteral("application/json");
    QByteArray body;              // non-stream answers
    bool stream = false;
    QList<QByteArray> events;     // complete frames (SSE events or NDJSON lines), one HTTP chunk each
    int eventDelayMs = 0;
    int responseDelayMs = 0;
    End end = End::Finish;
};

// The scenario a test asked for through the model name: `<scenario>[@<ms>]`.
struct Scenario {
    QString name;
    int delayMs = 0;
    static Scenario parse(const QString &model);
};

// A provider's wire format for the fake: which fixtures it replays and how a request
// maps to an answer. The scenario names are shared by every dialect (text, tool,
// parallel-tools, length, error-401/404/429/500, reset, truncated, stall,
// midstream-error, redirect, garbage, slow@ms), so tests read the same for every kind.
class FakeDialect {
public:
    virtual ~FakeDialect() = default;
    // Folder under tests/data/fixtures holding this dialect's recordings.
    virtual QString fixtureFolder() const = 0;
    // Files that must exist, checked when the fake starts listening.
    virtual QStringList requiredFixtures() const = 0;
    // `expectedKey` empty: any key is accepted.
    virtual ResponsePlan plan(const RecordedRequest &request, const QByteArray &expectedKey) const = 0;
    // An answer that quotes `credential` back, as providers (or proxies in front of them)
    // sometimes quote the key they refused: with `status` >= 400 an error answer in this
    // dialect's shape; with 200 a stream whose first event is such an error. What the
    // generic `echo-<status>` and `echo-stream` scenarios play (FakeUpstream.h). The
    // default is OpenAI's shape (Azure's too).
    virtual ResponsePlan echoPlan(int status, const QByteArray &credential) const;

    QByteArray fixture(const QString &fileName) const;
};

// "openai" (default), "anthropic", "gemini", "ollama" or "azure"; nullptr if unknown.
std::unique_ptr<FakeDialect> makeFakeDialect(const QString &kind);

// Reads tests/data/fixtures/<folder>/<file>; empty (with a warning) when missing.
QByteArray readFixture(const QString &folder, const QString &fileName);
// The events of an SSE text as complete frames ("...\n\n"), CRLF normalised to LF.
QList<QByteArray> sseFrames(QByteArray text);
// The joined `data:` payload of one SSE frame.
QByteArray sseData(const QByteArray &frame);
// The lines of an NDJSON text, each with its trailing "\n".
QList<QByteArray> ndjsonLines(const QByteArray &text);

// What every fake answers to an embeddings request, so a test can work out the vectors
// and token counts of any fake's answer: for each input, `dimensions` values (4 when 0)
// in [-1, 1] with four decimals, derived from the input's text alone (FNV-1a, no seed).
QList<double> fakeEmbedding(const QString &text, int dimensions = 0);
// The token count the fakes report for one input text: its words (at least 1).
int fakeTokenCount(const QString &text);
// The text the fakes embed for an OpenAI token-id input ([1, 2, 3] -> "1,2,3"); its
// token count is the number of ids.
QString fakeTokensText(const QJsonArray &tokens);

} // namespace onegate::test
