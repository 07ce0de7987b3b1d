#include "AccessKeysCreatedDialog.h"

#include <QClipboard>
#include <QDialogButtonBox>
#include <QEvent>
#include <QFontDatabase>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace onegate {

AccessKeysCreatedDialog::AccessKeysCreatedDialog(const QString &name, const QByteArray &key,
                                                 QWidget *parent)
    : QDialog(parent)
    , m_name(name)
    , m_explanation(new QLabel(this))
    , m_key(new QLineEdit(QString::fromUtf8(key), this))
    , m_copy(new QPushButton(this))
    , m_copied(new QLabel(this))
{
    setObjectName(u"accessKeyCreatedDialog"_s);
    setAttribute(Qt::WA_DeleteOnClose);
    setWindowModality(Qt::WindowModal);
    m_explanation->setWordWrap(true);
    m_key->setObjectName(u"createdKeyField"_s);
    m_key->setReadOnly(true);
    m_key->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_key->setMinimumWidth(m_key->fontMetrics().horizontalAdvance(m_key->text()) + 24);
    m_copy->setObjectName(u"copyCreatedKeyButton"_s);
    m_copied->setObjectName(u"createdKeyCopied"_s);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_copy, &QPushButton::clicked, this, &AccessKeysCreatedDialog::copyKey);

    auto *keyRow = new QHBoxLayout;
    keyRow->addWidget(m_key, 1);
    keyRow->addWidget(m_copy);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_explanation);
    layout->addLayout(keyRow);
    layout->addWidget(m_copied);
    layout->addWidget(buttons);
    retranslate();
    m_copy->setFocus();
}

void AccessKeysCreatedDialog::copyKey()
{
    QGuiApplication::clipboard()->setText(m_key->text());
    m_copied->setText(tr("Copied. Paste it into your client's settings."));
}

void AccessKeysCreatedDialog::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange)
        retranslate();
    QDialog::changeEvent(event);
}

void AccessKeysCreatedDialog::retranslate()
{
    setWindowTitle(tr("New access key"));
    m_explanation->setText(
        tr("This is the key for %1. Copy it now and paste it into the client: OneGate will not "
           "show it again. It stays in the system keychain, so \"Copy key\" on the Access keys "
           "page (or the tray menu) copies it again whenever you need it.")
            .arg(m_name));
    m_copy->setText(tr("Copy"));
    if (!m_copied->text().isEmpty())
        m_copied->setText(tr("Copied. Paste it into your client's settings."));
}

} // namespace onegate
