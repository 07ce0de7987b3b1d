#pragma once

#include "UiServices.h"

#include <QGroupBox>
#include <functional>
#include <memory>

class QCheckBox;
class QLabel;
class QPushButton;
class QSpinBox;

namespace onegate {

struct Config;
struct ConfigApplyResult;

// Settings' "Ollama-compatible API" group: turns the config's `ollama` block on and off
// and picks its port (always 127.0.0.1 from here: only on loopback may its clients come
// without a key), through ConfigEditor like every config edit; then says whether the
// gateway serves it or why not (GatewayService::configApplied).
class OllamaSurfaceBox final : public QGroupBox {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(OllamaSurfaceBox)
public:
    explicit OllamaSurfaceBox(const UiServices &services, QWidget *parent = nullptr);
    // Its one row label, for the page to line up with the other groups' labels.
    QLabel *rowLabel() const { return m_portLabel; }

protected:
    void changeEvent(QEvent *event) override;

private:
    void retranslate();
    void setConfig(const std::shared_ptr<const Config> &config);
    void apply();
    void onConfigApplied(const ConfigApplyResult &result);
    void updateState();

    UiServices m_services;
    bool m_savedOn = false;
    QString m_savedHost;
    quint16 m_savedPort = 0;
    bool m_awaiting = false;  // an apply waits for the gateway's answer
    std::function<QString()> m_statusText;

    QCheckBox *m_enabled;
    QLabel *m_portLabel;
    QSpinBox *m_port;
    QPushButton *m_apply;
    QLabel *m_note;
    QLabel *m_status;
};

} // namespace onegate
