#include "ProviderDialog.h"

#include "ProviderTemplates.h"
#include "common/SecretMask.h"
#include "secrets/SecretReference.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QEvent>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace onegate {

namespace {

constexpr ProviderKind kKinds[] = {ProviderKind::OpenAi, ProviderKind::Anthropic,
                                   ProviderKind::Gemini, ProviderKind::Azure, ProviderKind::Ollama};
constexpr ProxyChoice kProxies[] = {ProxyChoice::System, ProxyChoice::None, ProxyChoice::Http,
                                    ProxyChoice::Socks5};

QLabel *hintLabel()
{
    auto *label = new QLabel;
    label->setWordWrap(true);
    label->setForegroundRole(QPalette::PlaceholderText);
    return label;
}

QStringList modelList(const QString &text)
{
    QStringList models;
    for (const QString &part : text.split(QRegularExpression(u"[\\n,]"_s))) {
        const QString model = part.trimmed();
        if (!model.isEmpty() && !models.contains(model))
            models.append(model);
    }
    return models;
}

} // namespace

ProviderDialog::ProviderDialog(Mode mode, const ProviderDraft &initial, const QString &source,
                               Commit commit, QWidget *parent)
    : QDialog(parent)
    , m_mode(mode)
    , m_source(source)
    , m_commit(std::move(commit))
    , m_keys(initial.keys)
    , m_form(new QFormLayout)
    , m_intro(new QLabel)
    , m_idLabel(new QLabel)
    , m_id(new QLineEdit(initial.id))
    , m_kindLabel(new QLabel)
    , m_kind(new QComboBox)
    , m_baseUrlLabel(new QLabel)
    , m_baseUrl(new QLineEdit(initial.baseUrl))
    , m_keysLabel(new QLabel)
    , m_keyList(new QListWidget)
    , m_newKey(new QLineEdit)
    , m_addKey(new QPushButton)
    , m_removeKey(new QPushButton)
    , m_keysHint(hintLabel())
    , m_modelsLabel(new QLabel)
    , m_models(new QPlainTextEdit(initial.models.join(u'\n')))
    , m_proxyLabel(new QLabel)
    , m_proxy(new QComboBox)
    , m_proxyAddress(new QLineEdit(initial.proxyAddress))
    , m_apiVersionLabel(new QLabel)
    , m_apiVersion(new QLineEdit(initial.apiVersion))
    , m_buttons(new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel))
{
    setObjectName(u"providerDialog"_s);
    m_id->setObjectName(u"idEdit"_s);
    m_kind->setObjectName(u"kindCombo"_s);
    m_baseUrl->setObjectName(u"baseUrlEdit"_s);
    m_keyList->setObjectName(u"keyList"_s);
    m_newKey->setObjectName(u"newKeyEdit"_s);
    m_addKey->setObjectName(u"addKeyButton"_s);
    m_removeKey->setObjectName(u"removeKeyButton"_s);
    m_models->setObjectName(u"modelsEdit"_s);
    m_proxy->setObjectName(u"proxyCombo"_s);
    m_proxyAddress->setObjectName(u"proxyAddressEdit"_s);
    m_apiVersion->setObjectName(u"apiVersionEdit"_s);
    m_buttons->setObjectName(u"buttonBox"_s);

    // An id is what routes, pinned model names and keychain entries refer to; renaming
    // is removing and adding. Shown without a frame, so it does not look editable.
    if (mode == Mode::Edit) {
        m_id->setReadOnly(true);
        m_id->setFrame(false);
        m_id->setFocusPolicy(Qt::NoFocus);
    }
    for (const ProviderKind kind : kKinds)
        m_kind->addItem(QString(), providerKindName(kind));
    m_kind->setCurrentIndex(m_kind->findData(providerKindName(initial.kind)));
    for (const ProxyChoice choice : kProxies)
        m_proxy->addItem(QString(), int(choice));
    m_proxy->setCurrentIndex(m_proxy->findData(int(initial.proxy)));
    m_newKey->setEchoMode(QLineEdit::Password);
    m_newKey->setClearButtonEnabled(true);
    m_keyList->setMaximumHeight(m_keyList->fontMetrics().height() * 5);
    m_models->setTabChangesFocus(true);
    m_models->setMaximumHeight(m_models->fontMetrics().height() * 6);
    m_intro->setWordWrap(true);

    auto *keyEntry = new QHBoxLayout;
    keyEntry->addWidget(m_newKey, 1);
    keyEntry->addWidget(m_addKey);
    keyEntry->addWidget(m_removeKey);
    auto *keys = new QVBoxLayout;
    keys->setContentsMargins(0, 0, 0, 0);
    keys->addWidget(m_keyList);
    keys->addLayout(keyEntry);
    keys->addWidget(m_keysHint);

    auto *proxy = new QHBoxLayout;
    proxy->addWidget(m_proxy);
    proxy->addWidget(m_proxyAddress, 1);

    m_form->addRow(m_idLabel, m_id);
    m_form->addRow(m_kindLabel, m_kind);
    m_form->addRow(m_baseUrlLabel, m_baseUrl);
    m_form->addRow(m_apiVersionLabel, m_apiVersion);
    m_form->addRow(m_keysLabel, keys);
    m_form->addRow(m_modelsLabel, m_models);
    m_form->addRow(m_proxyLabel, proxy);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_intro);
    layout->addLayout(m_form);
    layout->addWidget(m_buttons);

    connect(m_addKey, &QPushButton::clicked, this, &ProviderDialog::addTypedKey);
    connect(m_newKey, &QLineEdit::returnPressed, this, &ProviderDialog::addTypedKey);
    connect(m_removeKey, &QPushButton::clicked, this, &ProviderDialog::removeSelectedKey);
    connect(m_keyList, &QListWidget::currentRowChanged, this,
            [this](int row) { m_removeKey->setEnabled(row >= 0); });
    connect(m_kind, &QComboBox::currentIndexChanged, this, &ProviderDialog::updateKindFields);
    connect(m_proxy, &QComboBox::currentIndexChanged, this, &ProviderDialog::updateKindFields);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &ProviderDialog::submit);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    retranslate();
    m_removeKey->setEnabled(false);
    // Start where the user has something to type.
    if (mode == Mode::Edit || initial.baseUrl.isEmpty())
        m_baseUrl->setFocus();
    else
        m_newKey->setFocus();
    resize(600, sizeHint().height());
}

