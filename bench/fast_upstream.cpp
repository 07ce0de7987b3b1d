// fast_upstream: a deliberately cheap fake OpenAI-compatible provider for the side-by-side
// bench (bench/side_by_side.sh). It must cost far less per request than any proxy it is
// put behind, so it is plain C++ with no Qt: one thread, one epoll loop, non-blocking
// sockets, keep-alive HTTP/1.1, canned answers.
//
//   POST /v1/chat/completions   {"stream":true}  -> text/event-stream, chunked: a role
//                                                   delta, N content deltas spaced by
//                                                   --interval-ms, a final chunk with
//                                                   finish_reason "stop" and usage, then
//                                                   `data: [DONE]`
//                               otherwise        -> one chat.completion JSON with usage
//   GET  /v1/models                              -> a models list
//
// Options: --port N (0 = ephemeral), --host 127.0.0.1 (loopback only), --chunks N
// (content deltas per stream, default 5), --interval-ms M (default 0: the whole stream in
// one write). Prints `PORT <n>` on stdout once bound. Request bodies need Content-Length
// (every client used by the bench sends one); pipelined requests are served one after
// the other, never interleaved.
#include "BenchUtil.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <queue>
#include <string>
#include <string_view>
#include <vector>

namespace {

using bench::nowNs;
using bench::startsWithNoCase;

struct Options {
    int port = 0;
    int chunks = 5;
    int intervalMs = 0;
};

constexpr size_t kMaxRequestBytes = 4u << 20;  // 413 above this: a bench never sends more

// `"stream"` followed by optional blanks, a colon, optional blanks and `true`. Not a JSON
// parser on purpose: the upstream must stay cheaper than any proxy in front of it.
bool wantsStream(std::string_view body)
{
    size_t at = 0;
    while ((at = body.find("\"stream\"", at)) != std::string_view::npos) {
        size_t i = at + 8;
        while (i < body.size() && (body[i] == ' ' || body[i] == '\t' || body[i] == '\n' || body[i] == '\r'))
            ++i;
        if (i < body.size() && body[i] == ':') {
            ++i;
            while (i < body.size() && (body[i] == ' ' || body[i] == '\t' || body[i] == '\n' || body[i] == '\r'))
                ++i;
            return body.substr(i, 4) == "true";
        }
        at += 8;
    }
    return false;
}

// The request's "model" string when it is plain (no escapes, short), so answers echo it
// like a real provider; otherwise a fixed name.
std::string modelOf(std::string_view body)
{
    const size_t key = body.find("\"model\"");
    if (key != std::string_view::npos) {
        size_t i = body.find(':', key + 7);
        if (i != std::string_view::npos) {
            i = body.find('"', i + 1);
            if (i != std::string_view::npos) {
                const size_t end = body.find('"', i + 1);
                if (end != std::string_view::npos && end - i - 1 <= 100) {
                    std::string_view name = body.substr(i + 1, end - i - 1);
                    if (name.find('\\') == std::string_view::npos && !name.empty())
                        return std::string(name);
                }
            }
        }
    }
    return "bench-model";
}

void appendChunk(std::string &out, std::string_view payload)
{
    char size[24];
    const int n = std::snprintf(size, sizeof size, "%zx\r\n", payload.size());
    out.append(size, size_t(n));
    out.append(payload);
    out.append("\r\n");
}

struct Connection {
    int fd = -1;
    std::uint64_t generation = 0;  // tells a stale timer from one for this connection
    std::string in;
    std::string out;
    size_t outSent = 0;
    bool closeAfterWrite = false;
    bool wantWrite = false;  // EPOLLOUT registered
    // Stream in progress: the request it answers, and how far it got.
    bool streaming = false;
    int streamStep = 0;  // content deltas sent so far
    std::string streamId;
    std::string streamModel;
    long streamCreated = 0;
};

struct Timer {
    std::int64_t dueNs;
    int fd;
    std::uint64_t generation;
    bool operator>(const Timer &other) const { return dueNs > other.dueNs; }
};

class Server {
public:
    explicit Server(const Options &options)
        : m_options(options)
    {
    }

