#pragma once

#include <QCoreApplication>
#include <QList>
#include <QString>

namespace onegate {

// Switches the language of the whole UI while it runs. Installs two translators on the
// application: OneGate's own (onegate_<locale>.qm) and Qt's (qtbase_<locale>.qm, for
// the standard dialogs' buttons). Installing or removing a translator sends every widget
// a LanguageChange event, and each page retranslates itself in changeEvent().
//
// The translators are children of the application found by object name, so the app at
// startup and the Settings page later share them without anyone owning a singleton.
class UiLanguage final {
    Q_DECLARE_TR_FUNCTIONS(UiLanguage)
public:
    struct Result {
        QString locale;          // the locale now in use for the UI, e.g. "zh_CN" or "en"
        bool translated = false; // a OneGate translation was loaded
        // Why the chosen language could not be shown (the translation file is missing),
        // in plain language; empty when all is well, including for English.
        QString problem;
    };

    // `locale` is "" (follow the system), "en" or a locale name such as "zh_CN".
    // English is the source language and needs no file. `qmDirectory` is where
    // onegate_<locale>.qm files are looked up (tests pass their own).
    static Result apply(const QString &locale, const QString &qmDirectory = defaultDirectory());
    static QString defaultDirectory();

    // The languages the Settings page offers besides "system": locale and the name of
    // the language in itself (so a user who cannot read the current UI finds theirs).
    struct Choice {
        QString locale;
        QString nativeName;
    };
    static QList<Choice> choices();
};

} // namespace onegate
