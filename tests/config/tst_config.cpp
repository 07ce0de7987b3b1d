#include "config/ConfigParser.h"
#include "config/ListenAddress.h"
#include "secrets/MemorySecretStore.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

namespace onegate {

namespace {

const QString kFileName = u"config.json"_s;

QByteArray readDataFile(const QString &name)
{
    QFile file(QStringLiteral(ONEGATE_TEST_DATA "/config/") + name);
    if (!file.open(QIODevice::ReadOnly))
        qFatal("cannot open test data %s", qPrintable(file.fileName()));
    return file.readAll();
}

Config parseOrFail(const QByteArray &json)
{
    const ConfigResult result = parseConfig(json, kFileName);
    if (!result.ok())
        qFatal("unexpected config error: %s", qPrintable(result.error.toString()));
    return *result.config;
}

// A document with one provider whose fields are `fields`, for provider-level rows.
QByteArray withProvider(const QByteArray &fields)
{
    return R"({"providers":[{)"_ba + fields + "}]}"_ba;
}

const QByteArray kOpenAi = R"("id":"p","kind":"openai","base_url":"https://h.example/v1")"_ba;

QByteArray withProviderOption(const QByteArray &option)
{
    return withProvider(kOpenAi + ',' + option);
}

// A document with a provider "p" and one alias whose single route has `routeFields`.
QByteArray withRoute(const QByteArray &routeFields)
{
    return R"({"providers":[{)"_ba + kOpenAi + R"(}],"models":[{"id":"a","routes":[{)"_ba
           + routeFields + "}]}]}"_ba;
}

// A document with a provider "p" serving model "m" and one models[] entry of `fields`.
QByteArray withModel(const QByteArray &fields)
{
    return R"({"providers":[{)"_ba + kOpenAi + R"(,"models":["m"]}],"models":[{)"_ba + fields
           + "}]}"_ba;
}

QString literalRefused()
{
    return u"literal secrets are refused: store the secret in the keychain or the "
           u"environment and write keychain:NAME or env:NAME here"_s;
}

struct EnvironmentGuard {
    explicit EnvironmentGuard(const char *name) : m_name(name) {}
    ~EnvironmentGuard() { qunsetenv(m_name); }
    Q_DISABLE_COPY_MOVE(EnvironmentGuard)
    const char *m_name;
};

} // namespace

class TestConfig final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void errors_data();
    void errors();
    void contractExample();
    void everyOption();
    void modelAnnotations();
    void dialectKeys();
    void routerAndCache();
    void defaults();
    void listen_data();
    void listen();
    void overrideListen_data();
    void overrideListen();
    void resolve_data();
    void resolve();
    void resolvePathsAndCache();
    void resolveAgainClearsProblem();
    void firstRun();
    void existingFileIsRead();
    void unreadableFile();
    void errorFormatting();
};

