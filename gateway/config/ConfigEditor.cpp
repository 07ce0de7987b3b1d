#include "ConfigEditor.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QFileSystemWatcher>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSaveFile>
#include <span>

using namespace Qt::StringLiterals;

namespace onegate {

namespace {

constexpr int kSettleMs = 150;
// An array of plain values stays on one line up to this width ("models": [...]).
constexpr qsizetype kInlineArrayWidth = 100;

// Which object of the config a value is, for the order of its keys.
enum class Shape { Other, Root, Auth, Limits, Router, Breaker, Cache, AccessKey, Provider, Timeouts, Model, Route, Prices };

// The order of each object's known keys: CONTRACT.md's, then the parser's. Keys not
// listed follow in alphabetical order (headers, and anything the parser will refuse).
constexpr QLatin1String kRootKeys[] = {"listen"_L1, "auth"_L1, "access_keys"_L1,
                                       "providers"_L1, "models"_L1, "limits"_L1, "router"_L1,
                                       "cache"_L1};
constexpr QLatin1String kCacheKeys[] = {"ttl_s"_L1, "max_mb"_L1};
constexpr QLatin1String kRouterKeys[] = {"max_attempts"_L1, "max_total_ms"_L1,
                                         "retry_after_max_ms"_L1, "breaker"_L1};
constexpr QLatin1String kBreakerKeys[] = {"failures"_L1, "cooldown_ms"_L1, "max_cooldown_ms"_L1};
constexpr QLatin1String kAuthKeys[] = {"required"_L1};
constexpr QLatin1String kLimitsKeys[] = {"max_body_mb"_L1};
constexpr QLatin1String kAccessKeyKeys[] = {"name"_L1, "key"_L1, "models"_L1};
constexpr QLatin1String kProviderKeys[] = {"id"_L1,     "kind"_L1,  "base_url"_L1,
                                           "api_key"_L1, "models"_L1, "proxy"_L1,
                                           "api_version"_L1, "timeouts"_L1, "headers"_L1,
                                           "max_concurrency"_L1};
constexpr QLatin1String kTimeoutsKeys[] = {"connect_ms"_L1, "idle_ms"_L1, "total_ms"_L1};
constexpr QLatin1String kModelKeys[] = {"id"_L1, "routes"_L1, "enabled"_L1, "context_window"_L1,
                                        "prices"_L1, "cache"_L1};
constexpr QLatin1String kPricesKeys[] = {"input"_L1, "output"_L1, "cache_read"_L1, "cache_write"_L1};
constexpr QLatin1String kRouteKeys[] = {"provider"_L1, "model"_L1, "priority"_L1, "weight"_L1,
                                        "max_concurrency"_L1};

std::span<const QLatin1String> keyOrder(Shape shape)
{
    switch (shape) {
    case Shape::Root: return kRootKeys;
    case Shape::Auth: return kAuthKeys;
    case Shape::Limits: return kLimitsKeys;
    case Shape::Router: return kRouterKeys;
    case Shape::Breaker: return kBreakerKeys;
    case Shape::Cache: return kCacheKeys;
    case Shape::AccessKey: return kAccessKeyKeys;
    case Shape::Provider: return kProviderKeys;
    case Shape::Timeouts: return kTimeoutsKeys;
    case Shape::Model: return kModelKeys;
    case Shape::Route: return kRouteKeys;
    case Shape::Prices: return kPricesKeys;
    case Shape::Other: break;
    }
    return {};
}

// The shape of `key`'s value inside an object of `parent` shape; for an array, the shape
// of its elements.
Shape childShape(Shape parent, const QString &key)
{
    switch (parent) {
    case Shape::Root:
        if (key == "auth"_L1)
            return Shape::Auth;
        if (key == "limits"_L1)
            return Shape::Limits;
        if (key == "router"_L1)
            return Shape::Router;
        if (key == "cache"_L1)
            return Shape::Cache;
        if (key == "access_keys"_L1)
            return Shape::AccessKey;
        if (key == "providers"_L1)
            return Shape::Provider;
        if (key == "models"_L1)
            return Shape::Model;
        break;
    case Shape::Router:
        if (key == "breaker"_L1)
            return Shape::Breaker;
        break;
    case Shape::Provider:
        if (key == "timeouts"_L1)
            return Shape::Timeouts;
        break;
    case Shape::Model:
        if (key == "routes"_L1)
            return Shape::Route;
        if (key == "prices"_L1)
            return Shape::Prices;
        break;
    default: break;
    }
    return Shape::Other;
}

QByteArray scalar(const QJsonValue &value)
{
    // QJsonDocument does the escaping and number formatting; only a container can be
    // serialized, so the brackets of a one-element array are cut off again.
    const QByteArray wrapped = QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact);
    return wrapped.mid(1, wrapped.size() - 2);
}

class Writer final {
public:
    QByteArray take() { return std::move(m_out); }

