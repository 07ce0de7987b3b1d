#include "Gateway.h"

#include "config/ListenAddress.h"
#include "http/GuardedTcpServer.h"
#include "http/HttpFront.h"
#include "http/HttpResponses.h"
#include "http/OriginGuard.h"
#include "limits/MemoryLimitLedger.h"
#include "dialects/AnthropicMessagesClient.h"
#include "dialects/AnthropicRequestDecoder.h"
#include "dialects/AnthropicTokenEstimate.h"
#include "dialects/OpenAiChatDialect.h"
#include "dialects/OpenAiCompletionsClient.h"
#include "dialects/OpenAiCompletionsRequestDecoder.h"
#include "dialects/OpenAiResponsesClient.h"
#include "dialects/OpenAiResponsesRequestDecoder.h"
#include "dialects/OpenAiEmbeddingsDialect.h"
#include "dialects/OllamaChatClient.h"
#include "dialects/OllamaEmbedDialect.h"
#include "dialects/OllamaErrors.h"
#include "dialects/OllamaRequestDecoder.h"
#include "dialects/ModelDescriptions.h"
#include "dialects/RequestBody.h"
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
const OllamaEmbedClient kOllamaErrors{QString(), OllamaEmbedRequestDecoder::Form::Embed};

// The Ollama API level /api/version reports: clients gate features on it (Copilot needs
// 0.6.4); the fields OneGate reads and writes are those of this version.
constexpr char kOllamaApiVersion[] = "0.9.0";

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

// What an API endpoint is, for the chat stage: the dialect its calls reach providers in,
// its error shape before the request's own dialect object exists, and its cache scope
// (each dialect's answers are cached apart: the same question asked in two dialects is
// two entries, since a translation may not be the same request).
struct Inbound {
    WireDialect call = WireDialect::OpenAiChat;
    const ClientDialect *errors = &kOpenAiErrors;
    QString cacheScope;
};

Inbound inboundOf(Endpoint endpoint)
{
    switch (endpoint) {
    case Endpoint::Messages:
        return {WireDialect::AnthropicMessages, &kAnthropicErrors, QStringLiteral("anthropic-messages")};
    case Endpoint::Responses:
        return {WireDialect::OpenAiResponses, &kOpenAiErrors, QStringLiteral("openai-responses")};
    case Endpoint::Completions:
        return {WireDialect::OpenAiCompletions, &kOpenAiErrors, QStringLiteral("openai-completions")};
    case Endpoint::Embeddings:
        return {WireDialect::OpenAiEmbeddings, &kOpenAiErrors, QStringLiteral("openai-embeddings")};
    case Endpoint::OllamaEmbed:
    case Endpoint::OllamaEmbeddings:
        // The same OpenAI request as /v1/embeddings: one cache entry serves both.
        return {WireDialect::OpenAiEmbeddings, &kOllamaErrors, QStringLiteral("openai-embeddings")};
    case Endpoint::OllamaChat:
    case Endpoint::OllamaGenerate:
        return {WireDialect::OpenAiChat, &kOllamaErrors, QStringLiteral("ollama")};
    default:
        break;
    }
    return {WireDialect::OpenAiChat, &kOpenAiErrors, QStringLiteral("openai-chat")};
}

std::variant<ChatEnvelope, ApiError> decodeInbound(Endpoint endpoint, const QByteArray &body)
{
    switch (endpoint) {
    case Endpoint::Messages:
        return AnthropicRequestDecoder::decode(body);
    case Endpoint::Responses:
        return OpenAiResponsesRequestDecoder::decode(body);
    case Endpoint::Completions:
        return OpenAiCompletionsRequestDecoder::decode(body);
    case Endpoint::Embeddings:
        return OpenAiEmbeddingsRequestDecoder::decode(body);
    case Endpoint::OllamaChat:
        return OllamaRequestDecoder::decodeChat(body);
    case Endpoint::OllamaGenerate:
        return OllamaRequestDecoder::decodeGenerate(body);
    case Endpoint::OllamaEmbed:
        return OllamaEmbedRequestDecoder::decode(body, OllamaEmbedRequestDecoder::Form::Embed);
    case Endpoint::OllamaEmbeddings:
        return OllamaEmbedRequestDecoder::decode(body, OllamaEmbedRequestDecoder::Form::LegacyEmbeddings);
    default:
        break;
    }
    return OpenAiChatDialect::decode(body);
}

