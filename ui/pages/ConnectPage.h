#pragma once

#include "Page.h"
#include "UiServices.h"
#include "pages/ConnectSnippets.h"

#include <memory>

class QComboBox;
class QLabel;
class QListView;
class QPlainTextEdit;
class QPushButton;
class QTabBar;

namespace onegate {

struct Config;
struct ConfigApplyResult;
class ConnectClientModel;
class ConnectTest;

// "Connect a client": ready-to-paste setup for each client (a tab per way, for a client
// that has more than one), filled with the gateway's real address, an access key and a
// model chosen here, with Copy and a Test that sends the client's kind of request through
// the gateway. The key is shown in full on purpose: the user
// pastes it into the client, and it is read from the resolved config snapshot in memory,
// never from disk.
class ConnectPage final : public Page {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ConnectPage)
public:
    explicit ConnectPage(const UiServices &services, QWidget *parent = nullptr);
    ~ConnectPage() override;

    QString title() const override;
    QIcon icon() const override;

protected:
    void changeEvent(QEvent *event) override;

private:
    // What the snippets are filled with, and whether they are real values.
    struct Selection {
        SnippetValues values;
        bool haveKey = false;
        bool haveModel = false;
        QStringList problems; // translated, shown above the snippets
    };

    void retranslate();
    void setConfig(std::shared_ptr<const Config> config);
    void onConfigApplied(const ConfigApplyResult &result);
    void refillKeys();
    void refillModels();
    Selection selection() const;
    // Copy needs a model and, unless the client uses the Ollama-compatible API, a key;
    // Test also needs that API on when the client uses it.
    static bool complete(const Selection &s, ClientApi api);
    static bool testable(const Selection &s, ClientApi api);
    ConnectClient currentClient() const;
    void updateSnippet();
    // Shows one tab per way of setting `client` up (hidden when there is one way) and
    // returns the chosen way.
    ClientSnippet chooseForm(ConnectClient client, const QList<ClientSnippet> &forms);
    void copySnippet();
    void runTest();
    void showTestResult(bool ok, const QString &message);
    quint16 port() const;

    UiServices m_services;
    std::shared_ptr<const Config> m_config;
    quint16 m_servingPort = 0; // the port the gateway reported serving, 0 until it did
    QString m_resultSetup;     // the client's usual form of setup the test result is for

    ConnectClientModel *m_clients;
    ConnectTest *m_test;
    QLabel *m_heading;
    QLabel *m_intro;
    QLabel *m_keyLabel;
    QComboBox *m_keys;
    QLabel *m_modelLabel;
    QComboBox *m_models;
    QLabel *m_hint;
    QLabel *m_endpoint;
    QListView *m_clientList;
    QTabBar *m_forms;
    QLabel *m_where;
    QPlainTextEdit *m_snippet;
    QLabel *m_note;
    QPushButton *m_copy;
    QPushButton *m_testButton;
    QLabel *m_testResult;
};

} // namespace onegate
