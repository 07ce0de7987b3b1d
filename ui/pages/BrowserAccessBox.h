#pragma once

#include "UiServices.h"

#include <QGroupBox>
#include <QList>
#include <functional>
#include <memory>

class QCheckBox;
class QJsonObject;
class QLabel;
class QLineEdit;
class QListView;
class QPushButton;
class QStringListModel;
class QTableView;

namespace onegate {

struct Config;
class RefusedOriginsModel;

// Settings' "Browser access" group: the config's `cors` block (the exact origins a web
// page or web-view app may call from, and whether browser extensions may), edited through
// ConfigEditor like every config edit; and the origins the gateway refused since the app
// started (UiServices::refusedOrigins), each with an Allow that adds it to the allowlist.
// What counts as an origin is the config parser's call, so this box accepts exactly what
// the file does.
class BrowserAccessBox final : public QGroupBox {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(BrowserAccessBox)
public:
    explicit BrowserAccessBox(const UiServices &services, QWidget *parent = nullptr);
    // Its row labels, for the page to line up with the other groups' labels.
    QList<QLabel *> rowLabels() const;

protected:
    void changeEvent(QEvent *event) override;

private:
    void retranslate();
    void setConfig(const std::shared_ptr<const Config> &config);
    void addTyped();
    void removeSelected();
    void allowSelectedRefusal();
    void dismissSelectedRefusal();
    // Adds `origin` (as the user wrote it) to cors.origins; false if it was not added.
    bool allow(const QString &typed);
    // Changes the document's "cors" object through `edit`, then applies it; on a refusal
    // the parser's words are shown and the box goes back to the saved config.
    bool editCors(const std::function<void(QJsonObject &cors)> &edit);
    void updateState();
    void equalButtonWidths();

    UiServices m_services;
    QStringList m_saved; // cors.origins as the config holds them (lower case)
    QStringListModel *m_allowed;

    QLabel *m_intro;
    QLabel *m_allowedLabel;
    QLineEdit *m_originEdit;
    QPushButton *m_add;
    QListView *m_allowedView;
    QPushButton *m_remove;
    QCheckBox *m_extensions;
    QLabel *m_refusedLabel;
    QLabel *m_refusedEmpty;
    QTableView *m_refusedView;
    QPushButton *m_allowRefused;
    QPushButton *m_dismiss;
};

} // namespace onegate
