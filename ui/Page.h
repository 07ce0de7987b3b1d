#pragma once

#include <QIcon>
#include <QWidget>

namespace onegate {

// One page of the main window (Providers, Models, Access keys, Connect, Settings...).
// A page reads what it shows from UiServices and writes every change through
// ConfigEditor::apply(), which validates, saves and applies it; it refreshes itself from
// ConfigEditor::changed, so an edit made elsewhere (another page, the file) shows up.
class Page : public QWidget {
    Q_OBJECT
public:
    using QWidget::QWidget;
    // Translated, for the navigation list.
    virtual QString title() const = 0;
    virtual QIcon icon() const { return {}; }
};

} // namespace onegate