    void value(const QJsonValue &value, Shape shape, int depth)
    {
        if (value.isObject())
            object(value.toObject(), shape, depth);
        else if (value.isArray())
            array(value.toArray(), shape, depth);
        else
            m_out += scalar(value);
    }

private:
    void indent(int depth) { m_out += QByteArray(depth * 4, ' '); }

    void object(const QJsonObject &object, Shape shape, int depth)
    {
        if (object.isEmpty()) {
            m_out += "{}";
            return;
        }
        QStringList keys;
        for (const QLatin1String key : keyOrder(shape)) {
            if (object.contains(key))
                keys.append(key);
        }
        for (const QString &key : object.keys()) {
            if (!keys.contains(key))
                keys.append(key);
        }
        m_out += "{\n";
        for (qsizetype i = 0; i < keys.size(); ++i) {
            indent(depth + 1);
            m_out += scalar(keys.at(i)) + ": ";
            value(object.value(keys.at(i)), childShape(shape, keys.at(i)), depth + 1);
            m_out += i + 1 < keys.size() ? ",\n" : "\n";
        }
        indent(depth);
        m_out += '}';
    }

    void array(const QJsonArray &array, Shape elementShape, int depth)
    {
        if (array.isEmpty()) {
            m_out += "[]";
            return;
        }
        bool plain = true;
        QByteArray inlined = "[";
        for (qsizetype i = 0; i < array.size() && plain; ++i) {
            const QJsonValue element = array.at(i);
            plain = !element.isObject() && !element.isArray();
            if (plain)
                inlined += (i > 0 ? ", " : "") + scalar(element);
        }
        inlined += ']';
        if (plain && inlined.size() <= kInlineArrayWidth) {
            m_out += inlined;
            return;
        }
        m_out += "[\n";
        for (qsizetype i = 0; i < array.size(); ++i) {
            indent(depth + 1);
            value(array.at(i), elementShape, depth + 1);
            m_out += i + 1 < array.size() ? ",\n" : "\n";
        }
        indent(depth);
        m_out += ']';
    }

    QByteArray m_out;
};

} // namespace

ConfigEditor::ConfigEditor(QString path, SecretStore *secrets, QObject *parent)
    : QObject(parent)
    , m_path(std::move(path))
    , m_secrets(secrets)
{
    m_settle.setSingleShot(true);
    m_settle.setInterval(kSettleMs);
    connect(&m_settle, &QTimer::timeout, this, &ConfigEditor::onFileTouched);
}

ConfigEditor::~ConfigEditor() = default;

QByteArray ConfigEditor::serialize(const QJsonObject &document)
{
    Writer writer;
    writer.value(document, Shape::Root, 0);
    return writer.take() + '\n';
}

QString ConfigEditor::fileName() const
{
    return QFileInfo(m_path).fileName();
}

