#include "ConfigParser.h"

#include "config/DuplicateKeys.h"
#include "config/ListenAddress.h"
#include "secrets/SecretReference.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSet>
#include <algorithm>
#include <cmath>
#include <initializer_list>

using namespace Qt::StringLiterals;

namespace onegate {

namespace {

constexpr int kMaxBodyMb = 1024;
constexpr int kMaxTimeoutMs = 86'400'000;  // a day: anything longer is a typo
constexpr int kMaxPriority = 1000;
constexpr int kMaxWeight = 1'000'000;
constexpr int kMaxAttempts = 10;          // per request, across every route
constexpr int kMaxConcurrency = 100'000;
constexpr int kMaxCacheTtlSeconds = 30 * 24 * 3600;
constexpr int kMaxCacheMb = 4096;
constexpr int kMaxBreakerFailures = 1000;
constexpr int kMaxContextWindow = 100'000'000;  // tokens; larger is a typo
constexpr qint64 kBytesPerMb = 1024 * 1024;
constexpr auto kDefaultAzureApiVersion = "2024-10-21"_L1;

constexpr ProviderKind kAllKinds[] = {ProviderKind::OpenAi, ProviderKind::Azure,
                                      ProviderKind::Anthropic, ProviderKind::Gemini,
                                      ProviderKind::Ollama};

// Header names whose values are credentials: they must come from api_key, which is
// resolved from the keychain or the environment and never written to the file.
constexpr QLatin1String kSecretHeaders[] = {"authorization"_L1, "x-api-key"_L1, "api-key"_L1,
                                            "x-goog-api-key"_L1, "proxy-authorization"_L1};
// Framing headers OneGate computes per request; a fixed value would corrupt the exchange.
constexpr QLatin1String kManagedHeaders[] = {"host"_L1, "content-length"_L1,
                                             "transfer-encoding"_L1, "connection"_L1};

QString keyPath(const QString &path, const QString &key)
{
    return path.isEmpty() ? key : path + u'.' + key;
}

QString keyPath(const QString &path, QLatin1String key)
{
    return keyPath(path, QString(key));
}

QString indexPath(const QString &path, qsizetype index)
{
    return path + u'[' + QString::number(index) + u']';
}

bool isAsciiLetterOrDigit(QChar c)
{
    return (c >= u'a' && c <= u'z') || (c >= u'A' && c <= u'Z') || (c >= u'0' && c <= u'9');
}

// [A-Za-z0-9._-]+ : safe in URLs, paths ("provider-id/model") and log lines.
bool isIdentifier(const QString &text)
{
    for (const QChar c : text) {
        if (!isAsciiLetterOrDigit(c) && c != u'.' && c != u'_' && c != u'-')
            return false;
    }
    return !text.isEmpty();
}

// RFC 9110 token characters.
bool isHeaderName(const QString &name)
{
    static constexpr auto kSymbols = "!#$%&'*+-.^_`|~"_L1;
    for (const QChar c : name) {
        if (!isAsciiLetterOrDigit(c) && !kSymbols.contains(c))
            return false;
    }
    return !name.isEmpty();
}

bool hasControlCharacter(const QString &text)
{
    for (const QChar c : text) {
        if (c.unicode() < 0x20 || c.unicode() == 0x7f)
            return true;
    }
    return false;
}

template<std::size_t N>
bool isOneOf(const QString &lowerName, const QLatin1String (&names)[N])
{
    for (const QLatin1String name : names) {
        if (lowerName == name)
            return true;
    }
    return false;
}

QString kindList()
{
    QStringList names;
    for (const ProviderKind kind : kAllKinds)
        names.append(providerKindName(kind));
    return names.join(u", "_s);
}

bool kindNeedsApiKey(ProviderKind kind)
{
    // openai-compatible local servers (vLLM, LM Studio) and ollama usually take no key.
    return kind == ProviderKind::Azure || kind == ProviderKind::Anthropic
           || kind == ProviderKind::Gemini;
}

void stripTrailingSlashes(QUrl &url)
{
    QString path = url.path();
    while (path.endsWith(u'/'))
        path.chop(1);
    url.setPath(path);
}

QString describeJsonError(const QByteArray &json, const QJsonParseError &error)
{
    int line = 1;
    int column = 1;
    for (qsizetype i = 0; i < error.offset && i < json.size(); ++i) {
        if (json.at(i) == '\n') {
            ++line;
            column = 1;
        } else {
            ++column;
        }
    }
    return u"invalid JSON at offset %1 (line %2, column %3): %4"_s.arg(error.offset)
        .arg(line)
        .arg(column)
        .arg(error.errorString());
}

// Reads one document into a Config, stopping at the first problem. Every reader reports
// its own error through fail() and returns nothing, so callers only propagate.
class Parser final {
public:
    explicit Parser(const QString &fileName) : m_fileName(fileName) {}

    ConfigResult parse(const QByteArray &json);

private:
    bool fail(const QString &path, const QString &message);

    bool checkKeys(const QJsonObject &object, const QString &path,
                   std::initializer_list<QLatin1String> known);
    bool require(const QJsonObject &object, const QString &path, QLatin1String key);
    std::optional<QJsonObject> object(const QJsonValue &value, const QString &path);
    std::optional<QJsonArray> array(const QJsonValue &value, const QString &path);
    std::optional<QString> string(const QJsonValue &value, const QString &path);
    std::optional<QString> nonEmptyString(const QJsonValue &value, const QString &path);
    std::optional<QString> identifier(const QJsonValue &value, const QString &path);
    std::optional<bool> boolean(const QJsonValue &value, const QString &path);
    std::optional<int> integer(const QJsonValue &value, const QString &path, int min, int max);
    // Leaves `target` (the default) alone when the key is absent.
    bool optionalInteger(const QJsonObject &object, const QString &path, QLatin1String key,
                         int min, int max, int &target);
    std::optional<QStringList> stringList(const QJsonValue &value, const QString &path,
                                          bool unique);
    std::optional<SecretValue> secret(const QJsonValue &value, const QString &path);

