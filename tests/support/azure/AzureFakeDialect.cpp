#include "AzureFakeDialect.h"

#include "OpenAiFakeDialect.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QUrl>
#include <QUrlQuery>

#include <algorithm>

namespace onegate::test {

using namespace Qt::StringLiterals;

namespace {

// Azure relays the server error OpenAI models send mid-stream; the shape is OpenAI's.
const QByteArray kMidstreamError =
    R"({"error":{"message":"The server had an error while processing your request.","type":"server_error","param":null,"code":null}})"_ba;

const char *const kFixtureFiles[] = {
    "chat_response_with_content_filter_results.json",
    "chat_stream_prompt_filter_first_chunk.sse",
    "chat_stream_usage_chunk.composed.sse",
    "chat_response_tool_call.composed.json",
    "chat_stream_tool_call.composed.sse",
    "chat_response_parallel_tool_calls.composed.json",
    "chat_stream_parallel_tool_calls.composed.sse",
    "chat_stream_finish_length.composed.sse",
    "chat_response_finish_content_filter.composed.json",
    "chat_stream_finish_content_filter.composed.sse",
    "error_400_content_filter.json",
    "error_400_stream_options_unrecognized.composed.json",
    "error_401_access_denied.composed.json",
    "error_404_deployment_not_found.composed.json",
    "error_404_resource_not_found.composed.json",
    "error_429_rate_limit.composed.json",
    "error_500_server_error.composed.json",
    "deployments_list.composed.json",
};

struct Recorded {
    const char *scenario;
    const char *response;
    const char *stream;
};

const Recorded kRecorded[] = {
    {"text", "chat_response_with_content_filter_results.json", "chat_stream_prompt_filter_first_chunk.sse"},
    {"tool", "chat_response_tool_call.composed.json", "chat_stream_tool_call.composed.sse"},
    {"parallel-tools", "chat_response_parallel_tool_calls.composed.json", "chat_stream_parallel_tool_calls.composed.sse"},
    {"length", "chat_response_with_content_filter_results.json", "chat_stream_finish_length.composed.sse"},
    {"filtered", "chat_response_finish_content_filter.composed.json", "chat_stream_finish_content_filter.composed.sse"},
};

bool isUsageOnly(const QByteArray &frame)
{
    const QJsonObject chunk = QJsonDocument::fromJson(sseData(frame)).object();
    return chunk.value("usage"_L1).isObject() && chunk.value("choices"_L1).toArray().isEmpty();
}

// stream_options came with api-version 2024-09-01-preview; dated versions before it
// reject the field. (Undated versions such as "v1" are the newer surfaces.)
bool acceptsStreamOptions(const QString &apiVersion)
{
    const bool dated = apiVersion.size() >= 10 && apiVersion.at(0).isDigit() && apiVersion.at(4) == u'-';
    return !dated || QStringView(apiVersion).left(10) >= "2024-09-01"_L1;
}

const QByteArray kDeploymentsPrefix = "/openai/deployments/"_ba;
const QByteArray kChatSuffix = "/chat/completions"_ba;
const QByteArray kEmbeddingsSuffix = "/embeddings"_ba;

} // namespace

QStringList AzureFakeDialect::requiredFixtures() const
{
    QStringList files;
    for (const char *file : kFixtureFiles)
        files.append(QString::fromLatin1(file));
    return files;
}

ResponsePlan AzureFakeDialect::plan(const RecordedRequest &request, const QByteArray &key) const
{
    ResponsePlan plan;
    auto errorPlan = [this, &plan](int status, const char *file) {
        plan.status = status;
        plan.body = fixture(QString::fromLatin1(file));
        return plan;
    };
    if (!key.isEmpty() && request.header("api-key") != key)
        return errorPlan(401, "error_401_access_denied.composed.json");

    const QByteArray path = request.pathOnly();
    const QString apiVersion =
        QUrlQuery(QString::fromLatin1(request.path.mid(path.size() + 1))).queryItemValue(u"api-version"_s);
    if (apiVersion.isEmpty())
        return errorPlan(404, "error_404_resource_not_found.composed.json");

    const bool read = request.method == "GET" || request.method == "HEAD";
    if (read && path == "/openai/deployments") {
        plan.body = fixture(u"deployments_list.composed.json"_s);
        return plan;
    }
    if (request.method == "POST" && path.startsWith(kDeploymentsPrefix) && path.endsWith(kChatSuffix)) {
        const QByteArray encoded = path.mid(kDeploymentsPrefix.size(),
                                            path.size() - kDeploymentsPrefix.size() - kChatSuffix.size());
        if (!encoded.contains('/')) {
            if (request.body.contains("stream_options"_L1) && !acceptsStreamOptions(apiVersion))
                return errorPlan(400, "error_400_stream_options_unrecognized.composed.json");
            return chatPlan(request, QUrl::fromPercentEncoding(encoded), false);
        }
    }
    if (request.method == "POST" && path.startsWith(kDeploymentsPrefix) && path.endsWith(kEmbeddingsSuffix)) {
        const QByteArray encoded = path.mid(kDeploymentsPrefix.size(),
                                            path.size() - kDeploymentsPrefix.size() - kEmbeddingsSuffix.size());
        if (!encoded.contains('/'))
            return chatPlan(request, QUrl::fromPercentEncoding(encoded), true);
    }
    return errorPlan(404, "error_404_resource_not_found.composed.json");
}

ResponsePlan AzureFakeDialect::chatPlan(const RecordedRequest &request, const QString &deployment,
                                        bool embeddings) const
{
    ResponsePlan plan;
    auto errorPlan = [this, &plan](int status, const char *file) {
        plan.status = status;
        plan.body = fixture(QString::fromLatin1(file));
    };
    const Scenario parsed = Scenario::parse(deployment);
    const QString &scenario = parsed.name;
    const bool stream = request.body.value("stream"_L1).toBool();
    const bool includeUsage =
        request.body.value("stream_options"_L1).toObject().value("include_usage"_L1).toBool();

    // Recorded frames, the usage chunk (composed where Azure's recording has none) only
    // when asked for, as Azure does.
    auto streamPlan = [&](const char *file, bool withUsage) {
        plan.stream = true;
        plan.contentType = "text/event-stream"_ba;
        plan.eventDelayMs = parsed.delayMs;
        QList<QByteArray> frames = sseFrames(fixture(QString::fromLatin1(file)));
        if (!std::any_of(frames.cbegin(), frames.cend(), isUsageOnly))
            frames.insert(frames.size() - 1, sseFrames(fixture(u"chat_stream_usage_chunk.composed.sse"_s)).constFirst());
        for (const QByteArray &frame : std::as_const(frames)) {
            if (withUsage || !isUsageOnly(frame))
                plan.events.append(frame);
        }
    };

    // Azure's embeddings answer is OpenAI's: the same recorded shape and fake vectors.
    if (embeddings && (scenario == "text"_L1 || scenario == "slow"_L1)) {
        plan = openAiEmbeddingsPlan(request.body, readFixture(u"openai"_s, u"embeddings_response.adapted.json"_s));
        plan.responseDelayMs = scenario == "slow"_L1 ? parsed.delayMs : 0;
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

    if (scenario == "content-filter"_L1) {
        errorPlan(400, "error_400_content_filter.json");
    } else if (scenario == "error-401"_L1) {
        errorPlan(401, "error_401_access_denied.composed.json");
    } else if (scenario == "error-404"_L1) {
        errorPlan(404, "error_404_deployment_not_found.composed.json");
    } else if (scenario == "error-429"_L1) {
        errorPlan(429, "error_429_rate_limit.composed.json");
        plan.headers.append({"Retry-After"_ba, "7"_ba});
    } else if (scenario == "error-500"_L1) {
        errorPlan(500, "error_500_server_error.composed.json");
    } else if (scenario == "reset"_L1 || scenario == "truncated"_L1 || scenario == "stall"_L1
               || scenario == "midstream-error"_L1) {
        streamPlan("chat_stream_prompt_filter_first_chunk.sse", false);
        if (scenario == "reset"_L1) {
            plan.events = plan.events.mid(0, 3);
            plan.end = ResponsePlan::End::Reset;
        } else if (scenario == "truncated"_L1) {
            plan.events = plan.events.mid(0, 3);
        } else if (scenario == "stall"_L1) {
            plan.events = plan.events.mid(0, 2);  // the prompt-filter chunk and the role chunk
            plan.end = ResponsePlan::End::Stall;
        } else {
            plan.events = plan.events.mid(0, 2);
            plan.events.append("data: " + kMidstreamError + "\n\n");
        }
    } else if (scenario == "redirect"_L1) {
        plan.status = 307;
        plan.headers.append({"Location"_ba, "http://127.0.0.2:9/openai/deployments/text/chat/completions"_ba});
    } else if (scenario == "garbage"_L1) {
        plan.body = "not json at all"_ba;
    } else if (scenario == "slow"_L1) {
        plan.body = fixture(u"chat_response_with_content_filter_results.json"_s);
        plan.responseDelayMs = parsed.delayMs;
    } else {
        errorPlan(404, "error_404_deployment_not_found.composed.json");
    }
    return plan;
}

} // namespace onegate::test
