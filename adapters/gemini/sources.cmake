target_sources(onegate_adapters PRIVATE gemini/GeminiAdapter.h gemini/GeminiAdapter.cpp)