ConfigResult ConfigEditor::load()
{
    if (!QFileInfo::exists(m_path)) {
        // Writes the default (and reports a folder or file it cannot create).
        const ConfigResult first = loadConfigFile(m_path);
        if (!first.ok())
            return first;
    }
    QFile file(m_path);
    if (!file.open(QIODevice::ReadOnly))
        return {std::nullopt, {fileName(), {}, u"cannot read: "_s + file.errorString()}};
    const QByteArray bytes = file.readAll();
    ConfigResult result = parseConfig(bytes, fileName());
    if (!result.ok())
        return result;
    Config config = *result.config;
    m_document = QJsonDocument::fromJson(bytes).object();
    m_onDisk = bytes;
    m_secretWarnings = resolveSecrets(config, *m_secrets);
    m_config = std::make_shared<const Config>(std::move(config));
    watch();
    return result;
}

std::optional<ConfigError> ConfigEditor::apply(const QJsonObject &next)
{
    // Validate exactly the bytes that will be on disk.
    const QByteArray bytes = serialize(next);
    ConfigResult parsed = parseConfig(bytes, fileName());
    if (!parsed.ok())
        return parsed.error;
    if (auto error = write(bytes))
        return error;
    adopt(next, std::move(*parsed.config), bytes);
    watch();
    return std::nullopt;
}

void ConfigEditor::reloadSecrets()
{
    if (!m_config)
        return;
    Config config = *m_config;
    m_secretWarnings = resolveSecrets(config, *m_secrets);
    m_config = std::make_shared<const Config>(std::move(config));
    Q_EMIT changed(m_config);
}

std::optional<ConfigError> ConfigEditor::write(const QByteArray &bytes)
{
    const QFileInfo info(m_path);
    if (!QDir().mkpath(info.absolutePath()))
        return ConfigError{fileName(), {}, u"cannot create the folder %1"_s.arg(QDir::toNativeSeparators(info.absolutePath()))};
    // QSaveFile: a crash mid-write leaves the old file or the new one, never half of it.
    // Owner-only, since the file says which keychain entries and variables hold the keys.
    QSaveFile file(m_path);
    if (!file.open(QIODevice::WriteOnly))
        return ConfigError{fileName(), {}, u"cannot save: "_s + file.errorString()};
    if (file.write(bytes) != bytes.size()
        || !file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner) || !file.commit())
        return ConfigError{fileName(), {}, u"cannot save: "_s + file.errorString()};
    return std::nullopt;
}

void ConfigEditor::adopt(const QJsonObject &document, Config config, const QByteArray &bytes)
{
    m_onDisk = bytes;
    m_document = document;
    m_secretWarnings = resolveSecrets(config, *m_secrets);
    m_config = std::make_shared<const Config>(std::move(config));
    Q_EMIT changed(m_config);
}

void ConfigEditor::watch()
{
    if (!m_watcher) {
        m_watcher = new QFileSystemWatcher(this);
        connect(m_watcher, &QFileSystemWatcher::fileChanged, &m_settle, qOverload<>(&QTimer::start));
        connect(m_watcher, &QFileSystemWatcher::directoryChanged, &m_settle, qOverload<>(&QTimer::start));
    }
    // Saving by rename (QSaveFile, most editors) replaces the watched file, and the
    // watcher drops it; the folder is watched too, so the new file is noticed and
    // watched again.
    if (!m_watcher->files().contains(m_path) && QFileInfo::exists(m_path))
        m_watcher->addPath(m_path);
    const QString folder = QFileInfo(m_path).absolutePath();
    if (!m_watcher->directories().contains(folder))
        m_watcher->addPath(folder);
}

void ConfigEditor::onFileTouched()
{
    watch();
    QFile file(m_path);
    if (!file.open(QIODevice::ReadOnly))
        return;  // gone for now (mid-save, or deleted): the running config stays in force
    const QByteArray bytes = file.readAll();
    if (bytes == m_onDisk)
        return;
    // Remembered even when refused, so one bad edit is reported once, not on every
    // notification of the folder.
    m_onDisk = bytes;
    ConfigResult parsed = parseConfig(bytes, fileName());
    if (!parsed.ok()) {
        Q_EMIT externalEditRejected(parsed.error);
        return;
    }
    adopt(QJsonDocument::fromJson(bytes).object(), std::move(*parsed.config), bytes);
}

} // namespace onegate
