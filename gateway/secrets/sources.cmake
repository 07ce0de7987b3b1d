target_sources(onegate_gateway PRIVATE
    secrets/SecretStore.h
    secrets/SecretReference.h secrets/SecretReference.cpp
    secrets/MemorySecretStore.h
    secrets/KeychainSecretStore.h secrets/KeychainSecretStore.cpp)
