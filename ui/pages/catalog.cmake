# The Models and Access keys pages, their item models, the per-key usage reader, and the
# selected key's limits group with the words it shares with the keys table.
target_sources(onegate_ui PRIVATE
    models/ModelDocument.h models/ModelDocument.cpp
    models/ModelListModel.h models/ModelListModel.cpp
    models/ModelRoutesModel.h models/ModelRoutesModel.cpp
    pages/ModelsPage.h pages/ModelsPage.cpp
    models/AccessKeyEditor.h models/AccessKeyEditor.cpp
    models/AccessKeyListModel.h models/AccessKeyListModel.cpp
    models/AccessKeyAllowlistModel.h models/AccessKeyAllowlistModel.cpp
    models/AccessKeyUsageReader.h models/AccessKeyUsageReader.cpp
    models/AccessKeyLimitsText.h models/AccessKeyLimitsText.cpp
    pages/AccessKeyLimitsBox.h pages/AccessKeyLimitsBox.cpp
    pages/AccessKeysCreatedDialog.h pages/AccessKeysCreatedDialog.cpp
    pages/AccessKeysPage.h pages/AccessKeysPage.cpp)
