#include "MainWindow.h"

#include "Page.h"

#include <QCloseEvent>
#include <QHBoxLayout>
#include <QListWidget>
#include <QStackedWidget>

namespace onegate {

MainWindow::MainWindow(QWidget *parent)
    : QMainWindow(parent)
    , m_navigation(new QListWidget)
    , m_pages(new QStackedWidget)
{
    setWindowIcon(QIcon(QStringLiteral(":/onegate/icons/onegate.svg")));
    m_navigation->setObjectName(QStringLiteral("navigation"));
    m_navigation->setIconSize(QSize(20, 20));
    m_navigation->setFixedWidth(200);
    m_navigation->setFrameShape(QFrame::NoFrame);
    m_navigation->setSpacing(2);

    auto *central = new QWidget;
    auto *layout = new QHBoxLayout(central);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(m_navigation);
    layout->addWidget(m_pages, 1);
    setCentralWidget(central);
    resize(1040, 680);

    connect(m_navigation, &QListWidget::currentRowChanged, m_pages, &QStackedWidget::setCurrentIndex);
    retranslate();
}

void MainWindow::addPage(Page *page)
{
    m_pages->addWidget(page);
    auto *item = new QListWidgetItem(page->icon(), page->title());
    item->setSizeHint(QSize(0, 36));
    m_navigation->addItem(item);
    if (m_navigation->count() == 1)
        m_navigation->setCurrentRow(0);
}

void MainWindow::showPage(int index)
{
    m_navigation->setCurrentRow(index);
}

int MainWindow::pageCount() const
{
    return m_pages->count();
}

Page *MainWindow::page(int index) const
{
    return qobject_cast<Page *>(m_pages->widget(index));
}

void MainWindow::raiseToFront()
{
    if (isMinimized())
        showNormal();
    show();
    raise();
    activateWindow();
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    event->ignore();
    hide();
    Q_EMIT closedToTray();
}

void MainWindow::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange)
        retranslate();
    QMainWindow::changeEvent(event);
}

void MainWindow::retranslate()
{
    setWindowTitle(tr("OneGate"));
    for (int i = 0; i < m_pages->count(); ++i) {
        if (QListWidgetItem *item = m_navigation->item(i))
            item->setText(page(i)->title());
    }
}

} // namespace onegate