    template<typename T, typename ParseElement>
    std::optional<QList<T>> list(const QJsonValue &value, const QString &path,
                                 ParseElement parseElement);
    // `field` names the JSON key that `key` was read from, for the error path.
    template<typename T>
    bool checkUnique(const QList<T> &items, const QString &path, QLatin1String field,
                     const QString &what, QString T::*key);

    bool parseDocument(const QJsonObject &root, Config &config);
    bool parseListen(const QJsonValue &value, Config &config);
    bool parseOllama(const QJsonValue &value, Config &config);
    bool parseCors(const QJsonValue &value, Config &config);
    bool parseAuth(const QJsonValue &value, Config &config);
    bool parseLimits(const QJsonValue &value, Config &config);
    bool parseRouter(const QJsonValue &value, Config &config);
    bool parseCache(const QJsonValue &value, Config &config);
    bool parseBreaker(const QJsonValue &value, const QString &path, BreakerSettings &breaker);
    bool checkAuthScope(const Config &config);
    bool parseAccessKeys(const QJsonValue &value, Config &config);
    bool parseProviders(const QJsonValue &value, Config &config);
    bool parseModels(const QJsonValue &value, Config &config);

    std::optional<AccessKey> parseAccessKey(const QJsonValue &value, const QString &path);
    bool parseKeyLimits(const QJsonObject &entry, const QString &path, AccessKeyLimits &limits);
    bool parseBudget(const QJsonValue &value, const QString &path, AccessKeyLimits &limits);

    std::optional<ProviderSettings> parseProvider(const QJsonValue &value, const QString &path);
    bool parseKind(const QJsonObject &object, const QString &path, ProviderSettings &provider);
    bool parseBaseUrl(const QJsonObject &object, const QString &path,
                      ProviderSettings &provider);
    bool parseApiKeys(const QJsonObject &object, const QString &path,
                      ProviderSettings &provider);
    bool parseProxy(const QJsonValue &value, const QString &path, ProviderSettings &provider);
    bool parseApiVersion(const QJsonValue &value, const QString &path,
                         ProviderSettings &provider);
    bool parseTimeouts(const QJsonValue &value, const QString &path,
                       ProviderSettings &provider);
    bool parseHeaders(const QJsonValue &value, const QString &path, ProviderSettings &provider);

    std::optional<ModelAlias> parseModel(const QJsonValue &value, const QString &path,
                                         const Config &config);
    std::optional<Route> parseRoute(const QJsonValue &value, const QString &path,
                                    const Config &config);
    bool parseModelRoutes(const QJsonObject &entry, const QString &path, const Config &config,
                          ModelAlias &model);
    bool parsePrices(const QJsonValue &value, const QString &path, ModelPrices &prices);
    bool optionalPrice(const QJsonObject &object, const QString &path, QLatin1String key,
                       std::optional<double> &target);

    QString m_fileName;
    ConfigError m_error;
};

ConfigResult Parser::parse(const QByteArray &json)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        fail({}, describeJsonError(json, parseError));
        return {std::nullopt, m_error};
    }
    if (!document.isObject()) {
        fail({}, u"expected a JSON object at the top level"_s);
        return {std::nullopt, m_error};
    }
    if (const auto duplicate = findDuplicateKey(json)) {
        fail(*duplicate, u"duplicate key"_s);
        return {std::nullopt, m_error};
    }
    Config config;
    if (!parseDocument(document.object(), config))
        return {std::nullopt, m_error};
    return {config, {}};
}

bool Parser::fail(const QString &path, const QString &message)
{
    m_error = {m_fileName, path, message};
    return false;
}

bool Parser::checkKeys(const QJsonObject &object, const QString &path,
                       std::initializer_list<QLatin1String> known)
{
    for (auto it = object.constBegin(); it != object.constEnd(); ++it) {
        if (std::find(known.begin(), known.end(), it.key()) == known.end())
            return fail(keyPath(path, it.key()), u"unknown key"_s);
    }
    return true;
}

bool Parser::require(const QJsonObject &object, const QString &path, QLatin1String key)
{
    if (object.contains(key))
        return true;
    return fail(keyPath(path, key), u"missing required key"_s);
}

std::optional<QJsonObject> Parser::object(const QJsonValue &value, const QString &path)
{
    if (!value.isObject()) {
        fail(path, u"expected an object"_s);
        return std::nullopt;
    }
    return value.toObject();
}

std::optional<QJsonArray> Parser::array(const QJsonValue &value, const QString &path)
{
    if (!value.isArray()) {
        fail(path, u"expected an array"_s);
        return std::nullopt;
    }
    return value.toArray();
}

std::optional<QString> Parser::string(const QJsonValue &value, const QString &path)
{
    if (!value.isString()) {
        fail(path, u"expected a string"_s);
        return std::nullopt;
    }
    return value.toString();
}

std::optional<QString> Parser::nonEmptyString(const QJsonValue &value, const QString &path)
{
    auto text = string(value, path);
    if (text && text->isEmpty()) {
        fail(path, u"must not be empty"_s);
        return std::nullopt;
    }
    return text;
}

