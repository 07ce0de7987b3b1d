target_sources(onegate_gateway PRIVATE
    config/Config.h config/Config.cpp
    config/ConfigParser.h config/ConfigParser.cpp
    config/ConfigFile.cpp
    config/ConfigEditor.h config/ConfigEditor.cpp
    config/SecretResolution.cpp
    config/ListenAddress.h config/ListenAddress.cpp
    config/DuplicateKeys.h config/DuplicateKeys.cpp)
