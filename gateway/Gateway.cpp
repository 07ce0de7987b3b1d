#include "Gateway.h"

#include "config/ListenAddress.h"
#include "http/GuardedTcpServer.h"
#include "http/HttpFront.h"
#include "http/HttpResponses.h"
#include "dialects/AnthropicMessagesClient.h"
#include "dialects/AnthropicRequestDecoder.h"
#include "dialects/AnthropicTokenEstimate.h"
#include "dialects/OpenAiChatDialect.h"
#include "dialects/OpenAiCompletionsClient.h"
#include "dialects/OpenAiCompletionsRequestDecoder.h"
#include "dialects/OpenAiResponsesClient.h"
#include "dialects/OpenAiResponsesRequestDecoder.h"
#include "relay/CountTokensRelay.h"
#include "http/EndpointTable.h"
#include "relay/ChatExchange.h"
#include "routing/ProviderRuntime.h"
#include "usage/UsageRecorder.h"

#include <QDateTime>
#include <QHostAddress>
#include <QHttpServerRequest>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTcpSocket>
#include <QTimer>
#include <QUrlQuery>
#include <cmath>
#include <utility>

#ifdef Q_OS_UNIX
#include <fcntl.h>
#include <unistd.h>
#endif

namespace onegate {

namespace {

using Method = QHttpServerRequest::Method;

const QByteArray kJson = QByteArrayLiteral("application/json");

QByteArray toJson(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

QByteArray healthJson(const HealthSnapshot &snapshot)
{
    QJsonArray routes;
    for (const RouteHealth &route : snapshot.routes) {
        routes.append(QJsonObject{
            {QLatin1String("provider"), route.provider},
            {QLatin1String("model"), route.model},
            {QLatin1String("state"), breakerStateName(route.state)},
            {QLatin1String("ttfb_ms"), route.ttfbMs < 0 ? QJsonValue() : QJsonValue(std::round(route.ttfbMs * 10) / 10)},
            {QLatin1String("success_rate"), std::round(route.successRate * 1000) / 1000},
            {QLatin1String("consecutive_failures"), route.consecutiveFailures},
            {QLatin1String("cooldown_left_ms"), route.cooldownLeftMs},
            {QLatin1String("in_flight"), route.inFlight},
            {QLatin1String("successes"), qint64(route.successes)},
            {QLatin1String("failures"), qint64(route.failures)},
            {QLatin1String("last_error"), route.lastError.isEmpty() ? QJsonValue() : QJsonValue(route.lastError)},
            {QLatin1String("last_error_at"),
             route.lastErrorAtMs == 0 ? QJsonValue()
                                      : QJsonValue(QDateTime::fromMSecsSinceEpoch(route.lastErrorAtMs, Qt::UTC)
                                                       .toString(Qt::ISODateWithMs))},
        });
    }
    QJsonArray keys;
    for (const KeyHealth &key : snapshot.coolingKeys) {
        keys.append(QJsonObject{{QLatin1String("provider"), key.provider},
                                {QLatin1String("key_index"), key.index},
                                {QLatin1String("cooldown_left_ms"), key.cooldownLeftMs}});
    }
    return toJson({{QLatin1String("routes"), routes}, {QLatin1String("cooling_keys"), keys}});
}

// The error shapes before a request's own dialect object exists.
const OpenAiChatClient kOpenAiErrors;
const AnthropicMessagesClient kAnthropicErrors{QString(), 0};

QString isoTime(qint64 secondsSinceEpoch)
{
    return QDateTime::fromSecsSinceEpoch(secondsSinceEpoch, Qt::UTC).toString(Qt::ISODate);
}

// The headers of an Anthropic client that a provider speaking Anthropic should see.
HeaderPairs anthropicClientHeaders(const QHttpServerRequest &request)
{
    HeaderPairs headers;
    for (const QByteArray &name : {QByteArrayLiteral("anthropic-version"), QByteArrayLiteral("anthropic-beta")}) {
        const QByteArray value = request.value(name).trimmed();
        if (!value.isEmpty())
            headers.append({name, value});
    }
    return headers;
}

// Each dialect's answers are cached apart: the same question asked in two dialects is
// two entries (a translation may not be the same request).
QString cacheScope(WireDialect dialect)
{
    switch (dialect) {
    case WireDialect::AnthropicMessages:
        return QStringLiteral("anthropic-messages");
    case WireDialect::OpenAiResponses:
        return QStringLiteral("openai-responses");
    case WireDialect::OpenAiCompletions:
        return QStringLiteral("openai-completions");
    case WireDialect::OpenAiChat:
        break;
    }
    return QStringLiteral("openai-chat");
}

QHostAddress listenAddress(const QString &host)
{
    if (host.compare(QLatin1String("localhost"), Qt::CaseInsensitive) == 0)
        return QHostAddress(QHostAddress::LocalHost);
    return QHostAddress(host);
}


} // namespace

Gateway::Gateway(std::shared_ptr<const Config> config, UsageRecorder *usage, QObject *parent)
    : QObject(parent)
    , m_config(std::move(config))
    , m_usage(usage)
    , m_router(*m_config)
    , m_auth(m_config->accessKeys, m_config->authRequired)
    , m_catalog(new ModelCatalog(600, this))
    , m_createdAt(QDateTime::currentSecsSinceEpoch())
{
    for (const ProviderSettings &provider : m_config->providers)
        m_providers.insert(provider.id, ProviderRuntime::create(provider, this));
}

Gateway::~Gateway()
{
    // Exchanges still running go first, while the router state they report to exists:
    // the sockets, deleted later with the front, would otherwise tell them the client
    // left after the members below are gone.
    const QSet<ChatExchange *> active = std::exchange(m_active, {});
    qDeleteAll(active);
    qDeleteAll(findChildren<CountTokensRelay *>(Qt::FindDirectChildrenOnly));
}

ListenResult Gateway::openListener(const QString &host, quint16 port, qint64 maxBodyBytes, Listener &out)
{
    ListenResult result;
    const QHostAddress address = listenAddress(host);
    if (address.isNull()) {
        result.error = QStringLiteral("cannot listen on '%1': not an IP address or localhost").arg(host);
        return result;
    }
    auto *tcp = new GuardedTcpServer(maxBodyBytes, this);
    if (!tcp->listen(address, port)) {
        result.addressInUse = tcp->serverError() == QAbstractSocket::AddressInUseError;
        result.error = result.addressInUse
            ? QStringLiteral("%1:%2 is already in use by another program; stop it or choose "
                             "another port with --listen or the config's \"listen\"")
                  .arg(host)
                  .arg(port)
            : QStringLiteral("cannot listen on %1:%2: %3").arg(host).arg(port).arg(tcp->errorString());
        delete tcp;
        return result;
    }
    result.port = tcp->serverPort();
    out = Listener{tcp, HostGuard(host, result.port), maxBodyBytes};
    return result;
}

ListenResult Gateway::listen(const QString &host, quint16 port)
{
    Listener listener;
    const ListenResult result = openListener(host, port, m_config->maxBodyBytes, listener);
    if (!result.ok())
        return result;
    m_listenHost = host;
    m_listenPort = port;
    m_listener = listener;
    m_front = new HttpFront(
        [this](const QHttpServerRequest &request, QHttpServerResponder &&responder) {
            handle(request, std::move(responder));
        },
        this);
    m_front->bind(m_listener.tcp);
    return result;
}

ConfigApplyResult Gateway::applyConfig(std::shared_ptr<const Config> config)
{
    ConfigApplyResult result;
    if (m_stopping || !m_listener.tcp) {
        result.error = QStringLiteral("the gateway is not serving");
        return result;
    }
    result.listenChanged = config->listenHost != m_listenHost || config->listenPort != m_listenPort;
    if (result.listenChanged)
        result.listen = moveListener(config->listenHost, config->listenPort, config->maxBodyBytes);
    else if (config->maxBodyBytes != m_listener.maxBodyBytes)
        changeBodyLimit(config->maxBodyBytes);
    result.listen.port = m_listener.tcp->serverPort();  // the new port, or the old one still serving

    // The parser checks this against the config's own address; the address actually
    // served may differ (--listen, or a new one that could not be bound).
    if (!config->authRequired && !isLoopbackHost(m_listenHost)) {
        result.error = QStringLiteral("auth.required may be false only on a loopback address, and "
                                      "OneGate listens on %1")
                           .arg(m_listenHost);
        return result;
    }

    QHash<QString, std::shared_ptr<ProviderRuntime>> providers;
    QStringList changed;  // what the router learned of these no longer holds
    for (const ProviderSettings &settings : config->providers) {
        std::shared_ptr<ProviderRuntime> runtime = m_providers.value(settings.id);
        if (!runtime || !runtime->runs(settings)) {
            runtime = ProviderRuntime::create(settings, this);
            // A list fetched with the old URL, key or proxy may not be this provider's,
            // nor is what the router learned of its routes and keys.
            m_catalog->forget(settings.id);
            changed.append(settings.id);
        }
        providers.insert(settings.id, std::move(runtime));
    }
    for (auto it = m_providers.cbegin(); it != m_providers.cend(); ++it) {
        if (!providers.contains(it.key())) {
            m_catalog->forget(it.key());
            changed.append(it.key());
        }
    }
    // Retired runtimes and the old snapshot live on in the exchanges still using them.
    m_providers = std::move(providers);
    const std::shared_ptr<const Config> previous = std::exchange(m_config, std::move(config));
    m_router.apply(*m_config, changed);
    m_auth = Authenticator(m_config->accessKeys, m_config->authRequired);
    return result;
}

ListenResult Gateway::moveListener(const QString &host, quint16 port, qint64 maxBodyBytes)
{
    // "localhost:4141" after "127.0.0.1:4141" names the socket already bound: binding it
    // again would fail on ourselves.
    const QHostAddress address = listenAddress(host);
    if (!address.isNull() && address == m_listener.tcp->serverAddress()
        && (port == 0 || port == m_listener.tcp->serverPort())) {
        m_listenHost = host;
        m_listenPort = port;
        m_listener.guard = HostGuard(host, m_listener.tcp->serverPort());
        if (maxBodyBytes != m_listener.maxBodyBytes)
            changeBodyLimit(maxBodyBytes);
        ListenResult same;
        same.port = m_listener.tcp->serverPort();
        return same;
    }
    Listener fresh;
    ListenResult result = openListener(host, port, maxBodyBytes, fresh);
    const quint16 currentPort = m_listener.tcp->serverPort();
    if (!result.ok() && result.addressInUse && port == currentPort) {
        // Same port, overlapping address (127.0.0.1:P -> 0.0.0.0:P, LAN access turned
        // on): our own socket is what is in the way. Stop listening for the moment the
        // new one binds (connections already accepted go on), and go back if it fails.
        const QHostAddress currentAddress = m_listener.tcp->serverAddress();
        m_listener.tcp->close();
        result = openListener(host, port, maxBodyBytes, fresh);
        if (!result.ok()) {
            if (!m_listener.tcp->listen(currentAddress, currentPort)) {
                // Nothing listens now: say so plainly rather than look as if all is well.
                result.error = QStringLiteral("%1; listening again on %2:%3 also failed (%4): restart OneGate")
                                   .arg(result.error, currentAddress.toString())
                                   .arg(currentPort)
                                   .arg(m_listener.tcp->errorString());
            }
            return result;
        }
    }
    if (!result.ok())
        return result;  // the old listener keeps serving
    m_listenHost = host;
    m_listenPort = port;
    retire(std::exchange(m_listener, fresh));
    m_front->bind(m_listener.tcp);
    return result;
}

void Gateway::changeBodyLimit(qint64 maxBodyBytes)
{
    // Each accepted socket gets its size guard from the listener, which takes the limit
    // when it is made. Hand the listening socket over to a listener with the new limit:
    // the port never closes, so no client is refused meanwhile.
#ifdef Q_OS_UNIX
    const int descriptor = ::fcntl(int(m_listener.tcp->socketDescriptor()), F_DUPFD_CLOEXEC, 0);
    if (descriptor < 0)
        return;
    auto *tcp = new GuardedTcpServer(maxBodyBytes, this);
    if (!tcp->setSocketDescriptor(descriptor)) {
        ::close(descriptor);
        delete tcp;
        return;
    }
    Listener fresh{tcp, m_listener.guard, maxBodyBytes};
    retire(std::exchange(m_listener, fresh));
    m_front->bind(m_listener.tcp);
#else
    Q_UNUSED(maxBodyBytes)  // applies from the next listen address change or restart
#endif
}

void Gateway::retire(Listener listener)
{
    GuardedTcpServer *tcp = listener.tcp;
    tcp->close();
    const QList<QTcpSocket *> open = tcp->findChildren<QTcpSocket *>(Qt::FindDirectChildrenOnly);
    if (open.isEmpty()) {
        tcp->deleteLater();
        return;
    }
    m_draining.append(std::move(listener));
    auto remaining = std::make_shared<qsizetype>(open.size());
    for (QTcpSocket *socket : open) {
        connect(socket, &QObject::destroyed, tcp, [this, tcp, remaining] {
            if (--*remaining > 0)
                return;
            m_draining.removeIf([tcp](const Listener &old) { return old.tcp == tcp; });
            tcp->deleteLater();
        });
    }
}

std::optional<ApiError> Gateway::checkHost(const QHttpServerRequest &request) const
{
    std::optional<ApiError> refused = m_listener.guard.check(request);
    if (!refused)
        return refused;
    const QByteArray host = request.value(QByteArrayLiteral("host"));
    for (const Listener &old : m_draining) {
        if (old.guard.allows(host))
            return std::nullopt;
    }
    return refused;
}

void Gateway::handle(const QHttpServerRequest &request, QHttpServerResponder &&responder)
{
    // Front -> host guard -> endpoint -> auth -> the endpoint's own stages.
    const QString path = request.url().path(QUrl::FullyEncoded);
    const bool anthropicVersion = !request.value(QByteArrayLiteral("anthropic-version")).isEmpty();
    const ClientDialect &errors =
        anthropicErrorShape(path, anthropicVersion) ? static_cast<const ClientDialect &>(kAnthropicErrors) : kOpenAiErrors;
    if (const auto refused = checkHost(request)) {
        errors.sendError(responder, *refused);
        return;
    }
    const Method method = request.method();
    const auto matched = matchEndpoint(path, method);
    if (const EndpointRefusal *refusal = std::get_if<EndpointRefusal>(&matched)) {
        HeaderPairs headers;
        if (!refusal->allowed.isEmpty())
            headers.append({QByteArrayLiteral("Allow"), refusal->allowed});
        errors.sendError(responder, refusal->error, headers);
        return;
    }
    const EndpointMatch &endpoint = std::get<EndpointMatch>(matched);
    if (endpoint.endpoint == Endpoint::Health) {
        const QLatin1String status = m_paused ? QLatin1String("paused") : QLatin1String("ok");
        const QByteArray body = method == Method::Head ? QByteArray() : toJson({{QLatin1String("status"), status}});
        sendResponse(responder, 200, kJson, body);
        return;
    }
    if (m_paused) {
        errors.sendError(responder, ApiError::make(503, QStringLiteral("server_error"), QStringLiteral("gateway_paused"),
                                            QStringLiteral("OneGate is paused. Resume it from the OneGate tray menu."),
                                            true));
        return;
    }
    const auto auth = m_auth.authenticate(request);
    if (const ApiError *error = std::get_if<ApiError>(&auth)) {
        errors.sendError(responder, *error);
        return;
    }
    const Caller &caller = std::get<Caller>(auth);
    switch (endpoint.endpoint) {
    case Endpoint::Health:
        break;
    case Endpoint::Models:
        if (anthropicVersion)
            handleAnthropicModels(caller, request.url(), responder);
        else
            handleModels(caller, responder);
        break;
    case Endpoint::Model:
        handleModel(caller, endpoint.argument, anthropicVersion, responder);
        break;
    case Endpoint::ChatCompletions:
        handleChat(caller, request, std::move(responder), WireDialect::OpenAiChat);
        break;
    case Endpoint::Messages:
        handleChat(caller, request, std::move(responder), WireDialect::AnthropicMessages);
        break;
    case Endpoint::Responses:
        handleChat(caller, request, std::move(responder), WireDialect::OpenAiResponses);
        break;
    case Endpoint::Completions:
        handleChat(caller, request, std::move(responder), WireDialect::OpenAiCompletions);
        break;
    case Endpoint::CountTokens:
        handleCountTokens(caller, request, std::move(responder));
        break;
    case Endpoint::Metrics:
        sendResponse(responder, 200, QByteArray(kPrometheusContentType), m_router.renderMetrics());
        break;
    case Endpoint::RouteHealth:
        sendResponse(responder, 200, kJson, healthJson(m_router.health().snapshot()));
        break;
    }
}

void Gateway::handleModels(const Caller &caller, QHttpServerResponder &responder)
{
    QJsonArray data;
    for (const ServedModel &model : m_router.servedModels()) {
        if (!caller.allows(model.id))
            continue;
        data.append(QJsonObject{{QLatin1String("id"), model.id},
                                {QLatin1String("object"), QLatin1String("model")},
                                {QLatin1String("created"), m_createdAt},
                                {QLatin1String("owned_by"), model.ownedBy}});
    }
    sendResponse(responder, 200, kJson,
                 toJson({{QLatin1String("object"), QLatin1String("list")}, {QLatin1String("data"), data}}));
}

void Gateway::handleAnthropicModels(const Caller &caller, const QUrl &url, QHttpServerResponder &responder)
{
    // Anthropic's list: newest first there; OneGate's order is the config's. Pages by
    // limit (1-1000, default 20 as Anthropic), after_id and before_id.
    const QUrlQuery query(url);
    bool limitOk = true;
    const int limit = query.hasQueryItem(QStringLiteral("limit"))
        ? query.queryItemValue(QStringLiteral("limit")).toInt(&limitOk)
        : 20;
    if (!limitOk || limit < 1 || limit > 1000) {
        kAnthropicErrors.sendError(responder, ApiError::invalidRequest(QStringLiteral("limit: Input should be between 1 and 1000"),
                                                                       QStringLiteral("limit")));
        return;
    }
    QStringList ids;
    for (const ServedModel &model : m_router.servedModels()) {
        if (caller.allows(model.id))
            ids.append(model.id);
    }
    qsizetype from = 0;
    qsizetype to = ids.size();
    const QString after = query.queryItemValue(QStringLiteral("after_id"), QUrl::FullyDecoded);
    const QString before = query.queryItemValue(QStringLiteral("before_id"), QUrl::FullyDecoded);
    if (!after.isEmpty())
        from = ids.indexOf(after) + 1;  // an unknown id: from the start, as 0
    if (!before.isEmpty() && ids.contains(before))
        to = ids.indexOf(before);
    const bool fromEnd = before.length() > 0 && after.isEmpty();
    if (to - from > limit) {
        if (fromEnd)
            from = to - limit;
        else
            to = from + limit;
    }
    QJsonArray data;
    for (qsizetype i = from; i < to; ++i)
        data.append(anthropicModel(ids.at(i)));
    const bool hasMore = fromEnd ? from > 0 : to < ids.size();
    sendResponse(responder, 200, kJson,
                 toJson({{QLatin1String("data"), data},
                         {QLatin1String("has_more"), hasMore},
                         {QLatin1String("first_id"), data.isEmpty() ? QJsonValue() : QJsonValue(ids.at(from))},
                         {QLatin1String("last_id"), data.isEmpty() ? QJsonValue() : QJsonValue(ids.at(to - 1))}}));
}

QJsonObject Gateway::anthropicModel(const QString &id) const
{
    return {{QLatin1String("type"), QLatin1String("model")},
            {QLatin1String("id"), id},
            {QLatin1String("display_name"), id},
            {QLatin1String("created_at"), isoTime(m_createdAt)}};
}

void Gateway::handleModel(const Caller &caller, const QString &id, bool anthropicShape, QHttpServerResponder &responder)
{
    const ClientDialect &errors = anthropicShape ? static_cast<const ClientDialect &>(kAnthropicErrors) : kOpenAiErrors;
    const auto targets = m_router.resolve(id);
    if (!caller.allows(id) || std::holds_alternative<ApiError>(targets)) {
        // A model the key may not use is reported like a missing one: it does not exist
        // for this caller.
        errors.sendError(responder, ApiError::make(404, QStringLiteral("invalid_request_error"), QStringLiteral("model_not_found"),
                                            QStringLiteral("The model '%1' does not exist").arg(id)));
        return;
    }
    if (anthropicShape) {
        sendResponse(responder, 200, kJson, toJson(anthropicModel(id)));
        return;
    }
    QString owner = std::get<QList<RouteTarget>>(targets).constFirst().provider->id;
    for (const ServedModel &model : m_router.servedModels()) {
        if (model.id == id)
            owner = model.ownedBy;
    }
    sendResponse(responder, 200, kJson,
                 toJson({{QLatin1String("id"), id},
                         {QLatin1String("object"), QLatin1String("model")},
                         {QLatin1String("created"), m_createdAt},
                         {QLatin1String("owned_by"), owner}}));
}

void Gateway::handleChat(const Caller &caller, const QHttpServerRequest &request,
                         QHttpServerResponder &&responder, WireDialect dialect)
{
    ChatExchange::Setup setup;
    setup.clock.start();
    UsageRecord &record = setup.record;
    record.timeMs = QDateTime::currentMSecsSinceEpoch();
    record.accessKey = caller.keyName;
    const bool anthropic = dialect == WireDialect::AnthropicMessages;
    const ClientDialect &errors = anthropic ? static_cast<const ClientDialect &>(kAnthropicErrors) : kOpenAiErrors;

    // Dialect in: every dialect becomes the OpenAI Chat envelope the router and the
    // adapters take (with the client's own body kept for providers that speak it).
    auto decoded = anthropic ? AnthropicRequestDecoder::decode(request.body())
        : dialect == WireDialect::OpenAiResponses   ? OpenAiResponsesRequestDecoder::decode(request.body())
        : dialect == WireDialect::OpenAiCompletions ? OpenAiCompletionsRequestDecoder::decode(request.body())
                                                    : OpenAiChatDialect::decode(request.body());
    if (const ApiError *error = std::get_if<ApiError>(&decoded)) {
        reject(responder, errors, *error, record);
        return;
    }
    ChatEnvelope &chat = std::get<ChatEnvelope>(decoded);
    record.requestedModel = chat.model;
    if (!caller.allows(chat.model)) {
        reject(responder, errors,
               ApiError::make(403, QStringLiteral("invalid_request_error"), QStringLiteral("model_not_allowed"),
                              QStringLiteral("The access key '%1' may not use the model '%2'").arg(caller.keyName, chat.model)),
               record);
        return;
    }
    // The router stage: the model's candidate routes, in the order this request tries
    // them, and the response cache in front of them.
    auto routed = m_router.route(chat.model, chat.untranslatable ? chat.native : chat.body, cacheScope(dialect),
                                 request.value(QByteArrayLiteral("x-onegate-cache")), m_providers);
    if (const ApiError *error = std::get_if<ApiError>(&routed)) {
        reject(responder, errors, *error, record);
        return;
    }
    RoutedRequest &placed = std::get<RoutedRequest>(routed);
    setup.plan = std::move(placed.plan);
    setup.cache = placed.cache;
    setup.cacheKey = std::move(placed.cacheKey);
    setup.cached = std::move(placed.cached);
    if (anthropic) {
        setup.dialect = std::make_unique<AnthropicMessagesClient>(chat.model,
                                                                  AnthropicTokenEstimate::inputTokens(chat.native));
        setup.call.dialect = dialect;
        setup.call.nativeBody = std::move(chat.native);
        setup.call.clientHeaders = anthropicClientHeaders(request);
        setup.call.untranslatable = std::move(chat.untranslatable);
    } else if (dialect == WireDialect::OpenAiResponses) {
        setup.dialect = std::make_unique<OpenAiResponsesClient>(chat.model, chat.native);
        setup.call.dialect = dialect;
        setup.call.nativeBody = std::move(chat.native);
        setup.call.untranslatable = std::move(chat.untranslatable);
    } else if (dialect == WireDialect::OpenAiCompletions) {
        setup.dialect = std::make_unique<OpenAiCompletionsClient>(chat.model, chat.native);
        setup.call.dialect = dialect;
        setup.call.nativeBody = std::move(chat.native);
        setup.call.untranslatable = std::move(chat.untranslatable);
    } else {
        setup.dialect = std::make_unique<OpenAiChatClient>();
    }
    setup.call.body = std::move(chat.body);
    setup.call.stream = chat.stream;
    setup.call.clientWantsUsage = chat.includeUsage;
    setup.config = m_config;
    setup.usage = m_usage;
    setup.metrics = &m_router.metrics();
    setup.keepAliveMs = m_config->streamKeepAliveMs;

    // Relay.
    auto *exchange = new ChatExchange(std::move(responder), std::move(setup), this);
    m_active.insert(exchange);
    connect(exchange, &ChatExchange::done, this, [this, exchange] {
        m_active.remove(exchange);
        exchange->deleteLater();
        checkStopped();
    });
    exchange->start();
}

void Gateway::handleCountTokens(const Caller &caller, const QHttpServerRequest &request,
                                QHttpServerResponder &&responder)
{
    // Only what counting needs is checked here (no max_tokens, as Anthropic's own).
    QJsonParseError parseError{};
    const QJsonDocument document = QJsonDocument::fromJson(request.body(), &parseError);
    const QJsonObject body = document.object();
    const QString model = body.value(QLatin1String("model")).toString();
    std::optional<ApiError> invalid;
    if (!document.isObject())
        invalid = ApiError::invalidRequest(
            document.isNull() ? QStringLiteral("There was an error parsing the body of your request: %1 at offset %2")
                                    .arg(parseError.errorString())
                                    .arg(parseError.offset)
                              : QStringLiteral("The request body must be a JSON object"));
    else if (model.isEmpty())
        invalid = ApiError::invalidRequest(QStringLiteral("model: Field required"), QStringLiteral("model"));
    else if (!body.value(QLatin1String("messages")).isArray())
        invalid = ApiError::invalidRequest(QStringLiteral("messages: Input should be a valid list"), QStringLiteral("messages"));
    else if (!caller.allows(model))
        invalid = ApiError::make(403, QStringLiteral("invalid_request_error"), QStringLiteral("model_not_allowed"),
                                 QStringLiteral("The access key '%1' may not use the model '%2'").arg(caller.keyName, model));
    if (invalid) {
        kAnthropicErrors.sendError(responder, *invalid);
        return;
    }
    auto routed = m_router.route(model, {}, QStringLiteral("anthropic-count"), QByteArrayLiteral("off"), m_providers);
    if (const ApiError *error = std::get_if<ApiError>(&routed)) {
        kAnthropicErrors.sendError(responder, *error);
        return;
    }
    auto *relay = new CountTokensRelay(std::move(responder), std::move(std::get<RoutedRequest>(routed).plan), body,
                                       anthropicClientHeaders(request), this);
    relay->start();
}

void Gateway::reject(QHttpServerResponder &responder, const ClientDialect &dialect, const ApiError &error,
                     UsageRecord record)
{
    dialect.sendError(responder, error);
    if (!m_usage)
        return;
    record.status = error.status;
    record.error = error.message;
    m_usage->record(record);
}

void Gateway::fetchProviderModels(const QString &providerId, bool refresh, ModelCatalog::Callback done)
{
    std::shared_ptr<ProviderRuntime> provider = m_providers.value(providerId);
    if (!provider) {
        ProviderModels unknown;
        unknown.error = ApiError::make(404, QStringLiteral("invalid_request_error"), QStringLiteral("provider_not_found"),
                                       QStringLiteral("No provider '%1' in the config").arg(providerId));
        done(unknown);
        return;
    }
    m_catalog->fetch(std::move(provider), refresh, std::move(done));
}

void Gateway::shutdown(int graceMs)
{
    if (m_stopping)
        return;
    m_stopping = true;
    if (m_listener.tcp)
        m_listener.tcp->close();
    QTimer::singleShot(graceMs, this, [this] {
        const QSet<ChatExchange *> remaining = m_active;
        for (ChatExchange *exchange : remaining)
            exchange->cancel(QStringLiteral("OneGate is shutting down"));
    });
    checkStopped();
}

void Gateway::checkStopped()
{
    if (m_stopping && m_active.isEmpty())
        Q_EMIT stopped();
}

} // namespace onegate
