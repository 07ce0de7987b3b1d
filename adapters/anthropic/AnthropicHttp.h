#pragma once

#include "core/ProviderSettings.h"
#include "core/UpstreamCall.h"

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QStringView>
#include <QUrl>

namespace onegate::anthropic {

// {base_url}/v1{path}. base_url is the origin (CONTRACT.md), maybe behind a path prefix
// of a proxy; a base that already ends in /v1 is taken as meant, not doubled (a common
// paste).
QUrl apiUrl(const ProviderSettings &provider, QStringView path);

// x-api-key, anthropic-version and the provider's own headers. The version is, in order:
// the provider's pinned one (its headers), the client's (`clientHeaders`, a client that
// speaks Anthropic itself), else kApiVersion. The client's anthropic-beta is forwarded
// too, unless the provider pins its own.
void addApiHeaders(UpstreamRequest &request, const ProviderSettings &provider, const QByteArray &apiKey,
                   const QList<QPair<QByteArray, QByteArray>> &clientHeaders = {});

} // namespace onegate::anthropic
