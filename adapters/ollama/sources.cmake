target_sources(onegate_adapters PRIVATE
    ollama/OllamaAdapter.h ollama/OllamaAdapter.cpp
    ollama/OllamaChatCodec.h ollama/OllamaChatCodec.cpp
    ollama/OllamaStreamDecoder.h ollama/OllamaStreamDecoder.cpp
    ollama/OllamaEmbeddingsCodec.h ollama/OllamaEmbeddingsCodec.cpp)
