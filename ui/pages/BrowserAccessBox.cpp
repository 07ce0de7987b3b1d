#include "pages/BrowserAccessBox.h"

#include "UserPrompts.h"
#include "common/PageHeading.h"
#include "config/ConfigEditor.h"
#include "config/ConfigParser.h"
#include "pages/RefusedOriginsModel.h"

#include <QCheckBox>
#include <QEvent>
#include <QFormLayout>
#include <QGridLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QPushButton>
#include <QStringListModel>
#include <QTableView>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace onegate {

namespace {

const QString kNullOrigin = u"null"_s;

// What people paste is often a URL's start ("https://chat.example.org/"); the origin is
// the same without the slash. Case does not matter to the guard; the file keeps it lower.
QString normalizedOrigin(const QString &typed)
{
    QString origin = typed.trimmed().toLower();
    if (origin.endsWith(u'/') && !origin.endsWith(u"://"_s))
        origin.chop(1);
    return origin;
}

// The config parser is the one judge of what an origin looks like (scheme://host[:port],
// no path, no wildcard): ask it about a document that holds this origin and nothing else.
bool isOrigin(const QString &origin)
{
    const QJsonObject probe{{u"cors"_s, QJsonObject{{u"origins"_s, QJsonArray{origin}}}}};
    return parseConfig(QJsonDocument(probe).toJson(QJsonDocument::Compact), QString()).ok();
}

int firstSelectedRow(const QAbstractItemView *view)
{
    const QModelIndexList rows = view->selectionModel()->selectedRows();
    return rows.isEmpty() ? -1 : rows.first().row();
}

} // namespace

BrowserAccessBox::BrowserAccessBox(const UiServices &services, QWidget *parent)
    : QGroupBox(parent)
    , m_services(services)
    , m_allowed(new QStringListModel(this))
    , m_intro(createWrappingLabel())
    , m_allowedLabel(new QLabel)
    , m_originEdit(new QLineEdit)
    , m_add(new QPushButton)
    , m_allowedView(new QListView)
    , m_remove(new QPushButton)
    , m_extensions(new QCheckBox)
    , m_refusedLabel(new QLabel)
    , m_refusedEmpty(createWrappingLabel())
    , m_refusedView(new QTableView)
    , m_allowRefused(new QPushButton)
    , m_dismiss(new QPushButton)
{
    setObjectName(u"browserGroup"_s);
    m_intro->setObjectName(u"browserNote"_s);
    m_originEdit->setObjectName(u"originEdit"_s);
    m_add->setObjectName(u"addOrigin"_s);
    m_allowedView->setObjectName(u"allowedOriginsView"_s);
    m_remove->setObjectName(u"removeOrigin"_s);
    m_extensions->setObjectName(u"extensionsCheck"_s);
    m_refusedEmpty->setObjectName(u"refusedOriginsEmpty"_s);
    m_refusedView->setObjectName(u"refusedOriginsView"_s);
    m_allowRefused->setObjectName(u"allowRefusedOrigin"_s);
    m_dismiss->setObjectName(u"dismissRefusedOrigin"_s);

    // An example, not a word: the same in every language.
    m_originEdit->setPlaceholderText(u"https://chat.example.org"_s);
    m_originEdit->setClearButtonEnabled(true);
    m_originEdit->setMaxLength(512);
    m_allowedLabel->setBuddy(m_originEdit);
    m_allowedView->setModel(m_allowed);
    m_allowedView->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_allowedView->setSelectionMode(QAbstractItemView::SingleSelection);
    m_allowedView->setUniformItemSizes(true);
    // A few rows: most people allow one or two origins, and the page scrolls.
    const int rowHeight = fontMetrics().height() + 6;
    m_allowedView->setFixedHeight(rowHeight * 3 + 2 * m_allowedView->frameWidth());

    m_refusedView->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_refusedView->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_refusedView->setSelectionMode(QAbstractItemView::SingleSelection);
    m_refusedView->setWordWrap(false);
    m_refusedView->setTextElideMode(Qt::ElideMiddle);
    m_refusedView->verticalHeader()->hide();
    m_refusedView->verticalHeader()->setDefaultSectionSize(rowHeight);
    m_refusedView->horizontalHeader()->setHighlightSections(false);
    m_refusedView->setFixedHeight(rowHeight * 4 +
                                  m_refusedView->horizontalHeader()->sizeHint().height() +
                                  2 * m_refusedView->frameWidth());

    // The buttons stand in one column, right of the field and the lists.
    auto *allowedField = new QGridLayout;
    allowedField->addWidget(m_originEdit, 0, 0);
    allowedField->addWidget(m_add, 0, 1);
    allowedField->addWidget(m_allowedView, 1, 0);
    allowedField->addWidget(m_remove, 1, 1, Qt::AlignTop);
    allowedField->setColumnStretch(0, 1);
    auto *refusedButtons = new QVBoxLayout;
    refusedButtons->addWidget(m_allowRefused);
    refusedButtons->addWidget(m_dismiss);
    refusedButtons->addStretch(1);
    auto *refusedField = new QGridLayout;
    refusedField->addWidget(m_refusedEmpty, 0, 0, 1, 2);
    refusedField->addWidget(m_refusedView, 1, 0);
    refusedField->addLayout(refusedButtons, 1, 1);
    refusedField->setColumnStretch(0, 1);
    auto *form = new QFormLayout(this);
    form->addRow(m_intro);
    form->addRow(m_allowedLabel, allowedField);
    form->addRow(m_extensions);
    form->addRow(m_refusedLabel, refusedField);

    connect(m_originEdit, &QLineEdit::textChanged, this, [this] { updateState(); });
    connect(m_originEdit, &QLineEdit::returnPressed, this, [this] { addTyped(); });
    connect(m_add, &QPushButton::clicked, this, [this] { addTyped(); });
    connect(m_remove, &QPushButton::clicked, this, [this] { removeSelected(); });
    connect(m_allowedView->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            [this] { updateState(); });
    connect(m_extensions, &QCheckBox::toggled, this, [this](bool on) {
        editCors([on](QJsonObject &cors) { cors.insert(u"extensions"_s, on); });
    });
    if (RefusedOriginsModel *refused = m_services.refusedOrigins) {
        m_refusedView->setModel(refused);
        QHeaderView *header = m_refusedView->horizontalHeader();
        header->setSectionResizeMode(QHeaderView::ResizeToContents);
        header->setSectionResizeMode(int(RefusedOriginsModel::Column::Origin),
                                     QHeaderView::Stretch);
        connect(m_refusedView->selectionModel(), &QItemSelectionModel::selectionChanged, this,
                [this] { updateState(); });
        connect(refused, &QAbstractItemModel::rowsInserted, this, [this] { updateState(); });
        connect(refused, &QAbstractItemModel::rowsRemoved, this, [this] { updateState(); });
        connect(m_allowRefused, &QPushButton::clicked, this, [this] { allowSelectedRefusal(); });
        connect(m_dismiss, &QPushButton::clicked, this, [this] { dismissSelectedRefusal(); });
    }
    if (m_services.config) {
        connect(m_services.config, &ConfigEditor::changed, this,
                [this](const std::shared_ptr<const Config> &config) { setConfig(config); });
    }
    retranslate();
    setConfig(m_services.config ? m_services.config->config() : nullptr);
}

