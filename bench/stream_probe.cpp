// stream_probe: the figures of the side-by-side bench that wrk cannot give. Plain C++, no
// Qt: the client must cost little and the same for every target it measures.
//
//   --mode latency             N sequential requests on one keep-alive connection; full
//                              response time (request written -> last body byte) p50/p99.
//   --mode first-byte          N sequential streaming requests on one connection; time to
//                              the first SSE event: from just before the request's first
//                              send() to the return of the recv() that delivers the bytes
//                              completing the first `data:` line prefix of the (de-chunked)
//                              body. Response headers alone do not count.
//   --mode concurrent-streams  --streams S connections opened at once, one streaming request
//                              each, read to the end of the body (terminating chunk). Prints
//                              the wall time for all (first connect() -> last stream done),
//                              how many answered 200 with a complete stream, first-event
//                              p50/p99 as above, the spacing between event arrivals and
//                              the connect times (connect() -> writable).
//   --mode free-port           binds 127.0.0.1:0 and prints the port it got (for the
//                              driver script, which must give nginx fixed ports).
//   --mode wait-port           connects every millisecond until the port accepts; prints
//                              the wall-clock time then (bound_unix_us), to time a server's
//                              start from outside.
//
// Output: `key=value` lines, nothing else on stdout. Only 127.0.0.1 is ever contacted.
#include "BenchUtil.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace {

using bench::nowNs;
using bench::startsWithNoCase;

// Incremental HTTP/1.1 response reader: headers, then a Content-Length, chunked or
// close-delimited body. It de-chunks the body only to watch it for SSE `data:` lines; the
// body itself is not kept.
class Response {
public:
    enum class Result { NeedMore, Complete, Error };

    Result feed(const char *data, size_t size)
    {
        size_t i = 0;
        if (!m_headersDone) {
            m_head.append(data, size);
            const size_t end = m_head.find("\r\n\r\n");
            if (end == std::string::npos)
                return m_head.size() > 65536 ? Result::Error : Result::NeedMore;
            if (!parseHead(std::string_view(m_head.data(), end)))
                return Result::Error;
            m_headersDone = true;
            // What followed the headers in this read is body.
            const size_t bodyInHead = m_head.size() - end - 4;
            i = size - bodyInHead;
            m_head.resize(end);
            if (m_kind == Kind::Length && m_remaining == 0)
                return Result::Complete;
        }
        for (; i < size; ++i) {
            const char ch = data[i];
            switch (m_kind) {
            case Kind::Length:
                body(ch);
                if (--m_remaining == 0)
                    return i + 1 == size ? Result::Complete : Result::Error;  // no pipelining
                break;
            case Kind::UntilClose:
                body(ch);
                break;
            case Kind::Chunked:
                if (!chunked(ch))
                    return Result::Error;
                if (m_chunkState == ChunkState::Done)
                    return i + 1 == size ? Result::Complete : Result::Error;
                break;
            }
        }
        return Result::NeedMore;
    }

    // The peer closed: complete only for a close-delimited body.
    bool completeAtClose() const { return m_headersDone && m_kind == Kind::UntilClose; }
    int status() const { return m_status; }
    bool keepAlive() const { return m_keepAlive; }
    int events() const { return m_events; }

private:
    enum class Kind { Length, Chunked, UntilClose };
    enum class ChunkState { Size, SizeExt, SizeLf, Data, DataCr, DataLf, Trailer, TrailerLf, Done };

    bool parseHead(std::string_view head)
    {
        // "HTTP/1.1 200 OK"
        if (head.size() < 12 || !startsWithNoCase(head, "HTTP/1."))
            return false;
        m_status = std::atoi(std::string(head.substr(9, 3)).c_str());
        m_keepAlive = head[7] == '1';
        bool length = false;
        size_t at = head.find("\r\n");
        while (at != std::string_view::npos) {
            at += 2;
            const size_t end = head.find("\r\n", at);
            const std::string_view line =
                head.substr(at, end == std::string_view::npos ? std::string_view::npos : end - at);
            if (startsWithNoCase(line, "content-length:")) {
                m_remaining = std::strtoull(std::string(line.substr(15)).c_str(), nullptr, 10);
                length = true;
            } else if (startsWithNoCase(line, "transfer-encoding:") && line.find("chunked") != std::string_view::npos) {
                m_kind = Kind::Chunked;
            } else if (startsWithNoCase(line, "connection:")) {
                if (line.find("close") != std::string_view::npos)
                    m_keepAlive = false;
                else if (line.find("keep-alive") != std::string_view::npos)
                    m_keepAlive = true;
            }
            at = end;
        }
        if (m_kind != Kind::Chunked)
            m_kind = length ? Kind::Length : Kind::UntilClose;
        if (m_kind == Kind::UntilClose)
            m_keepAlive = false;
        return true;
    }

