#include "AzureAdapter.h"

#include "AzureEmbeddingsCodec.h"
#include "AzureStreamDecoder.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QUrlQuery>

namespace onegate {

namespace {

QLatin1String key(const char *name)
{
    return QLatin1String(name);
}

QString apiVersionOf(const ProviderSettings &provider)
{
    return provider.apiVersion.isEmpty() ? QString(AzureAdapter::kDefaultApiVersion) : provider.apiVersion;
}

// {base_url}/openai/{encodedPath}?api-version=...: Azure wants the version on every call.
QUrl endpoint(const ProviderSettings &provider, const QString &encodedPath, const QString &apiVersion)
{
    QUrl url = provider.baseUrl;
    QString base = url.path(QUrl::FullyEncoded);
    while (base.endsWith(QLatin1Char('/')))
        base.chop(1);
    url.setPath(base + QLatin1String("/openai/") + encodedPath, QUrl::TolerantMode);
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("api-version"), apiVersion);
    url.setQuery(query);
    return url;
}

void addCommonHeaders(UpstreamRequest &request, const ProviderSettings &provider,
                      const QByteArray &apiKey)
{
    // Azure's resource keys go in `api-key`; an Authorization header would be taken for
    // an Entra ID token and refused.
    if (!apiKey.isEmpty())
        request.headers.append({QByteArrayLiteral("api-key"), apiKey});
    request.headers.append(provider.extraHeaders);
}

bool isDated(const QString &version)
{
    if (version.size() < 10 || version.at(4) != QLatin1Char('-') || version.at(7) != QLatin1Char('-'))
        return false;
    for (const int i : {0, 1, 2, 3, 5, 6, 8, 9}) {
        if (!version.at(i).isDigit())
            return false;
    }
    return true;
}

// Azure's own error bodies carry only code and message; the OpenAI shape every client of
// the gateway may rely on has message, type, param and code. Returns the body unchanged
// when it already has them all.
QByteArray withOpenAiErrorFields(const QByteArray &body)
{
    QJsonObject document = QJsonDocument::fromJson(body).object();
    const QJsonValue inner = document.value(key("error"));
    QJsonObject error = inner.isObject() ? inner.toObject() : QJsonObject{{key("message"), inner.toString()}};
    bool changed = !inner.isObject();
    if (error.value(key("message")).toString().isEmpty()) {
        error.insert(key("message"), QStringLiteral("the provider answered with an error"));
        changed = true;
    }
    for (const char *field : {"type", "param", "code"}) {
        if (!error.contains(key(field))) {
            error.insert(key(field), QJsonValue(QJsonValue::Null));
            changed = true;
        }
    }
    // Azure sends codes such as "401" as strings, but be safe with a number.
    if (error.value(key("code")).isDouble()) {
        error.insert(key("code"), QString::number(error.value(key("code")).toInteger()));
        changed = true;
    }
    if (!changed)
        return body;
    document.insert(key("error"), error);
    return QJsonDocument(document).toJson(QJsonDocument::Compact);
}

} // namespace

bool AzureAdapter::acceptsStreamOptions(const QString &apiVersion)
{
    // stream_options arrived with 2024-09-01-preview (and is in GA from 2024-10-21).
    // Undated versions ("v1", "preview", "latest") name the newer surfaces.
    if (!isDated(apiVersion))
        return true;
    return QStringView(apiVersion).left(10) >= QLatin1String("2024-09-01");
}

std::variant<UpstreamRequest, ApiError> AzureAdapter::deploymentRequest(const ChatCall &call,
                                                                        QLatin1String operation)
{
    // Percent-encoding keeps the name one path segment, but leaves "." and ".." to be
    // resolved as dot segments by whoever reads the path.
    const QString &name = call.upstreamModel;
    if (name.isEmpty() || name == QLatin1String(".") || name == QLatin1String(".."))
        return ApiError::invalidRequest(QStringLiteral("'%1' is not an Azure deployment name").arg(name),
                                        QStringLiteral("model"));
    const ProviderSettings &provider = *call.provider;
    const QString apiVersion = apiVersionOf(provider);
    UpstreamRequest request;
    const QString deployment = QString::fromLatin1(QUrl::toPercentEncoding(name));
    request.url = endpoint(provider, QLatin1String("deployments/") + deployment + QLatin1Char('/') + operation,
                           apiVersion);
    request.body = openAiPassThroughBody(call, acceptsStreamOptions(apiVersion));
    request.headers = {
        {QByteArrayLiteral("Content-Type"), QByteArrayLiteral("application/json")},
        {QByteArrayLiteral("Accept"), call.stream ? QByteArrayLiteral("text/event-stream")
                                                  : QByteArrayLiteral("application/json")},
    };
    addCommonHeaders(request, provider, call.apiKey);
    return request;
}

std::variant<UpstreamRequest, ApiError> AzureAdapter::chatRequest(const ChatCall &call) const
{
    return deploymentRequest(call, QLatin1String("chat/completions"));
}

std::unique_ptr<ChatStreamDecoder> AzureAdapter::streamDecoder(const ChatCall &call) const
{
    return std::make_unique<AzureStreamDecoder>(call.clientWantsUsage);
}

ChatResult AzureAdapter::decodeChat(const ChatCall &call, const QByteArray &body) const
{
    // Relayed byte for byte: prompt_filter_results and content_filter_results included.
    return m_openAi.decodeChat(call, body);
}

ApiError AzureAdapter::mapError(int status, const QByteArray &body, const QByteArray &contentType) const
{
    return azureUpstreamError(status, body, contentType);
}

const ChatCodec *AzureAdapter::embeddingsCodec(const ProviderSettings &) const
{
    static const AzureEmbeddingsCodec embeddings;
    return &embeddings;
}

ApiError azureUpstreamError(int status, const QByteArray &body, const QByteArray &contentType)
{
    ApiError error = openAiUpstreamError(status, body, contentType);
    if (!error.upstreamBody.isEmpty())
        error.upstreamBody = withOpenAiErrorFields(error.upstreamBody);
    return error;
}

UpstreamRequest AzureAdapter::modelListRequest(const ProviderSettings &provider,
                                               const QByteArray &apiKey) const
{
    UpstreamRequest request;
    request.method = QByteArrayLiteral("GET");
    request.url = endpoint(provider, QStringLiteral("deployments"), kDeploymentListApiVersion);
    request.headers = {{QByteArrayLiteral("Accept"), QByteArrayLiteral("application/json")}};
    addCommonHeaders(request, provider, apiKey);
    return request;
}

ModelListResult AzureAdapter::decodeModelList(const QByteArray &body) const
{
    // {"data":[{"id":<deployment>,"model":<base model>,"status":"succeeded",...}],"object":"list"}
    ModelListResult result;
    const QJsonValue data = QJsonDocument::fromJson(body).object().value(key("data"));
    if (!data.isArray()) {
        result.error = ApiError::make(502, QStringLiteral("upstream_error"), QStringLiteral("bad_upstream_response"),
                                      QStringLiteral("the provider's deployment list is not a list"));
        return result;
    }
    for (const QJsonValue &entry : data.toArray()) {
        const QJsonObject deployment = entry.toObject();
        const QString id = deployment.value(key("id")).toString();
        // A deployment still being created, failed or being deleted cannot answer yet.
        const QJsonValue status = deployment.value(key("status"));
        if (!id.isEmpty() && (status.isUndefined() || status.toString() == QLatin1String("succeeded")))
            result.models.append(id);
    }
    return result;
}

} // namespace onegate