std::optional<QString> Parser::identifier(const QJsonValue &value, const QString &path)
{
    auto text = nonEmptyString(value, path);
    if (text && !isIdentifier(*text)) {
        fail(path, u"may contain only letters, digits, '.', '_' and '-'"_s);
        return std::nullopt;
    }
    return text;
}

std::optional<bool> Parser::boolean(const QJsonValue &value, const QString &path)
{
    if (!value.isBool()) {
        fail(path, u"expected true or false"_s);
        return std::nullopt;
    }
    return value.toBool();
}

std::optional<int> Parser::integer(const QJsonValue &value, const QString &path, int min,
                                   int max)
{
    const double number = value.toDouble();
    if (!value.isDouble() || std::floor(number) != number || number < min || number > max) {
        fail(path, u"expected an integer from %1 to %2"_s.arg(min).arg(max));
        return std::nullopt;
    }
    return static_cast<int>(number);
}

bool Parser::optionalInteger(const QJsonObject &object, const QString &path, QLatin1String key,
                             int min, int max, int &target)
{
    const QJsonValue value = object.value(key);
    if (value.isUndefined())
        return true;
    const auto number = integer(value, keyPath(path, key), min, max);
    if (!number)
        return false;
    target = *number;
    return true;
}

std::optional<QStringList> Parser::stringList(const QJsonValue &value, const QString &path,
                                              bool unique)
{
    const auto elements = array(value, path);
    if (!elements)
        return std::nullopt;
    QStringList strings;
    for (qsizetype i = 0; i < elements->size(); ++i) {
        const QString elementPath = indexPath(path, i);
        const auto text = nonEmptyString(elements->at(i), elementPath);
        if (!text)
            return std::nullopt;
        if (unique && strings.contains(*text)) {
            fail(elementPath, u"duplicate \"%1\""_s.arg(*text));
            return std::nullopt;
        }
        strings.append(*text);
    }
    return strings;
}

// Secret fields only ever hold a reference; what fails here is never echoed, because a
// user who pasted a key into the file would otherwise see it repeated in logs.
std::optional<SecretValue> Parser::secret(const QJsonValue &value, const QString &path)
{
    const auto text = string(value, path);
    if (!text)
        return std::nullopt;
    const SecretReference reference = SecretReference::parse(*text);
    if (!reference.isValid()) {
        fail(path, reference.problem);
        return std::nullopt;
    }
    SecretValue secretValue;
    secretValue.reference = *text;
    return secretValue;
}

template<typename T, typename ParseElement>
std::optional<QList<T>> Parser::list(const QJsonValue &value, const QString &path,
                                     ParseElement parseElement)
{
    QList<T> items;
    if (value.isUndefined())
        return items;
    const auto elements = array(value, path);
    if (!elements)
        return std::nullopt;
    for (qsizetype i = 0; i < elements->size(); ++i) {
        std::optional<T> item = parseElement(elements->at(i), indexPath(path, i));
        if (!item)
            return std::nullopt;
        items.append(std::move(*item));
    }
    return items;
}

template<typename T>
bool Parser::checkUnique(const QList<T> &items, const QString &path, QLatin1String field,
                         const QString &what, QString T::*key)
{
    QSet<QString> seen;
    for (qsizetype i = 0; i < items.size(); ++i) {
        const QString &id = items.at(i).*key;
        if (seen.contains(id))
            return fail(keyPath(indexPath(path, i), field), u"duplicate %1 \"%2\""_s.arg(what, id));
        seen.insert(id);
    }
    return true;
}

bool Parser::parseDocument(const QJsonObject &root, Config &config)
{
    return checkKeys(root, {},
                     {"listen"_L1, "auth"_L1, "access_keys"_L1, "providers"_L1, "models"_L1,
                      "limits"_L1, "router"_L1, "cache"_L1, "ollama"_L1, "cors"_L1})
           && parseListen(root.value("listen"_L1), config)
           && parseAuth(root.value("auth"_L1), config)
           && parseLimits(root.value("limits"_L1), config)
           && parseRouter(root.value("router"_L1), config)
           && parseCache(root.value("cache"_L1), config)
           && parseOllama(root.value("ollama"_L1), config)
           && parseCors(root.value("cors"_L1), config)
           && parseAccessKeys(root.value("access_keys"_L1), config)
           && parseProviders(root.value("providers"_L1), config)
           && parseModels(root.value("models"_L1), config) && checkAuthScope(config);
}

bool Parser::parseAccessKeys(const QJsonValue &value, Config &config)
{
    const QString path = u"access_keys"_s;
    auto keys = list<AccessKey>(value, path, [this](const QJsonValue &element, const QString &at) {
        return parseAccessKey(element, at);
    });
    if (!keys || !checkUnique(*keys, path, "name"_L1, u"access key name"_s, &AccessKey::name))
        return false;
    config.accessKeys = std::move(*keys);
    return true;
}

bool Parser::parseProviders(const QJsonValue &value, Config &config)
{
    const QString path = u"providers"_s;
    auto providers =
        list<ProviderSettings>(value, path, [this](const QJsonValue &element, const QString &at) {
            return parseProvider(element, at);
        });
    if (!providers
        || !checkUnique(*providers, path, "id"_L1, u"provider id"_s, &ProviderSettings::id))
        return false;
    config.providers = std::move(*providers);
    return true;
}

