#include "OpenAiResponsesCodec.h"

#include "OpenAiAdapter.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace onegate {

namespace {

ApiError badStream(const QString &message)
{
    return ApiError::make(502, QStringLiteral("upstream_error"), QStringLiteral("bad_upstream_response"), message,
                          true);
}

// A failure the provider reported inside its stream ({code, message}); no HTTP status
// came with it, so the code decides the one the router and the client see.
ApiError streamedError(const QJsonObject &error)
{
    const QString code = error.value(QLatin1String("code")).toString();
    const int status = code == QLatin1String("rate_limit_exceeded") ? 429
        : code == QLatin1String("context_length_exceeded") || code == QLatin1String("invalid_prompt") ? 400
                                                                                                      : 502;
    QString message = error.value(QLatin1String("message")).toString();
    if (message.isEmpty())
        message = QStringLiteral("the provider reported an error");
    return ApiError::make(status, status == 400 ? QStringLiteral("invalid_request_error") : QStringLiteral("server_error"),
                          code, message, status != 400);
}

} // namespace

TokenUsage OpenAiResponsesCodec::usage(const QJsonObject &responsesUsage)
{
    TokenUsage usage;
    if (responsesUsage.isEmpty())
        return usage;
    usage.known = true;
    usage.prompt = responsesUsage.value(QLatin1String("input_tokens")).toInteger();
    usage.completion = responsesUsage.value(QLatin1String("output_tokens")).toInteger();
    usage.cached = responsesUsage.value(QLatin1String("input_tokens_details")).toObject()
                       .value(QLatin1String("cached_tokens")).toInteger();
    usage.reasoning = responsesUsage.value(QLatin1String("output_tokens_details")).toObject()
                          .value(QLatin1String("reasoning_tokens")).toInteger();
    return usage;
}

std::variant<UpstreamRequest, ApiError> OpenAiResponsesCodec::chatRequest(const ChatCall &call) const
{
    QJsonObject body = call.nativeBody;
    body.insert(QLatin1String("model"), call.upstreamModel);
    UpstreamRequest request;
    request.url = openAiEndpoint(*call.provider, u"/responses");
    request.body = QJsonDocument(body).toJson(QJsonDocument::Compact);
    request.headers = {
        {QByteArrayLiteral("Content-Type"), QByteArrayLiteral("application/json")},
        {QByteArrayLiteral("Accept"),
         call.stream ? QByteArrayLiteral("text/event-stream") : QByteArrayLiteral("application/json")},
    };
    addOpenAiHeaders(request, *call.provider, call.apiKey);
    return request;
}

std::unique_ptr<ChatStreamDecoder> OpenAiResponsesCodec::streamDecoder(const ChatCall &) const
{
    return std::make_unique<OpenAiResponsesRelayDecoder>();
}

ChatResult OpenAiResponsesCodec::decodeChat(const ChatCall &, const QByteArray &body) const
{
    ChatResult result;
    const QJsonObject response = QJsonDocument::fromJson(body).object();
    if (response.value(QLatin1String("object")).toString() != QLatin1String("response")) {
        result.error = badStream(QStringLiteral("the provider's answer is not a Responses API response"));
        return result;
    }
    result.body = body;
    result.usage = usage(response.value(QLatin1String("usage")).toObject());
    return result;
}

ApiError OpenAiResponsesCodec::mapError(int status, const QByteArray &body, const QByteArray &contentType) const
{
    return openAiUpstreamError(status, body, contentType);
}

void OpenAiResponsesRelayDecoder::feed(QByteArrayView bytes, ChatStreamSink &sink)
{
    if (m_ended)
        return;
    if (!m_parser.feed(bytes, m_events)) {
        m_ended = true;
        sink.streamFailed(badStream(QStringLiteral("the provider sent a stream event larger than the gateway accepts")));
        return;
    }
    const QList<SseEvent> events = std::exchange(m_events, {});
    for (const SseEvent &event : events) {
        if (m_ended)
            return;
        handle(event, sink);
    }
}

void OpenAiResponsesRelayDecoder::handle(const SseEvent &event, ChatStreamSink &sink)
{
    const QJsonObject data = QJsonDocument::fromJson(event.data).object();
    const QByteArray type = data.value(QLatin1String("type")).toString().toUtf8();
    const QByteArray name = event.event.isEmpty() ? type : event.event;
    const QByteArray frame = "event: " + name + "\ndata: " + event.data + "\n\n";
    if (type == "response.failed" || type == "error") {
        m_ended = true;
        const QJsonObject error = type == "error" ? data : data.value(QLatin1String("response")).toObject()
                                                                .value(QLatin1String("error")).toObject();
        sink.streamFailed(streamedError(error));
        return;
    }
    if (type == "response.completed" || type == "response.incomplete") {
        m_ended = true;
        sink.streamUsage(OpenAiResponsesCodec::usage(
            data.value(QLatin1String("response")).toObject().value(QLatin1String("usage")).toObject()));
        sink.streamCompleted(frame);
        return;
    }
    sink.streamFrame(frame, type.endsWith(".delta"));
}

void OpenAiResponsesRelayDecoder::finish(ChatStreamSink &sink)
{
    if (m_ended)
        return;
    m_ended = true;
    sink.streamFailed(badStream(QStringLiteral("the provider's stream ended before response.completed")));
}

} // namespace onegate
