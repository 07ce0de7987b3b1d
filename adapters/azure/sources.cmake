target_sources(onegate_adapters PRIVATE
    azure/AzureAdapter.h azure/AzureAdapter.cpp
    azure/AzureStreamDecoder.h azure/AzureStreamDecoder.cpp
    azure/AzureEmbeddingsCodec.h azure/AzureEmbeddingsCodec.cpp)
