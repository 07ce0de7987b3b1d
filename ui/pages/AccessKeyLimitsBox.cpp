#include "pages/AccessKeyLimitsBox.h"

#include "UserPrompts.h"
#include "common/PageHeading.h"
#include "models/AccessKeyEditor.h"
#include "models/AccessKeyLimitsText.h"

#include <QCheckBox>
#include <QDateTimeEdit>
#include <QDoubleSpinBox>
#include <QEvent>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPalette>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>
#include <algorithm>
#include <climits>

using namespace Qt::StringLiterals;

namespace onegate {

namespace {

// Wider than the parser allows: a value past its limit is refused with its own message
// rather than silently clipped by the widget.
constexpr double kMaxBudget = 1e15;
constexpr int kBarSteps = 1000;
const QColor kRed(0xc0, 0x39, 0x2b);
const QColor kAmber(0xd3, 0x8b, 0x00);

QSpinBox *countSpin()
{
    auto *spin = new QSpinBox;
    spin->setRange(0, INT_MAX);
    spin->setGroupSeparatorShown(true);
    spin->setAccelerated(true);
    return spin;
}

QLabel *useLabel()
{
    auto *label = new QLabel;
    label->setTextFormat(Qt::PlainText);
    return label;
}

// An expiry to start from when the user turns one on: a month ahead, at midnight.
QDateTime defaultExpiry()
{
    return QDateTime(QDate::currentDate().addMonths(1), QTime(0, 0));
}

} // namespace

AccessKeyLimitsBox::AccessKeyLimitsBox(const UiServices &services, QWidget *parent)
    : QGroupBox(parent)
    , m_services(services)
    , m_rpmLabel(new QLabel)
    , m_rpm(countSpin())
    , m_rpmUse(useLabel())
    , m_tpmLabel(new QLabel)
    , m_tpm(countSpin())
    , m_tpmUse(useLabel())
    , m_concurrentLabel(new QLabel)
    , m_concurrent(countSpin())
    , m_concurrentUse(useLabel())
    , m_budgetLabel(new QLabel)
    , m_budget(new QDoubleSpinBox)
    , m_budgetUse(useLabel())
    , m_warnLabel(new QLabel)
    , m_warn(new QSpinBox)
    , m_budgetBar(new QProgressBar)
    , m_expires(new QCheckBox)
    , m_expiry(new QDateTimeEdit)
    , m_expiryUse(useLabel())
    , m_unpriced(createWrappingLabel())
    , m_status(createWrappingLabel())
    , m_revert(new QPushButton)
    , m_save(new QPushButton)
{
    setObjectName(u"limitsGroup"_s);
    m_rpm->setObjectName(u"rpmSpin"_s);
    m_rpmUse->setObjectName(u"rpmUse"_s);
    m_tpm->setObjectName(u"tpmSpin"_s);
    m_tpmUse->setObjectName(u"tpmUse"_s);
    m_concurrent->setObjectName(u"concurrentSpin"_s);
    m_concurrentUse->setObjectName(u"concurrentUse"_s);
    m_budget->setObjectName(u"budgetSpin"_s);
    m_budgetUse->setObjectName(u"budgetUse"_s);
    m_warn->setObjectName(u"warnSpin"_s);
    m_budgetBar->setObjectName(u"budgetBar"_s);
    m_expires->setObjectName(u"expiresCheck"_s);
    m_expiry->setObjectName(u"expiryEdit"_s);
    m_expiryUse->setObjectName(u"expiryUse"_s);
    m_unpriced->setObjectName(u"unpricedNote"_s);
    m_status->setObjectName(u"limitsStatus"_s);
    m_revert->setObjectName(u"revertLimitsButton"_s);
    m_save->setObjectName(u"saveLimitsButton"_s);

    m_budget->setRange(0, kMaxBudget);
    m_budget->setDecimals(2);
    m_budget->setGroupSeparatorShown(true);
    m_budget->setAccelerated(true);
    m_warn->setRange(1, 100);
    m_warn->setSuffix(u" %"_s);
    m_budgetBar->setRange(0, kBarSteps);
    m_budgetBar->setTextVisible(false);
    m_expiry->setDisplayFormat(AccessKeyLimitsText::dateTimeFormat());
    m_expiry->setCalendarPopup(true);
    m_expiry->setTimeSpec(Qt::LocalTime);
    m_rpmLabel->setBuddy(m_rpm);
    m_tpmLabel->setBuddy(m_tpm);
    m_concurrentLabel->setBuddy(m_concurrent);
    m_budgetLabel->setBuddy(m_budget);
    m_warnLabel->setBuddy(m_warn);

    auto *grid = new QGridLayout;
    grid->addWidget(m_rpmLabel, 0, 0);
    grid->addWidget(m_rpm, 0, 1);
    grid->addWidget(m_rpmUse, 0, 2);
    grid->addWidget(m_tpmLabel, 1, 0);
    grid->addWidget(m_tpm, 1, 1);
    grid->addWidget(m_tpmUse, 1, 2);
    grid->addWidget(m_concurrentLabel, 2, 0);
    grid->addWidget(m_concurrent, 2, 1);
    grid->addWidget(m_concurrentUse, 2, 2);
    grid->addWidget(m_budgetLabel, 3, 0);
    grid->addWidget(m_budget, 3, 1);
    grid->addWidget(m_budgetUse, 3, 2);
    grid->addWidget(m_warnLabel, 4, 0);
    grid->addWidget(m_warn, 4, 1);
    grid->addWidget(m_budgetBar, 4, 2);
    grid->addWidget(m_expires, 5, 0);
    grid->addWidget(m_expiry, 5, 1);
    grid->addWidget(m_expiryUse, 5, 2);
    grid->setColumnStretch(2, 1);

    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_status, 1);
    buttons->addWidget(m_revert);
    buttons->addWidget(m_save);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(grid);
    layout->addWidget(m_unpriced);
    layout->addStretch(1);
    layout->addLayout(buttons);

