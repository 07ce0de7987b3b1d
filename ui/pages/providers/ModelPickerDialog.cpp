#include "ModelPickerDialog.h"

#include "models/ProviderModelChoiceModel.h"

#include <QDialogButtonBox>
#include <QEvent>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace onegate {

ModelPickerDialog::ModelPickerDialog(const QString &providerId, const QStringList &listed,
                                     const QStringList &served, Commit commit, QWidget *parent)
    : QDialog(parent)
    , m_providerId(providerId)
    , m_commit(std::move(commit))
    , m_choices(new ProviderModelChoiceModel(this))
    , m_filtered(new QSortFilterProxyModel(this))
    , m_intro(new QLabel)
    , m_filter(new QLineEdit)
    , m_view(new QTableView)
    , m_checkShown(new QPushButton)
    , m_uncheckShown(new QPushButton)
    , m_count(new QLabel)
    , m_buttons(new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel))
{
    setObjectName(u"modelPickerDialog"_s);
    m_filter->setObjectName(u"modelFilterEdit"_s);
    m_view->setObjectName(u"modelChoiceView"_s);
    m_checkShown->setObjectName(u"checkShownButton"_s);
    m_uncheckShown->setObjectName(u"uncheckShownButton"_s);
    m_buttons->setObjectName(u"buttonBox"_s);

    m_choices->setChoices(listed, served);
    m_filtered->setSourceModel(m_choices);
    m_filtered->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_filtered->setFilterKeyColumn(int(ProviderModelChoiceModel::Column::Model));
    m_view->setModel(m_filtered);
    m_view->verticalHeader()->hide();
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setShowGrid(false);
    m_view->horizontalHeader()->setSectionResizeMode(int(ProviderModelChoiceModel::Column::Model),
                                                     QHeaderView::Stretch);
    m_view->horizontalHeader()->setSectionResizeMode(int(ProviderModelChoiceModel::Column::Note),
                                                     QHeaderView::ResizeToContents);
    m_filter->setClearButtonEnabled(true);
    m_intro->setWordWrap(true);

    auto *tools = new QHBoxLayout;
    tools->addWidget(m_filter, 1);
    tools->addWidget(m_checkShown);
    tools->addWidget(m_uncheckShown);
    auto *bottom = new QHBoxLayout;
    bottom->addWidget(m_count, 1);
    bottom->addWidget(m_buttons);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_intro);
    layout->addLayout(tools);
    layout->addWidget(m_view, 1);
    layout->addLayout(bottom);

    connect(m_filter, &QLineEdit::textChanged, this, &ModelPickerDialog::setFilter);
    connect(m_checkShown, &QPushButton::clicked, this, [this] { setShownChecked(true); });
    connect(m_uncheckShown, &QPushButton::clicked, this, [this] { setShownChecked(false); });
    connect(m_choices, &QAbstractItemModel::dataChanged, this, &ModelPickerDialog::updateCount);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &ModelPickerDialog::submit);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    retranslate();
    resize(560, 480);
}

void ModelPickerDialog::setFilter(const QString &text)
{
    if (m_filter->text() != text)
        m_filter->setText(text);
    m_filtered->setFilterFixedString(text.trimmed());
}

void ModelPickerDialog::setShownChecked(bool checked)
{
    for (int row = 0; row < m_filtered->rowCount(); ++row)
        m_choices->setChecked(m_filtered->mapToSource(m_filtered->index(row, 0)).row(), checked);
}

void ModelPickerDialog::submit()
{
    if (!m_commit || !m_buttons->isEnabled())
        return;
    m_buttons->setEnabled(false);
    const bool saved = m_commit(m_choices->checkedModels());
    m_buttons->setEnabled(true);
    if (saved)
        accept();
}

void ModelPickerDialog::updateCount()
{
    m_count->setText(tr("%1 of %2 models chosen")
                         .arg(m_choices->checkedModels().size())
                         .arg(m_choices->rowCount()));
}

void ModelPickerDialog::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange)
        retranslate();
    QDialog::changeEvent(event);
}

void ModelPickerDialog::retranslate()
{
    setWindowTitle(tr("Models of %1").arg(m_providerId));
    m_intro->setText(tr("Check the models OneGate should serve from %1. Clients see them "
                        "under their own names, and as \"%1/model\".")
                         .arg(m_providerId));
    m_filter->setPlaceholderText(tr("Filter"));
    m_checkShown->setText(tr("Check shown"));
    m_uncheckShown->setText(tr("Uncheck shown"));
    m_choices->retranslate();
    updateCount();
}

} // namespace onegate
