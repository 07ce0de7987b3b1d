target_sources(onegate_adapters PRIVATE ollama/OllamaAdapter.h ollama/OllamaAdapter.cpp)
