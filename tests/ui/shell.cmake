# The screenshot tour for docs/screenshots (a tool, not a test: run it under Xvfb).
add_executable(onegate_screenshot_tour screenshot_tour.cpp)
target_link_libraries(onegate_screenshot_tour PRIVATE
    onegate_ui onegate_ui_test_support onegate_options Qt6::Widgets Qt6::Test)

# The real binary in GUI mode starts its embedded gateway, which answers.
onegate_add_test(NAME tst_ui_desktop SOURCES tst_ui_desktop.cpp LIBS Qt6::Network LABELS ui)
target_compile_definitions(tst_ui_desktop PRIVATE ONEGATE_BIN="$<TARGET_FILE:onegate>")
add_dependencies(tst_ui_desktop onegate)

# The tray menu and its signals.
onegate_add_test(NAME tst_ui_tray SOURCES tst_ui_tray.cpp LIBS onegate_ui Qt6::Widgets LABELS ui)

# A second launch raises the first.
onegate_add_test(NAME tst_ui_single_instance SOURCES tst_ui_single_instance.cpp
                 LIBS onegate_ui Qt6::Network LABELS ui)
