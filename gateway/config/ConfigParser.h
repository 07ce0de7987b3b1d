#pragma once

#include "config/Config.h"

#include <QByteArray>
#include <QString>
#include <optional>

namespace onegate {

class SecretStore;

// A config problem, rendered as CONTRACT.md section 1 wants it:
// "config.json: providers[1].base_url: not an http(s) URL".
struct ConfigError {
    QString file;     // file name shown to the user
    QString path;     // JSON path of the bad field, empty for the document itself
    QString message;
    QString toString() const;
};

struct ConfigResult {
    std::optional<Config> config;
    ConfigError error;
    bool ok() const { return config.has_value(); }
};

// Parses and strictly validates a config document. Unknown keys and literal secrets are
// errors; secret references are only checked for shape here, not resolved.
ConfigResult parseConfig(const QByteArray &json, const QString &fileName);

// Reads the file, writing the safe default config first when it does not exist (creating
// its folder, owner-only permissions, atomically). Errors name the file by its name only.
ConfigResult loadConfigFile(const QString &path);

// Applies the command line's `--listen HOST:PORT` over a parsed config, with the rules of
// the file's own listen key, including that auth may be off only on loopback. On failure
// the config is left as it was and the error names "--listen" in place of a file.
std::optional<ConfigError> overrideListen(Config &config, const QString &listen);

// The document written on first run: loopback only, auth required, nothing configured.
QByteArray defaultConfigJson();

// Resolves every env: and keychain: reference in place. A reference that cannot be
// resolved leaves the value empty and records why in SecretValue::problem; the returned
// list holds one human-readable warning per such reference (never a secret), such as
// "providers[0].api_key: environment variable X is not set". Surrounding whitespace is
// trimmed from values; a value with a line break or other control character is refused,
// since it would end up in an HTTP header. Each keychain entry is read once per call.
QStringList resolveSecrets(Config &config, SecretStore &store);

} // namespace onegate
