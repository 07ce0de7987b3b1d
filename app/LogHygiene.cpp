#include "LogHygiene.h"

#include <QLatin1StringView>
#include <QLoggingCategory>

namespace onegate {

namespace {

QLoggingCategory::CategoryFilter g_rulesFilter = nullptr;

// Runs for every category when it is created and whenever the rules change: Qt's own
// filter (which applies QT_LOGGING_RULES) first, then ours on top.
void filterCategory(QLoggingCategory *category)
{
    if (g_rulesFilter)
        g_rulesFilter(category);
    const QLatin1StringView name(category->categoryName());
    if (name == QLatin1StringView("qt.httpserver") ||
        name.startsWith(QLatin1StringView("qt.httpserver."))) {
        category->setEnabled(QtDebugMsg, false);
        category->setEnabled(QtInfoMsg, false);
    }
}

} // namespace

void installLogHygiene()
{
    if (!g_rulesFilter)
        g_rulesFilter = QLoggingCategory::installFilter(filterCategory);
}

} // namespace onegate
