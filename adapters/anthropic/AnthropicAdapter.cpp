#include "AnthropicAdapter.h"

#include "AnthropicHttp.h"
#include "AnthropicMessagesCodec.h"
#include "AnthropicRequest.h"
#include "AnthropicResponse.h"
#include "AnthropicStreamDecoder.h"
#include "openai/OpenAiChatCodec.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace onegate {

using namespace Qt::StringLiterals;

namespace {

ApiError badResponse(const QString &message)
{
    return ApiError::make(502, u"upstream_error"_s, u"bad_upstream_response"_s, message, true);
}

} // namespace

std::variant<UpstreamRequest, ApiError> AnthropicAdapter::chatRequest(const ChatCall &call) const
{
    auto decoded = decodeOpenAiChatRequest(call.body);
    if (const ApiError *error = std::get_if<ApiError>(&decoded))
        return *error;
    canonical::Request &chat = std::get<canonical::Request>(decoded);
    anthropic::joinStreamedThinking(call.body.value("messages"_L1).toArray(), chat);
    auto body = anthropic::buildMessagesBody(chat, call.upstreamModel, call.stream);
    if (const ApiError *error = std::get_if<ApiError>(&body))
        return *error;

    UpstreamRequest request;
    request.url = anthropic::apiUrl(*call.provider, u"/messages");
    request.body = QJsonDocument(std::get<QJsonObject>(body)).toJson(QJsonDocument::Compact);
    request.headers = {
        {"Content-Type"_ba, "application/json"_ba},
        {"Accept"_ba, call.stream ? "text/event-stream"_ba : "application/json"_ba},
    };
    anthropic::addApiHeaders(request, *call.provider, call.apiKey);
    return request;
}

std::unique_ptr<ChatStreamDecoder> AnthropicAdapter::streamDecoder(const ChatCall &call) const
{
    return std::make_unique<AnthropicStreamDecoder>(call.upstreamModel, call.clientWantsUsage);
}

ChatResult AnthropicAdapter::decodeChat(const ChatCall &call, const QByteArray &body) const
{
    ChatResult result;
    QJsonParseError parseError{};
    const QJsonDocument doc = QJsonDocument::fromJson(body, &parseError);
    if (!doc.isObject()) {
        result.error = badResponse(
            u"the provider answered with invalid JSON: %1"_s.arg(parseError.errorString()));
        return result;
    }
    const QJsonObject message = doc.object();
    if (message.value("type"_L1).toString() == "error"_L1) {
        result.error = anthropic::errorFromAnthropic(0, message.value("error"_L1).toObject(),
                                                     message.value("request_id"_L1).toString());
        return result;
    }
    if (!message.value("content"_L1).isArray()) {
        result.error = badResponse(u"the provider's answer is not an Anthropic message"_s);
        return result;
    }
    canonical::Response response = anthropic::decodeMessage(message);
    if (response.model.isEmpty())
        response.model = call.upstreamModel;
    result.usage = response.usage;
    result.body = QJsonDocument(encodeOpenAiChatResponse(response)).toJson(QJsonDocument::Compact);
    return result;
}

ApiError AnthropicAdapter::mapError(int status, const QByteArray &body, const QByteArray &) const
{
    const QJsonObject object = QJsonDocument::fromJson(body).object();
    const QJsonObject error = object.value("error"_L1).toObject();
    if (!error.isEmpty())
        return anthropic::errorFromAnthropic(status, error,
                                             object.value("request_id"_L1).toString());
    // Not Anthropic-shaped (a proxy's HTML page, a load balancer): describe it ourselves.
    const QString snippet = QString::fromUtf8(body.left(300)).simplified();
    QJsonObject described{
        {"message"_L1, snippet.isEmpty()
                           ? u"the provider answered HTTP %1"_s.arg(status)
                           : u"the provider answered HTTP %1: %2"_s.arg(status).arg(snippet)}};
    ApiError out = anthropic::errorFromAnthropic(status, described, {});
    out.type = status >= 500 ? u"upstream_error"_s : u"invalid_request_error"_s;
    return out;
}

const ChatCodec *AnthropicAdapter::nativeCodec(WireDialect dialect, const ProviderSettings &) const
{
    static const AnthropicMessagesCodec messages;
    return dialect == WireDialect::AnthropicMessages ? &messages : nullptr;
}

UpstreamRequest AnthropicAdapter::modelListRequest(const ProviderSettings &provider,
                                                   const QByteArray &apiKey) const
{
    UpstreamRequest request;
    request.method = "GET"_ba;
    request.url = anthropic::apiUrl(provider, u"/models");
    request.url.setQuery(u"limit=1000"_s);
    request.headers = {{"Accept"_ba, "application/json"_ba}};
    anthropic::addApiHeaders(request, provider, apiKey);
    return request;
}

ModelListResult AnthropicAdapter::decodeModelList(const QByteArray &body) const
{
    ModelListResult result;
    const QJsonDocument doc = QJsonDocument::fromJson(body);
    if (!doc.isObject() || !doc.object().value("data"_L1).isArray()) {
        result.error = badResponse(u"the provider's model list is not an Anthropic list"_s);
        return result;
    }
    for (const QJsonValue &entry : doc.object().value("data"_L1).toArray()) {
        const QString id = entry.toObject().value("id"_L1).toString();
        if (!id.isEmpty())
            result.models.append(id);
    }
    return result;
}

} // namespace onegate