    // Counts lines of the de-chunked body that start with "data:".
    void body(char ch)
    {
        static constexpr std::string_view kData = "data:";
        if (ch == '\n') {
            m_column = 0;
            return;
        }
        if (m_column >= 0 && size_t(m_column) < kData.size()) {
            if (ch == kData[size_t(m_column)]) {
                if (++m_column == int(kData.size())) {
                    ++m_events;
                    m_column = -1;  // rest of this line is the event's payload
                }
            } else {
                m_column = -1;
            }
        }
    }

    static int hexValue(char ch)
    {
        if (ch >= '0' && ch <= '9')
            return ch - '0';
        if (ch >= 'a' && ch <= 'f')
            return ch - 'a' + 10;
        if (ch >= 'A' && ch <= 'F')
            return ch - 'A' + 10;
        return -1;
    }

    bool chunked(char ch)
    {
        switch (m_chunkState) {
        case ChunkState::Size: {
            const int v = hexValue(ch);
            if (v >= 0) {
                m_remaining = m_remaining * 16 + size_t(v);
                m_sizeDigits++;
                return true;
            }
            if (m_sizeDigits == 0)
                return false;
            if (ch == '\r') {
                m_chunkState = ChunkState::SizeLf;
                return true;
            }
            m_chunkState = ChunkState::SizeExt;  // chunk extensions: ignored
            return true;
        }
        case ChunkState::SizeExt:
            if (ch == '\r')
                m_chunkState = ChunkState::SizeLf;
            return true;
        case ChunkState::SizeLf:
            if (ch != '\n')
                return false;
            m_chunkState = m_remaining == 0 ? ChunkState::Trailer : ChunkState::Data;
            return true;
        case ChunkState::Data:
            body(ch);
            if (--m_remaining == 0)
                m_chunkState = ChunkState::DataCr;
            return true;
        case ChunkState::DataCr:
            m_chunkState = ChunkState::DataLf;
            return ch == '\r';
        case ChunkState::DataLf:
            m_chunkState = ChunkState::Size;
            m_sizeDigits = 0;
            m_remaining = 0;
            return ch == '\n';
        case ChunkState::Trailer:  // empty line ends the trailers; trailer fields are skipped
            if (ch == '\r') {
                m_chunkState = ChunkState::TrailerLf;
                return true;
            }
            m_trailerLine = true;
            return true;
        case ChunkState::TrailerLf:
            if (ch != '\n')
                return false;
            m_chunkState = m_trailerLine ? ChunkState::Trailer : ChunkState::Done;
            m_trailerLine = false;
            return true;
        case ChunkState::Done:
            return false;
        }
        return false;
    }

    std::string m_head;
    bool m_headersDone = false;
    int m_status = 0;
    bool m_keepAlive = true;
    Kind m_kind = Kind::UntilClose;
    size_t m_remaining = 0;
    int m_sizeDigits = 0;
    ChunkState m_chunkState = ChunkState::Size;
    bool m_trailerLine = false;
    int m_column = 0;
    int m_events = 0;
};

struct Args {
    std::string mode;
    int port = 0;
    std::string path = "/v1/chat/completions";
    std::string method = "POST";
    std::vector<std::string> headers;
    std::string body;
    bool bodySet = false;
    int requests = 1000;
    int warmup = 50;
    int streams = 200;
    int timeoutMs = 30000;
};

std::string buildRequest(const Args &args)
{
    std::string request = args.method + " " + args.path + " HTTP/1.1\r\n";
    bool host = false, type = false;
    for (const std::string &h : args.headers) {
        host = host || startsWithNoCase(h, "host:");
        type = type || startsWithNoCase(h, "content-type:");
        request += h + "\r\n";
    }
    if (!host)
        request += "Host: 127.0.0.1:" + std::to_string(args.port) + "\r\n";
    if (!type && !args.body.empty())
        request += "Content-Type: application/json\r\n";
    if (args.method != "GET" || !args.body.empty())
        request += "Content-Length: " + std::to_string(args.body.size()) + "\r\n";
    request += "\r\n" + args.body;
    return request;
}

