#include "OpenAiFakeDialect.h"

#include <QDataStream>
#include <QDateTime>
#include <QIODevice>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLocale>

namespace onegate::test {

using namespace Qt::StringLiterals;

namespace {

const QByteArray kMidstreamError =
    R"({"error":{"message":"The server had an error while processing your request.","type":"server_error","param":null,"code":null}})"_ba;

// Every file the scenarios replay: checked once at listen() so a missing copy fails
// loudly there, not as a puzzling 500 deep inside a test.
const char *const kFixtureFiles[] = {
    "completions_response_text.composed.json",
    "responses_response_text_recorded.json",
    "responses_response_function_call_spec.json",
    "responses_stream.adapted.sse",
    "chat_response_text_recorded.json",
    "chat_stream_text_include_usage.sse",
    "chat_response_tool_call_recorded.json",
    "chat_stream_tool_call.sse",
    "chat_response_parallel_tool_calls_recorded.json",
    "chat_stream_parallel_tool_calls.sse",
    "chat_response_finish_length_recorded.json",
    "chat_stream_finish_length.sse",
    "error_401_invalid_api_key.json",
    "error_404_model_not_found.json",
    "error_429_rate_limit_exceeded.json",
    "error_500_server_error.composed.json",
    "models_list.json",
    "embeddings_response.adapted.json",
};

// OpenAI's final `choices: []` chunk that carries only usage.
bool isUsageOnly(const QByteArray &frame)
{
    const QJsonObject chunk = QJsonDocument::fromJson(sseData(frame)).object();
    return chunk.value("usage"_L1).isObject() && chunk.value("choices"_L1).isArray()
        && chunk.value("choices"_L1).toArray().isEmpty();
}

// OpenAI's encoding_format "base64": the float32 values, little-endian, in base64.
QString base64Floats(const QList<double> &values)
{
    QByteArray bytes;
    QDataStream stream(&bytes, QIODevice::WriteOnly);
    stream.setByteOrder(QDataStream::LittleEndian);
    stream.setFloatingPointPrecision(QDataStream::SinglePrecision);
    for (const double value : values)
        stream << value;
    return QString::fromLatin1(bytes.toBase64());
}

// The recorded text_completion `answer` streamed as OpenAI streams Completions: one chunk
// per word of its text (same id, created, model; logprobs null, finish_reason null), the
// last with the finish reason, then a usage chunk with no choices when asked for, and
// [DONE].
ResponsePlan completionsStreamPlan(const QByteArray &answer, bool includeUsage)
{
    const QJsonObject whole = QJsonDocument::fromJson(answer).object();
    const QJsonObject choice = whole.value("choices"_L1).toArray().first().toObject();
    QJsonObject chunk = whole;
    chunk.remove("usage"_L1);
    ResponsePlan plan;
    plan.stream = true;
    plan.contentType = "text/event-stream"_ba;
    const auto frame = [](const QJsonObject &object) -> QByteArray {
        return "data: " + QJsonDocument(object).toJson(QJsonDocument::Compact) + "\n\n";
    };
    const QStringList words = choice.value("text"_L1).toString().split(u' ');
    for (qsizetype i = 0; i < words.size(); ++i) {
        const bool last = i + 1 == words.size();
        const QString piece = i == 0 ? words.at(i) : u' ' + words.at(i);
        chunk.insert("choices"_L1, QJsonArray{QJsonObject{
                                       {"text"_L1, piece},
                                       {"index"_L1, 0},
                                       {"logprobs"_L1, QJsonValue(QJsonValue::Null)},
                                       {"finish_reason"_L1, last ? choice.value("finish_reason"_L1) : QJsonValue(QJsonValue::Null)}}});
        plan.events.append(frame(chunk));
    }
    if (includeUsage) {
        chunk.insert("choices"_L1, QJsonArray());
        chunk.insert("usage"_L1, whole.value("usage"_L1));
        plan.events.append(frame(chunk));
    }
    plan.events.append("data: [DONE]\n\n"_ba);
    return plan;
}

} // namespace

ResponsePlan openAiEmbeddingsPlan(const QJsonObject &request, const QByteArray &recorded)
{
    ResponsePlan plan;
    QStringList texts;
    qint64 tokens = 0;
    auto addText = [&](const QString &text) {
        texts.append(text);
        tokens += fakeTokenCount(text);
    };
    auto addTokens = [&](const QJsonArray &ids) {
        texts.append(fakeTokensText(ids));
        tokens += ids.size();
    };
    bool valid = true;
    const QJsonValue input = request.value("input"_L1);
    const QJsonArray items = input.toArray();
    if (input.isString()) {
        addText(input.toString());
    } else if (!items.isEmpty() && items.first().isDouble()) {
        addTokens(items);
    } else if (!items.isEmpty()) {
        for (const QJsonValue &item : items) {
            if (item.isString())
                addText(item.toString());
            else if (item.isArray())
                addTokens(item.toArray());
            else
                valid = false;
        }
    } else {
        valid = false;
    }
    if (!valid) {
        plan.status = 400;
        plan.body = R"({"error":{"message":"'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference.","type":"invalid_request_error","param":null,"code":null}})"_ba;
        return plan;
    }

    const int dimensions = request.value("dimensions"_L1).toInt();
    const bool base64 = request.value("encoding_format"_L1).toString() == "base64"_L1;
    QJsonObject answer = QJsonDocument::fromJson(recorded).object();
    const QJsonObject item = answer.value("data"_L1).toArray().first().toObject();
    QJsonArray data;
    for (qsizetype i = 0; i < texts.size(); ++i) {
        const QList<double> values = fakeEmbedding(texts.at(i), dimensions);
        QJsonArray floats;
        for (const double value : values)
            floats.append(value);
        QJsonObject one = item;
        one.insert("index"_L1, i);
        one.insert("embedding"_L1, base64 ? QJsonValue(base64Floats(values)) : QJsonValue(floats));
        data.append(one);
    }
    answer.insert("data"_L1, data);
    answer.insert("usage"_L1, QJsonObject{{"prompt_tokens"_L1, tokens}, {"total_tokens"_L1, tokens}});
    plan.body = QJsonDocument(answer).toJson();
    return plan;
}

QStringList OpenAiFakeDialect::requiredFixtures() const
{
    QStringList files;
    for (const char *file : kFixtureFiles)
        files.append(QString::fromLatin1(file));
    return files;
}

ResponsePlan OpenAiFakeDialect::plan(const RecordedRequest &request, const QByteArray &key) const
{
    ResponsePlan plan;
    auto errorPlan = [this, &plan](int status, const char *file) {
        plan.status = status;
        plan.body = fixture(QString::fromLatin1(file));
    };
    if (!key.isEmpty() && request.header("authorization") != "Bearer " + key) {
        errorPlan(401, "error_401_invalid_api_key.json");
        return plan;
    }
    const QByteArray path = request.pathOnly();
    if ((request.method == "GET" || request.method == "HEAD") && path.endsWith("/models")) {
        plan.body = fixture(u"models_list.json"_s);
        return plan;
    }
    if (request.method != "POST") {
        errorPlan(404, "error_404_model_not_found.json");
        return plan;
    }

    const Scenario parsed = Scenario::parse(request.body.value("model"_L1).toString());
    const QString &scenario = parsed.name;
    const int delayMs = parsed.delayMs;
    const bool stream = request.body.value("stream"_L1).toBool();
    const bool includeUsage = request.body.value("stream_options"_L1)
                                  .toObject()
                                  .value("include_usage"_L1)
                                  .toBool();

    struct Recorded {
        const char *scenario;
        const char *response;
        const char *stream;
    };
    static const Recorded kRecorded[] = {
        {"text", "chat_response_text_recorded.json", "chat_stream_text_include_usage.sse"},
        {"tool", "chat_response_tool_call_recorded.json", "chat_stream_tool_call.sse"},
        {"parallel-tools", "chat_response_parallel_tool_calls_recorded.json",
         "chat_stream_parallel_tool_calls.sse"},
        {"length", "chat_response_finish_length_recorded.json", "chat_stream_finish_length.sse"},
    };
    auto streamPlan = [&](const char *file, bool withUsage) {
        plan.stream = true;
        plan.contentType = "text/event-stream"_ba;
        plan.eventDelayMs = delayMs;
        const QList<QByteArray> frames = sseFrames(fixture(QString::fromLatin1(file)));
        for (const QByteArray &frame : frames) {
            if (withUsage || !isUsageOnly(frame))
                plan.events.append(frame);
        }
    };

    // The embeddings API: vectors worked out from the inputs, in the recorded shape.
    const bool embeddings = path.endsWith("/embeddings");
    if (embeddings && (scenario == "text"_L1 || scenario == "slow"_L1)) {
        plan = openAiEmbeddingsPlan(request.body, fixture(u"embeddings_response.adapted.json"_s));
        plan.responseDelayMs = scenario == "slow"_L1 ? delayMs : 0;
        return plan;
    }
    // The legacy Completions API (autocomplete): the reference example; streamed, its
    // text in one text_completion chunk per word, then the finish reason and usage
    // (the streaming shape of the same reference page).
    if (path.endsWith("/completions") && !path.endsWith("/chat/completions") && scenario == "text"_L1) {
        plan.body = fixture(u"completions_response_text.composed.json"_s);
        if (stream)
            plan = completionsStreamPlan(plan.body, includeUsage);
        return plan;
    }
    // A server that offers the Responses API itself (a provider with `responses: true`):
    // the recorded Responses answers; errors and faults as for chat, below.
    if (path.endsWith("/responses") && stream && scenario == "reset"_L1) {
        // The recorded Responses stream, cut off after its first text delta.
        streamPlan("responses_stream.adapted.sse", true);
        plan.events = plan.events.mid(0, 5);
        plan.end = ResponsePlan::End::Reset;
        return plan;
    }
    if (path.endsWith("/responses") && (scenario == "text"_L1 || scenario == "tool"_L1)) {
        if (stream && scenario == "text"_L1)
            streamPlan("responses_stream.adapted.sse", true);
        else
            plan.body = fixture(scenario == "text"_L1 ? u"responses_response_text_recorded.json"_s
                                                      : u"responses_response_function_call_spec.json"_s);
        return plan;
    }
    for (const Recorded &recorded : kRecorded) {
        if (embeddings || scenario != QLatin1String(recorded.scenario))
            continue;
        if (stream)
            streamPlan(recorded.stream, includeUsage);
        else
            plan.body = fixture(QString::fromLatin1(recorded.response));
        return plan;
    }

    if (scenario == "error-401"_L1) {
        errorPlan(401, "error_401_invalid_api_key.json");
    } else if (scenario == "error-404"_L1) {
        errorPlan(404, "error_404_model_not_found.json");
    } else if (scenario == "error-429"_L1) {
        errorPlan(429, "error_429_rate_limit_exceeded.json");
        plan.headers.append({"Retry-After"_ba, "7"_ba});
    } else if (scenario == "error-500"_L1) {
        errorPlan(500, "error_500_server_error.composed.json");
    } else if (scenario == "reset"_L1 || scenario == "truncated"_L1 || scenario == "stall"_L1
               || scenario == "midstream-error"_L1) {
        streamPlan("chat_stream_text_include_usage.sse", false);
        if (scenario == "reset"_L1) {
            plan.events = plan.events.mid(0, 3);
            plan.end = ResponsePlan::End::Reset;
        } else if (scenario == "truncated"_L1) {
            plan.events = plan.events.mid(0, 3);
        } else if (scenario == "stall"_L1) {
            plan.events = plan.events.mid(0, 1);
            plan.end = ResponsePlan::End::Stall;
        } else {
            plan.events = plan.events.mid(0, 2);
            plan.events.append("data: " + kMidstreamError + "\n\n");
        }
    } else if (scenario == "early-error"_L1) {
        plan.stream = true;
        plan.contentType = "text/event-stream"_ba;
        plan.events.append("data: " + kMidstreamError + "\n\n");
    } else if (scenario.startsWith("error-429-"_L1)) {
        // error-429-after-<s> | error-429-date-<s> | error-429-ms-<ms>
        const QStringList parts = scenario.split(u'-');
        errorPlan(429, "error_429_rate_limit_exceeded.json");
        const qint64 amount = parts.value(3).toLongLong();
        if (parts.value(2) == "after"_L1) {
            plan.headers.append({"Retry-After"_ba, QByteArray::number(amount)});
        } else if (parts.value(2) == "date"_L1) {
            const QDateTime when = QDateTime::currentDateTimeUtc().addSecs(amount);
            plan.headers.append({"Retry-After"_ba,
                                 QLocale::c().toString(when, u"ddd, dd MMM yyyy HH:mm:ss 'GMT'"_s).toLatin1()});
        } else {
            plan.headers.append({"retry-after-ms"_ba, QByteArray::number(amount)});
        }
    } else if (scenario.startsWith("error-"_L1) && scenario.size() == 9) {
        const int status = scenario.mid(6).toInt();
        plan.status = status >= 400 && status <= 599 ? status : 500;
        plan.body = R"({"error":{"message":"fake upstream error )"_ba + QByteArray::number(plan.status)
            + R"(","type":"fake_error","param":null,"code":null}})"_ba;
    } else if (scenario == "redirect"_L1) {
        plan.status = 307;
        plan.headers.append({"Location"_ba, "http://127.0.0.2:9/v1/chat/completions"_ba});
    } else if (scenario == "garbage"_L1) {
        plan.body = "not json at all"_ba;
    } else if (scenario == "slow"_L1) {
        plan.body = fixture(u"chat_response_text_recorded.json"_s);
        plan.responseDelayMs = delayMs;
    } else {
        errorPlan(404, "error_404_model_not_found.json");
    }
    return plan;
}

} // namespace onegate::test
