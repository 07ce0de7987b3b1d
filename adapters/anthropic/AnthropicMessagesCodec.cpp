#include "AnthropicMessagesCodec.h"

#include "AnthropicHttp.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace onegate {

using namespace Qt::StringLiterals;

namespace {

ApiError relayedError(int status, const QJsonObject &error, const QByteArray &body, const QByteArray &contentType)
{
    // The fields are what the router and the usage log read; the client gets `body`.
    ApiError out = anthropic::errorFromAnthropic(status, error, {});
    if (error.value("type"_L1).toString() == "overloaded_error"_L1)
        out.status = 529;  // an Anthropic client knows it (errorFromAnthropic says 503 for OpenAI's)
    else if (status >= 400)
        out.status = status;
    out.upstreamBody = body;
    out.upstreamContentType = contentType.isEmpty() ? "application/json"_ba : contentType;
    out.upstreamDialect = WireDialect::AnthropicMessages;
    return out;
}

ApiError badStream(const QString &message)
{
    return ApiError::make(502, u"upstream_error"_s, u"bad_upstream_response"_s, message, true);
}

// Whether the client declared Anthropic's beta that allows system turns mid-conversation
// (Claude Code sends them with it to model names it does not know).
bool allowsSystemTurns(const QList<QPair<QByteArray, QByteArray>> &clientHeaders)
{
    for (const auto &[name, value] : clientHeaders) {
        if (name.compare("anthropic-beta", Qt::CaseInsensitive) == 0 && value.contains("mid-conversation-system"))
            return true;
    }
    return false;
}

// Without that beta Anthropic's API refuses a `role: "system"` message. Such messages
// move into the top-level `system`, after what is there, as text blocks; nothing else
// changes.
void hoistSystemMessages(QJsonObject &body)
{
    const QJsonArray messages = body.value("messages"_L1).toArray();
    QJsonArray kept;
    QJsonArray system;
    for (const QJsonValue &value : messages) {
        const QJsonObject message = value.toObject();
        if (message.value("role"_L1).toString() != "system"_L1) {
            kept.append(value);
            continue;
        }
        const QJsonValue content = message.value("content"_L1);
        if (content.isString())
            system.append(QJsonObject{{"type"_L1, "text"_L1}, {"text"_L1, content}});
        else
            for (const QJsonValue &block : content.toArray())
                system.append(block);
    }
    if (system.isEmpty())
        return;
    QJsonArray merged;
    const QJsonValue existing = body.value("system"_L1);
    if (existing.isString() && !existing.toString().isEmpty())
        merged.append(QJsonObject{{"type"_L1, "text"_L1}, {"text"_L1, existing}});
    else
        merged = existing.toArray();
    for (const QJsonValue &block : std::as_const(system))
        merged.append(block);
    body.insert("system"_L1, merged);
    body.insert("messages"_L1, kept);
}

} // namespace

std::variant<UpstreamRequest, ApiError> AnthropicMessagesCodec::chatRequest(const ChatCall &call) const
{
    QJsonObject body = call.nativeBody;
    body.insert("model"_L1, call.upstreamModel);
    if (!allowsSystemTurns(call.clientHeaders))
        hoistSystemMessages(body);
    UpstreamRequest request;
    request.url = anthropic::apiUrl(*call.provider, u"/messages");
    request.body = QJsonDocument(body).toJson(QJsonDocument::Compact);
    request.headers = {
        {"Content-Type"_ba, "application/json"_ba},
        {"Accept"_ba, call.stream ? "text/event-stream"_ba : "application/json"_ba},
    };
    anthropic::addApiHeaders(request, *call.provider, call.apiKey, call.clientHeaders);
    return request;
}

std::unique_ptr<ChatStreamDecoder> AnthropicMessagesCodec::streamDecoder(const ChatCall &) const
{
    return std::make_unique<AnthropicRelayDecoder>();
}

ChatResult AnthropicMessagesCodec::decodeChat(const ChatCall &, const QByteArray &body) const
{
    ChatResult result;
    const QJsonObject message = QJsonDocument::fromJson(body).object();
    if (message.value("type"_L1).toString() == "error"_L1) {
        result.error = relayedError(0, message.value("error"_L1).toObject(), body, {});
        return result;
    }
    if (message.value("type"_L1).toString() != "message"_L1) {
        result.error = badStream(u"the provider's answer is not an Anthropic message"_s);
        return result;
    }
    anthropic::UsageTally usage;
    usage.merge(message.value("usage"_L1).toObject());
    result.usage = usage.toTokenUsage();
    result.body = body;
    return result;
}

ApiError AnthropicMessagesCodec::mapError(int status, const QByteArray &body, const QByteArray &contentType) const
{
    const QJsonObject object = QJsonDocument::fromJson(body).object();
    const QJsonObject error = object.value("error"_L1).toObject();
    if (object.value("type"_L1).toString() == "error"_L1 && !error.isEmpty())
        return relayedError(status, error, body, contentType);
    const QString snippet = QString::fromUtf8(body.left(300)).simplified();
    ApiError out = anthropic::errorFromAnthropic(
        status, QJsonObject{{"message"_L1, snippet.isEmpty() ? u"the provider answered HTTP %1"_s.arg(status)
                                                             : u"the provider answered HTTP %1: %2"_s.arg(status).arg(snippet)}},
        {});
    out.status = status >= 400 ? status : 502;
    out.retryable = out.status == 429 || out.status >= 500;
    return out;
}

void AnthropicRelayDecoder::feed(QByteArrayView bytes, ChatStreamSink &sink)
{
    if (m_ended)
        return;
    if (!m_parser.feed(bytes, m_events)) {
        m_ended = true;
        sink.streamFailed(badStream(u"the provider sent a stream event larger than the gateway accepts"_s));
        return;
    }
    const QList<SseEvent> events = std::exchange(m_events, {});
    for (const SseEvent &event : events) {
        if (m_ended)
            return;
        handle(event, sink);
    }
}

void AnthropicRelayDecoder::handle(const SseEvent &event, ChatStreamSink &sink)
{
    const QJsonObject data = QJsonDocument::fromJson(event.data).object();
    const QByteArray name = event.event.isEmpty() ? data.value("type"_L1).toString().toUtf8() : event.event;
    const QByteArray frame = "event: " + name + "\ndata: " + event.data + "\n\n";
    if (name == "error") {
        m_ended = true;
        ApiError error = relayedError(0, data.value("error"_L1).toObject(), event.data, "application/json"_ba);
        sink.streamFailed(error);
        return;
    }
    if (name == "message_start")
        m_usage.merge(data.value("message"_L1).toObject().value("usage"_L1).toObject());
    else if (name == "message_delta")
        m_usage.merge(data.value("usage"_L1).toObject());
    if (name == "message_stop") {
        m_ended = true;
        sink.streamUsage(m_usage.toTokenUsage());
        sink.streamCompleted(frame);
        return;
    }
    sink.streamFrame(frame, name == "content_block_delta");
    if (name == "message_delta")
        sink.streamUsage(m_usage.toTokenUsage());
}

void AnthropicRelayDecoder::finish(ChatStreamSink &sink)
{
    if (m_ended)
        return;
    m_ended = true;
    sink.streamFailed(badStream(u"the provider's stream ended before message_stop"_s));
}

} // namespace onegate