void TestConfig::errors_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("expected");
    QTest::addColumn<QString>("secret");  // must not appear in the message

    const auto row = [](const char *name, const QByteArray &json, const QString &expected,
                        const QString &secret = {}) {
        QTest::newRow(name) << json << (u"config.json: "_s + expected) << secret;
    };

    // The document
    row("invalid JSON", R"({"listen" "x"})"_ba,
        u"invalid JSON at offset 11 (line 1, column 12): missing name separator"_s);
    row("invalid JSON on line 3", "{\n  \"listen\": \"a\",\n  }"_ba,
        u"invalid JSON at offset 22 (line 3, column 4): object is missing after a comma"_s);
    row("empty file", ""_ba, u"invalid JSON at offset 0 (line 1, column 1): illegal value"_s);
    row("top level array", "[]"_ba, u"expected a JSON object at the top level"_s);
    row("unknown top-level key", R"({"listn":"127.0.0.1:1"})"_ba, u"listn: unknown key"_s);
    row("duplicate key", R"({"auth":{"required":true,"required":false}})"_ba,
        u"auth.required: duplicate key"_s);
    row("duplicate key in array element",
        R"({"providers":[{"id":"a","kind":"ollama","base_url":"http://h"},)"
        R"({"id":"b","id":"c"}]})"_ba,
        u"providers[1].id: duplicate key"_s);

    // listen
    row("listen not a string", R"({"listen":4141})"_ba, u"listen: expected a string"_s);
    row("listen without port", R"({"listen":"127.0.0.1"})"_ba,
        u"listen: expected HOST:PORT, e.g. 127.0.0.1:4141 or [::1]:4141"_s);
    row("listen without host", R"({"listen":":4141"})"_ba,
        u"listen: expected HOST:PORT, e.g. 127.0.0.1:4141 or [::1]:4141"_s);
    row("listen unclosed bracket", R"({"listen":"[::1:4141"})"_ba,
        u"listen: expected HOST:PORT, e.g. 127.0.0.1:4141 or [::1]:4141"_s);
    row("listen IPv6 without brackets", R"({"listen":"::1:4141"})"_ba,
        u"listen: an IPv6 address needs brackets, e.g. [::1]:4141"_s);
    row("listen IPv4 in brackets", R"({"listen":"[127.0.0.1]:80"})"_ba,
        u"listen: not a valid IPv6 address between the brackets"_s);
    row("listen bad IPv4", R"({"listen":"256.1.1.1:80"})"_ba,
        u"listen: not a valid IPv4 address"_s);
    row("listen bad host name", R"({"listen":"my_host:80"})"_ba,
        u"listen: not a valid host name"_s);
    row("listen port too big", R"({"listen":"127.0.0.1:65536"})"_ba,
        u"listen: the port must be a number from 0 to 65535"_s);
    row("listen port negative", R"({"listen":"127.0.0.1:-1"})"_ba,
        u"listen: the port must be a number from 0 to 65535"_s);
    row("listen port not a number", R"({"listen":"localhost:http"})"_ba,
        u"listen: the port must be a number from 0 to 65535"_s);
    row("listen port empty", R"({"listen":"[::1]:"})"_ba,
        u"listen: the port must be a number from 0 to 65535"_s);

    // auth
    row("auth not an object", R"({"auth":true})"_ba, u"auth: expected an object"_s);
    row("unknown key in auth", R"({"auth":{"require":false}})"_ba,
        u"auth.require: unknown key"_s);
    row("auth.required not a boolean", R"({"auth":{"required":"no"}})"_ba,
        u"auth.required: expected true or false"_s);
    const QString authScope = u"auth.required: may be false only when listen is a loopback "
                              u"address (127.0.0.0/8, [::1] or localhost)"_s;
    row("auth off on 0.0.0.0", R"({"listen":"0.0.0.0:4141","auth":{"required":false}})"_ba,
        authScope);
    row("auth off on [::]", R"({"listen":"[::]:4141","auth":{"required":false}})"_ba, authScope);
    row("auth off on a LAN address",
        R"({"listen":"192.168.1.4:4141","auth":{"required":false}})"_ba, authScope);
    row("auth off on a host name", R"({"auth":{"required":false},"listen":"box.lan:1"})"_ba,
        authScope);

    // limits
    row("limits not an object", R"({"limits":8})"_ba, u"limits: expected an object"_s);
    row("unknown key in limits", R"({"limits":{"max_body":8}})"_ba,
        u"limits.max_body: unknown key"_s);
    row("max_body_mb zero", R"({"limits":{"max_body_mb":0}})"_ba,
        u"limits.max_body_mb: expected an integer from 1 to 1024"_s);
    row("max_body_mb too big", R"({"limits":{"max_body_mb":1025}})"_ba,
        u"limits.max_body_mb: expected an integer from 1 to 1024"_s);
    row("max_body_mb fraction", R"({"limits":{"max_body_mb":1.5}})"_ba,
        u"limits.max_body_mb: expected an integer from 1 to 1024"_s);
    row("max_body_mb string", R"({"limits":{"max_body_mb":"8"}})"_ba,
        u"limits.max_body_mb: expected an integer from 1 to 1024"_s);

    // access_keys
    row("access_keys not an array", R"({"access_keys":{}})"_ba,
        u"access_keys: expected an array"_s);
    row("access key not an object", R"({"access_keys":["env:K"]})"_ba,
        u"access_keys[0]: expected an object"_s);
    row("unknown key in access key",
        R"({"access_keys":[{"name":"a","key":"env:K","modles":["*"]}]})"_ba,
        u"access_keys[0].modles: unknown key"_s);
    row("access key without name", R"({"access_keys":[{"key":"env:K"}]})"_ba,
        u"access_keys[0].name: missing required key"_s);
    row("access key without key", R"({"access_keys":[{"name":"a"}]})"_ba,
        u"access_keys[0].key: missing required key"_s);
    row("access key name with a space", R"({"access_keys":[{"name":"my key","key":"env:K"}]})"_ba,
        u"access_keys[0].name: may contain only letters, digits, '.', '_' and '-'"_s);
    row("access key name empty", R"({"access_keys":[{"name":"","key":"env:K"}]})"_ba,
        u"access_keys[0].name: must not be empty"_s);
    row("access key name not a string", R"({"access_keys":[{"name":7,"key":"env:K"}]})"_ba,
        u"access_keys[0].name: expected a string"_s);
    row("duplicate access key name",
        R"({"access_keys":[{"name":"ci","key":"env:A"},{"name":"ci","key":"env:B"}]})"_ba,
        u"access_keys[1].name: duplicate access key name \"ci\""_s);
    row("literal access key", R"({"access_keys":[{"name":"a","key":"sk-live-0123456789"}]})"_ba,
        u"access_keys[0].key: "_s + literalRefused(), u"sk-live-0123456789"_s);
    row("access key not a string", R"({"access_keys":[{"name":"a","key":12345}]})"_ba,
        u"access_keys[0].key: expected a string"_s, u"12345"_s);
    row("access key models not an array",
        R"({"access_keys":[{"name":"a","key":"env:K","models":"*"}]})"_ba,
        u"access_keys[0].models: expected an array"_s);
    row("access key model empty",
        R"({"access_keys":[{"name":"a","key":"env:K","models":["x",""]}]})"_ba,
        u"access_keys[0].models[1]: must not be empty"_s);
    row("access key expiry without Z",
        R"({"access_keys":[{"name":"a","key":"env:K","expires":"2027-01-31T00:00:00"}]})"_ba,
        u"access_keys[0].expires: \"2027-01-31T00:00:00\": expected an RFC 3339 UTC time such as "
        u"\"2027-01-31T00:00:00Z\""_s);
    row("access key expiry a date only",
        R"({"access_keys":[{"name":"a","key":"env:K","expires":"2027-01-31Z"}]})"_ba,
        u"access_keys[0].expires: \"2027-01-31Z\": expected an RFC 3339 UTC time such as "
        u"\"2027-01-31T00:00:00Z\""_s);
    row("access key rpm zero", R"({"access_keys":[{"name":"a","key":"env:K","rpm":0}]})"_ba,
        u"access_keys[0].rpm: expected an integer from 1 to 1000000000"_s);
    row("access key tpm fraction", R"({"access_keys":[{"name":"a","key":"env:K","tpm":1.5}]})"_ba,
        u"access_keys[0].tpm: expected an integer from 1 to 1000000000"_s);
    row("access key max_concurrent text",
        R"({"access_keys":[{"name":"a","key":"env:K","max_concurrent":"4"}]})"_ba,
        u"access_keys[0].max_concurrent: expected an integer from 1 to 100000"_s);
    row("access key budget a number", R"({"access_keys":[{"name":"a","key":"env:K","budget":20}]})"_ba,
        u"access_keys[0].budget: expected an object"_s);
    row("access key budget without monthly",
        R"({"access_keys":[{"name":"a","key":"env:K","budget":{"warn_at":0.5}}]})"_ba,
        u"access_keys[0].budget.monthly: missing required key"_s);
    row("access key budget zero",
        R"({"access_keys":[{"name":"a","key":"env:K","budget":{"monthly":0}}]})"_ba,
        u"access_keys[0].budget.monthly: expected a number above 0 (money per month, in the currency of the "
        u"model prices)"_s);
    row("access key warn_at over 1",
        R"({"access_keys":[{"name":"a","key":"env:K","budget":{"monthly":5,"warn_at":80}}]})"_ba,
        u"access_keys[0].budget.warn_at: expected a fraction above 0 and at most 1 (0.8 warns at 80 % of the "
        u"budget)"_s);
    row("access key budget unknown key",
        R"({"access_keys":[{"name":"a","key":"env:K","budget":{"monthly":5,"daily":1}}]})"_ba,
        u"access_keys[0].budget.daily: unknown key"_s);

    // providers: shape, id, kind, base_url
    row("providers not an array", R"({"providers":{}})"_ba, u"providers: expected an array"_s);
    row("unknown key in provider", withProvider(kOpenAi + R"(,"base_uri":"x")"),
        u"providers[0].base_uri: unknown key"_s);
    row("provider without id", withProvider(R"("kind":"openai","base_url":"http://h")"),
        u"providers[0].id: missing required key"_s);
    row("provider id with slash",
        withProvider(R"("id":"open/ai","kind":"openai","base_url":"http://h")"),
        u"providers[0].id: may contain only letters, digits, '.', '_' and '-'"_s);
    row("provider id with colon",
        withProvider(R"("id":"a:b","kind":"openai","base_url":"http://h")"),
        u"providers[0].id: may contain only letters, digits, '.', '_' and '-'"_s);
    row("duplicate provider id",
        R"({"providers":[{"id":"p","kind":"ollama","base_url":"http://a"},)"
        R"({"id":"p","kind":"ollama","base_url":"http://b"}]})"_ba,
        u"providers[1].id: duplicate provider id \"p\""_s);
    row("provider without kind", withProvider(R"("id":"p","base_url":"http://h")"),
        u"providers[0].kind: missing required key"_s);
    row("unknown kind", withProvider(R"("id":"p","kind":"openrouter","base_url":"http://h")"),
        u"providers[0].kind: must be one of openai, azure, anthropic, gemini, ollama"_s);
    row("kind in capitals", withProvider(R"("id":"p","kind":"OpenAI","base_url":"http://h")"),
        u"providers[0].kind: must be one of openai, azure, anthropic, gemini, ollama"_s);
    row("kind not a string", withProvider(R"("id":"p","kind":1,"base_url":"http://h")"),
        u"providers[0].kind: expected a string"_s);
    row("provider without base_url", withProvider(R"("id":"p","kind":"openai")"),
        u"providers[0].base_url: missing required key"_s);
    row("base_url ftp", withProvider(R"("id":"p","kind":"openai","base_url":"ftp://h/v1")"),
        u"providers[0].base_url: not an http(s) URL"_s);
    row("base_url without scheme",
        withProvider(R"("id":"p","kind":"openai","base_url":"api.openai.com/v1")"),
        u"providers[0].base_url: not an http(s) URL"_s);
    row("base_url without host",
        withProvider(R"("id":"p","kind":"openai","base_url":"https:///v1")"),
        u"providers[0].base_url: not an http(s) URL"_s);
    row("base_url with a space",
        withProvider(R"("id":"p","kind":"openai","base_url":"https://a b.example")"),
        u"providers[0].base_url: not an http(s) URL"_s);
    row("base_url not a string", withProvider(R"("id":"p","kind":"openai","base_url":null)"),
        u"providers[0].base_url: expected a string"_s);
    row("base_url with credentials",
        withProvider(R"("id":"p","kind":"openai","base_url":"https://me:s3cr3t@h.example")"),
        u"providers[0].base_url: must not contain a user name or password: credentials belong "
        u"in api_key"_s,
        u"s3cr3t"_s);
    row("base_url with query",
        withProvider(R"("id":"p","kind":"openai","base_url":"https://h.example/v1?key=x")"),
        u"providers[0].base_url: must not contain a query or fragment: OneGate appends the API "
        u"path to it"_s);

    // providers: api_key
    row("anthropic without api_key",
        withProvider(R"("id":"p","kind":"anthropic","base_url":"https://h")"),
        u"providers[0].api_key: required for kind anthropic (env:NAME or keychain:NAME)"_s);
    row("gemini without api_key",
        withProvider(R"("id":"p","kind":"gemini","base_url":"https://h")"),
        u"providers[0].api_key: required for kind gemini (env:NAME or keychain:NAME)"_s);
    row("azure without api_key", withProvider(R"("id":"p","kind":"azure","base_url":"https://h")"),
        u"providers[0].api_key: required for kind azure (env:NAME or keychain:NAME)"_s);
    row("literal api_key", withProviderOption(R"("api_key":"sk-proj-abcdef123456")"),
        u"providers[0].api_key: "_s + literalRefused(), u"sk-proj-abcdef123456"_s);
    row("literal api_key in a list",
        withProviderOption(R"("api_key":["env:A","AIzaSyD-literal"])"),
        u"providers[0].api_key[1]: "_s + literalRefused(), u"AIzaSyD-literal"_s);
    row("api_key reference in capitals", withProviderOption(R"("api_key":"ENV:OPENAI_KEY")"),
        u"providers[0].api_key: "_s + literalRefused(), u"OPENAI_KEY"_s);
    row("api_key empty string", withProviderOption(R"("api_key":"")"),
        u"providers[0].api_key: expected a secret reference: env:NAME or keychain:NAME"_s);
    row("api_key empty list", withProviderOption(R"("api_key":[])"),
        u"providers[0].api_key: must not be an empty array"_s);
    row("api_key a number", withProviderOption(R"("api_key":1234)"),
        u"providers[0].api_key: expected a string or an array of strings"_s, u"1234"_s);
    row("api_key list of numbers", withProviderOption(R"("api_key":[1234])"),
        u"providers[0].api_key[0]: expected a string"_s, u"1234"_s);
    const QString badEnvName = u"env: needs a variable name made of letters, digits and '_' "
                               u"that does not start with a digit"_s;
    row("env name starting with a digit", withProviderOption(R"("api_key":"env:1KEY")"),
        u"providers[0].api_key: "_s + badEnvName, u"1KEY"_s);
    row("env name with a dash", withProviderOption(R"("api_key":"env:MY-KEY")"),
        u"providers[0].api_key: "_s + badEnvName, u"MY-KEY"_s);
    row("env without a name", withProviderOption(R"("api_key":"env:")"),
        u"providers[0].api_key: "_s + badEnvName);
    row("env name pasted key", withProviderOption(R"("api_key":"env:sk-abc123")"),
        u"providers[0].api_key: "_s + badEnvName, u"sk-abc123"_s);
    row("keychain without a name", withProviderOption(R"("api_key":"keychain:")"),
        u"providers[0].api_key: keychain: needs an entry name, e.g. keychain:provider/openai"_s);

    // providers: models, api_version, proxy
    row("provider models not an array", withProviderOption(R"("models":"gpt-4o")"),
        u"providers[0].models: expected an array"_s);
    row("provider model duplicated", withProviderOption(R"("models":["gpt-4o","gpt-4o"])"),
        u"providers[0].models[1]: duplicate \"gpt-4o\""_s);
    row("provider model empty", withProviderOption(R"("models":[""])"),
        u"providers[0].models[0]: must not be empty"_s);
    row("api_version on openai", withProviderOption(R"("api_version":"2024-10-21")"),
        u"providers[0].api_version: only kind azure takes an api_version"_s);
    row("api_version with query characters",
        withProvider(R"("id":"p","kind":"azure","base_url":"https://h","api_key":"env:K",)"
                     R"("api_version":"2024-10-21&x=1")"),
        u"providers[0].api_version: may contain only letters, digits, '.', '_' and '-'"_s);
    row("api_version not a string",
        withProvider(R"("id":"p","kind":"azure","base_url":"https://h","api_key":"env:K",)"
                     R"("api_version":2024)"),
        u"providers[0].api_version: expected a string"_s);
    const QString badProxy =
        u"providers[0].proxy: expected \"system\", \"none\", or an http:// or socks5:// URL"_s;
    row("proxy word", withProviderOption(R"("proxy":"direct")"), badProxy);
    row("proxy https", withProviderOption(R"("proxy":"https://proxy.example:3128")"), badProxy);
    row("proxy socks4", withProviderOption(R"("proxy":"socks4://proxy.example:1080")"), badProxy);
    row("proxy not a string", withProviderOption(R"("proxy":false)"),
        u"providers[0].proxy: expected a string"_s);
    const QString proxyShape = u"providers[0].proxy: a proxy URL is only a scheme, a host and a "
                               u"port, e.g. http://proxy.example:3128"_s;
    row("proxy without port", withProviderOption(R"("proxy":"http://proxy.example")"), proxyShape);
    row("proxy with path", withProviderOption(R"("proxy":"http://proxy.example:3128/x")"),
        proxyShape);
    row("proxy with credentials",
        withProviderOption(R"("proxy":"http://bob:hunter2@proxy.example:3128")"),
        u"providers[0].proxy: must not contain a user name or password: the config file never "
        u"holds secrets"_s,
        u"hunter2"_s);

    // providers: timeouts
    row("timeouts not an object", withProviderOption(R"("timeouts":1000)"),
        u"providers[0].timeouts: expected an object"_s);
    row("unknown key in timeouts", withProviderOption(R"("timeouts":{"read_ms":1000})"),
        u"providers[0].timeouts.read_ms: unknown key"_s);
    row("connect timeout zero", withProviderOption(R"("timeouts":{"connect_ms":0})"),
        u"providers[0].timeouts.connect_ms: expected an integer from 1 to 86400000"_s);
    row("idle timeout negative", withProviderOption(R"("timeouts":{"idle_ms":-5})"),
        u"providers[0].timeouts.idle_ms: expected an integer from 1 to 86400000"_s);
    row("total timeout as string", withProviderOption(R"("timeouts":{"total_ms":"60000"})"),
        u"providers[0].timeouts.total_ms: expected an integer from 1 to 86400000"_s);
    row("total timeout huge", withProviderOption(R"("timeouts":{"total_ms":1e12})"),
        u"providers[0].timeouts.total_ms: expected an integer from 1 to 86400000"_s);

    // providers: headers
    row("headers not an object", withProviderOption(R"("headers":["X-A: b"])"),
        u"providers[0].headers: expected an object"_s);
    const QString secretHeader =
        u"secrets belong in api_key (env:NAME or keychain:NAME), not in headers"_s;
    row("header Authorization", withProviderOption(R"("headers":{"Authorization":"Bearer sk-9"})"),
        u"providers[0].headers.Authorization: "_s + secretHeader, u"sk-9"_s);
    row("header x-api-key", withProviderOption(R"("headers":{"x-api-key":"sk-ant-9"})"),
        u"providers[0].headers.x-api-key: "_s + secretHeader, u"sk-ant-9"_s);
    row("header api-key", withProviderOption(R"("headers":{"Api-Key":"azkey9"})"),
        u"providers[0].headers.Api-Key: "_s + secretHeader, u"azkey9"_s);
    row("header x-goog-api-key", withProviderOption(R"("headers":{"X-Goog-Api-Key":"AIza9"})"),
        u"providers[0].headers.X-Goog-Api-Key: "_s + secretHeader, u"AIza9"_s);
    row("header proxy-authorization",
        withProviderOption(R"("headers":{"proxy-authorization":"Basic Ym9i"})"),
        u"providers[0].headers.proxy-authorization: "_s + secretHeader, u"Ym9i"_s);
    row("header Host", withProviderOption(R"("headers":{"Host":"evil.example"})"),
        u"providers[0].headers.Host: OneGate sets this header itself"_s);
    row("header name with a space", withProviderOption(R"("headers":{"X Trace":"1"})"),
        u"providers[0].headers.X Trace: not a valid HTTP header name"_s);
    row("header value not a string", withProviderOption(R"("headers":{"X-Trace":1})"),
        u"providers[0].headers.X-Trace: expected a string"_s);
    row("header value with a line break",
        withProviderOption(R"("headers":{"X-Trace":"a\r\nX-Injected: 1"})"),
        u"providers[0].headers.X-Trace: must not contain line breaks or other control "
        u"characters"_s);
    row("header duplicated in another case",
        withProviderOption(R"("headers":{"X-Trace":"1","x-trace":"2"})"),
        u"providers[0].headers.x-trace: duplicate header (names are case-insensitive)"_s);

    // models (aliases) and routes
    row("models not an array", R"({"models":{"id":"a"}})"_ba, u"models: expected an array"_s);
    row("unknown key in model", R"({"models":[{"id":"a","routes":[],"route":[]}]})"_ba,
        u"models[0].route: unknown key"_s);
    row("model without id", R"({"models":[{"routes":[]}]})"_ba,
        u"models[0].id: missing required key"_s);
    row("model id empty", R"({"models":[{"id":"","routes":[]}]})"_ba,
        u"models[0].id: must not be empty"_s);
    row("model without routes", R"({"models":[{"id":"a"}]})"_ba,
        u"models[0].routes: required unless a provider lists \"a\" in its models (an entry "
        u"without routes only sets enabled, context_window, max_output_tokens, capabilities, prices or cache "
        u"of that model)"_s);
    row("model with empty routes", R"({"models":[{"id":"a","routes":[]}]})"_ba,
        u"models[0].routes: must list at least one route"_s);
    row("routes not an array", R"({"models":[{"id":"a","routes":{}}]})"_ba,
        u"models[0].routes: expected an array"_s);
    row("unknown key in route", withRoute(R"("provider":"p","model":"m","prio":1)"),
        u"models[0].routes[0].prio: unknown key"_s);
    row("route without provider", withRoute(R"("model":"m")"),
        u"models[0].routes[0].provider: missing required key"_s);
    row("route without model", withRoute(R"("provider":"p")"),
        u"models[0].routes[0].model: missing required key"_s);
    row("route to unknown provider", withRoute(R"("provider":"nope","model":"m")"),
        u"models[0].routes[0].provider: unknown provider \"nope\": no providers[] entry has "
        u"this id"_s);
    row("route model empty", withRoute(R"("provider":"p","model":"")"),
        u"models[0].routes[0].model: must not be empty"_s);
    row("route priority negative", withRoute(R"("provider":"p","model":"m","priority":-1)"),
        u"models[0].routes[0].priority: expected an integer from 0 to 1000"_s);
    row("route priority string", withRoute(R"("provider":"p","model":"m","priority":"1")"),
        u"models[0].routes[0].priority: expected an integer from 0 to 1000"_s);
    row("route weight zero", withRoute(R"("provider":"p","model":"m","weight":0)"),
        u"models[0].routes[0].weight: expected an integer from 1 to 1000000"_s);
    row("route weight fraction", withRoute(R"("provider":"p","model":"m","weight":0.5)"),
        u"models[0].routes[0].weight: expected an integer from 1 to 1000000"_s);
    // models: enabled, context_window, prices
    row("annotation of a model no provider lists",
        withModel(R"("id":"gpt-5","enabled":false)"),
        u"models[0].routes: required unless a provider lists \"gpt-5\" in its models (an entry "
        u"without routes only sets enabled, context_window, max_output_tokens, capabilities, prices or cache "
        u"of that model)"_s);
    row("model enabled not a boolean", withModel(R"("id":"m","enabled":"no")"),
        u"models[0].enabled: expected true or false"_s);
    row("model context window zero", withModel(R"("id":"m","context_window":0)"),
        u"models[0].context_window: expected an integer from 1 to 100000000"_s);
    row("model context window fraction", withModel(R"("id":"m","context_window":8000.5)"),
        u"models[0].context_window: expected an integer from 1 to 100000000"_s);
    row("model context window too large", withModel(R"("id":"m","context_window":1e9)"),
        u"models[0].context_window: expected an integer from 1 to 100000000"_s);
    row("model prices not an object", withModel(R"("id":"m","prices":[1,2])"),
        u"models[0].prices: expected an object"_s);
    row("unknown key in prices", withModel(R"("id":"m","prices":{"cached":1})"),
        u"models[0].prices.cached: unknown key"_s);
    row("negative input price", withModel(R"("id":"m","prices":{"input":-0.5})"),
        u"models[0].prices.input: expected a number of at least 0 (a price per million "
        u"tokens)"_s);
    row("output price string", withModel(R"("id":"m","prices":{"output":"3"})"),
        u"models[0].prices.output: expected a number of at least 0 (a price per million "
        u"tokens)"_s);
    row("cache read price null", withModel(R"("id":"m","prices":{"cache_read":null})"),
        u"models[0].prices.cache_read: expected a number of at least 0 (a price per million "
        u"tokens)"_s);
    row("negative cache write price",
        withModel(R"("id":"m","routes":[{"provider":"p","model":"m"}],"prices":{"cache_write":-1})"),
        u"models[0].prices.cache_write: expected a number of at least 0 (a price per million "
        u"tokens)"_s);
    row("duplicate model id",
        R"({"providers":[{"id":"p","kind":"ollama","base_url":"http://h"}],"models":[)"
        R"({"id":"smart","routes":[{"provider":"p","model":"a"}]},)"
        R"({"id":"smart","routes":[{"provider":"p","model":"b"}]}]})"_ba,
        u"models[1].id: duplicate model id \"smart\""_s);

    // router, cache, max_concurrency, a model's cache
    row("router not an object", R"({"router":3})"_ba, u"router: expected an object"_s);
    row("unknown key in router", R"({"router":{"max_attempt":2}})"_ba, u"router.max_attempt: unknown key"_s);
    row("router max_attempts zero", R"({"router":{"max_attempts":0}})"_ba,
        u"router.max_attempts: expected an integer from 1 to 10"_s);
    row("router max_attempts too many", R"({"router":{"max_attempts":11}})"_ba,
        u"router.max_attempts: expected an integer from 1 to 10"_s);
    row("router max_total_ms zero", R"({"router":{"max_total_ms":0}})"_ba,
        u"router.max_total_ms: expected an integer from 1 to 86400000"_s);
    row("router retry_after_max_ms negative", R"({"router":{"retry_after_max_ms":-1}})"_ba,
        u"router.retry_after_max_ms: expected an integer from 0 to 86400000"_s);
    row("breaker not an object", R"({"router":{"breaker":true}})"_ba, u"router.breaker: expected an object"_s);
    row("unknown key in breaker", R"({"router":{"breaker":{"threshold":3}}})"_ba,
        u"router.breaker.threshold: unknown key"_s);
    row("breaker failures zero", R"({"router":{"breaker":{"failures":0}}})"_ba,
        u"router.breaker.failures: expected an integer from 1 to 1000"_s);
    row("breaker cooldown string", R"({"router":{"breaker":{"cooldown_ms":"30s"}}})"_ba,
        u"router.breaker.cooldown_ms: expected an integer from 1 to 86400000"_s);
    row("breaker cap below cooldown", R"({"router":{"breaker":{"cooldown_ms":5000,"max_cooldown_ms":1000}}})"_ba,
        u"router.breaker.max_cooldown_ms: expected an integer from 5000 to 86400000"_s);
    row("cache not an object", R"({"cache":"on"})"_ba, u"cache: expected an object"_s);
    row("unknown key in cache", R"({"cache":{"ttl":60}})"_ba, u"cache.ttl: unknown key"_s);
    row("cache ttl zero", R"({"cache":{"ttl_s":0}})"_ba, u"cache.ttl_s: expected an integer from 1 to 2592000"_s);
    row("cache max_mb too large", R"({"cache":{"max_mb":5000}})"_ba,
        u"cache.max_mb: expected an integer from 1 to 4096"_s);
    row("model cache not a boolean", withModel(R"("id":"m","cache":"yes")"),
        u"models[0].cache: expected true or false"_s);
    row("route max_concurrency zero", withRoute(R"("provider":"p","model":"m","max_concurrency":0)"),
        u"models[0].routes[0].max_concurrency: expected an integer from 1 to 100000"_s);
    row("provider max_concurrency fraction", withProviderOption(R"("max_concurrency":1.5)"),
        u"providers[0].max_concurrency: expected an integer from 1 to 100000"_s);

    // issue 10: responses, ollama, a model's max_output_tokens and capabilities
    row("responses not a boolean", withProviderOption(R"("responses":"yes")"),
        u"providers[0].responses: expected true or false"_s);
    row("responses on another kind",
        R"({"providers":[{"id":"p","kind":"anthropic","base_url":"http://h","api_key":"env:K","responses":true}]})"_ba,
        u"providers[0].responses: only an openai provider can serve /v1/responses itself; other kinds are "
        u"always translated"_s);
    row("ollama not an object", R"({"ollama":true})"_ba, u"ollama: expected an object"_s);
    row("unknown key in ollama", R"({"ollama":{"port":11435}})"_ba, u"ollama.port: unknown key"_s);
    row("ollama listen without port", R"({"ollama":{"listen":"127.0.0.1"}})"_ba,
        u"ollama.listen: "_s + ListenAddress::parse(u"127.0.0.1"_s).problem);
    row("max_output_tokens zero", withModel(R"("id":"m","max_output_tokens":0)"),
        u"models[0].max_output_tokens: expected an integer from 1 to 100000000"_s);
    row("capabilities not a list", withModel(R"("id":"m","capabilities":"tools")"),
        u"models[0].capabilities: expected an array"_s);
    row("unknown capability", withModel(R"("id":"m","capabilities":["tools","telepathy"])"),
        u"models[0].capabilities[1]: must be one of completion, tools, vision, thinking, embedding, insert"_s);
}

void TestConfig::errors()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, expected);
    QFETCH(QString, secret);

    const ConfigResult result = parseConfig(json, kFileName);
    QVERIFY(!result.ok());
    QCOMPARE(result.error.toString(), expected);
    QCOMPARE(result.error.file, kFileName);
    if (!secret.isEmpty())
        QVERIFY2(!result.error.toString().contains(secret), "the message repeats a secret");
}

void TestConfig::contractExample()
{
    const Config config = parseOrFail(readDataFile(u"contract-example.json"_s));

    QCOMPARE(config.listenHost, u"127.0.0.1"_s);
    QCOMPARE(config.listenPort, quint16(4141));
    QCOMPARE(config.authRequired, true);
    QCOMPARE(config.maxBodyBytes, qint64(32) * 1024 * 1024);

    QCOMPARE(config.accessKeys.size(), 2);
    QCOMPARE(config.accessKeys[0].name, u"vscode"_s);
    QCOMPARE(config.accessKeys[0].key.reference, u"keychain:access/vscode"_s);
    QVERIFY(!config.accessKeys[0].key.isResolved());
    QCOMPARE(config.accessKeys[0].models, QStringList{u"*"_s});
    QCOMPARE(config.accessKeys[1].name, u"ci"_s);
    QCOMPARE(config.accessKeys[1].key.reference, u"env:ONEGATE_CI_KEY"_s);
    QCOMPARE(config.accessKeys[1].models, (QStringList{u"gpt-4o-mini"_s, u"smart"_s}));
    QVERIFY(modelAllowed(config.accessKeys[1].models, u"smart"_s));
    QVERIFY(!modelAllowed(config.accessKeys[1].models, u"gpt-4o"_s));
    // Globs: a closing "*" allows every id with that prefix, and only those.
    const QStringList globs{u"claude-*"_s, u"gpt-4o"_s};
    QVERIFY(modelAllowed(globs, u"claude-sonnet-4-5"_s));
    QVERIFY(modelAllowed(globs, u"claude-"_s));
    QVERIFY(!modelAllowed(globs, u"claude"_s));
    QVERIFY(!modelAllowed(globs, u"gpt-4o-mini"_s));
    QVERIFY(modelAllowed(QStringList{u"*"_s}, u"anything"_s));
    QVERIFY(!modelAllowed(QStringList{}, u"anything"_s));
    const ConfigResult inner = parseConfig(
        R"({"access_keys":[{"name":"k","key":"env:K","models":["cl*de"]}]})"_ba, u"g.json"_s);
    QVERIFY(!inner.ok());
    QVERIFY2(inner.error.toString().contains(u"access_keys[0].models[0]"_s), qPrintable(inner.error.toString()));
    QVERIFY(inner.error.toString().contains(u"may only end an entry"_s));
    // Limits (CONTRACT.md section 2b): absent means none.
    QCOMPARE(config.accessKeys[0].limits, AccessKeyLimits{});
    const ConfigResult limited = parseConfig(
        R"({"access_keys":[{"name":"k","key":"env:K","expires":"2027-01-31T00:00:00Z","rpm":60,"tpm":200000,)"
        R"("max_concurrent":4,"budget":{"monthly":20.0,"warn_at":0.9}}]})"_ba,
        u"l.json"_s);
    QVERIFY2(limited.ok(), qPrintable(limited.error.toString()));
    const AccessKeyLimits &limits = limited.config->accessKeys[0].limits;
    QCOMPARE(limits.expiresMs, QDateTime(QDate(2027, 1, 31), QTime(0, 0), Qt::UTC).toMSecsSinceEpoch());
    QCOMPARE(limits.rpm, 60);
    QCOMPARE(limits.tpm, 200000);
    QCOMPARE(limits.maxConcurrent, 4);
    QCOMPARE(limits.monthlyBudget, 20.0);
    QCOMPARE(limits.warnAt, 0.9);

    QCOMPARE(config.providers.size(), 4);
    const ProviderSettings &openai = config.providers[0];
    QCOMPARE(openai.id, u"openai"_s);
    QCOMPARE(openai.kind, ProviderKind::OpenAi);
    QCOMPARE(openai.baseUrl, QUrl(u"https://api.openai.com/v1"_s));
    QCOMPARE(openai.apiKeys.size(), 1);
    QCOMPARE(openai.apiKeys[0].reference, u"keychain:provider/openai"_s);
    QCOMPARE(openai.models, (QStringList{u"gpt-4o-mini"_s, u"gpt-4o"_s}));
    QCOMPARE(openai.proxy.mode, ProxySetting::Mode::System);
    QVERIFY(openai.apiVersion.isEmpty());
    QVERIFY(openai.extraHeaders.isEmpty());
    QCOMPARE(openai.policy.connectTimeoutMs, TransportPolicy{}.connectTimeoutMs);
    QCOMPARE(openai.policy.idleTimeoutMs, TransportPolicy{}.idleTimeoutMs);
    QCOMPARE(openai.policy.totalTimeoutMs, TransportPolicy{}.totalTimeoutMs);

    const ProviderSettings &claude = config.providers[1];
    QCOMPARE(claude.id, u"claude"_s);
    QCOMPARE(claude.kind, ProviderKind::Anthropic);
    QCOMPARE(claude.baseUrl, QUrl(u"https://api.anthropic.com"_s));
    QCOMPARE(claude.apiKeys.size(), 1);
    QCOMPARE(claude.apiKeys[0].reference, u"env:ANTHROPIC_API_KEY"_s);
    QCOMPARE(claude.models, QStringList{u"claude-sonnet-4-5"_s});

    const ProviderSettings &gemini = config.providers[2];
    QCOMPARE(gemini.id, u"gemini"_s);
    QCOMPARE(gemini.kind, ProviderKind::Gemini);
    QCOMPARE(gemini.baseUrl, QUrl(u"https://generativelanguage.googleapis.com"_s));
    QCOMPARE(gemini.apiKeys[0].reference, u"env:GEMINI_API_KEY"_s);
    QCOMPARE(gemini.models, QStringList{u"gemini-2.5-flash"_s});

    const ProviderSettings &local = config.providers[3];
    QCOMPARE(local.id, u"local"_s);
    QCOMPARE(local.kind, ProviderKind::Ollama);
    QCOMPARE(local.baseUrl, QUrl(u"http://127.0.0.1:11434"_s));
    QVERIFY(local.apiKeys.isEmpty());
    QVERIFY(local.models.isEmpty());

    QCOMPARE(config.provider(u"claude"_s), &config.providers[1]);
    QCOMPARE(config.provider(u"nope"_s), nullptr);

    QCOMPARE(config.models.size(), 1);
    const ModelAlias &smart = config.models[0];
    QCOMPARE(smart.id, u"smart"_s);
    QCOMPARE(smart.routes.size(), 2);
    QCOMPARE(smart.routes[0].provider, u"claude"_s);
    QCOMPARE(smart.routes[0].model, u"claude-sonnet-4-5"_s);
    QCOMPARE(smart.routes[0].priority, 0);
    QCOMPARE(smart.routes[0].weight, 1);
    QCOMPARE(smart.routes[1].provider, u"openai"_s);
    QCOMPARE(smart.routes[1].model, u"gpt-4o"_s);
    QCOMPARE(smart.routes[1].priority, 1);
    QCOMPARE(smart.routes[1].weight, 1);
}

void TestConfig::everyOption()
{
    const Config config = parseOrFail(readDataFile(u"every-option.json"_s));

    QCOMPARE(config.listenHost, u"::1"_s);
    QCOMPARE(config.listenPort, quint16(0));
    QCOMPARE(config.authRequired, false);
    QCOMPARE(config.maxBodyBytes, qint64(8) * 1024 * 1024);
    QCOMPARE(config.accessKeys.size(), 1);
    QCOMPARE(config.accessKeys[0].name, u"editor.main_1"_s);
    QCOMPARE(config.accessKeys[0].models, QStringList{u"*"_s});
    QVERIFY(modelAllowed(config.accessKeys[0].models, u"anything"_s));

    QCOMPARE(config.providers.size(), 3);
    const ProviderSettings &east = config.providers[0];
    QCOMPARE(east.kind, ProviderKind::Azure);
    QCOMPARE(east.baseUrl, QUrl(u"https://east.openai.azure.com"_s));
    QCOMPARE(east.apiKeys.size(), 2);
    QCOMPARE(east.apiKeys[0].reference, u"keychain:azure/one"_s);
    QCOMPARE(east.apiKeys[1].reference, u"env:AZURE_KEY_TWO"_s);
    QCOMPARE(east.apiVersion, u"2024-10-21"_s);
    QCOMPARE(east.proxy.mode, ProxySetting::Mode::Http);
    QCOMPARE(east.proxy.url, QUrl(u"http://proxy.corp.example:3128"_s));
    QCOMPARE(east.policy.connectTimeoutMs, 2500);
    QCOMPARE(east.policy.idleTimeoutMs, 30000);
    QCOMPARE(east.policy.totalTimeoutMs, 90000);
    // QJsonObject orders keys, so headers come out sorted by name.
    const QList<QPair<QByteArray, QByteArray>> headers{{"OpenAI-Organization"_ba, "org-1"_ba},
                                                       {"X-Trace"_ba, "onegate"_ba}};
    QCOMPARE(east.extraHeaders, headers);

    const ProviderSettings &west = config.providers[1];
    QCOMPARE(west.apiVersion, u"2025-01-01-preview"_s);
    QCOMPARE(west.proxy.mode, ProxySetting::Mode::None);
    QVERIFY(west.proxy.url.isEmpty());

    const ProviderSettings &vllm = config.providers[2];
    QCOMPARE(vllm.kind, ProviderKind::OpenAi);
    QCOMPARE(vllm.baseUrl, QUrl(u"http://10.0.0.5:8000/v1"_s));
    QVERIFY(vllm.apiKeys.isEmpty());
    QCOMPARE(vllm.proxy.mode, ProxySetting::Mode::Socks5);
    QCOMPARE(vllm.proxy.url, QUrl(u"socks5://127.0.0.1:1080"_s));
    QCOMPARE(vllm.policy.connectTimeoutMs, TransportPolicy{}.connectTimeoutMs);
    QCOMPARE(vllm.policy.idleTimeoutMs, 5000);
    QCOMPARE(vllm.policy.totalTimeoutMs, TransportPolicy{}.totalTimeoutMs);

    QCOMPARE(config.models.size(), 1);
    const ModelAlias &fast = config.models[0];
    QCOMPARE(fast.id, u"team/fast"_s);
    QCOMPARE(fast.routes.size(), 3);
    QCOMPARE(fast.routes[0].model, u"qwen2.5:7b"_s);
    QCOMPARE(fast.routes[0].priority, 0);
    QCOMPARE(fast.routes[0].weight, 1);
    QCOMPARE(fast.routes[1].weight, 3);
    QCOMPARE(fast.routes[2].priority, 2);
}

void TestConfig::modelAnnotations()
{
    const Config config = parseOrFail(
        R"({"providers":[{"id":"p","kind":"ollama","base_url":"http://h","models":["m","n"]}],)"
        R"("models":[{"id":"m","enabled":false,"context_window":128000,)"
        R"("prices":{"input":2.5,"output":10,"cache_read":1.25,"cache_write":0}},)"
        R"({"id":"n","prices":{"output":0.6}},)"
        R"({"id":"smart","routes":[{"provider":"p","model":"n"}]}]})"_ba);
    QCOMPARE(config.models.size(), 3);

    const ModelAlias &m = config.models[0];
    QVERIFY(m.routes.isEmpty());
    QCOMPARE(m.enabled, false);
    QCOMPARE(m.contextWindow, 128000);
    QCOMPARE(m.prices.input, std::optional<double>(2.5));
    QCOMPARE(m.prices.output, std::optional<double>(10));
    QCOMPARE(m.prices.cacheRead, std::optional<double>(1.25));
    QCOMPARE(m.prices.cacheWrite, std::optional<double>(0));

    const ModelAlias &n = config.models[1];
    QCOMPARE(n.enabled, true);
    QCOMPARE(n.contextWindow, 0);
    QVERIFY(!n.prices.input);
    QCOMPARE(n.prices.output, std::optional<double>(0.6));
    QVERIFY(!n.prices.cacheRead && !n.prices.cacheWrite);

    const ModelAlias &smart = config.models[2];
    QCOMPARE(smart.routes.size(), 1);
    QCOMPARE(smart.enabled, true);
    QCOMPARE(smart.contextWindow, 0);
}

void TestConfig::dialectKeys()
{
    const Config config = parseOrFail(
        R"({"ollama":{"listen":"127.0.0.1:11500"},)"
        R"("providers":[{"id":"p","kind":"openai","base_url":"http://h/v1","models":["m"],"responses":true},)"
        R"({"id":"q","kind":"openai","base_url":"http://h/v1","responses":false}],)"
        R"("models":[{"id":"m","max_output_tokens":16384,"capabilities":["completion","tools","vision"]}]})"_ba);
    QVERIFY(config.ollama.enabled);
    QCOMPARE(config.ollama.host, u"127.0.0.1"_s);
    QCOMPARE(config.ollama.port, quint16(11500));
    QVERIFY(config.providers[0].servesResponses);
    QVERIFY(!config.providers[1].servesResponses);
    QCOMPARE(config.models[0].maxOutputTokens, 16384);
    QCOMPARE(config.models[0].capabilities, (QStringList{u"completion"_s, u"tools"_s, u"vision"_s}));

    // An empty block turns the surface on at its default, which is never Ollama's own port.
    const Config on = parseOrFail(R"({"ollama":{}})"_ba);
    QVERIFY(on.ollama.enabled);
    QCOMPARE(on.ollama.port, quint16(11435));
    const Config off = parseOrFail(R"({})"_ba);
    QVERIFY(!off.ollama.enabled);
    QVERIFY(off.models.isEmpty());
}

void TestConfig::routerAndCache()
{
    const Config config = parseOrFail(
        R"({"router":{"max_attempts":5,"max_total_ms":20000,"retry_after_max_ms":0,)"
        R"("breaker":{"failures":2,"cooldown_ms":1000,"max_cooldown_ms":60000}},)"
        R"("cache":{"ttl_s":600,"max_mb":16},)"
        R"("providers":[{"id":"p","kind":"ollama","base_url":"http://h","models":["m"],"max_concurrency":8}],)"
        R"("models":[{"id":"m","cache":true},)"
        R"({"id":"smart","routes":[{"provider":"p","model":"m","weight":3,"max_concurrency":2}]}]})"_ba);
    QCOMPARE(config.router.maxAttempts, 5);
    QCOMPARE(config.router.maxTotalMs, 20000);
    QCOMPARE(config.router.retryAfterMaxMs, 0);
    QCOMPARE(config.router.breaker.failures, 2);
    QCOMPARE(config.router.breaker.cooldownMs, 1000);
    QCOMPARE(config.router.breaker.maxCooldownMs, 60000);
    QCOMPARE(config.cache.ttlSeconds, 600);
    QCOMPARE(config.cache.maxMb, 16);
    QCOMPARE(config.providers[0].maxConcurrency, 8);
    QVERIFY(config.model(u"m"_s)->cache);
    QVERIFY(!config.model(u"smart"_s)->cache);
    QCOMPARE(config.model(u"smart"_s)->routes[0].maxConcurrency, 2);

    // Defaults, and a cap that follows a long cooldown when it is not given.
    const Config defaults = parseOrFail("{}"_ba);
    QCOMPARE(defaults.router, RouterSettings{});
    QCOMPARE(defaults.router.maxAttempts, 3);
    QCOMPARE(defaults.router.maxTotalMs, 60000);
    QCOMPARE(defaults.router.retryAfterMaxMs, 5000);
    QCOMPARE(defaults.cache.ttlSeconds, 3600);
    QCOMPARE(defaults.cache.maxMb, 64);
    const Config longCooldown = parseOrFail(R"({"router":{"breaker":{"cooldown_ms":900000}}})"_ba);
    QCOMPARE(longCooldown.router.breaker.maxCooldownMs, 900000);
}

void TestConfig::defaults()
{
    const Config fromEmpty = parseOrFail("{}"_ba);
    const Config fromDefault = parseOrFail(defaultConfigJson());
    for (const Config &config : {fromEmpty, fromDefault}) {
        QCOMPARE(config.listenHost, u"127.0.0.1"_s);
        QCOMPARE(config.listenPort, quint16(4141));
        QCOMPARE(config.authRequired, true);
        QCOMPARE(config.maxBodyBytes, qint64(32) * 1024 * 1024);
        QVERIFY(config.accessKeys.isEmpty());
        QVERIFY(config.providers.isEmpty());
        QVERIFY(config.models.isEmpty());
    }
    // Human-edited: keys in the contract's order, indented.
    const QByteArray json = defaultConfigJson();
    QVERIFY(json.indexOf("\"listen\"") < json.indexOf("\"auth\""));
    QVERIFY(json.indexOf("\"auth\"") < json.indexOf("\"access_keys\""));
    QVERIFY(json.indexOf("\"access_keys\"") < json.indexOf("\"providers\""));
    QVERIFY(json.indexOf("\"providers\"") < json.indexOf("\"models\""));
    QVERIFY(json.contains("\n    \"listen\": \"127.0.0.1:4141\",\n"));
}

void TestConfig::listen_data()
{
    QTest::addColumn<QString>("listen");
    QTest::addColumn<bool>("authRequired");
    QTest::addColumn<QString>("host");
    QTest::addColumn<int>("port");

    QTest::newRow("IPv4 loopback") << u"127.0.0.1:4141"_s << false << u"127.0.0.1"_s << 4141;
    QTest::newRow("other 127/8 address") << u"127.0.0.2:80"_s << false << u"127.0.0.2"_s << 80;
    QTest::newRow("any free port") << u"127.0.0.1:0"_s << true << u"127.0.0.1"_s << 0;
    QTest::newRow("highest port") << u"127.0.0.1:65535"_s << true << u"127.0.0.1"_s << 65535;
    QTest::newRow("IPv6 loopback") << u"[::1]:4141"_s << false << u"::1"_s << 4141;
    QTest::newRow("localhost") << u"localhost:8080"_s << false << u"localhost"_s << 8080;
    QTest::newRow("LOCALHOST") << u"LOCALHOST:8080"_s << false << u"LOCALHOST"_s << 8080;
    QTest::newRow("all interfaces with auth") << u"0.0.0.0:4141"_s << true << u"0.0.0.0"_s
                                              << 4141;
    QTest::newRow("all IPv6 interfaces with auth") << u"[::]:4141"_s << true << u"::"_s << 4141;
    QTest::newRow("host name with auth") << u"gate.example-lan.internal:1"_s << true
                                         << u"gate.example-lan.internal"_s << 1;
}

void TestConfig::listen()
{
    QFETCH(QString, listen);
    QFETCH(bool, authRequired);
    QFETCH(QString, host);
    QFETCH(int, port);

    const QByteArray json = R"({"listen":")"_ba + listen.toUtf8() + R"(","auth":{"required":)"_ba
                            + (authRequired ? "true"_ba : "false"_ba) + "}}"_ba;
    const Config config = parseOrFail(json);
    QCOMPARE(config.listenHost, host);
    QCOMPARE(config.listenPort, quint16(port));
}

void TestConfig::overrideListen_data()
{
    QTest::addColumn<bool>("authRequired");
    QTest::addColumn<QString>("listen");
    QTest::addColumn<QString>("error");  // empty: accepted

    QTest::newRow("port 0") << true << u"127.0.0.1:0"_s << QString();
    QTest::newRow("LAN with auth") << true << u"0.0.0.0:9000"_s << QString();
    QTest::newRow("loopback without auth") << false << u"[::1]:9000"_s << QString();
    QTest::newRow("LAN without auth")
        << false << u"0.0.0.0:9000"_s
        << u"--listen: the config sets auth.required to false, which is allowed only on a "
           u"loopback address (127.0.0.0/8, [::1] or localhost)"_s;
    QTest::newRow("malformed") << true << u"4141"_s
                               << u"--listen: expected HOST:PORT, e.g. 127.0.0.1:4141 or "
                                  u"[::1]:4141"_s;
}

void TestConfig::overrideListen()
{
    QFETCH(bool, authRequired);
    QFETCH(QString, listen);
    QFETCH(QString, error);

    Config config;
    config.authRequired = authRequired;
    const std::optional<ConfigError> result = onegate::overrideListen(config, listen);
    if (error.isEmpty()) {
        QVERIFY(!result);
        QCOMPARE(config.listenHost + u':' + QString::number(config.listenPort),
                 QString(listen).remove(u'[').remove(u']'));
    } else {
        QVERIFY(result);
        QCOMPARE(result->toString(), error);
        QCOMPARE(config.listenHost, Config{}.listenHost);
        QCOMPARE(config.listenPort, Config{}.listenPort);
    }
}

void TestConfig::resolve_data()
{
    QTest::addColumn<QString>("reference");
    QTest::addColumn<QByteArray>("environment");  // null: variable not set
    QTest::addColumn<QByteArray>("keychain");     // null: no entry named "k"
    QTest::addColumn<QString>("keychainFailure");
    QTest::addColumn<QByteArray>("value");
    QTest::addColumn<QString>("problem");

    const QString env = u"env:ONEGATE_TST_SECRET"_s;
    const QString keychain = u"keychain:k"_s;
    QTest::newRow("env set") << env << "sk-env-1"_ba << QByteArray() << QString() << "sk-env-1"_ba
                             << QString();
    QTest::newRow("env trimmed") << env << "  sk-env-2\n"_ba << QByteArray() << QString()
                                 << "sk-env-2"_ba << QString();
    QTest::newRow("env unset") << env << QByteArray() << QByteArray() << QString() << QByteArray()
                               << u"environment variable ONEGATE_TST_SECRET is not set"_s;
    QTest::newRow("env empty") << env << ""_ba << QByteArray() << QString() << QByteArray()
                               << u"environment variable ONEGATE_TST_SECRET is empty"_s;
    QTest::newRow("env with inner line break")
        << env << "sk-a\r\nX: y"_ba << QByteArray() << QString() << QByteArray()
        << u"environment variable ONEGATE_TST_SECRET contains a line break or other control "
           u"character"_s;
    QTest::newRow("keychain found") << keychain << QByteArray() << "sk-kc-1"_ba << QString()
                                    << "sk-kc-1"_ba << QString();
    QTest::newRow("keychain missing") << keychain << QByteArray() << QByteArray() << QString()
                                      << QByteArray()
                                      << u"no entry named k in the OneGate keychain"_s;
    QTest::newRow("keychain empty entry") << keychain << QByteArray() << " "_ba << QString()
                                          << QByteArray() << u"keychain entry k is empty"_s;
    QTest::newRow("keychain unreachable")
        << keychain << QByteArray() << "sk-kc-1"_ba << u"the keychain is locked"_s
        << QByteArray() << u"the keychain is locked"_s;
}

void TestConfig::resolve()
{
    QFETCH(QString, reference);
    QFETCH(QByteArray, environment);
    QFETCH(QByteArray, keychain);
    QFETCH(QString, keychainFailure);
    QFETCH(QByteArray, value);
    QFETCH(QString, problem);

    const EnvironmentGuard guard("ONEGATE_TST_SECRET");
    if (!environment.isNull())
        qputenv("ONEGATE_TST_SECRET", environment);
    MemorySecretStore store;
    if (!keychain.isNull())
        QVERIFY(store.write(u"k"_s, keychain).isEmpty());
    store.setFailure(keychainFailure);

    Config config;
    config.accessKeys.append({u"a"_s, {reference, {}, {}}, {u"*"_s}, {}});
    ProviderSettings provider;
    provider.apiKeys.append({reference, {}, {}});
    config.providers.append(provider);

    const QStringList warnings = resolveSecrets(config, store);

    for (const SecretValue &secret : {config.accessKeys[0].key, config.providers[0].apiKeys[0]}) {
        QCOMPARE(secret.value, value);
        QCOMPARE(secret.problem, problem);
        QCOMPARE(secret.isResolved(), problem.isEmpty());
    }
    if (problem.isEmpty()) {
        QVERIFY(warnings.isEmpty());
    } else {
        QCOMPARE(warnings, (QStringList{u"access_keys[0].key: "_s + problem,
                                        u"providers[0].api_key: "_s + problem}));
    }
    for (const QString &warning : warnings) {
        QVERIFY(!warning.contains(u"sk-"_s));
    }
}

void TestConfig::resolvePathsAndCache()
{
    Config config = parseOrFail(R"({"providers":[
        {"id":"a","kind":"openai","base_url":"http://a","api_key":"keychain:shared"},
        {"id":"b","kind":"openai","base_url":"http://b",
         "api_key":["keychain:shared","env:ONEGATE_TST_UNSET_1","keychain:gone"]}]})"_ba);
    qunsetenv("ONEGATE_TST_UNSET_1");
    MemorySecretStore store;
    QVERIFY(store.write(u"shared"_s, "sk-shared"_ba).isEmpty());

    const QStringList warnings = resolveSecrets(config, store);

    QCOMPARE(warnings,
             (QStringList{
                 u"providers[1].api_key[1]: environment variable ONEGATE_TST_UNSET_1 is not set"_s,
                 u"providers[1].api_key[2]: no entry named gone in the OneGate keychain"_s}));
    QCOMPARE(config.providers[0].apiKeys[0].value, "sk-shared"_ba);
    QCOMPARE(config.providers[1].apiKeys[0].value, "sk-shared"_ba);
    QCOMPARE(store.readCount(), 2);  // "shared" once, "gone" once
}

void TestConfig::resolveAgainClearsProblem()
{
    Config config = parseOrFail(
        R"({"access_keys":[{"name":"ci","key":"env:ONEGATE_TST_LATE"}]})"_ba);
    const EnvironmentGuard guard("ONEGATE_TST_LATE");
    MemorySecretStore store;
    QCOMPARE(resolveSecrets(config, store).size(), 1);
    QVERIFY(!config.accessKeys[0].key.problem.isEmpty());

    qputenv("ONEGATE_TST_LATE", "late-key");
    QVERIFY(resolveSecrets(config, store).isEmpty());
    QCOMPARE(config.accessKeys[0].key.value, "late-key"_ba);
    QVERIFY(config.accessKeys[0].key.problem.isEmpty());
}

void TestConfig::firstRun()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(u"nested/onegate/config.json"_s);

    const ConfigResult first = loadConfigFile(path);
    QVERIFY2(first.ok(), qPrintable(first.error.toString()));
    QCOMPARE(first.config->listenPort, quint16(4141));
    QCOMPARE(first.config->authRequired, true);

    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray written = file.readAll();
    file.close();
    QCOMPARE(written, defaultConfigJson());
    const QFileDevice::Permissions ownerOnly = QFileDevice::ReadOwner | QFileDevice::WriteOwner
                                               | QFileDevice::ReadUser | QFileDevice::WriteUser;
    QCOMPARE(QFileInfo(path).permissions(), ownerOnly);
    const QDateTime modified = QFileInfo(path).lastModified();

    const ConfigResult second = loadConfigFile(path);
    QVERIFY(second.ok());
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(file.readAll(), written);
    QCOMPARE(QFileInfo(path).lastModified(), modified);
    QCOMPARE(QFileInfo(path).permissions(), ownerOnly);
}

void TestConfig::existingFileIsRead()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(u"mine.json"_s);
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(R"({"listen":"127.0.0.1:9999","bogus":1})");
    file.close();

    const ConfigResult result = loadConfigFile(path);
    QVERIFY(!result.ok());
    QCOMPARE(result.error.toString(), u"mine.json: bogus: unknown key"_s);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(file.readAll(), R"({"listen":"127.0.0.1:9999","bogus":1})"_ba);
}

void TestConfig::unreadableFile()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    // A folder where the file should be: unreadable even for root, unlike chmod 000.
    QVERIFY(QDir(dir.path()).mkdir(u"config.json"_s));

    const ConfigResult result = loadConfigFile(dir.filePath(u"config.json"_s));
    QVERIFY(!result.ok());
    QCOMPARE(result.error.file, u"config.json"_s);
    QVERIFY(result.error.path.isEmpty());
    QVERIFY2(result.error.toString().startsWith(u"config.json: cannot read: "_s),
             qPrintable(result.error.toString()));
}

void TestConfig::errorFormatting()
{
    QCOMPARE((ConfigError{u"config.json"_s, u"providers[1].base_url"_s, u"not an http(s) URL"_s})
                 .toString(),
             u"config.json: providers[1].base_url: not an http(s) URL"_s);
    QCOMPARE((ConfigError{u"config.json"_s, {}, u"cannot read"_s}).toString(),
             u"config.json: cannot read"_s);
}

} // namespace onegate

QTEST_GUILESS_MAIN(onegate::TestConfig)
#include "tst_config.moc"
