target_sources(onegate_gateway PRIVATE
    routing/ModelRouter.h routing/ModelRouter.cpp
    routing/ProviderRuntime.h routing/ProviderRuntime.cpp)
target_sources(onegate_gateway PRIVATE routing/ModelCatalog.h routing/ModelCatalog.cpp)
