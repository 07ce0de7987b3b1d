#include "AnthropicResponse.h"

#include "AnthropicToolIds.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace onegate::anthropic {

using namespace canonical;
using namespace Qt::StringLiterals;

QString finishReasonFor(const QString &stopReason)
{
    if (stopReason == "max_tokens"_L1 || stopReason == "model_context_window_exceeded"_L1)
        return finish::Length;
    if (stopReason == "tool_use"_L1)
        return finish::ToolCalls;
    // Gateway choice: a refusal is the model declining on safety grounds, which is what
    // content_filter tells an OpenAI client (the Vercel AI SDK maps it the same way).
    if (stopReason == "refusal"_L1)
        return finish::ContentFilter;
    // end_turn, stop_sequence, pause_turn, and whatever Anthropic adds later.
    return finish::Stop;
}

void UsageTally::merge(const QJsonObject &usage)
{
    if (usage.isEmpty())
        return;
    m_known = true;
    auto keepMax = [&usage](qint64 &field, QLatin1String name) {
        const QJsonValue value = usage.value(name);
        if (value.isDouble())
            field = qMax(field, value.toInteger());
    };
    keepMax(m_input, "input_tokens"_L1);
    keepMax(m_cacheCreation, "cache_creation_input_tokens"_L1);
    keepMax(m_cacheRead, "cache_read_input_tokens"_L1);
    keepMax(m_output, "output_tokens"_L1);
    const QJsonValue thinking =
        usage.value("output_tokens_details"_L1).toObject().value("thinking_tokens"_L1);
    if (thinking.isDouble())
        m_thinking = qMax(m_thinking, thinking.toInteger());
}

TokenUsage UsageTally::toTokenUsage() const
{
    TokenUsage usage;
    usage.known = m_known;
    usage.prompt = m_input + m_cacheCreation + m_cacheRead;
    usage.completion = m_output;
    usage.cached = m_cacheRead;
    usage.cacheWrite = m_cacheCreation;
    usage.reasoning = m_thinking;
    return usage;
}

Response decodeMessage(const QJsonObject &message)
{
    Response response;
    response.id = message.value("id"_L1).toString();
    response.model = message.value("model"_L1).toString();
    for (const QJsonValue &entry : message.value("content"_L1).toArray()) {
        const QJsonObject block = entry.toObject();
        const QString type = block.value("type"_L1).toString();
        if (type == "text"_L1) {
            // Citations split one answer into several text blocks: they read as one.
            response.text += block.value("text"_L1).toString();
        } else if (type == "thinking"_L1) {
            response.reasoning.append(Reasoning{
                block.value("thinking"_L1).toString(), block.value("signature"_L1).toString(), {}});
        } else if (type == "redacted_thinking"_L1) {
            response.reasoning.append(Reasoning{{}, {}, block.value("data"_L1).toString()});
        } else if (type == "tool_use"_L1) {
            const QJsonObject input = block.value("input"_L1).toObject();
            response.toolCalls.append(
                ToolCall{fromAnthropicToolId(block.value("id"_L1).toString()),
                         block.value("name"_L1).toString(),
                         QString::fromUtf8(QJsonDocument(input).toJson(QJsonDocument::Compact)),
                         {}});
        }
        // Server tool blocks (web search and the like) have no OpenAI Chat equivalent.
    }
    response.finishReason = finishReasonFor(message.value("stop_reason"_L1).toString());
    UsageTally usage;
    usage.merge(message.value("usage"_L1).toObject());
    response.usage = usage.toTokenUsage();
    return response;
}

ApiError errorFromAnthropic(int httpStatus, const QJsonObject &error, const QString &requestId)
{
    const QString type = error.value("type"_L1).toString();
    QString message = error.value("message"_L1).toString();
    if (message.isEmpty())
        message = httpStatus > 0 ? u"the provider answered HTTP %1"_s.arg(httpStatus)
                                 : u"the provider reported an error"_s;
    // Gateway choice: the request id goes in the message, where a user copying the
    // error to Anthropic's support will have it; the OpenAI error shape has no field.
    if (!requestId.isEmpty())
        message += u" (request_id: %1)"_s.arg(requestId);

    struct Mapping {
        QLatin1String anthropicType;
        int status;
        QLatin1String type;
        QLatin1String code;
    };
    static const Mapping kMappings[] = {
        {"invalid_request_error"_L1, 400, "invalid_request_error"_L1, {}},
        {"authentication_error"_L1, 401, "invalid_request_error"_L1, "invalid_api_key"_L1},
        {"permission_error"_L1, 403, "invalid_request_error"_L1, "permission_denied"_L1},
        {"not_found_error"_L1, 404, "invalid_request_error"_L1, "model_not_found"_L1},
        {"request_too_large"_L1, 413, "invalid_request_error"_L1, "request_too_large"_L1},
        {"rate_limit_error"_L1, 429, "requests"_L1, "rate_limit_exceeded"_L1},
        {"api_error"_L1, 500, "server_error"_L1, {}},
        // Gateway choice: 529 is not a status OpenAI clients know; 503 is what they
        // retry as "try again later".
        {"overloaded_error"_L1, 503, "server_error"_L1, "overloaded"_L1},
        {"timeout_error"_L1, 504, "server_error"_L1, "upstream_timeout"_L1},
    };
    ApiError out =
        ApiError::make(httpStatus, type.isEmpty() ? u"upstream_error"_s : type, {}, message);
    for (const Mapping &mapping : kMappings) {
        if (type != mapping.anthropicType)
            continue;
        // invalid_request_error also comes as 413 and such: keep a 4xx the provider chose.
        const bool keepStatus = mapping.status == 400 && httpStatus >= 400 && httpStatus < 500;
        out.status = keepStatus ? httpStatus : mapping.status;
        out.type = mapping.type;
        out.code = mapping.code;
        break;
    }
    if (out.status == 529)
        out.status = 503;
    if (out.status < 400)
        out.status = 502; // an error inside a 200 stream, or of an unknown type there
    out.retryable = out.status == 429 || out.status >= 500;
    return out;
}

} // namespace onegate::anthropic
