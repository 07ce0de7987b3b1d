#pragma once

#include "models/ModelDocument.h"

#include <QAbstractTableModel>

namespace onegate {

// The Models page's table: one row per served model (ModelDocument::entries()). The
// enabled flag (a check box on the model's name), the context window and the four prices
// are edited in place; routes and aliases through the calls below. Every edit changes
// the held document and emits edited(): the page then hands the document to
// ConfigEditor::apply(). Values are shown as the document holds them, so a refused
// edit stays visible as typed.
class ModelListModel final : public QAbstractTableModel {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ModelListModel)
public:
    enum class Column {
        Model,
        Routes,
        Aliases,
        ContextWindow,
        InputPrice,
        OutputPrice,
        CacheReadPrice,
        CacheWritePrice,
        Count
    };

    explicit ModelListModel(QObject *parent = nullptr);

    // Shows `document` (does not emit edited()). Rows keep their place when the same ids
    // are served, so a view keeps its selection across a reload.
    void setDocument(const QJsonObject &document);
    const ModelDocument &document() const { return m_document; }
    const ModelEntry *entryAt(int row) const;
    int rowOf(const QString &id) const;

    void setRoutes(const QString &id, const QList<Route> &routes);
    void addAlias(const QString &id, const QString &alias);
    void removeAlias(const QString &alias);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    bool setData(const QModelIndex &index, const QVariant &value, int role = Qt::EditRole) override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    // "claude/claude-sonnet-4-5, openai/gpt-4o": what a route list looks like in one line.
    static QString routeSummary(const QList<Route> &routes);
    // What a number the user typed becomes in the document: a number when it reads as one
    // (in the user's locale or in plain C notation), nothing when blank, and otherwise the
    // text itself, which the config parser then refuses with its own message.
    static QJsonValue numberFromInput(const QVariant &value);

Q_SIGNALS:
    void edited();

private:
    // Takes over `next`, telling views what changed, and optionally announces an edit.
    void adopt(const ModelDocument &next, bool edit);
    QVariant displayValue(const ModelEntry &entry, Column column) const;
    QVariant editValue(const ModelEntry &entry, Column column) const;

    ModelDocument m_document;
};

} // namespace onegate
