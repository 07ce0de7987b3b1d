#pragma once

#include <QString>

class QWidget;

namespace onegate {

// Every modal question or message a page shows goes through here, so widget tests can
// answer them without a human (STYLE.md: "modal dialogs go through a seam tests can
// answer").
class UserPrompts {
public:
    virtual ~UserPrompts() = default;
    virtual void information(QWidget *parent, const QString &title, const QString &text) = 0;
    virtual void warning(QWidget *parent, const QString &title, const QString &text) = 0;
    virtual bool confirm(QWidget *parent, const QString &title, const QString &text) = 0;
};

// The real thing: QMessageBox.
class MessageBoxPrompts final : public UserPrompts {
public:
    void information(QWidget *parent, const QString &title, const QString &text) override;
    void warning(QWidget *parent, const QString &title, const QString &text) override;
    bool confirm(QWidget *parent, const QString &title, const QString &text) override;
};

} // namespace onegate
