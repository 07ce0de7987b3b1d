# The Providers page: list, add from templates, edit, keys in the keychain, test,
# fetch models, local model servers. Shared helpers under common/ are listed here too
# (target_sources ignores a file listed twice).
target_sources(onegate_ui PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/ProvidersPage.h
    ${CMAKE_CURRENT_LIST_DIR}/ProvidersPage.cpp
    ${CMAKE_CURRENT_LIST_DIR}/providers/ProviderTemplates.h
    ${CMAKE_CURRENT_LIST_DIR}/providers/ProviderTemplates.cpp
    ${CMAKE_CURRENT_LIST_DIR}/providers/ProviderDraft.h
    ${CMAKE_CURRENT_LIST_DIR}/providers/ProviderDocument.h
    ${CMAKE_CURRENT_LIST_DIR}/providers/ProviderDocument.cpp
    ${CMAKE_CURRENT_LIST_DIR}/providers/ProviderDialog.h
    ${CMAKE_CURRENT_LIST_DIR}/providers/ProviderDialog.cpp
    ${CMAKE_CURRENT_LIST_DIR}/providers/ModelPickerDialog.h
    ${CMAKE_CURRENT_LIST_DIR}/providers/ModelPickerDialog.cpp
    ${CMAKE_CURRENT_LIST_DIR}/providers/LocalServerProbe.h
    ${CMAKE_CURRENT_LIST_DIR}/providers/LocalServerProbe.cpp
    ${CMAKE_CURRENT_LIST_DIR}/../models/ProviderTableModel.h
    ${CMAKE_CURRENT_LIST_DIR}/../models/ProviderTableModel.cpp
    ${CMAKE_CURRENT_LIST_DIR}/../models/ProviderModelChoiceModel.h
    ${CMAKE_CURRENT_LIST_DIR}/../models/ProviderModelChoiceModel.cpp
    ${CMAKE_CURRENT_LIST_DIR}/../common/SecretMask.h
    ${CMAKE_CURRENT_LIST_DIR}/../common/SecretMask.cpp
    ${CMAKE_CURRENT_LIST_DIR}/../common/KeychainWriter.h
    ${CMAKE_CURRENT_LIST_DIR}/../common/KeychainWriter.cpp)