    int run()
    {
        m_listen = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        const int one = 1;
        setsockopt(m_listen, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        addr.sin_port = htons(std::uint16_t(m_options.port));
        if (bind(m_listen, reinterpret_cast<sockaddr *>(&addr), sizeof addr) != 0 || listen(m_listen, 4096) != 0) {
            std::fprintf(stderr, "fast_upstream: cannot listen on 127.0.0.1:%d: %s\n", m_options.port,
                         std::strerror(errno));
            return 1;
        }
        socklen_t len = sizeof addr;
        getsockname(m_listen, reinterpret_cast<sockaddr *>(&addr), &len);

        m_epoll = epoll_create1(EPOLL_CLOEXEC);
        // One timerfd armed at the earliest due stream step gives sub-millisecond spacing,
        // which epoll_wait's millisecond timeout would not.
        m_timer = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
        watch(m_listen, EPOLLIN);
        watch(m_timer, EPOLLIN);

        std::printf("PORT %u\n", unsigned(ntohs(addr.sin_port)));
        std::fflush(stdout);

        std::vector<epoll_event> events(512);
        while (true) {
            const int n = epoll_wait(m_epoll, events.data(), int(events.size()), -1);
            if (n < 0) {
                if (errno == EINTR)
                    continue;
                std::perror("epoll_wait");
                return 1;
            }
            for (int i = 0; i < n; ++i) {
                const int fd = events[size_t(i)].data.fd;
                const std::uint32_t what = events[size_t(i)].events;
                if (fd == m_listen)
                    acceptAll();
                else if (fd == m_timer)
                    fireTimers();
                else
                    onSocket(fd, what);
            }
            armTimer();
        }
    }

private:
    void watch(int fd, std::uint32_t events)
    {
        epoll_event ev{};
        ev.events = events;
        ev.data.fd = fd;
        epoll_ctl(m_epoll, EPOLL_CTL_ADD, fd, &ev);
    }

    void acceptAll()
    {
        while (true) {
            const int fd = accept4(m_listen, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
            if (fd < 0)
                return;  // EAGAIN, or out of descriptors: the backlog keeps the rest
            // Small SSE writes must leave at once, not wait for Nagle's algorithm.
            const int one = 1;
            setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
            if (size_t(fd) >= m_connections.size())
                m_connections.resize(size_t(fd) + 64);
            Connection &c = m_connections[size_t(fd)];
            const std::uint64_t generation = c.generation + 1;
            c = Connection{};
            c.fd = fd;
            c.generation = generation;
            watch(fd, EPOLLIN | EPOLLRDHUP);
        }
    }

    void closeConnection(Connection &c)
    {
        close(c.fd);  // also removes it from the epoll set
        c.fd = -1;
        ++c.generation;  // its pending timers become stale
        c.in.clear();
        c.in.shrink_to_fit();
        c.out.clear();
        c.out.shrink_to_fit();
        c.streaming = false;
    }

    void onSocket(int fd, std::uint32_t what)
    {
        Connection &c = m_connections[size_t(fd)];
        if (c.fd < 0)
            return;
        if (what & (EPOLLERR | EPOLLHUP)) {
            closeConnection(c);
            return;
        }
        if (what & EPOLLOUT) {
            if (!flush(c))
                return;
        }
        if (what & (EPOLLIN | EPOLLRDHUP)) {
            char buffer[16384];
            while (true) {
                const ssize_t got = read(fd, buffer, sizeof buffer);
                if (got > 0) {
                    c.in.append(buffer, size_t(got));
                    if (c.in.size() > kMaxRequestBytes + 65536)
                        break;
                    continue;
                }
                if (got == 0 || (errno != EAGAIN && errno != EINTR)) {
                    closeConnection(c);  // peer gone: a stream in progress just stops
                    return;
                }
                if (errno == EAGAIN)
                    break;
            }
            serveBuffered(c);
        }
    }

    // Answers every complete request in the input buffer, one at a time: a request
    // behind a stream in progress or behind unsent output waits its turn.
    void serveBuffered(Connection &c)
    {
        while (c.fd >= 0 && !c.streaming && c.out.size() == c.outSent && !c.closeAfterWrite) {
            const size_t headerEnd = c.in.find("\r\n\r\n");
            if (headerEnd == std::string::npos) {
                if (c.in.size() > 65536)
                    fail(c, "431 Request Header Fields Too Large");
                return;
            }
            const std::string_view head(c.in.data(), headerEnd);
            size_t contentLength = 0;
            bool close = false;
            size_t lineStart = head.find("\r\n");
            const std::string_view requestLine = head.substr(0, lineStart);
            while (lineStart != std::string_view::npos) {
                lineStart += 2;
                const size_t lineEnd = head.find("\r\n", lineStart);
                const std::string_view line = head.substr(lineStart, lineEnd == std::string_view::npos
                                                                        ? std::string_view::npos
                                                                        : lineEnd - lineStart);
                if (startsWithNoCase(line, "content-length:"))
                    contentLength = std::strtoull(std::string(line.substr(15)).c_str(), nullptr, 10);
                else if (startsWithNoCase(line, "connection:") && line.find("close") != std::string_view::npos)
                    close = true;
                else if (startsWithNoCase(line, "transfer-encoding:")) {
                    fail(c, "411 Length Required");
                    return;
                }
                lineStart = lineEnd;
            }
            if (contentLength > kMaxRequestBytes) {
                fail(c, "413 Payload Too Large");
                return;
            }
            const size_t total = headerEnd + 4 + contentLength;
            if (c.in.size() < total)
                return;  // body still arriving
            const std::string_view body(c.in.data() + headerEnd + 4, contentLength);
            c.closeAfterWrite = close;
            respond(c, requestLine, body);
            c.in.erase(0, total);
            if (c.fd >= 0 && !flush(c))
                return;
        }
    }

    void respond(Connection &c, std::string_view requestLine, std::string_view body)
    {
        const size_t methodEnd = requestLine.find(' ');
        const std::string_view method = requestLine.substr(0, methodEnd);
        std::string_view path = methodEnd == std::string_view::npos ? std::string_view()
                                                                     : requestLine.substr(methodEnd + 1);
        path = path.substr(0, path.find(' '));
        path = path.substr(0, path.find('?'));
        if (method == "POST" && path == "/v1/chat/completions") {
            if (wantsStream(body))
                startStream(c, body);
            else
                completion(c, body);
        } else if (method == "GET" && path == "/v1/models") {
            json(c, "200 OK",
                 R"({"object":"list","data":[{"id":"bench-model","object":"model","created":1700000000,"owned_by":"fast_upstream"},{"id":"bench-stream","object":"model","created":1700000000,"owned_by":"fast_upstream"}]})");
        } else {
            json(c, "404 Not Found",
                 R"({"error":{"message":"fast_upstream serves POST /v1/chat/completions and GET /v1/models","type":"invalid_request_error","code":"not_found"}})");
        }
    }

    void json(Connection &c, const char *status, std::string_view body)
    {
        char head[256];
        const int n = std::snprintf(head, sizeof head,
                                    "HTTP/1.1 %s\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n%s\r\n",
                                    status, body.size(), c.closeAfterWrite ? "Connection: close\r\n" : "");
        c.out.append(head, size_t(n));
        c.out.append(body);
    }

    void fail(Connection &c, const char *status)
    {
        c.closeAfterWrite = true;
        json(c, status, R"({"error":{"message":"fast_upstream: bad request","type":"invalid_request_error"}})");
        flush(c);
    }

    void completion(Connection &c, std::string_view request)
    {
        char body[1024];
        const int n = std::snprintf(
            body, sizeof body,
            R"({"id":"chatcmpl-fast%llu","object":"chat.completion","created":%ld,"model":"%s",)"
            R"("system_fingerprint":"fp_fast_upstream","choices":[{"index":0,"message":{"role":"assistant",)"
            R"("content":"This is a canned answer from fast_upstream, the fake provider of the OneGate side-by-side bench. )"
            R"(It is long enough to look like a short real reply, so proxies copy a realistic number of bytes per request.",)"
            R"("refusal":null},"logprobs":null,"finish_reason":"stop"}],)"
            R"("usage":{"prompt_tokens":187,"completion_tokens":41,"total_tokens":228,)"
            R"("prompt_tokens_details":{"cached_tokens":0},"completion_tokens_details":{"reasoning_tokens":0}}})",
            static_cast<unsigned long long>(++m_requests), long(std::time(nullptr)), modelOf(request).c_str());
        json(c, "200 OK", std::string_view(body, size_t(std::min(n, int(sizeof body) - 1))));
    }