// Runs after parseProviders: routes are checked against the provider ids.
bool Parser::parseModels(const QJsonValue &value, Config &config)
{
    const QString path = u"models"_s;
    auto models = list<ModelAlias>(value, path,
                                   [this, &config](const QJsonValue &element, const QString &at) {
                                       return parseModel(element, at, config);
                                   });
    if (!models || !checkUnique(*models, path, "id"_L1, u"model id"_s, &ModelAlias::id))
        return false;
    config.models = std::move(*models);
    return true;
}

bool Parser::parseListen(const QJsonValue &value, Config &config)
{
    if (value.isUndefined())
        return true;
    const QString path = u"listen"_s;
    const auto text = string(value, path);
    if (!text)
        return false;
    const ListenAddress address = ListenAddress::parse(*text);
    if (!address.isValid())
        return fail(path, address.problem);
    config.listenHost = address.host;
    config.listenPort = address.port;
    return true;
}

bool Parser::parseOllama(const QJsonValue &value, Config &config)
{
    if (value.isUndefined())
        return true;
    const QString path = u"ollama"_s;
    const auto ollama = object(value, path);
    if (!ollama || !checkKeys(*ollama, path, {"listen"_L1}))
        return false;
    config.ollama.enabled = true;
    const QJsonValue listen = ollama->value("listen"_L1);
    if (listen.isUndefined())
        return true;
    const QString listenPath = keyPath(path, "listen"_L1);
    const auto text = string(listen, listenPath);
    if (!text)
        return false;
    const ListenAddress address = ListenAddress::parse(*text);
    if (!address.isValid())
        return fail(listenPath, address.problem);
    config.ollama.host = address.host;
    config.ollama.port = address.port;
    return true;
}

bool Parser::parseCors(const QJsonValue &value, Config &config)
{
    if (value.isUndefined())
        return true;
    const QString path = u"cors"_s;
    const auto cors = object(value, path);
    if (!cors || !checkKeys(*cors, path, {"origins"_L1, "extensions"_L1}))
        return false;
    const QJsonValue origins = cors->value("origins"_L1);
    if (!origins.isUndefined()) {
        const QString originsPath = keyPath(path, "origins"_L1);
        const auto list = stringList(origins, originsPath, true);
        if (!list)
            return false;
        // An origin is scheme://host[:port] as a browser sends it: no path, no slash at
        // the end, no wildcard (a pattern would let pages nobody listed spend money).
        static const QRegularExpression shape(u"^[a-z][a-z0-9+.-]*://[^/\\s*?#@]+$"_s);
        for (qsizetype i = 0; i < list->size(); ++i) {
            const QString origin = list->at(i).toLower();
            if (origin != "null"_L1 && !shape.match(origin).hasMatch())
                return fail(indexPath(originsPath, i),
                            u"\"%1\" is not an origin: write it as the browser sends it, scheme://host[:port] "
                            u"with no path or wildcard (e.g. https://chat.example.org)"_s.arg(list->at(i)));
            config.cors.origins.append(origin);
        }
    }
    const QJsonValue extensions = cors->value("extensions"_L1);
    if (extensions.isUndefined())
        return true;
    const auto flag = boolean(extensions, keyPath(path, "extensions"_L1));
    if (!flag)
        return false;
    config.cors.extensions = *flag;
    return true;
}

bool Parser::parseAuth(const QJsonValue &value, Config &config)
{
    if (value.isUndefined())
        return true;
    const QString path = u"auth"_s;
    const auto auth = object(value, path);
    if (!auth || !checkKeys(*auth, path, {"required"_L1}))
        return false;
    const QJsonValue required = auth->value("required"_L1);
    if (required.isUndefined())
        return true;
    const auto flag = boolean(required, keyPath(path, "required"_L1));
    if (!flag)
        return false;
    config.authRequired = *flag;
    return true;
}

bool Parser::parseLimits(const QJsonValue &value, Config &config)
{
    if (value.isUndefined())
        return true;
    const QString path = u"limits"_s;
    const auto limits = object(value, path);
    if (!limits || !checkKeys(*limits, path, {"max_body_mb"_L1, "stream_keepalive_ms"_L1}))
        return false;
    int megabytes = static_cast<int>(config.maxBodyBytes / kBytesPerMb);
    if (!optionalInteger(*limits, path, "max_body_mb"_L1, 1, kMaxBodyMb, megabytes)
        || !optionalInteger(*limits, path, "stream_keepalive_ms"_L1, 100, kMaxTimeoutMs, config.streamKeepAliveMs))
        return false;
    config.maxBodyBytes = megabytes * kBytesPerMb;
    return true;
}

bool Parser::parseRouter(const QJsonValue &value, Config &config)
{
    if (value.isUndefined())
        return true;
    const QString path = u"router"_s;
    const auto router = object(value, path);
    if (!router
        || !checkKeys(*router, path,
                      {"max_attempts"_L1, "max_total_ms"_L1, "retry_after_max_ms"_L1, "breaker"_L1}))
        return false;
    RouterSettings &settings = config.router;
    return optionalInteger(*router, path, "max_attempts"_L1, 1, kMaxAttempts, settings.maxAttempts)
           && optionalInteger(*router, path, "max_total_ms"_L1, 1, kMaxTimeoutMs, settings.maxTotalMs)
           && optionalInteger(*router, path, "retry_after_max_ms"_L1, 0, kMaxTimeoutMs,
                              settings.retryAfterMaxMs)
           && parseBreaker(router->value("breaker"_L1), keyPath(path, "breaker"_L1), settings.breaker);
}

