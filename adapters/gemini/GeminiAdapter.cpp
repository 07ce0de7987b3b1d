#include "GeminiAdapter.h"

#include "GeminiEmbeddingsCodec.h"
#include "GeminiRequest.h"
#include "GeminiResponse.h"
#include "GeminiStreamDecoder.h"
#include "openai/OpenAiChatCodec.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace onegate {

using namespace Qt::StringLiterals;

QUrl geminiEndpoint(const ProviderSettings &provider, const QString &suffix, const QString &query)
{
    QUrl url = provider.baseUrl;
    url.setPath(url.path(QUrl::FullyEncoded) + suffix, QUrl::TolerantMode);
    if (!query.isEmpty())
        url.setQuery(query, QUrl::TolerantMode);
    return url;
}

void addGeminiHeaders(UpstreamRequest &request, const ProviderSettings &provider,
                      const QByteArray &apiKey, bool stream)
{
    request.headers.append({"Accept"_ba, stream ? "text/event-stream"_ba : "application/json"_ba});
    if (!apiKey.isEmpty())
        request.headers.append({"x-goog-api-key"_ba, apiKey});
    request.headers.append(provider.extraHeaders);
}

namespace {

ApiError badBody(const QString &what)
{
    return ApiError::make(502, u"upstream_error"_s, u"bad_upstream_response"_s, what, true);
}

} // namespace

std::variant<UpstreamRequest, ApiError> GeminiAdapter::chatRequest(const ChatCall &call) const
{
    auto decoded = decodeOpenAiChatRequest(call.body);
    if (const ApiError *error = std::get_if<ApiError>(&decoded))
        return *error;
    auto built = gemini::buildRequest(std::get<canonical::Request>(decoded));
    if (const ApiError *error = std::get_if<ApiError>(&built))
        return *error;

    const QString model = QString::fromLatin1(QUrl::toPercentEncoding(call.upstreamModel));
    UpstreamRequest request;
    request.url =
        call.stream
            ? geminiEndpoint(*call.provider, u"/v1beta/models/%1:streamGenerateContent"_s.arg(model),
                             u"alt=sse"_s)
            : geminiEndpoint(*call.provider, u"/v1beta/models/%1:generateContent"_s.arg(model));
    request.body = QJsonDocument(std::get<QJsonObject>(built)).toJson(QJsonDocument::Compact);
    request.headers.append({"Content-Type"_ba, "application/json"_ba});
    addGeminiHeaders(request, *call.provider, call.apiKey, call.stream);
    return request;
}

std::unique_ptr<ChatStreamDecoder> GeminiAdapter::streamDecoder(const ChatCall &call) const
{
    return std::make_unique<GeminiStreamDecoder>(call.upstreamModel, call.clientWantsUsage);
}

ChatResult GeminiAdapter::decodeChat(const ChatCall &call, const QByteArray &body) const
{
    ChatResult result;
    QJsonParseError parseError{};
    const QJsonDocument doc = QJsonDocument::fromJson(body, &parseError);
    if (!doc.isObject()) {
        result.error =
            badBody(u"the provider answered with invalid JSON: %1"_s.arg(parseError.errorString()));
        return result;
    }
    auto decoded = gemini::decodeResponse(doc.object(), call.upstreamModel);
    if (const ApiError *error = std::get_if<ApiError>(&decoded)) {
        result.error = *error;
        return result;
    }
    const canonical::Response &response = std::get<canonical::Response>(decoded);
    result.body = QJsonDocument(encodeOpenAiChatResponse(response)).toJson(QJsonDocument::Compact);
    result.usage = response.usage;
    return result;
}

ApiError GeminiAdapter::mapError(int status, const QByteArray &body, const QByteArray &) const
{
    return geminiUpstreamError(status, body);
}

const ChatCodec *GeminiAdapter::embeddingsCodec(const ProviderSettings &) const
{
    static const GeminiEmbeddingsCodec embeddings;
    return &embeddings;
}

ApiError geminiUpstreamError(int status, const QByteArray &body)
{
    const QJsonObject error = gemini::errorObjectOf(body);
    if (!error.isEmpty())
        return gemini::apiErrorFromGemini(status, error);
    // Not Gemini-shaped (a proxy's HTML page, an empty body): describe it in our shape.
    ApiError mapped = gemini::apiErrorFromGemini(status, {});
    const QString snippet = QString::fromUtf8(body.left(300)).simplified();
    mapped.message = snippet.isEmpty()
                         ? u"the provider answered HTTP %1"_s.arg(status)
                         : u"the provider answered HTTP %1: %2"_s.arg(status).arg(snippet);
    return mapped;
}

UpstreamRequest GeminiAdapter::modelListRequest(const ProviderSettings &provider,
                                                const QByteArray &apiKey) const
{
    UpstreamRequest request;
    request.method = "GET"_ba;
    request.url = geminiEndpoint(provider, u"/v1beta/models"_s, u"pageSize=1000"_s);
    addGeminiHeaders(request, provider, apiKey, false);
    return request;
}

ModelListResult GeminiAdapter::decodeModelList(const QByteArray &body) const
{
    ModelListResult result;
    const QJsonDocument doc = QJsonDocument::fromJson(body);
    const QJsonValue models = doc.object().value("models"_L1);
    // An empty page is `{}`: no models at all.
    if (!doc.isObject() || !(models.isArray() || models.isUndefined())) {
        result.error = badBody(u"the provider's model list is not a Gemini ListModels answer"_s);
        return result;
    }
    for (const QJsonValue &entry : models.toArray()) {
        const QJsonObject model = entry.toObject();
        if (!model.value("supportedGenerationMethods"_L1).toArray().contains("generateContent"_L1))
            continue;
        QString id = model.value("name"_L1).toString();
        if (id.startsWith("models/"_L1))
            id = id.sliced(7);
        if (!id.isEmpty())
            result.models.append(id);
    }
    return result;
}

} // namespace onegate
