# ui/pages/setup.cmake: target_sources(onegate_ui PRIVATE ...) for this part of the window