    // One SSE event holding a chat.completion.chunk, as a chunk of the chunked body.
    void event(Connection &c, const char *delta, const char *finish, bool withUsage)
    {
        char usage[128] = "";
        if (withUsage)
            std::snprintf(usage, sizeof usage,
                          R"(,"usage":{"prompt_tokens":187,"completion_tokens":%d,"total_tokens":%d})",
                          m_options.chunks, 187 + m_options.chunks);
        char data[768];
        const int n = std::snprintf(
            data, sizeof data,
            R"(data: {"id":"%s","object":"chat.completion.chunk","created":%ld,"model":"%s",)"
            R"("system_fingerprint":"fp_fast_upstream","choices":[{"index":0,"delta":%s,"logprobs":null,"finish_reason":%s}]%s})"
            "\n\n",
            c.streamId.c_str(), c.streamCreated, c.streamModel.c_str(), delta, finish, usage);
        appendChunk(c.out, std::string_view(data, size_t(std::min(n, int(sizeof data) - 1))));
    }

    void startStream(Connection &c, std::string_view request)
    {
        c.streaming = true;
        c.streamStep = 0;
        c.streamId = "chatcmpl-fast" + std::to_string(++m_requests);
        c.streamModel = modelOf(request);
        c.streamCreated = long(std::time(nullptr));
        c.out.append("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n"
                     "Transfer-Encoding: chunked\r\n");
        if (c.closeAfterWrite)
            c.out.append("Connection: close\r\n");
        c.out.append("\r\n");
        // The role delta goes with the headers, as providers do: it is the first byte a
        // client sees, so time to first byte never includes an interval.
        event(c, R"({"role":"assistant","content":""})", "null", false);
        if (m_options.intervalMs <= 0) {
            while (c.streaming)
                streamStep(c);
        } else {
            m_timers.push(Timer{nowNs() + std::int64_t(m_options.intervalMs) * 1000000, c.fd, c.generation});
        }
    }