bool Parser::parseCache(const QJsonValue &value, Config &config)
{
    if (value.isUndefined())
        return true;
    const QString path = u"cache"_s;
    const auto cache = object(value, path);
    return cache && checkKeys(*cache, path, {"ttl_s"_L1, "max_mb"_L1})
           && optionalInteger(*cache, path, "ttl_s"_L1, 1, kMaxCacheTtlSeconds, config.cache.ttlSeconds)
           && optionalInteger(*cache, path, "max_mb"_L1, 1, kMaxCacheMb, config.cache.maxMb);
}

bool Parser::parseBreaker(const QJsonValue &value, const QString &path, BreakerSettings &breaker)
{
    if (value.isUndefined())
        return true;
    const auto fields = object(value, path);
    if (!fields || !checkKeys(*fields, path, {"failures"_L1, "cooldown_ms"_L1, "max_cooldown_ms"_L1}))
        return false;
    if (!optionalInteger(*fields, path, "failures"_L1, 1, kMaxBreakerFailures, breaker.failures)
        || !optionalInteger(*fields, path, "cooldown_ms"_L1, 1, kMaxTimeoutMs, breaker.cooldownMs))
        return false;
    // A cap below the first cooldown would make the cooldown shrink as failures go on.
    if (!fields->contains("max_cooldown_ms"_L1))
        breaker.maxCooldownMs = std::max(breaker.maxCooldownMs, breaker.cooldownMs);
    return optionalInteger(*fields, path, "max_cooldown_ms"_L1, breaker.cooldownMs, kMaxTimeoutMs,
                           breaker.maxCooldownMs);
}

bool Parser::checkAuthScope(const Config &config)
{
    if (config.authRequired || isLoopbackHost(config.listenHost))
        return true;
    return fail(u"auth.required"_s, u"may be false only when listen is a loopback address "
                                    u"(127.0.0.0/8, [::1] or localhost)"_s);
}

std::optional<AccessKey> Parser::parseAccessKey(const QJsonValue &value, const QString &path)
{
    const auto entry = object(value, path);
    if (!entry
        || !checkKeys(*entry, path,
                      {"name"_L1, "key"_L1, "models"_L1, "expires"_L1, "rpm"_L1, "tpm"_L1, "max_concurrent"_L1,
                       "budget"_L1})
        || !require(*entry, path, "name"_L1) || !require(*entry, path, "key"_L1))
        return std::nullopt;
    AccessKey key;
    const auto name = identifier(entry->value("name"_L1), keyPath(path, "name"_L1));
    if (!name)
        return std::nullopt;
    key.name = *name;
    const auto secretValue = secret(entry->value("key"_L1), keyPath(path, "key"_L1));
    if (!secretValue)
        return std::nullopt;
    key.key = *secretValue;
    const QJsonValue models = entry->value("models"_L1);
    if (models.isUndefined()) {
        key.models = QStringList{u"*"_s};
    } else {
        const auto names = stringList(models, keyPath(path, "models"_L1), false);
        if (!names)
            return std::nullopt;
        for (qsizetype i = 0; i < names->size(); ++i) {
            if (names->at(i).chopped(names->at(i).endsWith(u'*') ? 1 : 0).contains(u'*')) {
                fail(indexPath(keyPath(path, "models"_L1), i),
                     u"\"%1\": a \"*\" may only end an entry (\"claude-*\" allows every id that starts with "
                     u"\"claude-\")"_s.arg(names->at(i)));
                return std::nullopt;
            }
        }
        key.models = *names;
    }
    if (!parseKeyLimits(*entry, path, key.limits))
        return std::nullopt;
    return key;
}

