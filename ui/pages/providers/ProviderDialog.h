#pragma once

#include "ProviderDraft.h"

#include <QDialog>
#include <functional>

class QComboBox;
class QDialogButtonBox;
class QFormLayout;
class QLabel;
class QLineEdit;
class QListWidget;
class QPlainTextEdit;
class QPushButton;

namespace onegate {

// Adds or edits one provider: id, kind, base URL, keys, models, proxy, Azure API version.
// A key typed here is shown only masked from then on. OK hands the draft to `commit`
// (the page: keychain, config); the dialog closes only when that succeeded, so a refused
// edit keeps everything the user typed.
class ProviderDialog final : public QDialog {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ProviderDialog)
public:
    enum class Mode { Add, Edit };
    using Commit = std::function<bool(const ProviderDraft &)>;

    // `source` names what the fields came from in the title (a template's name, or the
    // provider id when editing).
    ProviderDialog(Mode mode, const ProviderDraft &initial, const QString &source, Commit commit,
                   QWidget *parent = nullptr);

    Mode mode() const { return m_mode; }
    // For servers that usually run without a key (local ones): the dialog says so
    // instead of asking for one.
    void setKeyOptional(bool optional);
    // Puts the cursor on a part of the base URL the user has to replace.
    void selectInBaseUrl(const QString &part);
    // What the fields say now; a key still in the entry field counts as added.
    ProviderDraft draft() const;
    // What OK does.
    void submit();

protected:
    void changeEvent(QEvent *event) override;

private:
    void retranslate();
    void addTypedKey();
    void removeSelectedKey();
    void refreshKeys();
    void updateKindFields();
    static DraftKey keyFromText(const QString &text);
    QString describe(const DraftKey &key) const;

    Mode m_mode;
    QString m_source;
    Commit m_commit;
    QList<DraftKey> m_keys;
    bool m_keyOptional = false;

    QFormLayout *m_form;
    QLabel *m_intro;
    QLabel *m_idLabel;
    QLineEdit *m_id;
    QLabel *m_kindLabel;
    QComboBox *m_kind;
    QLabel *m_baseUrlLabel;
    QLineEdit *m_baseUrl;
    QLabel *m_keysLabel;
    QListWidget *m_keyList;
    QLineEdit *m_newKey;
    QPushButton *m_addKey;
    QPushButton *m_removeKey;
    QLabel *m_keysHint;
    QLabel *m_modelsLabel;
    QPlainTextEdit *m_models;
    QLabel *m_proxyLabel;
    QComboBox *m_proxy;
    QLineEdit *m_proxyAddress;
    QLabel *m_apiVersionLabel;
    QLineEdit *m_apiVersion;
    QDialogButtonBox *m_buttons;
};

} // namespace onegate
