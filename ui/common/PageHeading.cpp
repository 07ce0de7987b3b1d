#include "PageHeading.h"

#include <QLabel>

namespace onegate {

QLabel *createPageHeading(QWidget *parent)
{
    auto *heading = new QLabel(parent);
    heading->setObjectName(QStringLiteral("heading"));
    QFont font = heading->font();
    font.setPointSizeF(font.pointSizeF() * 1.4);
    font.setBold(true);
    heading->setFont(font);
    return heading;
}

QLabel *createWrappingLabel(QWidget *parent)
{
    auto *label = new QLabel(parent);
    label->setWordWrap(true);
    label->setTextFormat(Qt::PlainText);
    return label;
}

} // namespace onegate