bool Parser::parseKeyLimits(const QJsonObject &entry, const QString &path, AccessKeyLimits &limits)
{
    const QJsonValue expires = entry.value("expires"_L1);
    if (!expires.isUndefined()) {
        const auto text = string(expires, keyPath(path, "expires"_L1));
        if (!text)
            return false;
        // RFC 3339 in UTC only ("Z"): a local time would expire at a different moment on
        // every machine that reads the same file.
        const QDateTime at = QDateTime::fromString(*text, Qt::ISODate);
        if (!text->endsWith(u'Z') || !at.isValid() || !text->contains(u'T'))
            return fail(keyPath(path, "expires"_L1),
                        u"\"%1\": expected an RFC 3339 UTC time such as \"2027-01-31T00:00:00Z\""_s.arg(*text));
        limits.expiresMs = at.toMSecsSinceEpoch();
    }
    constexpr int kMax = 1'000'000'000;
    return optionalInteger(entry, path, "rpm"_L1, 1, kMax, limits.rpm)
        && optionalInteger(entry, path, "tpm"_L1, 1, kMax, limits.tpm)
        && optionalInteger(entry, path, "max_concurrent"_L1, 1, 100'000, limits.maxConcurrent)
        && parseBudget(entry.value("budget"_L1), keyPath(path, "budget"_L1), limits);
}

bool Parser::parseBudget(const QJsonValue &value, const QString &path, AccessKeyLimits &limits)
{
    if (value.isUndefined())
        return true;
    const auto budget = object(value, path);
    if (!budget || !checkKeys(*budget, path, {"monthly"_L1, "warn_at"_L1}) || !require(*budget, path, "monthly"_L1))
        return false;
    const QJsonValue monthly = budget->value("monthly"_L1);
    if (!monthly.isDouble() || !(monthly.toDouble() > 0) || monthly.toDouble() > 1e12)
        return fail(keyPath(path, "monthly"_L1),
                    u"expected a number above 0 (money per month, in the currency of the model prices)"_s);
    limits.monthlyBudget = monthly.toDouble();
    const QJsonValue warnAt = budget->value("warn_at"_L1);
    if (!warnAt.isUndefined()) {
        if (!warnAt.isDouble() || !(warnAt.toDouble() > 0) || warnAt.toDouble() > 1)
            return fail(keyPath(path, "warn_at"_L1),
                        u"expected a fraction above 0 and at most 1 (0.8 warns at 80 % of the budget)"_s);
        limits.warnAt = warnAt.toDouble();
    }
    return true;
}

std::optional<ProviderSettings> Parser::parseProvider(const QJsonValue &value,
                                                      const QString &path)
{
    const auto entry = object(value, path);
    if (!entry
        || !checkKeys(*entry, path,
                      {"id"_L1, "kind"_L1, "base_url"_L1, "api_key"_L1, "models"_L1, "proxy"_L1,
                       "api_version"_L1, "timeouts"_L1, "headers"_L1, "max_concurrency"_L1,
                       "responses"_L1})
        || !require(*entry, path, "id"_L1))
        return std::nullopt;
    ProviderSettings provider;
    const auto id = identifier(entry->value("id"_L1), keyPath(path, "id"_L1));
    if (!id)
        return std::nullopt;
    provider.id = *id;
    if (!parseKind(*entry, path, provider) || !parseBaseUrl(*entry, path, provider)
        || !parseApiKeys(*entry, path, provider))
        return std::nullopt;
    const QJsonValue models = entry->value("models"_L1);
    if (!models.isUndefined()) {
        const auto names = stringList(models, keyPath(path, "models"_L1), true);
        if (!names)
            return std::nullopt;
        provider.models = *names;
    }
    if (!parseProxy(entry->value("proxy"_L1), keyPath(path, "proxy"_L1), provider)
        || !parseApiVersion(entry->value("api_version"_L1), keyPath(path, "api_version"_L1),
                            provider)
        || !parseTimeouts(entry->value("timeouts"_L1), keyPath(path, "timeouts"_L1), provider)
        || !parseHeaders(entry->value("headers"_L1), keyPath(path, "headers"_L1), provider)
        || !optionalInteger(*entry, path, "max_concurrency"_L1, 1, kMaxConcurrency,
                            provider.maxConcurrency))
        return std::nullopt;
    const QJsonValue responses = entry->value("responses"_L1);
    if (!responses.isUndefined()) {
        const QString responsesPath = keyPath(path, "responses"_L1);
        const auto flag = boolean(responses, responsesPath);
        if (!flag)
            return std::nullopt;
        if (*flag && provider.kind != ProviderKind::OpenAi) {
            fail(responsesPath, u"only an openai provider can serve /v1/responses itself; other kinds are "
                                u"always translated"_s);
            return std::nullopt;
        }
        provider.servesResponses = *flag;
    }
    return provider;
}

// The kind decides the wire format, so it is required rather than guessed.
bool Parser::parseKind(const QJsonObject &object, const QString &path, ProviderSettings &provider)
{
    const QString kindPath = keyPath(path, "kind"_L1);
    if (!require(object, path, "kind"_L1))
        return false;
    const auto name = string(object.value("kind"_L1), kindPath);
    if (!name)
        return false;
    for (const ProviderKind kind : kAllKinds) {
        if (providerKindName(kind) == *name) {
            provider.kind = kind;
            return true;
        }
    }
    return fail(kindPath, u"must be one of "_s + kindList());
}

bool Parser::parseBaseUrl(const QJsonObject &object, const QString &path,
                          ProviderSettings &provider)
{
    const QString urlPath = keyPath(path, "base_url"_L1);
    if (!require(object, path, "base_url"_L1))
        return false;
    const auto text = string(object.value("base_url"_L1), urlPath);
    if (!text)
        return false;
    QUrl url(*text, QUrl::StrictMode);
    const QString scheme = url.scheme();
    if (!url.isValid() || (scheme != "http"_L1 && scheme != "https"_L1) || url.host().isEmpty())
        return fail(urlPath, u"not an http(s) URL"_s);
    if (!url.userInfo().isEmpty())
        return fail(urlPath, u"must not contain a user name or password: credentials belong in "
                             u"api_key"_s);
    if (url.hasQuery() || url.hasFragment())
        return fail(urlPath, u"must not contain a query or fragment: OneGate appends the API "
                             u"path to it"_s);
    stripTrailingSlashes(url);
    provider.baseUrl = url;
    return true;
}

bool Parser::parseApiKeys(const QJsonObject &object, const QString &path,
                          ProviderSettings &provider)
{
    const QString keyFieldPath = keyPath(path, "api_key"_L1);
    const QJsonValue value = object.value("api_key"_L1);
    if (value.isUndefined()) {
        if (kindNeedsApiKey(provider.kind))
            return fail(keyFieldPath,
                        u"required for kind %1 (env:NAME or keychain:NAME)"_s.arg(
                            providerKindName(provider.kind)));
        return true;
    }
    if (value.isString()) {
        const auto key = secret(value, keyFieldPath);
        if (!key)
            return false;
        provider.apiKeys.append(*key);
        return true;
    }
    if (!value.isArray())
        return fail(keyFieldPath, u"expected a string or an array of strings"_s);
    const QJsonArray references = value.toArray();
    if (references.isEmpty())
        return fail(keyFieldPath, u"must not be an empty array"_s);
    for (qsizetype i = 0; i < references.size(); ++i) {
        const auto key = secret(references.at(i), indexPath(keyFieldPath, i));
        if (!key)
            return false;
        provider.apiKeys.append(*key);
    }
    return true;
}

bool Parser::parseProxy(const QJsonValue &value, const QString &path, ProviderSettings &provider)
{
    if (value.isUndefined())
        return true;
    const auto text = string(value, path);
    if (!text)
        return false;
    if (*text == "system"_L1) {
        provider.proxy.mode = ProxySetting::Mode::System;
        return true;
    }
    if (*text == "none"_L1) {
        provider.proxy.mode = ProxySetting::Mode::None;
        return true;
    }
    const QUrl url(*text, QUrl::StrictMode);
    const QString scheme = url.scheme();
    if (!url.isValid() || (scheme != "http"_L1 && scheme != "socks5"_L1))
        return fail(path, u"expected \"system\", \"none\", or an http:// or socks5:// URL"_s);
    // A proxy password would be a secret in the file; the URL is not echoed for that reason.
    if (!url.userInfo().isEmpty())
        return fail(path, u"must not contain a user name or password: the config file never "
                          u"holds secrets"_s);
    const bool bare = url.path().isEmpty() || url.path() == "/"_L1;
    if (url.host().isEmpty() || url.port() < 0 || !bare || url.hasQuery() || url.hasFragment())
        return fail(path, u"a proxy URL is only a scheme, a host and a port, e.g. "
                          u"http://proxy.example:3128"_s);
    provider.proxy.mode =
        scheme == "http"_L1 ? ProxySetting::Mode::Http : ProxySetting::Mode::Socks5;
    provider.proxy.url = url.adjusted(QUrl::RemovePath);
    return true;
}

bool Parser::parseApiVersion(const QJsonValue &value, const QString &path,
                             ProviderSettings &provider)
{
    if (value.isUndefined()) {
        if (provider.kind == ProviderKind::Azure)
            provider.apiVersion = QString(kDefaultAzureApiVersion);
        return true;
    }
    if (provider.kind != ProviderKind::Azure)
        return fail(path, u"only kind azure takes an api_version"_s);
    // It ends up in a query string, so the identifier alphabet keeps it from adding more.
    const auto version = identifier(value, path);
    if (!version)
        return false;
    provider.apiVersion = *version;
    return true;
}

bool Parser::parseTimeouts(const QJsonValue &value, const QString &path,
                           ProviderSettings &provider)
{
    if (value.isUndefined())
        return true;
    const auto timeouts = object(value, path);
    if (!timeouts || !checkKeys(*timeouts, path, {"connect_ms"_L1, "idle_ms"_L1, "total_ms"_L1}))
        return false;
    TransportPolicy &policy = provider.policy;
    return optionalInteger(*timeouts, path, "connect_ms"_L1, 1, kMaxTimeoutMs,
                           policy.connectTimeoutMs)
           && optionalInteger(*timeouts, path, "idle_ms"_L1, 1, kMaxTimeoutMs, policy.idleTimeoutMs)
           && optionalInteger(*timeouts, path, "total_ms"_L1, 1, kMaxTimeoutMs,
                              policy.totalTimeoutMs);
}

bool Parser::parseHeaders(const QJsonValue &value, const QString &path, ProviderSettings &provider)
{
    if (value.isUndefined())
        return true;
    const auto headers = object(value, path);
    if (!headers)
        return false;
    QSet<QString> seen;
    for (auto it = headers->constBegin(); it != headers->constEnd(); ++it) {
        const QString name = it.key();
        const QString headerPath = keyPath(path, name);
        const QString lowerName = name.toLower();
        if (!isHeaderName(name))
            return fail(headerPath, u"not a valid HTTP header name"_s);
        if (isOneOf(lowerName, kSecretHeaders))
            return fail(headerPath, u"secrets belong in api_key (env:NAME or keychain:NAME), "
                                    u"not in headers"_s);
        if (isOneOf(lowerName, kManagedHeaders))
            return fail(headerPath, u"OneGate sets this header itself"_s);
        if (seen.contains(lowerName))
            return fail(headerPath, u"duplicate header (names are case-insensitive)"_s);
        seen.insert(lowerName);
        const auto headerValue = string(it.value(), headerPath);
        if (!headerValue)
            return false;
        if (hasControlCharacter(*headerValue))
            return fail(headerPath, u"must not contain line breaks or other control characters"_s);
        provider.extraHeaders.append({name.toLatin1(), headerValue->toUtf8()});
    }
    return true;
}

std::optional<ModelAlias> Parser::parseModel(const QJsonValue &value, const QString &path,
                                             const Config &config)
{
    const auto entry = object(value, path);
    if (!entry
        || !checkKeys(*entry, path,
                      {"id"_L1, "routes"_L1, "enabled"_L1, "context_window"_L1, "prices"_L1,
                       "cache"_L1, "max_output_tokens"_L1, "capabilities"_L1})
        || !require(*entry, path, "id"_L1))
        return std::nullopt;
    ModelAlias model;
    const auto id = nonEmptyString(entry->value("id"_L1), keyPath(path, "id"_L1));
    if (!id)
        return std::nullopt;
    model.id = *id;
    if (!parseModelRoutes(*entry, path, config, model))
        return std::nullopt;
    const QJsonValue enabled = entry->value("enabled"_L1);
    if (!enabled.isUndefined()) {
        const auto flag = boolean(enabled, keyPath(path, "enabled"_L1));
        if (!flag)
            return std::nullopt;
        model.enabled = *flag;
    }
    const QJsonValue cache = entry->value("cache"_L1);
    if (!cache.isUndefined()) {
        const auto flag = boolean(cache, keyPath(path, "cache"_L1));
        if (!flag)
            return std::nullopt;
        model.cache = *flag;
    }
    if (!optionalInteger(*entry, path, "context_window"_L1, 1, kMaxContextWindow,
                         model.contextWindow)
        || !optionalInteger(*entry, path, "max_output_tokens"_L1, 1, kMaxContextWindow,
                            model.maxOutputTokens)
        || !parsePrices(entry->value("prices"_L1), keyPath(path, "prices"_L1), model.prices))
        return std::nullopt;
    const QJsonValue capabilities = entry->value("capabilities"_L1);
    if (!capabilities.isUndefined()) {
        const QString capabilitiesPath = keyPath(path, "capabilities"_L1);
        const auto names = stringList(capabilities, capabilitiesPath, false);
        if (!names)
            return std::nullopt;
        for (qsizetype i = 0; i < names->size(); ++i) {
            if (!kModelCapabilities.contains(names->at(i))) {
                fail(indexPath(capabilitiesPath, i),
                     u"must be one of "_s + kModelCapabilities.join(u", "_s));
                return std::nullopt;
            }
        }
        model.capabilities = *names;
    }
    return model;
}

// Without routes an entry can only describe a model some provider already serves under
// that id; otherwise nothing would serve it, and a forgotten "routes" must not pass.
bool Parser::parseModelRoutes(const QJsonObject &entry, const QString &path,
                              const Config &config, ModelAlias &model)
{
    const QString routesPath = keyPath(path, "routes"_L1);
    const QJsonValue value = entry.value("routes"_L1);
    if (value.isUndefined()) {
        for (const ProviderSettings &provider : config.providers) {
            if (provider.models.contains(model.id))
                return true;
        }
        return fail(routesPath,
                    u"required unless a provider lists \"%1\" in its models (an entry without "
                    u"routes only sets enabled, context_window, max_output_tokens, capabilities, prices or cache "
                    u"of that model)"_s.arg(
                        model.id));
    }
    const auto routes = list<Route>(value, routesPath,
                                    [this, &config](const QJsonValue &routeValue,
                                                    const QString &routePath) {
                                        return parseRoute(routeValue, routePath, config);
                                    });
    if (!routes)
        return false;
    if (routes->isEmpty())
        return fail(routesPath, u"must list at least one route"_s);
    model.routes = *routes;
    return true;
}

bool Parser::parsePrices(const QJsonValue &value, const QString &path, ModelPrices &prices)
{
    if (value.isUndefined())
        return true;
    const auto fields = object(value, path);
    return fields
           && checkKeys(*fields, path,
                        {"input"_L1, "output"_L1, "cache_read"_L1, "cache_write"_L1})
           && optionalPrice(*fields, path, "input"_L1, prices.input)
           && optionalPrice(*fields, path, "output"_L1, prices.output)
           && optionalPrice(*fields, path, "cache_read"_L1, prices.cacheRead)
           && optionalPrice(*fields, path, "cache_write"_L1, prices.cacheWrite);
}

bool Parser::optionalPrice(const QJsonObject &object, const QString &path, QLatin1String key,
                           std::optional<double> &target)
{
    const QJsonValue value = object.value(key);
    if (value.isUndefined())
        return true;
    if (!value.isDouble() || value.toDouble() < 0)
        return fail(keyPath(path, key), u"expected a number of at least 0 (a price per million "
                                        u"tokens)"_s);
    target = value.toDouble();
    return true;
}

std::optional<Route> Parser::parseRoute(const QJsonValue &value, const QString &path,
                                        const Config &config)
{
    const auto entry = object(value, path);
    if (!entry
        || !checkKeys(*entry, path,
                      {"provider"_L1, "model"_L1, "priority"_L1, "weight"_L1, "max_concurrency"_L1})
        || !require(*entry, path, "provider"_L1) || !require(*entry, path, "model"_L1))
        return std::nullopt;
    Route route;
    const QString providerPath = keyPath(path, "provider"_L1);
    const auto provider = nonEmptyString(entry->value("provider"_L1), providerPath);
    if (!provider)
        return std::nullopt;
    if (!config.provider(*provider)) {
        fail(providerPath, u"unknown provider \"%1\": no providers[] entry has this id"_s.arg(
                               *provider));
        return std::nullopt;
    }
    route.provider = *provider;
    const auto model = nonEmptyString(entry->value("model"_L1), keyPath(path, "model"_L1));
    if (!model)
        return std::nullopt;
    route.model = *model;
    if (!optionalInteger(*entry, path, "priority"_L1, 0, kMaxPriority, route.priority)
        || !optionalInteger(*entry, path, "weight"_L1, 1, kMaxWeight, route.weight)
        || !optionalInteger(*entry, path, "max_concurrency"_L1, 1, kMaxConcurrency, route.maxConcurrency))
        return std::nullopt;
    return route;
}

} // namespace

QString ConfigError::toString() const
{
    QStringList parts;
    for (const QString &part : {file, path, message}) {
        if (!part.isEmpty())
            parts.append(part);
    }
    return parts.join(u": "_s);
}

ConfigResult parseConfig(const QByteArray &json, const QString &fileName)
{
    return Parser(fileName).parse(json);
}

std::optional<ConfigError> overrideListen(Config &config, const QString &listen)
{
    const QString source = u"--listen"_s;
    const ListenAddress address = ListenAddress::parse(listen);
    if (!address.isValid())
        return ConfigError{source, {}, address.problem};
    if (!config.authRequired && !isLoopbackHost(address.host)) {
        return ConfigError{source, {},
                           u"the config sets auth.required to false, which is allowed only on "
                           u"a loopback address (127.0.0.0/8, [::1] or localhost)"_s};
    }
    config.listenHost = address.host;
    config.listenPort = address.port;
    return std::nullopt;
}

} // namespace onegate
