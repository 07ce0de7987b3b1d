#pragma once

#include <QList>

namespace onegate {

class Page;
struct UiServices;

// The window's pages in navigation order.
QList<Page *> createPages(const UiServices &services);

} // namespace onegate
