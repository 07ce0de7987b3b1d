# tests/ui/setup.cmake: onegate_add_test(...) for this part of the window
