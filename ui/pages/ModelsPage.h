#pragma once

#include "Page.h"
#include "UiServices.h"

class QGroupBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QTableView;
class QTimer;

namespace onegate {

class ModelListModel;
class ModelRoutesModel;

// Every model clients can ask for: each provider's models under their own ids, and the
// aliases of models[]. The enabled flag, context window and prices are edited in the
// table; the selected model's routes and aliases below it. Each edit is saved at once
// through ConfigEditor::apply(). An edit the parser refuses is explained with its own
// message and stays on screen as typed until it is corrected or reverted; meanwhile
// changes made elsewhere (another page, the file) still show up.
//
// While the page is visible it asks the gateway for route health every two seconds
// (GatewayService::fetchHealth, never blocking) and shows it beside each route.
class ModelsPage final : public Page {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ModelsPage)
public:
    explicit ModelsPage(const UiServices &services, QWidget *parent = nullptr);
    ~ModelsPage() override;

    QString title() const override;

protected:
    void changeEvent(QEvent *event) override;
    void showEvent(QShowEvent *event) override;
    void hideEvent(QHideEvent *event) override;

private:
    void retranslate();
    void reload();
    void save();
    void revert();
    void selectModel(const QString &id);
    void updateDetails();
    void addAlias();
    void removeAlias();
    void refreshHealth();

    UiServices m_services;
    ModelListModel *m_models;
    ModelRoutesModel *m_routes;
    // The parser refused the shown edit: the table holds the user's input, not the file.
    bool m_unsaved = false;
    QString m_selectedId;
    QTimer *m_healthTimer;

    QLabel *m_heading;
    QLabel *m_intro;
    QLabel *m_empty;
    QTableView *m_table;
    QLabel *m_error;
    QPushButton *m_revert;
    QGroupBox *m_details;
    QLabel *m_routesHint;
    QTableView *m_routesView;
    QPushButton *m_addRoute;
    QPushButton *m_removeRoute;
    QPushButton *m_providerRoutes;
    QLabel *m_aliasesLabel;
    QLabel *m_aliases;
    QLineEdit *m_aliasEdit;
    QPushButton *m_addAlias;
    QPushButton *m_removeAlias;
};

} // namespace onegate
