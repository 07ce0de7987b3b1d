target_sources(onegate_ui PRIVATE
    SingleInstance.h SingleInstance.cpp
    TrayController.h TrayController.cpp)
