#include "common/UiTheme.h"

#include <QApplication>
#include <QPalette>
#include <QStyle>
#include <QStyleFactory>

using namespace Qt::StringLiterals;

namespace onegate {

namespace {

// The style the platform chose before any theme was applied, kept on the application
// object so that System can restore it, whoever applied a theme first.
constexpr auto kSystemStyleProperty = "onegateSystemStyle";

QString systemStyleName()
{
    QVariant saved = qApp->property(kSystemStyleProperty);
    if (!saved.isValid()) {
        saved = QApplication::style()->name();
        qApp->setProperty(kSystemStyleProperty, saved);
    }
    return saved.toString();
}

QPalette darkPalette()
{
    const QColor window(0x2b, 0x2d, 0x31);
    const QColor base(0x1f, 0x21, 0x24);
    const QColor alternate(0x26, 0x28, 0x2c);
    const QColor text(0xe6, 0xe6, 0xe6);
    const QColor disabledText(0x80, 0x84, 0x8a);
    const QColor button(0x33, 0x36, 0x3b);
    const QColor highlight(0x3d, 0x7e, 0xd8);
    const QColor link(0x7a, 0xb4, 0xff);

    QPalette palette;
    palette.setColor(QPalette::Window, window);
    palette.setColor(QPalette::WindowText, text);
    palette.setColor(QPalette::Base, base);
    palette.setColor(QPalette::AlternateBase, alternate);
    palette.setColor(QPalette::ToolTipBase, window);
    palette.setColor(QPalette::ToolTipText, text);
    palette.setColor(QPalette::PlaceholderText, disabledText);
    palette.setColor(QPalette::Text, text);
    palette.setColor(QPalette::Button, button);
    palette.setColor(QPalette::ButtonText, text);
    palette.setColor(QPalette::BrightText, Qt::white);
    palette.setColor(QPalette::Light, button.lighter(130));
    palette.setColor(QPalette::Midlight, button.lighter(115));
    palette.setColor(QPalette::Mid, button.darker(120));
    palette.setColor(QPalette::Dark, base.darker(130));
    palette.setColor(QPalette::Shadow, Qt::black);
    palette.setColor(QPalette::Highlight, highlight);
    palette.setColor(QPalette::HighlightedText, Qt::white);
    palette.setColor(QPalette::Link, link);
    palette.setColor(QPalette::LinkVisited, link.darker(120));
    for (const auto role : {QPalette::WindowText, QPalette::Text, QPalette::ButtonText}) {
        palette.setColor(QPalette::Disabled, role, disabledText);
    }
    palette.setColor(QPalette::Disabled, QPalette::Base, window);
    palette.setColor(QPalette::Disabled, QPalette::Button, window);
    return palette;
}

} // namespace

void applyTheme(AppTheme theme)
{
    const QString systemStyle = systemStyleName();
    switch (theme) {
    case AppTheme::System:
        if (QStyle *style = QStyleFactory::create(systemStyle))
            QApplication::setStyle(style);
        // A default-constructed palette resolves against the platform's own colours.
        QApplication::setPalette(QPalette());
        return;
    case AppTheme::Light:
        QApplication::setStyle(QStyleFactory::create(u"Fusion"_s));
        QApplication::setPalette(QApplication::style()->standardPalette());
        return;
    case AppTheme::Dark:
        QApplication::setStyle(QStyleFactory::create(u"Fusion"_s));
        QApplication::setPalette(darkPalette());
        return;
    }
}

} // namespace onegate