void ProviderDialog::selectInBaseUrl(const QString &part)
{
    const qsizetype at = m_baseUrl->text().indexOf(part);
    if (part.isEmpty() || at < 0)
        return;
    m_baseUrl->setFocus();
    m_baseUrl->setSelection(int(at), int(part.size()));
}

void ProviderDialog::setKeyOptional(bool optional)
{
    m_keyOptional = optional;
    retranslate();
}

ProviderDraft ProviderDialog::draft() const
{
    ProviderDraft draft;
    draft.id = m_id->text().trimmed();
    const QString kind = m_kind->currentData().toString();
    for (const ProviderKind candidate : kKinds) {
        if (providerKindName(candidate) == kind)
            draft.kind = candidate;
    }
    draft.baseUrl = m_baseUrl->text().trimmed();
    draft.keys = m_keys;
    if (!m_newKey->text().trimmed().isEmpty())
        draft.keys.append(keyFromText(m_newKey->text()));
    draft.models = modelList(m_models->toPlainText());
    draft.proxy = ProxyChoice(m_proxy->currentData().toInt());
    if (draft.proxy == ProxyChoice::Http || draft.proxy == ProxyChoice::Socks5)
        draft.proxyAddress = m_proxyAddress->text().trimmed();
    if (draft.kind == ProviderKind::Azure)
        draft.apiVersion = m_apiVersion->text().trimmed();
    return draft;
}

void ProviderDialog::submit()
{
    // Storing a key may wait for the keychain in a local event loop: a second OK meanwhile
    // must not save twice.
    if (!m_commit || !m_buttons->isEnabled())
        return;
    m_buttons->setEnabled(false);
    const bool saved = m_commit(draft());
    m_buttons->setEnabled(true);
    if (!saved)
        return;
    // What was typed is saved now; the entry must not be added a second time.
    m_newKey->clear();
    accept();
}

DraftKey ProviderDialog::keyFromText(const QString &text)
{
    const QString trimmed = text.trimmed();
    // A reference is kept as typed: "env:NAME" is the way round a keychain that cannot
    // be used, and no real key starts with "env:" or "keychain:".
    if (trimmed.startsWith("env:"_L1) || trimmed.startsWith("keychain:"_L1))
        return {trimmed, {}, {}, {}};
    return {{}, trimmed.toUtf8(), maskSecret(trimmed.toUtf8()), {}};
}

void ProviderDialog::addTypedKey()
{
    if (m_newKey->text().trimmed().isEmpty())
        return;
    m_keys.append(keyFromText(m_newKey->text()));
    m_newKey->clear();
    refreshKeys();
}

void ProviderDialog::removeSelectedKey()
{
    const int row = m_keyList->currentRow();
    if (row < 0 || row >= m_keys.size())
        return;
    m_keys.removeAt(row);
    refreshKeys();
}