int connectLoopback(int port, bool blocking)
{
    const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | (blocking ? 0 : SOCK_NONBLOCK), 0);
    if (fd < 0)
        return -1;
    const int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(std::uint16_t(port));
    if (connect(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) != 0 && errno != EINPROGRESS) {
        close(fd);
        return -1;
    }
    return fd;
}

bool sendAll(int fd, const std::string &data)
{
    size_t sent = 0;
    while (sent < data.size()) {
        const ssize_t n = send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        sent += size_t(n);
    }
    return true;
}

struct Percentiles {
    std::int64_t p50 = 0, p99 = 0, min = 0, max = 0, mean = 0;
};

// Nearest-rank percentiles, in the samples' unit.
Percentiles percentiles(std::vector<std::int64_t> samples)
{
    Percentiles p;
    if (samples.empty())
        return p;
    std::sort(samples.begin(), samples.end());
    auto rank = [&](double q) {
        size_t r = size_t(q * double(samples.size()) + 0.999999);
        return samples[std::min(samples.size(), std::max<size_t>(r, 1)) - 1];
    };
    p.p50 = rank(0.50);
    p.p99 = rank(0.99);
    p.min = samples.front();
    p.max = samples.back();
    std::int64_t sum = 0;
    for (std::int64_t v : samples)
        sum += v;
    p.mean = sum / std::int64_t(samples.size());
    return p;
}

void printPercentiles(const char *prefix, const std::vector<std::int64_t> &samplesUs)
{
    const Percentiles p = percentiles(samplesUs);
    std::printf("%sp50_us=%lld\n%sp99_us=%lld\n%smean_us=%lld\n%smin_us=%lld\n%smax_us=%lld\n", prefix,
                static_cast<long long>(p.p50), prefix, static_cast<long long>(p.p99), prefix,
                static_cast<long long>(p.mean), prefix, static_cast<long long>(p.min), prefix,
                static_cast<long long>(p.max));
}

// Sequential requests on one keep-alive connection (reconnecting only when the server
// closes it). firstByte: the sample is the time to the first SSE event, not the full time.
int sequential(const Args &args, bool firstByte)
{
    const std::string request = buildRequest(args);
    std::vector<std::int64_t> samples;
    samples.reserve(size_t(args.requests));
    int ok = 0, errors = 0, non200 = 0, noEvent = 0, reconnects = 0, lastStatus = 0;
    int fd = -1;
    char buffer[65536];
    for (int i = 0; i < args.warmup + args.requests; ++i) {
        if (fd < 0) {
            fd = connectLoopback(args.port, true);
            if (fd < 0) {
                ++errors;
                break;  // nothing listens: further tries would fail the same way
            }
            if (i > 0)
                ++reconnects;
        }
        Response response;
        const std::int64_t start = nowNs();
        std::int64_t firstEvent = 0;
        if (!sendAll(fd, request)) {
            ++errors;
            close(fd);
            fd = -1;
            continue;
        }
        Response::Result result = Response::Result::NeedMore;
        while (result == Response::Result::NeedMore) {
            pollfd p{fd, POLLIN, 0};
            if (poll(&p, 1, args.timeoutMs) <= 0) {
                result = Response::Result::Error;
                break;
            }
            const ssize_t got = recv(fd, buffer, sizeof buffer, 0);
            if (got <= 0) {
                result = got == 0 && response.completeAtClose() ? Response::Result::Complete : Response::Result::Error;
                close(fd);
                fd = -1;
                break;
            }
            const int eventsBefore = response.events();
            result = response.feed(buffer, size_t(got));
            if (eventsBefore == 0 && response.events() > 0)
                firstEvent = nowNs();
        }
        const std::int64_t end = nowNs();
        if (fd >= 0 && (result != Response::Result::Complete || !response.keepAlive())) {
            close(fd);
            fd = -1;
        }
        if (i < args.warmup)
            continue;
        lastStatus = response.status();
        if (result != Response::Result::Complete) {
            ++errors;
        } else if (response.status() != 200) {
            ++non200;
        } else if (firstByte && firstEvent == 0) {
            ++noEvent;
        } else {
            ++ok;
            samples.push_back(((firstByte ? firstEvent : end) - start) / 1000);
        }
    }
    if (fd >= 0)
        close(fd);
    std::printf("mode=%s\nrequests=%d\nok=%d\nerrors=%d\nnon200=%d\nlast_status=%d\nreconnects=%d\n",
                firstByte ? "first-byte" : "latency", args.requests, ok, errors, non200, lastStatus, reconnects);
    if (firstByte)
        std::printf("no_event=%d\n", noEvent);
    printPercentiles("", samples);
    return ok > 0 ? 0 : 1;
}

