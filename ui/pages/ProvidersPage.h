#pragma once

#include "Page.h"
#include "UiServices.h"
#include "pages/providers/LocalServerProbe.h"
#include "pages/providers/ProviderDraft.h"

#include <QPointer>
#include <functional>

class QGroupBox;
class QLabel;
class QMenu;
class QPushButton;
class QTableView;
class QTimer;
class QToolButton;
class QVBoxLayout;

namespace onegate {

class ModelPickerDialog;
class ProviderDialog;
class ProviderTableModel;
struct ProviderChange;
struct ProviderModels;
struct ProviderTemplate;

// The providers OneGate forwards to: a table with each one's kind, base URL, models, key
// state and last test; adding from templates, editing and removing (keys go to and are
// removed from the keychain, never into config.json); "Test connection" and "Fetch
// models" through the running gateway; and model servers already running on this
// computer, offered with one click. While the page is visible it asks the gateway for
// route health every two seconds (GatewayService::fetchHealth, never blocking) and sums
// it up per provider in the Health column.
//
// Every change is validated by the config parser before the keychain is touched, then
// applied through ConfigEditor; the table follows ConfigEditor::changed.
class ProvidersPage final : public Page {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ProvidersPage)
public:
    explicit ProvidersPage(const UiServices &services, QWidget *parent = nullptr);
    ~ProvidersPage() override;

    QString title() const override;
    QIcon icon() const override;

    ProviderTableModel *model() const { return m_model; }
    LocalServerProbe *localServerProbe() const { return m_probe; }

    // What the buttons do, for the selected provider; each is also a seam for tests.
    // The dialogs open window-modal and return at once; the page keeps them.
    ProviderDialog *openAddDialog(const QString &templateId);
    ProviderDialog *openEditDialog(const QString &providerId);
    void removeProvider(const QString &providerId);
    void testConnection(const QString &providerId);
    void fetchModels(const QString &providerId);
    ProviderDialog *providerDialog() const;
    ModelPickerDialog *modelPicker() const;

    // Probes the usual local ports again (also done the first time the page is shown).
    void detectLocalServers();
    // Servers found by the last probe that no provider points at yet.
    const QList<LocalServer> &localServerOffers() const { return m_offers; }
    // The one-click add: a server that needs no key is added at once; one that wants a
    // key opens the add dialog filled in.
    void addLocalServer(const LocalServer &server);

Q_SIGNALS:
    // The offers changed: a probe finished, or a provider was added or removed.
    void localServerOffersChanged();
    // A "Test connection" or "Fetch models" got its answer.
    void providerAnswered(const QString &providerId);

protected:
    void changeEvent(QEvent *event) override;
    void showEvent(QShowEvent *event) override;
    void hideEvent(QHideEvent *event) override;

private:
    void retranslate();
    void onConfigChanged();
    void updateButtons();
    void updateOffers();
    void refreshHealth();
    QString selectedId() const;

    ProviderDialog *showAddDialog(const ProviderTemplate &providerTemplate,
                                  const ProviderDraft &draft);
    ProviderDraft draftFromTemplate(const ProviderTemplate &providerTemplate) const;
    void fillKeyDescriptions(const QString &providerId, QList<DraftKey> &keys) const;
    bool commitDraft(const ProviderDraft &draft, bool isNew, const QString &placeholder,
                     QWidget *dialog);
    // Validates, stores new secrets, applies, removes unused keychain entries. Returns
    // false (after saying why) when nothing changed.
    bool carryOut(const ProviderChange &change, bool removalConfirmed, QWidget *parent);
    void requestModels(const QString &providerId, std::function<void(const ProviderModels &)> then);
    QString gatewayProblem() const;
    static QString describeFailure(const ProviderModels &result);

    UiServices m_services;
    ProviderTableModel *m_model;
    LocalServerProbe *m_probe;
    QList<LocalServer> m_offers;
    QString m_keepSelected;
    bool m_probed = false;
    QPointer<ProviderDialog> m_providerDialog;
    QPointer<ModelPickerDialog> m_modelPicker;
    QTimer *m_healthTimer;

    QLabel *m_heading;
    QLabel *m_intro;
    QToolButton *m_add;
    QMenu *m_templates;
    QPushButton *m_edit;
    QPushButton *m_remove;
    QPushButton *m_test;
    QPushButton *m_fetch;
    QTableView *m_table;
    QLabel *m_status;
    QGroupBox *m_localBox;
    QLabel *m_localStatus;
    QVBoxLayout *m_offerList;
    QPushButton *m_detect;
};

} // namespace onegate
