target_sources(onegate_gateway PRIVATE
    limits/LimitLedger.h
    limits/MemoryLimitLedger.h
    limits/MemoryLimitLedger.cpp
    limits/KeyLimiter.h
    limits/KeyLimiter.cpp)
