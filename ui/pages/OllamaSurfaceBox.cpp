#include "pages/OllamaSurfaceBox.h"

#include "GatewayService.h"
#include "UserPrompts.h"
#include "common/PageHeading.h"
#include "config/ConfigEditor.h"
#include "config/ListenAddress.h"

#include <QCheckBox>
#include <QEvent>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QJsonObject>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>

using namespace Qt::StringLiterals;

namespace onegate {

namespace {

constexpr quint16 kDefaultPort = 11435;  // beside Ollama's own 11434, never on it

} // namespace

OllamaSurfaceBox::OllamaSurfaceBox(const UiServices &services, QWidget *parent)
    : QGroupBox(parent)
    , m_services(services)
    , m_enabled(new QCheckBox)
    , m_portLabel(new QLabel)
    , m_port(new QSpinBox)
    , m_apply(new QPushButton)
    , m_note(createWrappingLabel())
    , m_status(createWrappingLabel())
{
    setObjectName(u"ollamaGroup"_s);
    m_enabled->setObjectName(u"ollamaCheck"_s);
    m_port->setObjectName(u"ollamaPortSpin"_s);
    m_apply->setObjectName(u"applyOllama"_s);
    m_note->setObjectName(u"ollamaNote"_s);
    m_status->setObjectName(u"ollamaStatus"_s);

    m_port->setRange(1, 65535);
    m_port->setValue(kDefaultPort);
    m_port->setMaximumWidth(140);
    m_port->setGroupSeparatorShown(false);
    m_portLabel->setBuddy(m_port);
    auto *portRow = new QHBoxLayout;
    portRow->addWidget(m_port);
    portRow->addWidget(m_apply);
    portRow->addStretch(1);
    auto *form = new QFormLayout(this);
    form->addRow(m_enabled);
    form->addRow(m_portLabel, portRow);
    form->addRow(m_note);
    form->addRow(m_status);

    connect(m_enabled, &QCheckBox::toggled, this, [this] { apply(); });
    connect(m_port, &QSpinBox::valueChanged, this, [this] { updateState(); });
    connect(m_apply, &QPushButton::clicked, this, [this] { apply(); });
    if (m_services.config) {
        connect(m_services.config, &ConfigEditor::changed, this,
                [this](const std::shared_ptr<const Config> &config) { setConfig(config); });
    }
    if (m_services.gateway) {
        connect(m_services.gateway, &GatewayService::configApplied, this,
                [this](const ConfigApplyResult &result) { onConfigApplied(result); });
        const OllamaListenResult &atStart = m_services.gateway->ollamaAtStart();
        if (!atStart.error.isEmpty()) {
            const QString error = atStart.error;
            m_statusText = [error] { return tr("Not serving: %1").arg(error); };
        }
    }
    retranslate();
    setConfig(m_services.config ? m_services.config->config() : nullptr);
}

void OllamaSurfaceBox::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange)
        retranslate();
    QGroupBox::changeEvent(event);
}

void OllamaSurfaceBox::retranslate()
{
    setTitle(tr("Ollama-compatible API"));
    m_enabled->setText(tr("Serve an Ollama-compatible API for apps that only speak Ollama "
                          "(GitHub Copilot, JetBrains AI Assistant)"));
    m_portLabel->setText(tr("Po&rt:"));
    m_apply->setText(tr("Appl&y port"));
    updateState();
}

void OllamaSurfaceBox::setConfig(const std::shared_ptr<const Config> &config)
{
    if (!config)
        return;
    m_savedOn = config->ollama.enabled;
    m_savedHost = config->ollama.host;
    m_savedPort = config->ollama.port;
    const QSignalBlocker enabledBlocker(m_enabled);
    const QSignalBlocker portBlocker(m_port);
    m_enabled->setChecked(m_savedOn);
    m_port->setValue(m_savedPort);
    updateState();
}

void OllamaSurfaceBox::updateState()
{
    m_port->setEnabled(m_enabled->isChecked());
    m_apply->setEnabled(m_enabled->isChecked() && m_savedOn && quint16(m_port->value()) != m_savedPort
                        && m_services.config);
    const bool loopback = !m_savedOn || isLoopbackHost(m_savedHost);
    m_note->setText(loopback
                        ? tr("It listens on this computer only (127.0.0.1). Programs on this computer "
                             "can use it without an access key, since these apps cannot send one; "
                             "a key that is sent is still checked. Point the app's Ollama URL at "
                             "http://127.0.0.1:%1.")
                              .arg(m_port->value())
                        : tr("The config file makes it listen on %1, beyond this computer, so every "
                             "request needs an access key.")
                              .arg(m_savedHost));
    const QString status = m_statusText ? m_statusText() : QString();
    m_status->setText(status);
    m_status->setVisible(!status.isEmpty());
}

void OllamaSurfaceBox::apply()
{
    if (!m_services.config)
        return;
    QJsonObject next = m_services.config->document();
    const bool on = m_enabled->isChecked();
    if (on) {
        // A host set by hand in the file stays; from here it is loopback.
        const QString host = m_savedOn ? m_savedHost : u"127.0.0.1"_s;
        const QString shownHost = host.contains(u':') ? u'[' + host + u']' : host;
        const QString listen = shownHost + u':' + QString::number(m_port->value());
        next.insert(u"ollama"_s, QJsonObject{{u"listen"_s, listen}});
    } else {
        next.remove(u"ollama"_s);
    }
    if (const auto error = m_services.config->apply(next)) {
        if (m_services.prompts)
            m_services.prompts->warning(this, tr("Settings not applied"), error->toString());
        setConfig(m_services.config->config());
        return;
    }
    const bool running = m_services.gateway && m_services.gateway->isRunning();
    m_awaiting = running;
    if (!on)
        m_statusText = {};
    else if (!running)
        m_statusText = [] { return tr("Saved. It starts with OneGate."); };
    updateState();
}

void OllamaSurfaceBox::onConfigApplied(const ConfigApplyResult &result)
{
    if (!m_awaiting)
        return;
    m_awaiting = false;
    if (!result.ollama.error.isEmpty()) {
        const QString error = result.ollama.error;
        m_statusText = [error] { return tr("Not serving: %1").arg(error); };
    } else if (result.ollama.port != 0) {
        const quint16 port = result.ollama.port;
        m_statusText = [port] { return tr("Serving at http://127.0.0.1:%1").arg(port); };
    } else {
        m_statusText = {};
    }
    updateState();
}

} // namespace onegate
