#pragma once

#include "http/OriginGuard.h"

#include <QAbstractTableModel>
#include <QList>
#include <QString>

namespace onegate {

struct CorsSettings;

// The browser origins the gateway refused (GatewayService::originRefused), each listed
// once: the first refusal adds a row, later ones update its client address and count.
// Origins are kept as OriginGuard compares them (trimmed, lower case), so one row is one
// allowlist entry. Held in memory only: the list starts empty with every run of the app,
// since a refusal is worth a look when it happens, not a record to keep.
//
// Owned by the app (DesktopApp) and shared: the Settings page lists it, the tray
// announces first refusals (firstRefused()).
class RefusedOriginsModel final : public QAbstractTableModel {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RefusedOriginsModel)
public:
    enum class Column { Origin, Address, Refusals, Count };

    // A local program can send any Origin it likes, each one new: past this many rows the
    // origin first refused longest ago gives way, so the list stays readable and small.
    static constexpr int kMaxRows = 100;

    explicit RefusedOriginsModel(QObject *parent = nullptr);

    // One refused request. Ignored when the origin is allowed by now (a refusal still
    // queued when the user allowed it) or cannot be an origin at all (empty, or longer
    // than any scheme://host:port).
    void record(const QString &origin, const QString &address);
    // What the config allows now: rows it allows are dropped, and so are later refusals
    // of them (the gateway may still report a few that were on their way).
    void setAllowed(const CorsSettings &cors);
    void dismiss(int row);
    // The column titles in the current language (the view calls it on LanguageChange).
    void retranslate();

    QString origin(int row) const;
    int refusals(int row) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

Q_SIGNALS:
    // An origin refused for the first time since the app started (or since it was
    // dismissed); `address` is the client's IP address.
    void firstRefused(const QString &origin, const QString &address);

private:
    struct Entry {
        QString origin;
        QString address; // of the latest refusal
        int refusals = 0;
    };

    void removeEntry(int row);

    QList<Entry> m_entries; // the newest first
    OriginGuard m_allowed;
};

} // namespace onegate
