target_sources(onegate_test_support PRIVATE azure/AzureFakeDialect.h azure/AzureFakeDialect.cpp)
