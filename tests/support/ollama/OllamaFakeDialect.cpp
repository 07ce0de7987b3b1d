#include "OllamaFakeDialect.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace onegate::test {

using namespace Qt::StringLiterals;

namespace {

const char *const kFixtureFiles[] = {
    "api_chat_stream.adapted.ndjson",
    "api_chat_response_text.composed.json",
    "api_chat_stream_tools.adapted.ndjson",
    "api_chat_response_tools.json",
    "api_chat_stream_parallel_tools.composed.ndjson",
    "api_chat_response_parallel_tools.composed.json",
    "api_chat_stream_length.composed.ndjson",
    "api_chat_response_length.composed.json",
    "api_chat_stream_thinking.composed.ndjson",
    "api_chat_response_thinking.composed.json",
    "api_generate_stream.ndjson",
    "api_stream_midstream_error.ndjson",
    "api_tags.json",
    "error.json",
    "api_embed_response.json",
};

QByteArray errorBody(const QString &message)
{
    return QJsonDocument(QJsonObject{{"error"_L1, message}}).toJson(QJsonDocument::Compact);
}

// The docs recorded their stream errors on /api/generate, whose objects carry the text in
// "response"; /api/chat carries it in message.content. Error lines stay as they are.
QByteArray asChatLine(const QByteArray &line)
{
    QJsonObject object = QJsonDocument::fromJson(line).object();
    if (!object.contains("response"_L1))
        return line;
    object.insert("message"_L1, QJsonObject{{"role"_L1, "assistant"_L1}, {"content"_L1, object.take("response"_L1)}});
    return QJsonDocument(object).toJson(QJsonDocument::Compact) + '\n';
}

} // namespace

ResponsePlan OllamaFakeDialect::embedPlan(const RecordedRequest &request) const
{
    ResponsePlan plan;
    const QJsonValue input = request.body.value("input"_L1);
    QStringList texts;
    if (input.isString())
        texts.append(input.toString());
    for (const QJsonValue &item : input.toArray()) {
        if (!item.isString()) {
            texts.clear();
            break;
        }
        texts.append(item.toString());
    }
    if (texts.isEmpty()) {
        plan.status = 400;
        plan.body = errorBody(u"invalid input type"_s);
        return plan;
    }
    QJsonObject answer = QJsonDocument::fromJson(fixture(u"api_embed_response.json"_s)).object();
    QJsonArray embeddings;
    qint64 tokens = 0;
    for (const QString &text : std::as_const(texts)) {
        QJsonArray values;
        for (const double value : fakeEmbedding(text, request.body.value("dimensions"_L1).toInt()))
            values.append(value);
        embeddings.append(values);
        tokens += fakeTokenCount(text);
    }
    answer.insert("embeddings"_L1, embeddings);
    answer.insert("prompt_eval_count"_L1, tokens);
    plan.body = QJsonDocument(answer).toJson(QJsonDocument::Compact);
    return plan;
}

QStringList OllamaFakeDialect::requiredFixtures() const
{
    QStringList files;
    for (const char *file : kFixtureFiles)
        files.append(QString::fromLatin1(file));
    return files;
}

ResponsePlan OllamaFakeDialect::echoPlan(int status, const QByteArray &credential) const
{
    const QByteArray body = errorBody(u"unauthorized: %1"_s.arg(QString::fromLatin1(credential)));
    ResponsePlan plan;
    if (status >= 400) {
        plan.status = status;
        plan.body = body;
        return plan;
    }
    plan.stream = true;
    plan.contentType = "application/x-ndjson"_ba;
    plan.events.append(body + '\n');
    return plan;
}

