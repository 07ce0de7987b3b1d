#include "AnthropicFakeDialect.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QSet>

namespace onegate::test {

using namespace Qt::StringLiterals;

namespace {

const char *const kFixtureFiles[] = {
    "messages_response_text_recorded.json",
    "messages_stream_text_recorded.sse",
    "messages_response_tool_use_recorded.json",
    "messages_stream_tool_use_recorded.sse",
    "messages_response_parallel_tool_use.composed.json",
    "messages_stream_parallel_tool_use.composed.sse",
    "messages_response_max_tokens.composed.json",
    "messages_stream_max_tokens.composed.sse",
    "messages_response_thinking.composed.json",
    "messages_stream_thinking_docs.sse",
    "error_400_invalid_request_recorded.json",
    "error_401_authentication.composed.json",
    "error_404_not_found_docs.json",
    "error_429_rate_limit_recorded.json",
    "error_500_api_error.composed.json",
    "error_529_overloaded.json",
    "stream_error_event_overloaded_docs.sse",
    "models_list.composed.json",
    "count_tokens_response_docs.json",
    "count_tokens_response_tools_docs.json",
};

QByteArray invalidRequest(const QString &message)
{
    const QJsonObject body{{"type"_L1, "error"_L1},
                           {"error"_L1, QJsonObject{{"type"_L1, "invalid_request_error"_L1},
                                                    {"message"_L1, message}}}};
    return QJsonDocument(body).toJson(QJsonDocument::Compact);
}

QList<QJsonObject> blocksOf(const QJsonObject &message)
{
    QList<QJsonObject> blocks;
    for (const QJsonValue &block : message.value("content"_L1).toArray())
        blocks.append(block.toObject());
    return blocks;
}

// What the real API refuses before generating anything; empty when the body passes.
// A non-empty `recorded` means: answer with the recorded tool_result 400.
QString problemWith(const QJsonObject &body, bool systemTurns, bool *recorded)
{
    *recorded = false;
    if (!body.value("max_tokens"_L1).isDouble())
        return u"max_tokens: Field required"_s;
    static const QRegularExpression idPattern(u"^[a-zA-Z0-9_-]+$"_s);
    const QJsonArray messages = body.value("messages"_L1).toArray();
    QSet<QString> previousToolUses;
    for (qsizetype i = 0; i < messages.size(); ++i) {
        const QJsonObject message = messages.at(i).toObject();
        const QString role = message.value("role"_L1).toString();
        if (role == "system"_L1 && systemTurns)
            continue;
        if (role != "user"_L1 && role != "assistant"_L1)
            return u"messages.%1.role: Input should be 'user' or 'assistant'"_s.arg(i);
        QSet<QString> toolUses;
        const QList<QJsonObject> blocks = blocksOf(message);
        for (qsizetype j = 0; j < blocks.size(); ++j) {
            const QString type = blocks.at(j).value("type"_L1).toString();
            const QString field = type == "tool_use"_L1 ? u"id"_s : u"tool_use_id"_s;
            if (type != "tool_use"_L1 && type != "tool_result"_L1)
                continue;
            const QString id = blocks.at(j).value(field).toString();
            if (!idPattern.match(id).hasMatch())
                return u"messages.%1.content.%2.%3: String should match pattern '^[a-zA-Z0-9_-]+$'"_s
                    .arg(i)
                    .arg(j)
                    .arg(field);
            if (type == "tool_use"_L1) {
                toolUses.insert(id);
            } else if (!previousToolUses.contains(id)) {
                *recorded = true;
                return u"unexpected tool_use_id"_s;
            }
        }
        previousToolUses = toolUses;
    }
    return {};
}

} // namespace

QStringList AnthropicFakeDialect::requiredFixtures() const
{
    QStringList files;
    for (const char *file : kFixtureFiles)
        files.append(QString::fromLatin1(file));
    return files;
}

ResponsePlan AnthropicFakeDialect::echoPlan(int status, const QByteArray &credential) const
{
    const QString type = status == 401 ? u"authentication_error"_s
        : status == 429                ? u"rate_limit_error"_s
        : status == 529                ? u"overloaded_error"_s
                                       : u"api_error"_s;
    const QJsonObject error{{"type"_L1, type},
                            {"message"_L1, u"invalid x-api-key: %1"_s.arg(QString::fromLatin1(credential))}};
    const QByteArray body =
        QJsonDocument(QJsonObject{{"type"_L1, "error"_L1}, {"error"_L1, error}}).toJson(QJsonDocument::Compact);
    ResponsePlan plan;
    if (status >= 400) {
        plan.status = status;
        plan.body = body;
        return plan;
    }
    plan.stream = true;
    plan.contentType = "text/event-stream"_ba;
    plan.events.append("event: error\ndata: " + body + "\n\n");
    return plan;
}

ResponsePlan AnthropicFakeDialect::plan(const RecordedRequest &request, const QByteArray &key) const
{
    ResponsePlan plan;
    auto errorPlan = [this, &plan](int status, const char *file) {
        plan.status = status;
        plan.body = fixture(QString::fromLatin1(file));
    };
    if (!key.isEmpty() && request.header("x-api-key") != key) {
        errorPlan(401, "error_401_authentication.composed.json");
        return plan;
    }
    const QByteArray path = request.pathOnly();
    if ((request.method == "GET" || request.method == "HEAD") && path.endsWith("/v1/models")) {
        plan.body = fixture(u"models_list.composed.json"_s);
        return plan;
    }
    if (request.method == "POST" && path.endsWith("/v1/messages/count_tokens")) {
        // The documented counts: the documented request with tools, or without.
        plan.body = fixture(request.body.contains("tools"_L1) ? u"count_tokens_response_tools_docs.json"_s
                                                              : u"count_tokens_response_docs.json"_s);
        return plan;
    }
    if (request.method != "POST" || !path.endsWith("/v1/messages")) {
        errorPlan(404, "error_404_not_found_docs.json");
        return plan;
    }
    if (request.header("anthropic-version").isEmpty()) {
        plan.status = 400;
        plan.body = invalidRequest(u"anthropic-version: header is required"_s);
        return plan;
    }
    bool recorded = false;
    // The mid-conversation-system beta lets a system turn stand among the messages.
    const QString problem =
        problemWith(request.body, request.header("anthropic-beta").contains("mid-conversation-system"), &recorded);
    if (!problem.isEmpty()) {
        plan.status = 400;
        plan.body = recorded ? fixture(u"error_400_invalid_request_recorded.json"_s)
                             : invalidRequest(problem);
        return plan;
    }

    const Scenario parsed = Scenario::parse(request.body.value("model"_L1).toString());
    const QString &scenario = parsed.name;
    const bool stream = request.body.value("stream"_L1).toBool();
    auto streamPlan = [&](const char *file) {
        plan.stream = true;
        plan.contentType = "text/event-stream"_ba;
        plan.eventDelayMs = parsed.delayMs;
        plan.events = sseFrames(fixture(QString::fromLatin1(file)));
    };

    struct Recorded {
        const char *scenario;
        const char *response;
        const char *stream;
    };
    static const Recorded kRecorded[] = {
        {"text", "messages_response_text_recorded.json", "messages_stream_text_recorded.sse"},
        {"tool", "messages_response_tool_use_recorded.json",
         "messages_stream_tool_use_recorded.sse"},
        {"parallel-tools", "messages_response_parallel_tool_use.composed.json",
         "messages_stream_parallel_tool_use.composed.sse"},
        {"length", "messages_response_max_tokens.composed.json",
         "messages_stream_max_tokens.composed.sse"},
        {"thinking", "messages_response_thinking.composed.json",
         "messages_stream_thinking_docs.sse"},
    };
    for (const Recorded &entry : kRecorded) {
        if (scenario != QLatin1String(entry.scenario))
            continue;
        if (stream)
            streamPlan(entry.stream);
        else
            plan.body = fixture(QString::fromLatin1(entry.response));
        return plan;
    }

    if (scenario == "error-400"_L1) {
        errorPlan(400, "error_400_invalid_request_recorded.json");
    } else if (scenario == "error-401"_L1) {
        errorPlan(401, "error_401_authentication.composed.json");
    } else if (scenario == "error-404"_L1) {
        errorPlan(404, "error_404_not_found_docs.json");
    } else if (scenario == "error-429"_L1) {
        errorPlan(429, "error_429_rate_limit_recorded.json");
        plan.headers.append({"retry-after"_ba, "7"_ba});
        plan.headers.append({"x-should-retry"_ba, "true"_ba});
    } else if (scenario == "error-500"_L1) {
        errorPlan(500, "error_500_api_error.composed.json");
    } else if (scenario == "overloaded"_L1) {
        errorPlan(529, "error_529_overloaded.json");
    } else if (scenario == "reset"_L1 || scenario == "truncated"_L1 || scenario == "stall"_L1 ||
               scenario == "midstream-error"_L1) {
        streamPlan("messages_stream_text_recorded.sse");
        if (scenario == "reset"_L1) {
            plan.events = plan.events.mid(0, 5);
            plan.end = ResponsePlan::End::Reset;
        } else if (scenario == "truncated"_L1) {
            plan.events = plan.events.mid(0, 5);
        } else if (scenario == "stall"_L1) {
            plan.events = plan.events.mid(0, 1);
            plan.end = ResponsePlan::End::Stall;
        } else {
            plan.events = plan.events.mid(0, 4);
            plan.events.append(sseFrames(fixture(u"stream_error_event_overloaded_docs.sse"_s)));
        }
    } else if (scenario == "redirect"_L1) {
        plan.status = 307;
        plan.headers.append({"Location"_ba, "http://127.0.0.2:9/v1/messages"_ba});
    } else if (scenario == "garbage"_L1) {
        plan.body = "not json at all"_ba;
    } else if (scenario == "slow"_L1) {
        plan.body = fixture(u"messages_response_text_recorded.json"_s);
        plan.responseDelayMs = parsed.delayMs;
    } else {
        errorPlan(404, "error_404_not_found_docs.json");
    }
    return plan;
}

} // namespace onegate::test
