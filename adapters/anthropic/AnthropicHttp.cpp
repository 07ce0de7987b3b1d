#include "AnthropicHttp.h"

#include "AnthropicRequest.h"

namespace onegate::anthropic {

using namespace Qt::StringLiterals;

QUrl apiUrl(const ProviderSettings &provider, QStringView path)
{
    QUrl url = provider.baseUrl;
    QString base = url.path();
    while (base.endsWith(u'/'))
        base.chop(1);
    if (!base.endsWith("/v1"_L1))
        base += "/v1"_L1;
    url.setPath(base + path);
    return url;
}

void addApiHeaders(UpstreamRequest &request, const ProviderSettings &provider, const QByteArray &apiKey,
                   const QList<QPair<QByteArray, QByteArray>> &clientHeaders)
{
    if (!apiKey.isEmpty())
        request.headers.append({"x-api-key"_ba, apiKey});
    auto pinned = [&provider](QByteArrayView header) {
        for (const auto &[name, value] : provider.extraHeaders) {
            if (name.compare(header, Qt::CaseInsensitive) == 0)
                return true;
        }
        return false;
    };
    QByteArray version = kApiVersion;
    for (const auto &[name, value] : clientHeaders) {
        if (name.compare("anthropic-version", Qt::CaseInsensitive) == 0 && !value.isEmpty())
            version = value;
        else if (name.compare("anthropic-beta", Qt::CaseInsensitive) == 0 && !value.isEmpty() && !pinned(name))
            request.headers.append({"anthropic-beta"_ba, value});
    }
    if (!pinned("anthropic-version"))
        request.headers.append({"anthropic-version"_ba, version});
    request.headers.append(provider.extraHeaders);
}

} // namespace onegate::anthropic
