#pragma once

class QLabel;
class QWidget;

namespace onegate {

// The title at the top of every page, in one style. Named "heading" for tests.
QLabel *createPageHeading(QWidget *parent = nullptr);

} // namespace onegate
