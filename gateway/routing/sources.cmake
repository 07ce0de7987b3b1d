target_sources(onegate_gateway PRIVATE
    routing/ModelRouter.h routing/ModelRouter.cpp
    routing/ProviderRuntime.h routing/ProviderRuntime.cpp
    routing/CircuitBreaker.h routing/CircuitBreaker.cpp
    routing/HealthBook.h routing/HealthBook.cpp
    routing/RoutePicker.h routing/RoutePicker.cpp
    routing/RetryTiming.h routing/RetryTiming.cpp
    routing/RoutePlan.h routing/RoutePlan.cpp
    routing/Router.h routing/Router.cpp)
target_sources(onegate_gateway PRIVATE routing/ModelCatalog.h routing/ModelCatalog.cpp)