QList<QLabel *> BrowserAccessBox::rowLabels() const
{
    return {m_allowedLabel, m_refusedLabel};
}

void BrowserAccessBox::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange)
        retranslate();
    QGroupBox::changeEvent(event);
}

void BrowserAccessBox::retranslate()
{
    setTitle(tr("Browser access"));
    m_intro->setText(tr("OneGate refuses requests from web pages unless you allow their origin "
                        "here, so that a page you visit cannot spend your money through it."));
    m_allowedLabel->setText(tr("Allowed or&igins:"));
    m_add->setText(tr("A&dd"));
    m_remove->setText(tr("Re&move"));
    m_extensions->setText(
        tr("Also allow browser &extensions (chrome-extension://, moz-extension://, app://)"));
    m_extensions->setToolTip(
        tr("Any extension installed in your browsers could then use OneGate."));
    m_refusedLabel->setText(tr("Refused origins:"));
    m_refusedEmpty->setText(tr("No web page has been refused since OneGate started."));
    // Said where the list is, since nothing else on the page goes away on quitting.
    const QString notKept = tr("Requests refused since OneGate started, each origin once. The "
                               "list is not kept when OneGate quits.");
    m_refusedView->setToolTip(notKept);
    m_refusedEmpty->setToolTip(notKept);
    m_allowRefused->setText(tr("Allo&w"));
    m_allowRefused->setToolTip(tr("Add the selected origin to the allowed origins"));
    m_dismiss->setText(tr("Di&smiss"));
    m_dismiss->setToolTip(tr("Remove it from this list; it is still refused"));
    if (m_services.refusedOrigins)
        m_services.refusedOrigins->retranslate();
    equalButtonWidths();
    updateState();
}

// The buttons stand in one column; one width for all whatever the language.
void BrowserAccessBox::equalButtonWidths()
{
    const QList<QPushButton *> buttons{m_add, m_remove, m_allowRefused, m_dismiss};
    int width = 0;
    for (QPushButton *button : buttons) {
        button->setMinimumWidth(0);
        width = qMax(width, button->sizeHint().width());
    }
    for (QPushButton *button : buttons)
        button->setMinimumWidth(width);
}

