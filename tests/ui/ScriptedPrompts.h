#pragma once

#include "UserPrompts.h"

#include <QStringList>

namespace onegate::test {

// Answers the pages' dialogs in widget tests and remembers what was shown.
class ScriptedPrompts final : public UserPrompts {
public:
    bool confirmAnswer = true;
    QStringList shown;  // "information: TITLE: TEXT", "warning: ...", "confirm: ..."

    void information(QWidget *, const QString &title, const QString &text) override
    {
        shown.append(QStringLiteral("information: %1: %2").arg(title, text));
    }
    void warning(QWidget *, const QString &title, const QString &text) override
    {
        shown.append(QStringLiteral("warning: %1: %2").arg(title, text));
    }
    bool confirm(QWidget *, const QString &title, const QString &text) override
    {
        shown.append(QStringLiteral("confirm: %1: %2").arg(title, text));
        return confirmAnswer;
    }
    QString last() const { return shown.isEmpty() ? QString() : shown.constLast(); }
};

} // namespace onegate::test