    for (QSpinBox *spin : {m_rpm, m_tpm, m_concurrent, m_warn})
        connect(spin, &QSpinBox::valueChanged, this, &AccessKeyLimitsBox::onEdited);
    connect(m_budget, &QDoubleSpinBox::valueChanged, this, &AccessKeyLimitsBox::onEdited);
    connect(m_expires, &QCheckBox::toggled, this, &AccessKeyLimitsBox::onEdited);
    connect(m_expiry, &QDateTimeEdit::dateTimeChanged, this, &AccessKeyLimitsBox::onEdited);
    connect(m_save, &QPushButton::clicked, this, &AccessKeyLimitsBox::save);
    connect(m_revert, &QPushButton::clicked, this, &AccessKeyLimitsBox::revert);

    retranslate();
    setKey({}, {});
}

void AccessKeyLimitsBox::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange)
        retranslate();
    QGroupBox::changeEvent(event);
}

void AccessKeyLimitsBox::retranslate()
{
    updateTitle();
    m_rpmLabel->setText(tr("Requests per minute:"));
    m_tpmLabel->setText(tr("Tokens per minute:"));
    m_concurrentLabel->setText(tr("Requests at once:"));
    m_budgetLabel->setText(tr("Monthly budget:"));
    m_warnLabel->setText(tr("Warn at:"));
    m_expires->setText(tr("Expires:"));
    for (QSpinBox *spin : {m_rpm, m_tpm, m_concurrent})
        spin->setSpecialValueText(tr("No limit"));
    m_budget->setSpecialValueText(tr("No budget"));
    m_rpm->setToolTip(tr("How many requests this key may start in any 60 seconds. More are "
                         "refused until the oldest leave the minute."));
    m_tpm->setToolTip(tr("How many tokens (prompt and answer) this key's requests may use in "
                         "any 60 seconds. Once they are used, requests are refused until "
                         "enough of them leave the minute."));
    m_concurrent->setToolTip(tr("How many of this key's requests may be under way at the "
                                "same time."));
    m_budget->setToolTip(tr("How much this key may spend per calendar month (UTC), counted at "
                            "the model prices on the Models page. Once it is spent, the key's "
                            "requests are refused until the next month."));
    m_warn->setToolTip(tr("The tray tells you when the key has spent this share of its "
                          "budget."));
    m_expiry->setToolTip(tr("From this moment (your local time) OneGate refuses the key. The "
                            "config keeps it in UTC."));
    m_revert->setText(tr("Revert"));
    m_revert->setToolTip(tr("Discard the changes that were not saved and show the saved "
                            "limits."));
    m_save->setText(tr("Save limits"));
    updateUse();
}

void AccessKeyLimitsBox::setKey(const QString &name, const AccessKeyLimits &saved)
{
    const bool same = name == m_keyName && saved == m_saved;
    m_keyName = name;
    m_saved = saved;
    if (!same || name.isEmpty()) {
        m_standing.reset();
        m_status->clear();
        fill(saved);
    }
    setEnabled(!name.isEmpty());
    updateTitle();
    updateState();
}

void AccessKeyLimitsBox::updateTitle()
{
    setTitle(m_keyName.isEmpty() ? tr("Limits") : tr("Limits of %1").arg(m_keyName));
}

void AccessKeyLimitsBox::setStanding(const std::optional<KeyStanding> &standing)
{
    m_standing = standing;
    updateUse();
}

AccessKeyLimitsBox::Form AccessKeyLimitsBox::form() const
{
    return Form{m_rpm->value(),  m_tpm->value(),         m_concurrent->value(), m_budget->value(),
                m_warn->value(), m_expires->isChecked(), m_expiry->dateTime()};
}