struct Stream {
    int fd = -1;
    size_t sent = 0;
    std::int64_t connectNs = 0;  // when connect() was called
    bool connected = false;
    bool done = false;
    bool ok = false;
    std::int64_t sendNs = 0;
    std::int64_t firstEventNs = 0;
    std::int64_t lastEventNs = 0;
    Response response;
};

int concurrentStreams(const Args &args)
{
    const std::string request = buildRequest(args);
    std::vector<Stream> streams(size_t(std::max(1, args.streams)));
    const int epoll = epoll_create1(EPOLL_CLOEXEC);
    const std::int64_t start = nowNs();
    int connectErrors = 0;
    for (size_t i = 0; i < streams.size(); ++i) {
        Stream &s = streams[i];
        s.connectNs = nowNs();
        s.fd = connectLoopback(args.port, false);
        if (s.fd < 0) {
            ++connectErrors;
            s.done = true;
            continue;
        }
        epoll_event ev{};
        ev.events = EPOLLOUT | EPOLLIN | EPOLLRDHUP;
        ev.data.u64 = i;
        epoll_ctl(epoll, EPOLL_CTL_ADD, s.fd, &ev);
    }
    size_t open = streams.size() - size_t(connectErrors);
    std::vector<std::int64_t> gaps;  // between successive event arrivals on one stream
    std::vector<epoll_event> events(256);
    char buffer[65536];
    const std::int64_t deadline = start + std::int64_t(args.timeoutMs) * 1000000;
    auto finish = [&](Stream &s, bool ok) {
        s.done = true;
        s.ok = ok;
        close(s.fd);
        s.fd = -1;
        --open;
    };
    while (open > 0) {
        const std::int64_t left = (deadline - nowNs()) / 1000000;
        if (left <= 0)
            break;
        const int n = epoll_wait(epoll, events.data(), int(events.size()), int(left));
        for (int e = 0; e < n; ++e) {
            Stream &s = streams[events[size_t(e)].data.u64];
            if (s.done)
                continue;
            const std::uint32_t what = events[size_t(e)].events;
            if (!s.connected && (what & (EPOLLOUT | EPOLLERR | EPOLLHUP))) {
                int error = 0;
                socklen_t len = sizeof error;
                getsockopt(s.fd, SOL_SOCKET, SO_ERROR, &error, &len);
                if (error != 0) {
                    finish(s, false);
                    continue;
                }
                s.connected = true;
                s.sendNs = nowNs();
            }
            if (s.connected && s.sent < request.size()) {
                const ssize_t n2 = send(s.fd, request.data() + s.sent, request.size() - s.sent, MSG_NOSIGNAL);
                if (n2 < 0 && errno != EAGAIN) {
                    finish(s, false);
                    continue;
                }
                if (n2 > 0)
                    s.sent += size_t(n2);
                if (s.sent == request.size()) {  // only reading from now on
                    epoll_event ev{};
                    ev.events = EPOLLIN | EPOLLRDHUP;
                    ev.data.u64 = events[size_t(e)].data.u64;
                    epoll_ctl(epoll, EPOLL_CTL_MOD, s.fd, &ev);
                }
            }
            if (what & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) {
                while (!s.done) {
                    const ssize_t got = recv(s.fd, buffer, sizeof buffer, 0);
                    if (got < 0 && errno == EAGAIN)
                        break;
                    if (got <= 0) {
                        finish(s, got == 0 && s.response.completeAtClose() && s.response.status() == 200);
                        break;
                    }
                    const int before = s.response.events();
                    const Response::Result result = s.response.feed(buffer, size_t(got));
                    if (s.response.events() > before) {
                        const std::int64_t now = nowNs();
                        if (before == 0)
                            s.firstEventNs = now;
                        else
                            gaps.push_back((now - s.lastEventNs) / 1000);
                        s.lastEventNs = now;
                    }
                    if (result == Response::Result::Complete)
                        finish(s, s.response.status() == 200 && s.response.events() > 0);
                    else if (result == Response::Result::Error)
                        finish(s, false);
                }
            }
        }
    }
    const std::int64_t end = nowNs();
    int ok = 0, non200 = 0, timedOut = 0, lastStatus = 0;
    std::vector<std::int64_t> firstEvent;
    std::vector<std::int64_t> connectTimes;  // a full accept backlog shows here (SYN retried after 1 s)
    for (Stream &s : streams) {
        if (s.connected)
            connectTimes.push_back((s.sendNs - s.connectNs) / 1000);
        if (!s.done) {
            ++timedOut;
            close(s.fd);
        }
        if (s.response.status() != 0)
            lastStatus = s.response.status();
        if (s.response.status() != 0 && s.response.status() != 200)
            ++non200;
        if (s.ok) {
            ++ok;
            firstEvent.push_back((s.firstEventNs - s.sendNs) / 1000);
        }
    }
    close(epoll);
    std::printf("mode=concurrent-streams\nstreams=%zu\nok=%d\nnon200=%d\nlast_status=%d\nconnect_errors=%d\n"
                "timed_out=%d\nwall_ms=%.1f\n",
                streams.size(), ok, non200, lastStatus, connectErrors, timedOut, double(end - start) / 1e6);
    printPercentiles("first_byte_", firstEvent);
    printPercentiles("gap_", gaps);
    printPercentiles("connect_", connectTimes);
    return ok > 0 ? 0 : 1;
}