ResponsePlan OllamaFakeDialect::plan(const RecordedRequest &request, const QByteArray &key) const
{
    ResponsePlan plan;
    auto errorPlan = [&plan](int status, const QByteArray &body) {
        plan.status = status;
        plan.body = body;
    };
    if (!key.isEmpty() && request.header("authorization") != "Bearer " + key) {
        errorPlan(401, errorBody(u"unauthorized"_s));
        return plan;
    }
    const QByteArray path = request.pathOnly();
    if ((request.method == "GET" || request.method == "HEAD") && path == "/api/tags") {
        plan.body = fixture(u"api_tags.json"_s);
        return plan;
    }
    const bool embed = path == "/api/embed";
    if (request.method != "POST" || !(embed || path == "/api/chat")) {
        plan.status = 404;
        plan.contentType = "text/plain"_ba;
        plan.body = "404 page not found"_ba;
        return plan;
    }

    const QString model = request.body.value("model"_L1).toString();
    const Scenario parsed = Scenario::parse(model);
    const QString &scenario = parsed.name;
    const bool stream = !embed && request.body.value("stream"_L1).toBool(true);
    if (embed && (scenario == "text"_L1 || scenario == "slow"_L1)) {
        plan = embedPlan(request);
        plan.responseDelayMs = scenario == "slow"_L1 ? parsed.delayMs : 0;
        return plan;
    }

    auto streamPlan = [&](const QString &file) {
        plan.stream = true;
        plan.contentType = "application/x-ndjson"_ba;
        plan.eventDelayMs = parsed.delayMs;
        const QList<QByteArray> lines = ndjsonLines(fixture(file));
        for (const QByteArray &line : lines)
            plan.events.append(asChatLine(line));
    };

    struct Recorded {
        const char *scenario;
        const char *response;
        const char *stream;
    };
    static const Recorded kRecorded[] = {
        {"text", "api_chat_response_text.composed.json", "api_chat_stream.adapted.ndjson"},
        {"tool", "api_chat_response_tools.json", "api_chat_stream_tools.adapted.ndjson"},
        {"parallel-tools", "api_chat_response_parallel_tools.composed.json",
         "api_chat_stream_parallel_tools.composed.ndjson"},
        {"length", "api_chat_response_length.composed.json", "api_chat_stream_length.composed.ndjson"},
        {"thinking", "api_chat_response_thinking.composed.json", "api_chat_stream_thinking.composed.ndjson"},
    };
    for (const Recorded &recorded : kRecorded) {
        if (embed || scenario != QLatin1String(recorded.scenario))
            continue;
        if (stream)
            streamPlan(QString::fromLatin1(recorded.stream));
        else
            plan.body = fixture(QString::fromLatin1(recorded.response));
        return plan;
    }

    if (scenario == "error-401"_L1) {
        errorPlan(401, errorBody(u"unauthorized"_s));
    } else if (scenario == "error-429"_L1) {
        errorPlan(429, errorBody(u"rate limit exceeded, please try again later"_s));
        plan.headers.append({"Retry-After"_ba, "7"_ba});
    } else if (scenario == "error-500"_L1) {
        errorPlan(500, fixture(u"error.json"_s));
    } else if (scenario == "reset"_L1 || scenario == "truncated"_L1 || scenario == "stall"_L1) {
        streamPlan(u"api_generate_stream.ndjson"_s);
        if (scenario == "reset"_L1) {
            plan.events = plan.events.mid(0, 3);
            plan.end = ResponsePlan::End::Reset;
        } else if (scenario == "truncated"_L1) {
            plan.events = plan.events.mid(0, 3);
        } else {
            plan.events = plan.events.mid(0, 1);
            plan.end = ResponsePlan::End::Stall;
        }
    } else if (scenario == "midstream-error"_L1) {
        streamPlan(u"api_stream_midstream_error.ndjson"_s);
    } else if (scenario == "redirect"_L1) {
        plan.status = 307;
        plan.headers.append({"Location"_ba, "http://127.0.0.2:9/api/chat"_ba});
    } else if (scenario == "garbage"_L1) {
        plan.body = "not json at all"_ba;
    } else if (scenario == "slow"_L1) {
        plan.body = fixture(u"api_chat_response_text.composed.json"_s);
        plan.responseDelayMs = parsed.delayMs;
    } else {
        // error-404 and every unknown model: Ollama's own wording.
        errorPlan(404, errorBody(u"model \"%1\" not found, try pulling it first"_s.arg(model)));
    }
    return plan;
}

} // namespace onegate::test