    // Appends the next content delta; after the last one, the final chunk, [DONE] and
    // the chunked terminator, and the connection is free for its next request.
    void streamStep(Connection &c)
    {
        static const char *const kWords[] = {"Hello", " from", " the", " fast", " upstream", ",", " streaming", " now", "."};
        char delta[128];
        std::snprintf(delta, sizeof delta, R"({"content":"%s"})", kWords[c.streamStep % 9]);
        event(c, delta, "null", false);
        ++c.streamStep;
        if (c.streamStep >= m_options.chunks) {
            event(c, "{}", R"("stop")", true);
            appendChunk(c.out, "data: [DONE]\n\n");
            c.out.append("0\r\n\r\n");
            c.streaming = false;
        }
    }

    void fireTimers()
    {
        std::uint64_t expirations = 0;
        [[maybe_unused]] const ssize_t got = read(m_timer, &expirations, sizeof expirations);
        m_armedNs = 0;
        const std::int64_t now = nowNs();
        while (!m_timers.empty() && m_timers.top().dueNs <= now) {
            const Timer timer = m_timers.top();
            m_timers.pop();
            Connection &c = m_connections[size_t(timer.fd)];
            if (c.fd < 0 || c.generation != timer.generation || !c.streaming)
                continue;  // the client left; nothing to send
            streamStep(c);
            if (c.streaming)  // next step one interval after this one was due: no drift
                m_timers.push(Timer{timer.dueNs + std::int64_t(m_options.intervalMs) * 1000000, c.fd, c.generation});
            if (flush(c))
                serveBuffered(c);  // a request that waited behind the stream
        }
    }