// Ollama's answer to "load this model" (an empty prompt or message list): done at once.
QByteArray ollamaLoadAnswer(const QString &model, bool chat)
{
    QJsonObject answer{{QLatin1String("model"), model},
                       {QLatin1String("created_at"), OllamaChatClient::timestamp(QDateTime::currentMSecsSinceEpoch() * 1'000'000)},
                       {QLatin1String("done"), true},
                       {QLatin1String("done_reason"), QLatin1String("load")}};
    if (chat)
        answer.insert(QLatin1String("message"), QJsonObject{{QLatin1String("role"), QLatin1String("assistant")},
                                                            {QLatin1String("content"), QString()}});
    else
        answer.insert(QLatin1String("response"), QString());
    return toJson(answer);
}

// The request's own client side: how the relay's answers, streams and errors reach it.
std::unique_ptr<ClientDialect> clientOf(Endpoint endpoint, const ChatEnvelope &chat)
{
    switch (endpoint) {
    case Endpoint::Messages:
        return std::make_unique<AnthropicMessagesClient>(chat.model, AnthropicTokenEstimate::inputTokens(chat.native));
    case Endpoint::Responses:
        return std::make_unique<OpenAiResponsesClient>(chat.model, chat.native);
    case Endpoint::Completions:
        return std::make_unique<OpenAiCompletionsClient>(chat.model, chat.native);
    case Endpoint::Embeddings:
        return std::make_unique<OpenAiEmbeddingsClient>();
    case Endpoint::OllamaChat:
        return std::make_unique<OllamaChatClient>(OllamaChatClient::Mode::Chat, chat.model);
    case Endpoint::OllamaGenerate:
        return std::make_unique<OllamaChatClient>(OllamaChatClient::Mode::Generate, chat.model);
    case Endpoint::OllamaEmbed:
        return std::make_unique<OllamaEmbedClient>(chat.model, OllamaEmbedRequestDecoder::Form::Embed);
    case Endpoint::OllamaEmbeddings:
        return std::make_unique<OllamaEmbedClient>(chat.model, OllamaEmbedRequestDecoder::Form::LegacyEmbeddings);
    default:
        break;
    }
    return std::make_unique<OpenAiChatClient>();
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
    , m_origins(m_config->cors)
    , m_limiter(std::make_shared<KeyLimiter>(std::make_unique<MemoryLimitLedger>()))
    , m_catalog(new ModelCatalog(600, this))
    , m_createdAt(QDateTime::currentSecsSinceEpoch())
{
    m_limiter->setAlertHandler([this](const BudgetAlert &alert) { Q_EMIT budgetAlert(alert); });
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
    restoreMonth();
    Listener listener;
    const ListenResult result = openListener(host, port, m_config->maxBodyBytes, listener);
    if (!result.ok())
        return result;
    m_listenHost = host;
    m_listenPort = port;
    m_listener = listener;
    m_front = makeFront(Surface::Main);
    m_front->bind(m_listener.tcp);
    applyOllamaSurface();
    return result;
}

void Gateway::restoreMonth()
{
    // Budgets are monthly and a restart must not reset them: this month's spending is
    // read back from usage.db once, before the first request is served.
    if (m_monthRestored || !m_usage)
        return;
    m_monthRestored = true;
    QString error;
    const QList<KeyModelTokens> totals = m_usage->keyTokensSince(monthStartMs(m_limiter->now()), &error);
    if (!error.isEmpty())
        qWarning("onegate: this month's spending could not be read back (%s); budgets count from now",
                 qUtf8Printable(error));
    m_limiter->restoreMonth(totals, *m_config);
}

HttpFront *Gateway::makeFront(Surface surface)
{
    return new HttpFront(
        [this, surface](const QHttpServerRequest &request, QHttpServerResponder &&responder) {
            handle(request, std::move(responder), surface);
        },
        this);
}

void Gateway::applyOllamaSurface()
{
    const OllamaSurface &wanted = m_config->ollama;
    if (!wanted.enabled) {
        if (m_ollama.tcp)
            retire(std::exchange(m_ollama, Listener{}));
        m_ollamaAt = wanted;
        m_ollamaResult = {};
        return;
    }
    if (m_ollama.tcp && wanted == m_ollamaAt) {
        if (m_config->maxBodyBytes != m_ollama.maxBodyBytes)
            changeBodyLimit(m_ollama, m_ollamaFront, m_config->maxBodyBytes);
        return;
    }
    if (!m_ollamaFront)
        m_ollamaFront = makeFront(Surface::Ollama);
    const ListenResult moved = moveListener(m_ollama, m_ollamaFront, wanted.host, wanted.port, m_config->maxBodyBytes);
    if (!moved.ok()) {
        // The next reload tries again; an old address, if any, keeps serving meanwhile.
        m_ollamaResult = {m_ollama.tcp ? m_ollama.tcp->serverPort() : quint16(0),
                          QStringLiteral("Ollama-compatible API: %1").arg(moved.error)};
        return;
    }
    m_ollamaAt = wanted;
    m_ollamaResult = {moved.port, QString()};
}

ConfigApplyResult Gateway::applyConfig(std::shared_ptr<const Config> config)
{
    ConfigApplyResult result;
    if (m_stopping || !m_listener.tcp) {
        result.error = QStringLiteral("the gateway is not serving");
        return result;
    }
    result.listenChanged = config->listenHost != m_listenHost || config->listenPort != m_listenPort;
    if (result.listenChanged) {
        result.listen = moveListener(m_listener, m_front, config->listenHost, config->listenPort, config->maxBodyBytes);
        if (result.listen.ok()) {
            m_listenHost = config->listenHost;
            m_listenPort = config->listenPort;
        }
    } else if (config->maxBodyBytes != m_listener.maxBodyBytes) {
        changeBodyLimit(m_listener, m_front, config->maxBodyBytes);
    }
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
    m_origins = OriginGuard(m_config->cors);
    // A budget lowered below what the month has spent is reported now, not at the next
    // priced request.
    m_limiter->reviewBudgets(*m_config);
    applyOllamaSurface();
    result.ollama = m_ollamaResult;
    return result;
}

ListenResult Gateway::moveListener(Listener &slot, HttpFront *front, const QString &host, quint16 port,
                                   qint64 maxBodyBytes)
{
    // "localhost:4141" after "127.0.0.1:4141" names the socket already bound: binding it
    // again would fail on ourselves.
    const QHostAddress address = listenAddress(host);
    if (slot.tcp && !address.isNull() && address == slot.tcp->serverAddress()
        && (port == 0 || port == slot.tcp->serverPort())) {
        slot.guard = HostGuard(host, slot.tcp->serverPort());
        if (maxBodyBytes != slot.maxBodyBytes)
            changeBodyLimit(slot, front, maxBodyBytes);
        ListenResult same;
        same.port = slot.tcp->serverPort();
        return same;
    }
    Listener fresh;
    ListenResult result = openListener(host, port, maxBodyBytes, fresh);
    const quint16 currentPort = slot.tcp ? slot.tcp->serverPort() : quint16(0);
    if (!result.ok() && result.addressInUse && slot.tcp && port == currentPort) {
        // Same port, overlapping address (127.0.0.1:P -> 0.0.0.0:P, LAN access turned
        // on): our own socket is what is in the way. Stop listening for the moment the
        // new one binds (connections already accepted go on), and go back if it fails.
        const QHostAddress currentAddress = slot.tcp->serverAddress();
        slot.tcp->close();
        result = openListener(host, port, maxBodyBytes, fresh);
        if (!result.ok()) {
            if (!slot.tcp->listen(currentAddress, currentPort)) {
                // Nothing listens now: say so plainly rather than look as if all is well.
                result.error = QStringLiteral("%1; listening again on %2:%3 also failed (%4): restart OneGate")
                                   .arg(result.error, currentAddress.toString())
                                   .arg(currentPort)
                                   .arg(slot.tcp->errorString());
            }
            return result;
        }
    }
    if (!result.ok())
        return result;  // the old listener keeps serving
    if (slot.tcp)
        retire(std::exchange(slot, fresh));
    else
        slot = fresh;
    front->bind(slot.tcp);
    return result;
}

void Gateway::changeBodyLimit(Listener &slot, HttpFront *front, qint64 maxBodyBytes)
{
    // Each accepted socket gets its size guard from the listener, which takes the limit
    // when it is made. Hand the listening socket over to a listener with the new limit:
    // the port never closes, so no client is refused meanwhile.
#ifdef Q_OS_UNIX
    const int descriptor = ::fcntl(int(slot.tcp->socketDescriptor()), F_DUPFD_CLOEXEC, 0);
    if (descriptor < 0)
        return;
    auto *tcp = new GuardedTcpServer(maxBodyBytes, this);
    if (!tcp->setSocketDescriptor(descriptor)) {
        ::close(descriptor);
        delete tcp;
        return;
    }
    Listener fresh{tcp, slot.guard, maxBodyBytes};
    retire(std::exchange(slot, fresh));
    front->bind(slot.tcp);
#else
    Q_UNUSED(slot)
    Q_UNUSED(front)
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

std::optional<ApiError> Gateway::checkHost(const QHttpServerRequest &request, Surface surface) const
{
    std::optional<ApiError> refused = (surface == Surface::Ollama ? m_ollama : m_listener).guard.check(request);
    if (!refused)
        return refused;
    const QByteArray host = request.value(QByteArrayLiteral("host"));
    for (const Listener &old : m_draining) {
        if (old.guard.allows(host))
            return std::nullopt;
    }
    return refused;
}

std::variant<Caller, ApiError> Gateway::authenticate(const QHttpServerRequest &request, Surface surface) const
{
    // Ollama's clients have no place for a key (Copilot sends an empty bearer): on a
    // loopback-only Ollama port, no key means this computer's own user. A key that is
    // sent is still checked, and its allowlist applies.
    if (surface == Surface::Ollama && isLoopbackHost(m_ollamaAt.host) && Authenticator::presentedKey(request).isEmpty())
        return Caller{QStringLiteral("ollama"), {QStringLiteral("*")}, {}};
    return m_auth.authenticate(request);
}

void Gateway::reply(QHttpServerResponder &responder, int status, const QByteArray &contentType, const QByteArray &body)
{
    sendResponse(responder, status, contentType, body, m_replyHeaders);
}

void Gateway::replyError(QHttpServerResponder &responder, const ClientDialect &dialect, const ApiError &error,
                         HeaderPairs headers)
{
    headers.append(m_replyHeaders);
    dialect.sendError(responder, error, headers);
}

void Gateway::handle(const QHttpServerRequest &request, QHttpServerResponder &&responder, Surface surface)
{
    m_replyHeaders.clear();
    // Front -> host guard -> endpoint -> auth -> the endpoint's own stages.
    const QString path = request.url().path(QUrl::FullyEncoded);
    const bool anthropicVersion = !request.value(QByteArrayLiteral("anthropic-version")).isEmpty();
    const ClientDialect &errors = surface == Surface::Ollama && ollamaErrorShape(path)
        ? static_cast<const ClientDialect &>(kOllamaErrors)
        : anthropicErrorShape(path, anthropicVersion) ? static_cast<const ClientDialect &>(kAnthropicErrors)
                                                      : kOpenAiErrors;
    if (const auto refused = checkHost(request, surface)) {
        replyError(responder, errors, *refused);
        return;
    }
    const Method method = request.method();
    // Browser origins, before anything else is looked at: a page's request is refused
    // even with a valid key, its preflight answered only for an allowed origin.
    const QByteArray origin = request.value(QByteArrayLiteral("origin"));
    if (!origin.isEmpty()) {
        if (!m_origins.allows(origin)) {
            replyError(responder, errors, OriginGuard::refusal(origin));
            Q_EMIT originRefused(QString::fromUtf8(origin), request.remoteAddress().toString());
            return;
        }
        if (method == Method::Options) {
            const QByteArray asked = request.value(QByteArrayLiteral("access-control-request-method")).trimmed().toUpper();
            const auto target = matchEndpoint(path, asked == "GET" ? Method::Get : Method::Post, surface);
            if (const EndpointRefusal *refusal = std::get_if<EndpointRefusal>(&target)) {
                replyError(responder, errors, refusal->error);
                return;
            }
            sendResponse(responder, 204, {}, {},
                         OriginGuard::preflightHeaders(origin, request.value(QByteArrayLiteral("access-control-request-headers"))));
            return;
        }
        m_replyHeaders = OriginGuard::responseHeaders(origin);
    }
    const auto matched = matchEndpoint(path, method, surface);
    if (const EndpointRefusal *refusal = std::get_if<EndpointRefusal>(&matched)) {
        HeaderPairs headers;
        if (!refusal->allowed.isEmpty())
            headers.append({QByteArrayLiteral("Allow"), refusal->allowed});
        replyError(responder, errors, refusal->error, headers);
        return;
    }
    const EndpointMatch &endpoint = std::get<EndpointMatch>(matched);
    switch (endpoint.endpoint) {
    case Endpoint::Health: {
        const QLatin1String status = m_paused ? QLatin1String("paused") : QLatin1String("ok");
        const QByteArray body = method == Method::Head ? QByteArray() : toJson({{QLatin1String("status"), status}});
        reply(responder, 200, kJson, body);
        return;
    }
    case Endpoint::OllamaRoot:
        reply(responder, 200, QByteArrayLiteral("text/plain; charset=utf-8"),
                     method == Method::Head ? QByteArray() : QByteArrayLiteral("Ollama is running"));
        return;
    case Endpoint::OllamaVersion:
        reply(responder, 200, kJson, toJson({{QLatin1String("version"), QLatin1String(kOllamaApiVersion)}}));
        return;
    default:
        break;
    }
    if (m_paused) {
        replyError(responder, errors, ApiError::make(503, QStringLiteral("server_error"), QStringLiteral("gateway_paused"),
                                            QStringLiteral("OneGate is paused. Resume it from the OneGate tray menu."),
                                            true));
        return;
    }
    // Key guessing from one address is slowed down by bans, checked before the key.
    const QString address = m_bans.tracking() ? request.remoteAddress().toString() : QString();
    qint64 retryAfter = 0;
    if (const auto banned = m_bans.refusal(address, &retryAfter)) {
        replyError(responder, errors, *banned, {{QByteArrayLiteral("Retry-After"), QByteArray::number(retryAfter)}});
        return;
    }
    const auto auth = authenticate(request, surface);
    if (const ApiError *error = std::get_if<ApiError>(&auth)) {
        const QString failedFrom = address.isEmpty() ? request.remoteAddress().toString() : address;
        if (m_bans.failed(failedFrom)) {
            // Once per ban; the address only, never what key was tried.
            qWarning("onegate: %s is refused for a while after %d requests with a wrong or missing access key",
                     qUtf8Printable(failedFrom), AuthBans::kFailures);
        }
        replyError(responder, errors, *error);
        return;
    }
    m_bans.succeeded(address);
    const Caller &caller = std::get<Caller>(auth);
    if (const auto expired = m_limiter->expired(caller)) {
        replyError(responder, errors, *expired);
        return;
    }
    switch (endpoint.endpoint) {
    case Endpoint::Health:
    case Endpoint::OllamaRoot:
    case Endpoint::OllamaVersion:
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
    case Endpoint::Messages:
    case Endpoint::Responses:
    case Endpoint::Completions:
    case Endpoint::Embeddings:
    case Endpoint::OllamaChat:
    case Endpoint::OllamaGenerate:
    case Endpoint::OllamaEmbed:
    case Endpoint::OllamaEmbeddings:
        handleChat(caller, request, std::move(responder), endpoint.endpoint);
        break;
    case Endpoint::CountTokens:
        handleCountTokens(caller, request, std::move(responder));
        break;
    case Endpoint::Metrics:
        reply(responder, 200, QByteArray(kPrometheusContentType), m_router.renderMetrics());
        break;
    case Endpoint::RouteHealth:
        reply(responder, 200, kJson, healthJson(m_router.health().snapshot()));
        break;
    case Endpoint::OllamaTags:
        handleOllamaTags(caller, responder);
        break;
    case Endpoint::OllamaShow:
        handleOllamaShow(caller, request, responder);
        break;
    case Endpoint::OllamaRunning:
        handleOllamaRunning(caller, responder);
        break;
    }
}

void Gateway::handleModels(const Caller &caller, QHttpServerResponder &responder)
{
    QJsonArray data;
    for (const ServedModel &model : m_router.servedModels()) {
        if (!caller.allows(model.id))
            continue;
        data.append(modelDescriptions::openAiModel(model.id, model.ownedBy, m_createdAt, m_config->model(model.id)));
    }
    reply(responder, 200, kJson,
                 toJson({{QLatin1String("object"), QLatin1String("list")}, {QLatin1String("data"), data}}));
}

void Gateway::handleOllamaTags(const Caller &caller, QHttpServerResponder &responder)
{
    QJsonArray models;
    for (const ServedModel &model : m_router.servedModels()) {
        if (caller.allows(model.id))
            models.append(modelDescriptions::ollamaTag(model.id, model.ownedBy, m_createdAt));
    }
    reply(responder, 200, kJson, toJson({{QLatin1String("models"), models}}));
}

void Gateway::handleOllamaShow(const Caller &caller, const QHttpServerRequest &request, QHttpServerResponder &responder)
{
    // Ollama takes the id as "model", and as "name" before 0.5.
    const QJsonObject body = QJsonDocument::fromJson(request.body()).object();
    QString id = body.value(QLatin1String("model")).toString();
    if (id.isEmpty())
        id = body.value(QLatin1String("name")).toString();
    if (id.isEmpty()) {
        replyError(responder, kOllamaErrors, ApiError::invalidRequest(QStringLiteral("model is required"), QStringLiteral("model")));
        return;
    }
    id = ollamaModelId(id);
    for (const ServedModel &model : m_router.servedModels()) {
        if (model.id == id && caller.allows(id)) {
            reply(responder, 200, kJson,
                         toJson(modelDescriptions::ollamaShow(id, model.ownedBy, m_createdAt, m_config->model(id))));
            return;
        }
    }
    replyError(responder, kOllamaErrors, ApiError::make(404, QStringLiteral("invalid_request_error"), QStringLiteral("model_not_found"),
                                                      QStringLiteral("model '%1' not found").arg(id)));
}

QString Gateway::ollamaModelId(const QString &name) const
{
    // Ollama clients name models "name:tag" and add ":latest" to a bare name themselves;
    // a served id without the tag is the model they mean.
    const QLatin1String latest(":latest");
    if (!name.endsWith(latest) || std::holds_alternative<QList<RouteTarget>>(m_router.resolve(name)))
        return name;
    return name.chopped(latest.size());
}

void Gateway::handleOllamaRunning(const Caller &caller, QHttpServerResponder &responder)
{
    // OneGate loads no weights; "running" is what Ollama would still hold: a model asked
    // for within Ollama's default keep-alive of five minutes.
    constexpr qint64 kKeepAliveMs = 5 * 60 * 1000;
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    QJsonArray models;
    for (const ServedModel &model : m_router.servedModels()) {
        const qint64 last = m_lastUsedMs.value(model.id, -1);
        if (last < 0 || now - last > kKeepAliveMs || !caller.allows(model.id))
            continue;
        QJsonObject entry = modelDescriptions::ollamaTag(model.id, model.ownedBy, m_createdAt);
        entry.remove(QLatin1String("modified_at"));
        entry.insert(QLatin1String("expires_at"), OllamaChatClient::timestamp((last + kKeepAliveMs) * 1'000'000));
        entry.insert(QLatin1String("size_vram"), 0);
        models.append(entry);
    }
    reply(responder, 200, kJson, toJson({{QLatin1String("models"), models}}));
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
        replyError(responder, kAnthropicErrors, ApiError::invalidRequest(QStringLiteral("limit: Input should be between 1 and 1000"),
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
    reply(responder, 200, kJson,
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
        replyError(responder, errors, ApiError::make(404, QStringLiteral("invalid_request_error"), QStringLiteral("model_not_found"),
                                            QStringLiteral("The model '%1' does not exist").arg(id)));
        return;
    }
    if (anthropicShape) {
        reply(responder, 200, kJson, toJson(anthropicModel(id)));
        return;
    }
    QString owner = std::get<QList<RouteTarget>>(targets).constFirst().provider->id;
    for (const ServedModel &model : m_router.servedModels()) {
        if (model.id == id)
            owner = model.ownedBy;
    }
    reply(responder, 200, kJson, toJson(modelDescriptions::openAiModel(id, owner, m_createdAt, m_config->model(id))));
}

void Gateway::handleChat(const Caller &caller, const QHttpServerRequest &request,
                         QHttpServerResponder &&responder, Endpoint endpoint)
{
    ChatExchange::Setup setup;
    setup.clock.start();
    UsageRecord &record = setup.record;
    record.timeMs = QDateTime::currentMSecsSinceEpoch();
    record.accessKey = caller.keyName;
    const Inbound inbound = inboundOf(endpoint);
    const ClientDialect &errors = *inbound.errors;

    // Dialect in: every dialect becomes the envelope the router and the adapters take (the
    // OpenAI Chat body, or the OpenAI embeddings request), with the client's own body
    // kept for providers that speak it.
    auto decoded = decodeInbound(endpoint, request.body());
    if (const ApiError *error = std::get_if<ApiError>(&decoded)) {
        reject(responder, errors, *error, record);
        return;
    }
    ChatEnvelope &chat = std::get<ChatEnvelope>(decoded);
    if (errors.wire() == WireDialect::OllamaApi)
        chat.model = ollamaModelId(chat.model);
    // No provider has ids this long; a longer one would be echoed in errors and stored in
    // every usage row it touches.
    constexpr qsizetype kMaxModelId = 256;
    if (chat.model.size() > kMaxModelId) {
        record.requestedModel = chat.model.left(kMaxModelId);
        reject(responder, errors,
               ApiError::invalidRequest(QStringLiteral("model: at most %1 characters (this one has %2)")
                                            .arg(kMaxModelId)
                                            .arg(chat.model.size()),
                                        QStringLiteral("model")),
               record);
        return;
    }
    record.requestedModel = chat.model;
    if (!caller.allows(chat.model)) {
        reject(responder, errors,
               ApiError::make(403, QStringLiteral("invalid_request_error"), QStringLiteral("model_not_allowed"),
                              QStringLiteral("The access key '%1' may not use the model '%2'").arg(caller.keyName, chat.model)),
               record);
        return;
    }
    if (chat.loadOnly) {
        // Ollama's "load this model" call (an empty prompt): nothing to ask a provider.
        // The model must still exist, as Ollama answers 404 for one it does not have.
        const auto targets = m_router.resolve(chat.model);
        if (const ApiError *missing = std::get_if<ApiError>(&targets)) {
            reject(responder, errors, *missing, record);
            return;
        }
        m_lastUsedMs.insert(chat.model, record.timeMs);
        reply(responder, 200, kJson, ollamaLoadAnswer(chat.model, endpoint == Endpoint::OllamaChat));
        return;
    }
    // The key's limits: counted before routing, so a refused request costs nothing.
    KeyLimiter::Verdict limited = m_limiter->admit(caller);
    if (limited.refusal) {
        reject(responder, errors, *limited.refusal, record, limited.headers);
        return;
    }
    m_replyHeaders.append(limited.headers);
    // The router stage: the model's candidate routes, in the order this request tries
    // them, and the response cache in front of them.
    auto routed = m_router.route(chat.model, chat.untranslatable ? chat.native : chat.body, inbound.cacheScope,
                                 request.value(QByteArrayLiteral("x-onegate-cache")), m_providers);
    if (const ApiError *error = std::get_if<ApiError>(&routed)) {
        reject(responder, errors, *error, record);
        return;
    }
    m_lastUsedMs.insert(chat.model, record.timeMs);
    RoutedRequest &placed = std::get<RoutedRequest>(routed);
    setup.plan = std::move(placed.plan);
    setup.cache = placed.cache;
    setup.cacheKey = std::move(placed.cacheKey);
    setup.cached = std::move(placed.cached);
    setup.dialect = clientOf(endpoint, chat);
    setup.call.dialect = inbound.call;
    if (inbound.call != WireDialect::OpenAiChat && inbound.call != WireDialect::OpenAiEmbeddings) {
        setup.call.nativeBody = std::move(chat.native);
        setup.call.untranslatable = std::move(chat.untranslatable);
    }
    if (endpoint == Endpoint::Messages)
        setup.call.clientHeaders = anthropicClientHeaders(request);
    setup.call.body = std::move(chat.body);
    setup.call.stream = chat.stream;
    setup.call.clientWantsUsage = chat.includeUsage;
    setup.config = m_config;
    setup.usage = m_usage;
    setup.metrics = &m_router.metrics();
    setup.keepAliveMs = m_config->streamKeepAliveMs;
    setup.responseHeaders = m_replyHeaders;
    setup.limitTicket = std::move(limited.ticket);

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
    auto parsed = requestObject(request.body(),
                                QStringLiteral("There was an error parsing the body of your request: %1 at offset %2"));
    if (const ApiError *error = std::get_if<ApiError>(&parsed)) {
        replyError(responder, kAnthropicErrors, *error);
        return;
    }
    const QJsonObject body = std::get<QJsonObject>(std::move(parsed));
    const QString model = body.value(QLatin1String("model")).toString();
    std::optional<ApiError> invalid;
    if (model.isEmpty())
        invalid = ApiError::invalidRequest(QStringLiteral("model: Field required"), QStringLiteral("model"));
    else if (!body.value(QLatin1String("messages")).isArray())
        invalid = ApiError::invalidRequest(QStringLiteral("messages: Input should be a valid list"), QStringLiteral("messages"));
    else if (!caller.allows(model))
        invalid = ApiError::make(403, QStringLiteral("invalid_request_error"), QStringLiteral("model_not_allowed"),
                                 QStringLiteral("The access key '%1' may not use the model '%2'").arg(caller.keyName, model));
    if (invalid) {
        replyError(responder, kAnthropicErrors, *invalid);
        return;
    }
    auto routed = m_router.route(model, {}, QStringLiteral("anthropic-count"), QByteArrayLiteral("off"), m_providers);
    if (const ApiError *error = std::get_if<ApiError>(&routed)) {
        replyError(responder, kAnthropicErrors, *error);
        return;
    }
    auto *relay = new CountTokensRelay(std::move(responder), std::move(std::get<RoutedRequest>(routed).plan), body,
                                       anthropicClientHeaders(request), m_replyHeaders, this);
    relay->start();
}

void Gateway::reject(QHttpServerResponder &responder, const ClientDialect &dialect, const ApiError &error,
                     UsageRecord record, const HeaderPairs &headers)
{
    replyError(responder, dialect, error, headers);
    if (!m_usage)
        return;
    record.status = error.status;
    record.error = error.message;
    m_usage->record(record);
}

QList<KeyStandingRow> Gateway::keyStandings()
{
    QList<KeyStandingRow> rows;
    for (const AccessKey &key : m_config->accessKeys)
        rows.append({key.name, key.limits, m_limiter->standing(key.name, key.limits)});
    return rows;
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
    if (m_ollama.tcp)
        m_ollama.tcp->close();
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
