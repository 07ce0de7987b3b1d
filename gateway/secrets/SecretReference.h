#pragma once

#include <QString>

namespace onegate {

// A config secret field split into where the secret lives and under which name:
// "env:NAME" (NAME a POSIX-style variable name) or "keychain:NAME" (any non-empty name).
// Anything else is refused; `problem` then says why without ever repeating the text,
// which may well be a pasted secret.
struct SecretReference {
    enum class Source { Invalid, Environment, Keychain };

    Source source = Source::Invalid;
    QString name;
    QString problem;

    bool isValid() const { return source != Source::Invalid; }
    // "environment variable NAME" or "keychain entry NAME", for messages.
    QString describe() const;

    static SecretReference parse(const QString &text);
};

} // namespace onegate
