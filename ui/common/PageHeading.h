#pragma once

class QLabel;
class QWidget;

namespace onegate {

// The title at the top of every page, in one style. Named "heading" for tests.
QLabel *createPageHeading(QWidget *parent = nullptr);
// A plain-text label that wraps: the notes, hints and statuses of the pages.
QLabel *createWrappingLabel(QWidget *parent = nullptr);

} // namespace onegate