void AccessKeyLimitsBox::fill(const AccessKeyLimits &limits)
{
    const QSignalBlocker blockRpm(m_rpm);
    const QSignalBlocker blockTpm(m_tpm);
    const QSignalBlocker blockConcurrent(m_concurrent);
    const QSignalBlocker blockBudget(m_budget);
    const QSignalBlocker blockWarn(m_warn);
    const QSignalBlocker blockExpires(m_expires);
    const QSignalBlocker blockExpiry(m_expiry);
    m_rpm->setValue(limits.rpm);
    m_tpm->setValue(limits.tpm);
    m_concurrent->setValue(limits.maxConcurrent);
    m_budget->setValue(limits.monthlyBudget);
    m_warn->setValue(qRound(limits.warnAt * 100));
    m_expires->setChecked(limits.expiresMs != 0);
    m_expiry->setDateTime(limits.expiresMs != 0 ? QDateTime::fromMSecsSinceEpoch(limits.expiresMs)
                                                : defaultExpiry());
    m_loaded = form();
}

AccessKeyLimits AccessKeyLimitsBox::limits() const
{
    const Form now = form();
    AccessKeyLimits limits = m_saved;
    if (now.rpm != m_loaded.rpm)
        limits.rpm = now.rpm;
    if (now.tpm != m_loaded.tpm)
        limits.tpm = now.tpm;
    if (now.maxConcurrent != m_loaded.maxConcurrent)
        limits.maxConcurrent = now.maxConcurrent;
    if (now.budget != m_loaded.budget)
        limits.monthlyBudget = now.budget;
    if (now.warnPercent != m_loaded.warnPercent)
        limits.warnAt = now.warnPercent / 100.0;
    if (now.expires != m_loaded.expires || now.expiry != m_loaded.expiry)
        limits.expiresMs = now.expires ? now.expiry.toMSecsSinceEpoch() : 0;
    return limits;
}

bool AccessKeyLimitsBox::isModified() const
{
    return !m_keyName.isEmpty() && form() != m_loaded;
}

void AccessKeyLimitsBox::save()
{
    if (!isModified())
        return;
    const QString name = m_keyName;
    const QString error =
        AccessKeyEditor(m_services.config, m_services.secrets).setLimits(name, limits());
    if (!error.isEmpty()) {
        // The form keeps what was typed, to be corrected or reverted.
        m_status->setText(tr("Not saved: %1").arg(error));
        m_services.prompts->warning(
            this, tr("Access keys"),
            tr("The limits of %1 were not saved.\n\n%2\n\nCorrect the value, or click Revert "
               "to go back to the saved limits.")
                .arg(name, error));
        return;
    }
    // Saving reloaded the page, which showed the new limits through setKey().
    m_status->setText(tr("Saved."));
}

void AccessKeyLimitsBox::revert()
{
    m_status->clear();
    fill(m_saved);
    updateState();
}

void AccessKeyLimitsBox::onEdited()
{
    // A message about the previous save no longer describes the form.
    m_status->clear();
    updateState();
}

void AccessKeyLimitsBox::updateState()
{
    const Form now = form();
    m_warn->setEnabled(now.budget > 0);
    m_warnLabel->setEnabled(now.budget > 0);
    m_expiry->setEnabled(now.expires);
    const bool modified = isModified();
    m_save->setEnabled(modified);
    m_revert->setEnabled(modified);
    updateUse();
}

void AccessKeyLimitsBox::updateUse()
{
    const AccessKeyLimits &limits = m_saved;
    const KeyStanding standing = m_standing.value_or(KeyStanding{});
    const bool known = m_standing.has_value();
    const bool budgeted = limits.monthlyBudget > 0;
    m_rpmUse->setText(known ? AccessKeyLimitsText::requests(limits, standing) : QString());
    m_tpmUse->setText(known ? AccessKeyLimitsText::tokens(limits, standing) : QString());
    m_concurrentUse->setText(known ? AccessKeyLimitsText::inFlight(limits, standing) : QString());
    m_budgetUse->setText(known ? AccessKeyLimitsText::spending(limits, standing) : QString());
    m_unpriced->setText(known ? AccessKeyLimitsText::unpriced(standing) : QString());
    m_unpriced->setVisible(!m_unpriced->text().isEmpty());

    const bool stopped = budgeted && standing.spentThisMonth >= limits.monthlyBudget;
    const bool warned = budgeted && standing.spentThisMonth >= limits.monthlyBudget * limits.warnAt;
    m_budgetBar->setVisible(known && budgeted);
    m_budgetBar->setValue(
        budgeted ? int(std::min(1.0, standing.spentThisMonth / limits.monthlyBudget) * kBarSteps)
                 : 0);
    QPalette bar = palette();
    if (stopped || warned)
        bar.setColor(QPalette::Highlight, stopped ? kRed : kAmber);
    m_budgetBar->setPalette(bar);
    QPalette budgetText = palette();
    if (stopped)
        budgetText.setColor(QPalette::WindowText, kRed);
    m_budgetUse->setPalette(budgetText);

    const qint64 nowMs = QDateTime::currentMSecsSinceEpoch();
    m_expiryUse->setText(AccessKeyLimitsText::expiry(limits.expiresMs, nowMs));
    QPalette expiryText = palette();
    if (limits.expiresMs != 0 && nowMs >= limits.expiresMs)
        expiryText.setColor(QPalette::WindowText, kRed);
    m_expiryUse->setPalette(expiryText);
}

} // namespace onegate
