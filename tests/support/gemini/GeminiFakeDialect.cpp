#include "GeminiFakeDialect.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QUrl>

namespace onegate::test {

using namespace Qt::StringLiterals;

namespace {

// Every file the scenarios replay: checked once at listen() so a missing copy fails
// loudly there, not as a puzzling 500 deep inside a test.
const char *const kFixtureFiles[] = {
    "generate_content_response_text.json",
    "stream_generate_content_alt_sse.sse",
    "function_call_response_cookbook.json",
    "function_call_response_parallel.json",
    "function_call_response_thinking_thought_signature.json",
    "stream_thinking_function_call_thought_signature.sse",
    "response_finish_reason_safety.json",
    "response_prompt_blocked_safety_cookbook.json",
    "stream_prompt_blocked_safety.sse",
    "response_usage_cached_and_thoughts.json",
    "stream_error_mid_stream_sdk_mock.sse",
    "error_400_api_key_invalid.json",
    "error_404_model_not_found.json",
    "error_429_resource_exhausted.json",
    "error_500_internal.composed.json",
    "models_list.subset.json",
    "batch_embed_contents_response_cookbook.adapted.json",
};

struct Recorded {
    const char *scenario;
    const char *response;
    const char *stream; // nullptr: the response streamed as one event
};

const Recorded kRecorded[] = {
    {"text", "generate_content_response_text.json", "stream_generate_content_alt_sse.sse"},
    {"tool", "function_call_response_cookbook.json", nullptr},
    {"parallel-tools", "function_call_response_parallel.json", nullptr},
    {"length", "generate_content_response_text.json", "stream_generate_content_alt_sse.sse"},
    {"thinking", "function_call_response_thinking_thought_signature.json",
     "stream_thinking_function_call_thought_signature.sse"},
    {"safety", "response_finish_reason_safety.json", nullptr},
    {"blocked", "response_prompt_blocked_safety_cookbook.json", "stream_prompt_blocked_safety.sse"},
    {"cached", "response_usage_cached_and_thoughts.json", nullptr},
};

// The recordings' own line ends (CRLF in the Gemini ones) go on the wire unchanged.
QList<QByteArray> wireFrames(const QByteArray &text)
{
    QList<QByteArray> frames = sseFrames(text);
    if (text.contains("\r\n")) {
        for (QByteArray &frame : frames)
            frame.replace("\n", "\r\n");
    }
    return frames;
}

QByteArray asOneEvent(const QByteArray &json)
{
    return "data: " + QJsonDocument::fromJson(json).toJson(QJsonDocument::Compact) + "\r\n\r\n";
}

QByteArray withMaxTokens(QByteArray recorded)
{
    return recorded.replace(R"("finishReason": "STOP")", R"("finishReason": "MAX_TOKENS")");
}

QByteArray invalidArgument(const QString &message)
{
    const QJsonObject error{{"code"_L1, 400}, {"message"_L1, message}, {"status"_L1, "INVALID_ARGUMENT"_L1}};
    return QJsonDocument(QJsonObject{{"error"_L1, error}}).toJson();
}

} // namespace

ResponsePlan GeminiFakeDialect::embedPlan(const RecordedRequest &request, const QString &model) const
{
    ResponsePlan plan;
    const QJsonArray requests = request.body.value("requests"_L1).toArray();
    if (requests.isEmpty()) {
        plan.status = 400;
        plan.body = invalidArgument(u"the batch holds no requests"_s);
        return plan;
    }
    QJsonObject answer = QJsonDocument::fromJson(fixture(u"batch_embed_contents_response_cookbook.adapted.json"_s)).object();
    const QJsonObject item = answer.value("embeddings"_L1).toArray().first().toObject();
    QJsonArray embeddings;
    for (const QJsonValue &entry : requests) {
        const QJsonObject one = entry.toObject();
        // Gemini wants each request to name the batch's own model.
        const QString expected = u"models/"_s + model;
        if (one.value("model"_L1).toString() != expected) {
            plan.status = 400;
            plan.body = invalidArgument(u"the model of each request (%1) must be the batch's model (%2)"_s
                                            .arg(one.value("model"_L1).toString(), expected));
            return plan;
        }
        QString text;
        for (const QJsonValue &part : one.value("content"_L1).toObject().value("parts"_L1).toArray())
            text += part.toObject().value("text"_L1).toString();
        QJsonArray values;
        for (const double value : fakeEmbedding(text, one.value("outputDimensionality"_L1).toInt()))
            values.append(value);
        QJsonObject embedding = item;
        embedding.insert("values"_L1, values);
        embeddings.append(embedding);
    }
    answer.insert("embeddings"_L1, embeddings);
    plan.body = QJsonDocument(answer).toJson();
    return plan;
}

QStringList GeminiFakeDialect::requiredFixtures() const
{
    QStringList files;
    for (const char *file : kFixtureFiles)
        files.append(QString::fromLatin1(file));
    return files;
}

QString GeminiFakeDialect::modelOfPath(const QByteArray &path)
{
    const QByteArray marker = "/v1beta/models/"_ba;
    const qsizetype start = path.indexOf(marker);
    const qsizetype colon = path.lastIndexOf(':');
    if (start < 0 || colon < start + marker.size())
        return {};
    return QUrl::fromPercentEncoding(
        path.mid(start + marker.size(), colon - start - marker.size()));
}

ResponsePlan GeminiFakeDialect::echoPlan(int status, const QByteArray &credential) const
{
    const QString state = status == 400 ? u"INVALID_ARGUMENT"_s
        : status == 401                 ? u"UNAUTHENTICATED"_s
        : status == 429                 ? u"RESOURCE_EXHAUSTED"_s
                                        : u"INTERNAL"_s;
    const QString text = u"API key not valid: %1"_s.arg(QString::fromLatin1(credential));
    // Gemini's ErrorInfo details name the key's context; here they quote the key too.
    const QJsonArray details{QJsonObject{{"@type"_L1, "type.googleapis.com/google.rpc.ErrorInfo"_L1},
                                         {"reason"_L1, "API_KEY_INVALID"_L1},
                                         {"metadata"_L1, QJsonObject{{"key"_L1, QString::fromLatin1(credential)}}}}};
    const QJsonObject error{{"code"_L1, status >= 400 ? status : 500},
                            {"message"_L1, text},
                            {"status"_L1, state},
                            {"details"_L1, details}};
    const QByteArray body = QJsonDocument(QJsonObject{{"error"_L1, error}}).toJson(QJsonDocument::Compact);
    ResponsePlan plan;
    if (status >= 400) {
        plan.status = status;
        plan.body = body;
        return plan;
    }
    plan.stream = true;
    plan.contentType = "text/event-stream"_ba;
    plan.events.append("data: " + body + "\r\n\r\n");
    return plan;
}

ResponsePlan GeminiFakeDialect::plan(const RecordedRequest &request, const QByteArray &key) const
{
    ResponsePlan plan;
    auto errorPlan = [this, &plan](int status, const char *file) {
        plan.status = status;
        plan.body = fixture(QString::fromLatin1(file));
    };
    if (!key.isEmpty() && request.header("x-goog-api-key") != key) {
        errorPlan(400, "error_400_api_key_invalid.json");
        return plan;
    }
    const QByteArray path = request.pathOnly();
    if ((request.method == "GET" || request.method == "HEAD") && path.endsWith("/v1beta/models")) {
        plan.body = fixture(u"models_list.subset.json"_s);
        return plan;
    }
    const bool stream = path.endsWith(":streamGenerateContent");
    const bool embed = path.endsWith(":batchEmbedContents");
    if (request.method != "POST" || !(stream || embed || path.endsWith(":generateContent"))) {
        errorPlan(404, "error_404_model_not_found.json");
        return plan;
    }

    const Scenario parsed = Scenario::parse(modelOfPath(path));
    const QString &scenario = parsed.name;
    if (embed && (scenario == "text"_L1 || scenario == "slow"_L1)) {
        plan = embedPlan(request, modelOfPath(path));
        plan.responseDelayMs = scenario == "slow"_L1 ? parsed.delayMs : 0;
        return plan;
    }
    auto streamPlan = [&](const QList<QByteArray> &frames) {
        plan.stream = true;
        plan.contentType = "text/event-stream"_ba;
        plan.eventDelayMs = parsed.delayMs;
        plan.events = frames;
    };

    for (const Recorded &recorded : kRecorded) {
        if (embed || scenario != QLatin1String(recorded.scenario))
            continue;
        const bool length = scenario == "length"_L1;
        QByteArray response = fixture(QString::fromLatin1(recorded.response));
        if (length)
            response = withMaxTokens(response);
        if (!stream) {
            plan.body = response;
        } else if (!recorded.stream) {
            streamPlan({asOneEvent(response)});
        } else {
            QByteArray text = fixture(QString::fromLatin1(recorded.stream));
            streamPlan(wireFrames(length ? withMaxTokens(text) : text));
        }
        return plan;
    }

    if (scenario == "error-401"_L1) {
        errorPlan(400, "error_400_api_key_invalid.json");
    } else if (scenario == "error-404"_L1) {
        errorPlan(404, "error_404_model_not_found.json");
    } else if (scenario == "error-429"_L1) {
        errorPlan(429, "error_429_resource_exhausted.json");
    } else if (scenario == "error-500"_L1) {
        errorPlan(500, "error_500_internal.composed.json");
    } else if (scenario == "midstream-error"_L1) {
        streamPlan(wireFrames(fixture(u"stream_error_mid_stream_sdk_mock.sse"_s)));
    } else if (scenario == "reset"_L1 || scenario == "truncated"_L1 || scenario == "stall"_L1) {
        const QList<QByteArray> frames =
            wireFrames(fixture(u"stream_generate_content_alt_sse.sse"_s));
        streamPlan(frames.mid(0, scenario == "stall"_L1 ? 1 : 2));
        if (scenario == "reset"_L1)
            plan.end = ResponsePlan::End::Reset;
        else if (scenario == "stall"_L1)
            plan.end = ResponsePlan::End::Stall;
    } else if (scenario == "redirect"_L1) {
        plan.status = 307;
        plan.headers.append(
            {"Location"_ba, "http://127.0.0.2:9/v1beta/models/text:generateContent"_ba});
    } else if (scenario == "garbage"_L1) {
        plan.body = "not json at all"_ba;
    } else if (scenario == "slow"_L1) {
        plan.body = fixture(u"generate_content_response_text.json"_s);
        plan.responseDelayMs = parsed.delayMs;
    } else {
        errorPlan(404, "error_404_model_not_found.json");
    }
    return plan;
}

} // namespace onegate::test