void BrowserAccessBox::setConfig(const std::shared_ptr<const Config> &config)
{
    if (!config)
        return;
    m_saved = config->cors.origins;
    if (m_allowed->stringList() != m_saved)
        m_allowed->setStringList(m_saved);
    const QSignalBlocker blocker(m_extensions);
    m_extensions->setChecked(config->cors.extensions);
    // Allowing an origin, by any way (here, the extensions box, the file), takes it off
    // the refused list.
    if (m_services.refusedOrigins)
        m_services.refusedOrigins->setAllowed(config->cors);
    updateState();
}

void BrowserAccessBox::updateState()
{
    const bool editable = m_services.config != nullptr;
    m_add->setEnabled(editable && !m_originEdit->text().trimmed().isEmpty());
    m_remove->setEnabled(editable && firstSelectedRow(m_allowedView) >= 0);
    m_extensions->setEnabled(editable);

    RefusedOriginsModel *refused = m_services.refusedOrigins;
    m_refusedLabel->setVisible(refused != nullptr);
    const bool anyRefused = refused && refused->rowCount() > 0;
    m_refusedEmpty->setVisible(refused != nullptr && !anyRefused);
    m_refusedView->setVisible(anyRefused);
    m_allowRefused->setVisible(anyRefused);
    m_dismiss->setVisible(anyRefused);
    const bool selected = anyRefused && firstSelectedRow(m_refusedView) >= 0;
    m_allowRefused->setEnabled(editable && selected);
    m_dismiss->setEnabled(selected);
}

void BrowserAccessBox::addTyped()
{
    if (m_originEdit->text().trimmed().isEmpty())
        return;
    if (allow(m_originEdit->text()))
        m_originEdit->clear();
}

bool BrowserAccessBox::allow(const QString &typed)
{
    if (!m_services.config)
        return false;
    const QString origin = normalizedOrigin(typed);
    if (const qsizetype at = m_saved.indexOf(origin); at >= 0) {
        // Already there: show it rather than a message.
        m_allowedView->setCurrentIndex(m_allowed->index(int(at)));
        return true;
    }
    if (!isOrigin(origin)) {
        if (m_services.prompts) {
            m_services.prompts->warning(
                this, tr("Origin not added"),
                tr("\"%1\" is not an origin. Write it as the browser sends it: scheme://host, with "
                   "the port if there is one and nothing after it, for example "
                   "https://chat.example.org or http://localhost:5173.")
                    .arg(typed.trimmed()));
        }
        return false;
    }
    if (origin == kNullOrigin && m_services.prompts &&
        !m_services.prompts->confirm(
            this, tr("Allow the origin \"null\"?"),
            tr("Browsers send the origin null from sandboxed frames, local files and some apps "
               "built on web views, so allowing it lets any of them use OneGate. Allow it only if "
               "you know which app needs it.")))
        return false;
    return editCors([&origin](QJsonObject &cors) {
        QJsonArray origins = cors.value(u"origins"_s).toArray();
        origins.append(origin);
        cors.insert(u"origins"_s, origins);
    });
}

void BrowserAccessBox::removeSelected()
{
    const int row = firstSelectedRow(m_allowedView);
    if (row < 0)
        return;
    const QString origin = m_allowed->index(row).data().toString();
    // The file may spell it in capitals; the config holds it lower case.
    editCors([&origin](QJsonObject &cors) {
        QJsonArray kept;
        for (const QJsonValue &entry : cors.value(u"origins"_s).toArray()) {
            if (entry.toString().toLower() != origin)
                kept.append(entry);
        }
        cors.insert(u"origins"_s, kept);
    });
}

void BrowserAccessBox::allowSelectedRefusal()
{
    const int row = firstSelectedRow(m_refusedView);
    if (row >= 0 && m_services.refusedOrigins)
        allow(m_services.refusedOrigins->origin(row));
}

void BrowserAccessBox::dismissSelectedRefusal()
{
    const int row = firstSelectedRow(m_refusedView);
    if (row >= 0 && m_services.refusedOrigins)
        m_services.refusedOrigins->dismiss(row);
}

bool BrowserAccessBox::editCors(const std::function<void(QJsonObject &cors)> &edit)
{
    if (!m_services.config)
        return false;
    QJsonObject next = m_services.config->document();
    QJsonObject cors = next.value(u"cors"_s).toObject();
    edit(cors);
    // Absent means the default (nothing allowed): the file keeps only what says more.
    if (cors.value(u"origins"_s).toArray().isEmpty())
        cors.remove(u"origins"_s);
    if (!cors.value(u"extensions"_s).toBool())
        cors.remove(u"extensions"_s);
    if (cors.isEmpty())
        next.remove(u"cors"_s);
    else
        next.insert(u"cors"_s, cors);
    if (const auto error = m_services.config->apply(next)) {
        if (m_services.prompts)
            m_services.prompts->warning(this, tr("Settings not applied"), error->toString());
        setConfig(m_services.config->config());
        return false;
    }
    return true;
}

} // namespace onegate
