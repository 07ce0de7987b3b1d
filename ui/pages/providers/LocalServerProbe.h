#pragma once

#include <QList>
#include <QObject>
#include <QPointer>
#include <QStringList>
#include <optional>

class QNetworkAccessManager;
class QNetworkReply;

namespace onegate {

// Where a local model server usually listens and how to recognise it.
struct LocalServerTarget {
    enum class Answer { OllamaTags, OpenAiModels, Health };
    struct Probe {
        QString path;
        Answer answer;
    };

    QString templateId; // the ProviderTemplate it becomes (kind, base URL path, name)
    quint16 port = 0;
    QList<Probe> probes; // tried in order until one is recognised
};

// A server that answered.
struct LocalServer {
    LocalServerTarget target;
    QStringList models;       // as the server listed them
    bool modelsKnown = false; // false when it answered only /health or needs a key
    bool needsKey = false;    // it answered 401/403: it is there, but wants its API key
};

// Looks for model servers already running on this computer: Ollama, LM Studio, the
// llama.cpp server, vLLM and Jan on their usual ports. Only 127.0.0.1, never through a
// proxy, with a short timeout, and only answers that look like the expected API count
// (a web app that happens to use port 8000 is not offered as vLLM). The targets are
// data so tests can point them at fake servers.
class LocalServerProbe final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LocalServerProbe)
public:
    explicit LocalServerProbe(QObject *parent = nullptr);
    ~LocalServerProbe() override;

    static QList<LocalServerTarget> defaultTargets();
    void setTargets(const QList<LocalServerTarget> &targets);
    const QList<LocalServerTarget> &targets() const { return m_targets; }
    void setTimeoutMs(int timeoutMs) { m_timeoutMs = timeoutMs; }

    // Probes every target, abandoning a probe still running; finished() follows.
    void start();
    bool isRunning() const { return m_pending > 0; }
    // The servers that answered in the last finished probe, in target order.
    QList<LocalServer> found() const;

Q_SIGNALS:
    void finished();

private:
    void probe(int target, int step);
    void onReply(QNetworkReply *reply, int target, int step, quint64 generation);
    void done();

    QNetworkAccessManager *m_network;
    QList<LocalServerTarget> m_targets;
    QList<std::optional<LocalServer>> m_results;
    QList<QPointer<QNetworkReply>> m_replies;
    int m_timeoutMs = 800;
    int m_pending = 0;
    quint64 m_generation = 0;
};

} // namespace onegate