    // Re-arms the timerfd only when the earliest due time changed: no syscall per loop.
    void armTimer()
    {
        const std::int64_t due = m_timers.empty() ? 0 : m_timers.top().dueNs;
        if (due == m_armedNs)
            return;
        itimerspec spec{};
        if (due != 0) {
            spec.it_value.tv_sec = due / 1000000000;
            spec.it_value.tv_nsec = due % 1000000000;
        }
        timerfd_settime(m_timer, TFD_TIMER_ABSTIME, &spec, nullptr);
        m_armedNs = due;
    }

    // Writes what it can. Returns false when the connection was closed.
    bool flush(Connection &c)
    {
        while (c.outSent < c.out.size()) {
            const ssize_t sent = send(c.fd, c.out.data() + c.outSent, c.out.size() - c.outSent, MSG_NOSIGNAL);
            if (sent > 0) {
                c.outSent += size_t(sent);
                continue;
            }
            if (sent < 0 && errno == EINTR)
                continue;
            if (sent < 0 && errno == EAGAIN) {
                if (!c.wantWrite) {
                    epoll_event ev{};
                    ev.events = EPOLLIN | EPOLLRDHUP | EPOLLOUT;
                    ev.data.fd = c.fd;
                    epoll_ctl(m_epoll, EPOLL_CTL_MOD, c.fd, &ev);
                    c.wantWrite = true;
                }
                return true;
            }
            closeConnection(c);
            return false;
        }
        c.out.clear();
        c.outSent = 0;
        if (c.wantWrite) {
            epoll_event ev{};
            ev.events = EPOLLIN | EPOLLRDHUP;
            ev.data.fd = c.fd;
            epoll_ctl(m_epoll, EPOLL_CTL_MOD, c.fd, &ev);
            c.wantWrite = false;
        }
        if (c.closeAfterWrite && !c.streaming) {
            closeConnection(c);
            return false;
        }
        return true;
    }

    Options m_options;
    int m_listen = -1;
    int m_epoll = -1;
    int m_timer = -1;
    std::int64_t m_armedNs = 0;
    unsigned long long m_requests = 0;
    std::vector<Connection> m_connections;
    std::priority_queue<Timer, std::vector<Timer>, std::greater<Timer>> m_timers;
};

[[noreturn]] void usage(const char *message)
{
    std::fprintf(stderr,
                 "%s\nusage: fast_upstream [--port N] [--host 127.0.0.1] [--chunks N] [--interval-ms M]\n",
                 message);
    std::exit(2);
}

} // namespace

int main(int argc, char **argv)
{
    Options options;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (i + 1 >= argc)
            usage("missing value");
        const char *value = argv[++i];
        if (arg == "--port")
            options.port = std::atoi(value);
        else if (arg == "--chunks")
            options.chunks = std::max(1, std::atoi(value));
        else if (arg == "--interval-ms")
            options.intervalMs = std::max(0, std::atoi(value));
        else if (arg == "--host") {
            // The bench never sends traffic off the machine; neither does its upstream.
            if (std::string_view(value) != "127.0.0.1")
                usage("--host: only 127.0.0.1 is supported");
        } else
            usage("unknown option");
    }
    signal(SIGPIPE, SIG_IGN);
    Server server(options);
    return server.run();
}
