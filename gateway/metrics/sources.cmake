target_sources(onegate_gateway PRIVATE
    metrics/MetricRegistry.h metrics/MetricRegistry.cpp
    metrics/GatewayMetrics.h metrics/GatewayMetrics.cpp)
