#include "common/UiLanguage.h"

#include <QLibraryInfo>
#include <QLocale>
#include <QTranslator>

using namespace Qt::StringLiterals;

namespace onegate {

namespace {

QTranslator *translator(const QString &name)
{
    auto *app = QCoreApplication::instance();
    if (auto *existing = app->findChild<QTranslator *>(name, Qt::FindDirectChildrenOnly))
        return existing;
    auto *created = new QTranslator(app);
    created->setObjectName(name);
    return created;
}

// Removing first and installing again is what makes Qt send LanguageChange, even when
// the file did not change; skipping a no-op keeps the UI from redrawing for nothing.
bool load(QTranslator *translator, const QLocale &locale, const QString &prefix,
          const QString &directory)
{
    QCoreApplication::removeTranslator(translator);
    if (!translator->load(locale, prefix, u"_"_s, directory))
        return false;
    QCoreApplication::installTranslator(translator);
    return true;
}

bool isEnglish(const QLocale &locale)
{
    return locale.language() == QLocale::English || locale.language() == QLocale::C;
}

} // namespace

QString UiLanguage::defaultDirectory()
{
    return u":/i18n"_s;
}

QList<UiLanguage::Choice> UiLanguage::choices()
{
    return {{u"en"_s, u"English"_s}, {u"zh_CN"_s, u"简体中文"_s}};
}

UiLanguage::Result UiLanguage::apply(const QString &locale, const QString &qmDirectory)
{
    const QLocale wanted = locale.isEmpty() ? QLocale::system() : QLocale(locale);
    QTranslator *own = translator(u"onegate-translator"_s);
    QTranslator *qt = translator(u"onegate-qt-translator"_s);

    Result result;
    QLocale::setDefault(wanted);
    if (isEnglish(wanted)) {
        // The strings in the source are English: no file to load, just stop translating.
        QCoreApplication::removeTranslator(own);
        QCoreApplication::removeTranslator(qt);
        result.locale = u"en"_s;
        return result;
    }
    result.locale = wanted.name();
    result.translated = load(own, wanted, u"onegate"_s, qmDirectory);
    // Qt's own strings come from the system's Qt translations package when it is
    // installed; without it the standard buttons stay English, which is no error.
    load(qt, wanted, u"qtbase"_s, QLibraryInfo::path(QLibraryInfo::TranslationsPath));
    if (!result.translated) {
        // All English then, Qt's buttons included, rather than a mix of two languages.
        QCoreApplication::removeTranslator(qt);
        QLocale::setDefault(QLocale(QLocale::English));
        // Following the system into a language we have no file for is normal; only an
        // explicit choice that cannot be honoured is worth a message.
        if (!locale.isEmpty())
            result.problem = tr("The translation for %1 is not included in this build of "
                                "OneGate, so the window stays in English.")
                                 .arg(wanted.nativeLanguageName());
        result.locale = u"en"_s;
    }
    return result;
}

} // namespace onegate
