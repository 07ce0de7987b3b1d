#pragma once

#include <QByteArray>
#include <QDialog>

class QLabel;
class QLineEdit;
class QPushButton;

namespace onegate {

// Shows a newly created access key, the only time OneGate shows one in full, with a
// button that copies it. Opened window-modal without blocking (open(), not exec()), and
// deleted when closed; afterwards the key is only in the keychain, from where the Access
// keys page and the tray can copy it again.
class AccessKeysCreatedDialog final : public QDialog {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AccessKeysCreatedDialog)
public:
    AccessKeysCreatedDialog(const QString &name, const QByteArray &key, QWidget *parent = nullptr);

    // What the Copy button does.
    void copyKey();

protected:
    void changeEvent(QEvent *event) override;

private:
    void retranslate();

    QString m_name;
    QLabel *m_explanation;
    QLineEdit *m_key;
    QPushButton *m_copy;
    QLabel *m_copied;
};

} // namespace onegate
