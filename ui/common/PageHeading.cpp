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

} // namespace onegate