QString ProviderDialog::describe(const DraftKey &key) const
{
    if (key.isNew())
        return tr("%1 (new: stored in the keychain when you save)").arg(key.masked);
    if (!key.problem.isEmpty())
        return tr("%1 (missing: %2)").arg(key.reference, key.problem);
    const SecretReference reference = SecretReference::parse(key.reference);
    if (key.masked.isEmpty())
        return key.reference;
    if (reference.source == SecretReference::Source::Environment)
        return tr("%1 (from the environment variable %2)").arg(key.masked, reference.name);
    return tr("%1 (in the keychain as %2)").arg(key.masked, reference.name);
}

void ProviderDialog::refreshKeys()
{
    const int row = m_keyList->currentRow();
    m_keyList->clear();
    for (const DraftKey &key : std::as_const(m_keys))
        m_keyList->addItem(describe(key));
    if (m_keys.isEmpty()) {
        m_keyList->addItem(m_keyOptional ? tr("No key yet. Local servers usually need none.")
                                         : tr("No key yet."));
    }
    m_keyList->setEnabled(!m_keys.isEmpty());
    m_keyList->setCurrentRow(qMin(row, int(m_keys.size()) - 1));
    m_removeKey->setEnabled(m_keyList->currentRow() >= 0 && !m_keys.isEmpty());
}

void ProviderDialog::updateKindFields()
{
    const bool azure = m_kind->currentData().toString() == providerKindName(ProviderKind::Azure);
    m_form->setRowVisible(m_apiVersion, azure);
    m_models->setPlaceholderText(
        azure ? tr("One deployment name per line: Azure serves each model under the name of "
                   "its deployment.")
              : tr("One model id per line, for example gpt-4o-mini. \"Fetch models\" lists "
                   "what the provider offers."));
    const auto proxy = ProxyChoice(m_proxy->currentData().toInt());
    m_proxyAddress->setEnabled(proxy == ProxyChoice::Http || proxy == ProxyChoice::Socks5);
}

void ProviderDialog::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange)
        retranslate();
    QDialog::changeEvent(event);
}

void ProviderDialog::retranslate()
{
    if (m_mode == Mode::Add) {
        setWindowTitle(tr("Add provider: %1").arg(m_source));
        m_intro->setText(m_keyOptional
                             ? tr("Check the base URL. Servers on this computer usually need no "
                                  "key; if yours does, it goes into the system keychain.")
                             : tr("Check the base URL and enter your API key. The key goes "
                                  "straight into the system keychain; config.json only refers "
                                  "to it."));
    } else {
        setWindowTitle(tr("Edit provider %1").arg(m_source));
        m_intro->setText(tr("Keys already saved are shown masked. Remove a key to delete it "
                            "from the keychain when you save."));
    }
    m_idLabel->setText(tr("&Id:"));
    m_idLabel->setBuddy(m_id);
    m_id->setToolTip(tr("Letters, digits, '.', '_' and '-'. Clients can pin this provider "
                        "by asking for the model \"id/model\"."));
    m_kindLabel->setText(tr("&Kind:"));
    m_kindLabel->setBuddy(m_kind);
    for (int i = 0; i < m_kind->count(); ++i)
        m_kind->setItemText(i, providerKindDisplayName(kKinds[i]));
    m_baseUrlLabel->setText(tr("&Base URL:"));
    m_baseUrlLabel->setBuddy(m_baseUrl);
    m_baseUrl->setPlaceholderText(tr("https://api.example.com/v1"));
    m_apiVersionLabel->setText(tr("API &version:"));
    m_apiVersionLabel->setBuddy(m_apiVersion);
    m_apiVersion->setPlaceholderText(tr("Leave empty for OneGate's default"));
    m_keysLabel->setText(tr("API &keys:"));
    m_keysLabel->setBuddy(m_newKey);
    m_newKey->setPlaceholderText(tr("Paste a key, or env:NAME to read it from a variable"));
    m_addKey->setText(tr("Add key"));
    m_removeKey->setText(tr("Remove"));
    m_keysHint->setText(tr("With several keys, requests take turns across them."));
    m_modelsLabel->setText(tr("&Models:"));
    m_modelsLabel->setBuddy(m_models);
    m_proxyLabel->setText(tr("&Proxy:"));
    m_proxyLabel->setBuddy(m_proxy);
    const QString proxyNames[] = {tr("System proxy"), tr("No proxy"), tr("HTTP proxy"),
                                  tr("SOCKS5 proxy")};
    for (int i = 0; i < m_proxy->count(); ++i)
        m_proxy->setItemText(i, proxyNames[i]);
    m_proxyAddress->setPlaceholderText(tr("host:port, for example proxy.example.com:3128"));
    refreshKeys();
    updateKindFields();
}

} // namespace onegate
