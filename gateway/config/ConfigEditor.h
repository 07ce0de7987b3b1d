#pragma once

#include "config/ConfigParser.h"

#include <QByteArray>
#include <QJsonObject>
#include <QObject>
#include <QString>
#include <QStringList>
#include <QTimer>
#include <memory>
#include <optional>

class QFileSystemWatcher;

namespace onegate {

class SecretStore;

// The one way the app reads and changes config.json, used on the main thread. It keeps
// the file as a JSON document (what the GUI edits) and the parsed snapshot with its
// secrets resolved (what the gateway runs on). Every change goes through the config
// parser first, so a refused edit carries the parser's own message
// ("config.json: providers[1].base_url: not an http(s) URL") and changes nothing: not
// the file, not the snapshot. An accepted one is written atomically, owner-only, and
// announced by changed(); the app hands that snapshot to GatewayService::applyConfig().
//
// The file is also watched, so an edit made by hand in an editor applies the same way;
// one the parser refuses is reported by externalEditRejected() and not applied. Our own
// writes are recognised by content and not reported again.
class ConfigEditor final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ConfigEditor)
public:
    // `secrets` resolves keychain: references and must outlive the editor.
    explicit ConfigEditor(QString path, SecretStore *secrets, QObject *parent = nullptr);
    ~ConfigEditor() override;

    // Reads the file, writing the safe default first on the very first run, and starts
    // watching it. On failure the error is returned and document() and config() keep
    // what they held. Does not emit changed(): the caller starts from config().
    ConfigResult load();

    // The document as on disk (as last loaded, applied or picked up from a hand edit).
    const QJsonObject &document() const { return m_document; }
    // The parsed snapshot with secrets resolved; null before a successful load().
    std::shared_ptr<const Config> config() const { return m_config; }
    QString path() const { return m_path; }
    // One line per secret reference that could not be resolved (never a secret).
    const QStringList &secretWarnings() const { return m_secretWarnings; }

    // Validates `next` with the config parser; if valid, writes it, puts it in force and
    // emits changed(). Returns the parser's error (or why the file could not be saved),
    // in which case nothing changed.
    std::optional<ConfigError> apply(const QJsonObject &next);
    // Resolves the current document's secrets again (after a key was stored in the
    // keychain) and emits changed() with the new snapshot.
    void reloadSecrets();

    // The bytes apply() writes: indented JSON with the keys in the order CONTRACT.md shows
    // them (listen, auth, access_keys, providers, models, then the rest; id, kind,
    // base_url, api_key, models... within a provider), since people also read and edit
    // the file by hand and QJsonDocument would sort them alphabetically.
    static QByteArray serialize(const QJsonObject &document);

Q_SIGNALS:
    void changed(std::shared_ptr<const onegate::Config> config);
    void externalEditRejected(const onegate::ConfigError &error);

private:
    QString fileName() const;
    std::optional<ConfigError> write(const QByteArray &bytes);
    void adopt(const QJsonObject &document, Config config, const QByteArray &bytes);
    void watch();
    void onFileTouched();

    QString m_path;
    SecretStore *m_secrets;
    QJsonObject m_document;
    std::shared_ptr<const Config> m_config;
    QStringList m_secretWarnings;
    // The file's content as we last wrote, loaded or examined it: a change notification
    // that finds the same bytes is our own write (or nothing new) and is ignored.
    QByteArray m_onDisk;
    QFileSystemWatcher *m_watcher = nullptr;
    // Editors save in several steps (truncate and write, or write a copy and rename);
    // the file is examined once the notifications have stopped for a moment.
    QTimer m_settle;
};

} // namespace onegate
