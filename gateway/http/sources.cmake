target_sources(onegate_gateway PRIVATE
    http/Authenticator.h http/Authenticator.cpp
    http/GuardedTcpServer.h http/GuardedTcpServer.cpp
    http/HostGuard.h http/HostGuard.cpp
    http/HttpResponses.h http/HttpResponses.cpp
    http/RequestFraming.h http/RequestFraming.cpp
    http/RequestSizeGuard.h http/RequestSizeGuard.cpp)
target_sources(onegate_gateway PRIVATE http/HttpFront.h http/HttpFront.cpp)
target_sources(onegate_gateway PRIVATE http/EndpointTable.h http/EndpointTable.cpp)
target_sources(onegate_gateway PRIVATE http/OriginGuard.h http/OriginGuard.cpp)
target_sources(onegate_gateway PRIVATE http/AuthBans.h http/AuthBans.cpp)