int freePort()
{
    const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) != 0)
        return 1;
    socklen_t len = sizeof addr;
    getsockname(fd, reinterpret_cast<sockaddr *>(&addr), &len);
    std::printf("port=%u\n", unsigned(ntohs(addr.sin_port)));
    close(fd);
    return 0;
}

int waitPort(const Args &args)
{
    const std::int64_t deadline = nowNs() + std::int64_t(args.timeoutMs) * 1000000;
    while (nowNs() < deadline) {
        const int fd = connectLoopback(args.port, true);
        if (fd >= 0) {
            timeval tv{};
            gettimeofday(&tv, nullptr);
            close(fd);
            std::printf("bound_unix_us=%lld\n", static_cast<long long>(tv.tv_sec) * 1000000 + tv.tv_usec);
            return 0;
        }
        usleep(1000);
    }
    std::printf("bound_unix_us=0\n");
    return 1;
}

[[noreturn]] void usage(const char *message)
{
    std::fprintf(stderr,
                 "%s\nusage: stream_probe --mode latency|first-byte|concurrent-streams|free-port|wait-port --port N\n"
                 "         [--path P] [--method M] [--header 'Name: value']... [--body JSON | --body @FILE]\n"
                 "         [--requests N] [--warmup N] [--streams N] [--timeout-ms N]\n",
                 message);
    std::exit(2);
}

} // namespace

int main(int argc, char **argv)
{
    Args args;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (i + 1 >= argc)
            usage("missing value");
        const std::string value = argv[++i];
        if (arg == "--mode")
            args.mode = value;
        else if (arg == "--port")
            args.port = std::atoi(value.c_str());
        else if (arg == "--path")
            args.path = value;
        else if (arg == "--method")
            args.method = value;
        else if (arg == "--header")
            args.headers.push_back(value);
        else if (arg == "--body" || arg == "--body-file") {
            args.bodySet = true;
            if (arg == "--body-file" || (!value.empty() && value[0] == '@')) {
                std::ifstream file(arg == "--body-file" ? value : value.substr(1), std::ios::binary);
                if (!file)
                    usage("cannot read the body file");
                std::ostringstream text;
                text << file.rdbuf();
                args.body = text.str();
            } else {
                args.body = value;
            }
        } else if (arg == "--requests")
            args.requests = std::max(1, std::atoi(value.c_str()));
        else if (arg == "--warmup")
            args.warmup = std::max(0, std::atoi(value.c_str()));
        else if (arg == "--streams")
            args.streams = std::max(1, std::atoi(value.c_str()));
        else if (arg == "--timeout-ms")
            args.timeoutMs = std::max(1, std::atoi(value.c_str()));
        else
            usage("unknown option");
    }
    if (args.mode == "free-port")
        return freePort();
    if (args.port <= 0 || args.port > 65535)
        usage("--port is required");
    if (args.mode == "wait-port")
        return waitPort(args);
    // Defaults that fit the mode, so a bare call measures something sensible.
    if (!args.bodySet) {
        args.body = args.mode == "latency"
            ? R"({"model":"bench-model","messages":[{"role":"user","content":"hi"}]})"
            : R"({"model":"bench-model","stream":true,"messages":[{"role":"user","content":"hi"}]})";
    }
    if (args.mode == "latency")
        return sequential(args, false);
    if (args.mode == "first-byte")
        return sequential(args, true);
    if (args.mode == "concurrent-streams")
        return concurrentStreams(args);
    usage("unknown --mode");
}
