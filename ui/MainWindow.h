#pragma once

#include <QMainWindow>

class QListWidget;
class QStackedWidget;

namespace onegate {

class Page;

// The window: a navigation list on the left, the selected page on the right. Closing
// it hides it (the app lives in the tray); the shell decides what closing means.
class MainWindow final : public QMainWindow {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MainWindow)
public:
    explicit MainWindow(QWidget *parent = nullptr);

    void addPage(Page *page);
    void showPage(int index);
    int pageCount() const;
    Page *page(int index) const;
    // Brings the window to the front (tray click, second launch).
    void raiseToFront();

Q_SIGNALS:
    // The user closed the window (it is hidden, not destroyed).
    void closedToTray();

protected:
    void closeEvent(QCloseEvent *event) override;
    void changeEvent(QEvent *event) override;

private:
    void retranslate();

    QListWidget *m_navigation;
    QStackedWidget *m_pages;
};

} // namespace onegate
