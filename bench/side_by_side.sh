#!/usr/bin/env bash
# Side-by-side bench: OneGate next to nginx proxy_pass and the Portkey gateway, all in
# front of the same fake upstream (bench/fast_upstream.cpp) on 127.0.0.1, measured with
# wrk and bench/stream_probe.cpp. Prints one markdown table; asserts nothing.
#
#   bash bench/side_by_side.sh [--short] [--skip-portkey] [--skip-nginx] [--https]
#                              [--onegate PATH] [--tools DIR] [--streams N]
#                              [--stream-interval-ms M] [--keep]
#
# --short         CI mode: 1 s wrk runs and fewer requests, well under a minute once
#                 Portkey is cached (its npm install is bounded to 30 s there).
# --https         the proxies reach the upstream through a local TLS terminator (nginx,
#                 throwaway self-signed certificate), as they reach real providers.
# --onegate PATH  the onegate binary (default build/ci/app/onegate).
# --tools DIR     where fast_upstream and stream_probe are; default: next to the CMake
#                 build of onegate, else compiled with g++ into the cache dir.
# --streams N     concurrent streams in the streams test (default 200).
# --stream-interval-ms M  spacing of their 5 content chunks (default 40: ~200 ms each;
#                 DESIGN.md's 500 concurrent 2 s streams: --streams 500 --stream-interval-ms 400).
# --keep          keep the work dir (configs, logs, raw key=value results).
#
# Needs wrk and nginx (Debian: apt-get install wrk nginx-light), node and npm for
# Portkey (installed once into ${ONEGATE_BENCH_CACHE:-~/.cache/onegate-bench}/portkey).
# Traffic goes to 127.0.0.1 only; the npm install is the only network use and is
# skipped when cached. Exits 0 unless OneGate itself could not be run.
# shellcheck disable=SC2034 # HDR_*/SHDR_* arrays are read through namerefs
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ONEGATE=$ROOT/build/ci/app/onegate
TOOLS=""
SHORT=0 SKIP_PORTKEY=0 SKIP_NGINX=0 HTTPS=0 KEEP=0 STREAMS_OPT="" INTERVAL_OPT=""
CACHE=${ONEGATE_BENCH_CACHE:-$HOME/.cache/onegate-bench}
PORTKEY_VERSION=1.15.2
HONO_NODE_SERVER_VERSION=1.14.1

while [ $# -gt 0 ]; do
    case $1 in
    --short) SHORT=1 ;;
    --skip-portkey) SKIP_PORTKEY=1 ;;
    --skip-nginx) SKIP_NGINX=1 ;;
    --https) HTTPS=1 ;;
    --keep) KEEP=1 ;;
    --onegate) ONEGATE=$2; shift ;;
    --onegate=*) ONEGATE=${1#*=} ;;
    --tools) TOOLS=$2; shift ;;
    --streams) STREAMS_OPT=$2; shift ;;
    --stream-interval-ms) INTERVAL_OPT=$2; shift ;;
    --tools=*) TOOLS=${1#*=} ;;
    -h | --help) awk 'NR > 1 && /^#/ && !/shellcheck/ { print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) echo "side_by_side.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
    shift
done

[ -x "$ONEGATE" ] || { echo "side_by_side.sh: no onegate binary at $ONEGATE (build it, or pass --onegate)" >&2; exit 1; }

# Run lengths. Short mode keeps every column, with fewer samples.
if [ "$SHORT" = 1 ]; then
    WRK_SECS=1 LAT_N=300 FB_N=100 WARMUP=20 NPM_TIMEOUT=30 PROBE_TIMEOUT=40
else
    WRK_SECS=3 LAT_N=2000 FB_N=500 WARMUP=50 NPM_TIMEOUT=300 PROBE_TIMEOUT=120
fi
STREAMS=${STREAMS_OPT:-200}                 # concurrent streams, each one connection
STREAM_CHUNKS=5                             # content deltas per stream...
STREAM_INTERVAL_MS=${INTERVAL_OPT:-40}      # ...40 ms apart: each stream lasts ~200 ms
UPSTREAM_KEY=sk-test-bench-upstream
ONEGATE_KEY=sk-test-bench-onegate

RUN_START=${EPOCHREALTIME/[.,]/}
log() { printf '[%5.1fs] %s\n' "$(awk -v a="$RUN_START" -v b="${EPOCHREALTIME/[.,]/}" 'BEGIN{print (b-a)/1e6}')" "$*" >&2; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/onegate-sbs.XXXXXX")
# nginx workers drop root for nobody and must still reach their temp dirs in here.
chmod 755 "$WORK"
PIDS=()

alive() { # a child that exited stays a zombie until reaped: that counts as gone
    local state
    state=$(awk '{sub(/.*\) /, ""); print $1}' "/proc/$1/stat" 2>/dev/null) || return 1
    [ -n "$state" ] && [ "$state" != Z ]
}

cleanup() {
    local pid i
    for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null; done
    for pid in "${PIDS[@]}"; do
        for ((i = 0; i < 100; i++)); do alive "$pid" || break; sleep 0.05; done
        alive "$pid" && kill -KILL "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
    done
    if [ "$KEEP" = 1 ]; then echo "work dir kept: $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Starts "$@" in the background with its output in $WORK/NAME.{out,err}; its PID (the
# command's own: every wrapper used below execs) lands in LAST_PID and in PIDS.
start_bg() {
    local name=$1
    shift
    "$@" >"$WORK/$name.out" 2>"$WORK/$name.err" </dev/null &
    LAST_PID=$!
    PIDS+=("$LAST_PID")
}

# Proxy settings in the environment must not send loopback traffic through a proxy.
# shellcheck disable=SC2054 # the commas are inside NO_PROXY's value
NOPROXY_ENV=(env -u http_proxy -u https_proxy -u HTTP_PROXY -u HTTPS_PROXY -u ALL_PROXY -u all_proxy
             NO_PROXY=127.0.0.1,localhost no_proxy=127.0.0.1,localhost)

# --- tools -----------------------------------------------------------------------------
# fast_upstream and stream_probe: the CMake-built ones when present and not older than
# their source, else compiled here (plain g++, a second or two each) into the cache.
find_tool() {
    local name=$1 src=$ROOT/bench/$1.cpp dir
    for dir in "$TOOLS" "$(dirname "$ONEGATE")/../bench" "$ROOT/build/ci/bench"; do
        if [ -n "$dir" ] && [ -x "$dir/$name" ] && ! [ "$src" -nt "$dir/$name" ]; then
            echo "$dir/$name"
            return 0
        fi
    done
    mkdir -p "$CACHE/bin"
    if ! [ -x "$CACHE/bin/$name" ] || [ "$src" -nt "$CACHE/bin/$name" ]; then
        log "compiling $name"
        g++ -O2 -std=c++20 -o "$CACHE/bin/$name" "$src" >&2 || return 1
    fi
    echo "$CACHE/bin/$name"
}
FAST_UPSTREAM=$(find_tool fast_upstream) || { echo "side_by_side.sh: cannot build fast_upstream" >&2; exit 1; }
PROBE=$(find_tool stream_probe) || { echo "side_by_side.sh: cannot build stream_probe" >&2; exit 1; }
HAVE_WRK=1
command -v wrk >/dev/null || HAVE_WRK=0
ulimit -n 65536 2>/dev/null || true

free_port() { "$PROBE" --mode free-port | cut -d= -f2; }
wait_port() { "$PROBE" --mode wait-port --port "$1" --timeout-ms "$2" | cut -d= -f2; }

# Waits for `PORT n` from a fast_upstream started as NAME; prints n.
upstream_port() {
    local i port
    for ((i = 0; i < 100; i++)); do
        port=$(awk '/^PORT /{print $2; exit}' "$WORK/$1.out" 2>/dev/null)
        [ -n "$port" ] && { echo "$port"; return 0; }
        sleep 0.05
    done
    return 1
}

# --- /proc figures of a process tree (nginx: master + worker) ---------------------------
tree_pids() {
    local pid=$1 child
    echo "$pid"
    for child in $(cat /proc/"$pid"/task/*/children 2>/dev/null); do tree_pids "$child"; done
}
tree_cpu_us() { # utime + stime of the live tree, in microseconds
    local total=0 pid stat rest
    local hz
    hz=$(getconf CLK_TCK)
    for pid in $(tree_pids "$1"); do
        stat=$(cat /proc/"$pid"/stat 2>/dev/null) || continue
        rest=${stat##*) }
        read -r -a f <<<"$rest"
        total=$((total + f[11] + f[12]))
    done
    echo $((total * 1000000 / hz))
}
tree_status_kb() { # sum of one /proc/PID/status field (VmHWM, VmRSS) over the tree
    local total=0 pid v
    for pid in $(tree_pids "$1"); do
        v=$(awk -v k="$2:" '$1 == k {print $2}' /proc/"$pid"/status 2>/dev/null)
        total=$((total + ${v:-0}))
    done
    echo "$total"
}

# --- request bodies ----------------------------------------------------------------------
# An 833-byte chat request, the size of a typical editor call: system + user message.
cat >"$WORK/body.json" <<'EOF'
{"model":"bench-model","messages":[{"role":"system","content":"You are a concise assistant in a code editor. Answer in plain text."},{"role":"user","content":"Here is a function from our C++ code base. It reads a configuration file, validates every entry and returns a list of errors. Please review it for correctness and suggest a simpler structure, keeping the behaviour the same: int load(const std::string &path, std::vector<std::string> &errors) { std::ifstream in(path); if (!in) { errors.push_back(\"cannot open \" + path); return 1; } std::string line; int n = 0; while (std::getline(in, line)) { ++n; if (line.empty() || line[0] == '#') continue; auto eq = line.find('='); if (eq == std::string::npos) errors.push_back(\"line \" + std::to_string(n)); } return errors.empty() ? 0 : 2; }"}],"temperature":0.2,"max_tokens":256}
EOF
truncate -s -1 "$WORK/body.json" # no trailing newline: exactly the JSON
sed 's/^{"model":"bench-model",/{"model":"bench-model","stream":true,/' "$WORK/body.json" >"$WORK/stream.json"
# The 200-streams test goes to the spaced upstream; OneGate routes it by model id.
sed 's/^{"model":"bench-model",/{"model":"bench-stream","stream":true,/' "$WORK/body.json" >"$WORK/streams.json"

# --- upstreams ---------------------------------------------------------------------------
start_bg upstream "${FAST_UPSTREAM}" --port 0
UPSTREAM_PID=$LAST_PID
start_bg upstream_spaced "${FAST_UPSTREAM}" --port 0 --chunks "$STREAM_CHUNKS" --interval-ms "$STREAM_INTERVAL_MS"
UP1=$(upstream_port upstream) || { echo "fast_upstream did not start: $(cat "$WORK/upstream.err")" >&2; exit 1; }
UP2=$(upstream_port upstream_spaced) || { echo "fast_upstream did not start" >&2; exit 1; }
log "fast_upstream on $UP1 (streams at once), $UP2 ($STREAM_CHUNKS chunks ${STREAM_INTERVAL_MS} ms apart)"

# nginx config pieces shared by the TLS terminator and the proxy under test.
nginx_main() { # $1: dir
    cat <<EOF
# One worker: the machine has 2 cores shared by wrk (2 threads), the upstream and the
# proxy; one worker is a single event loop like Portkey's node process and the upstream,
# and 'auto' would only contend with wrk for the same cores.
worker_processes 1;
pid $1/nginx.pid;
error_log $1/error.log warn;
events { worker_connections 8192; }
http {
    access_log off;
    # Large enough that an 833-byte body never touches the temp dirs.
    client_body_buffer_size 1m;
    client_body_temp_path $1/client_body;
    proxy_temp_path $1/proxy;
    fastcgi_temp_path $1/fastcgi;
    uwsgi_temp_path $1/uwsgi;
    scgi_temp_path $1/scgi;
    # Client connections stay open for the whole run (the default closes every 1000
    # requests), as they do with the other targets.
    keepalive_requests 1000000;
EOF
}
nginx_location() { # $1: proxy_pass URL
    cat <<EOF
        location / {
            proxy_pass $1;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_buffering off;
        }
EOF
}
start_nginx() { # name dir: waits for $3 (a port it listens on); sets LAST_PID
    local name=$1 dir=$2 port=$3
    mkdir -p "$dir"
    nginx -t -q -c "$dir/nginx.conf" -p "$dir" -e "$dir/error.log" >"$WORK/$name.check" 2>&1 ||
        { cat "$WORK/$name.check" >&2; return 1; }
    start_bg "$name" nginx -c "$dir/nginx.conf" -p "$dir" -e "$dir/error.log" -g 'daemon off;'
    [ "$(wait_port "$port" 10000)" != 0 ] && alive "$LAST_PID"
}

# --- HTTPS: a local TLS terminator in front of the upstreams ----------------------------
BASE1=http://127.0.0.1:$UP1 BASE2=http://127.0.0.1:$UP2   # what the proxies call
DIRECT1=$UP1 DIRECT2=$UP2                                  # what "direct" calls
if [ "$HTTPS" = 1 ]; then
    command -v nginx >/dev/null && command -v openssl >/dev/null ||
        { echo "side_by_side.sh: --https needs nginx and openssl" >&2; exit 1; }
    mkdir -p "$WORK/tls"
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 \
        -subj /CN=127.0.0.1 -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" \
        -keyout "$WORK/tls/key.pem" -out "$WORK/tls/cert.pem" >/dev/null 2>&1 ||
        { echo "side_by_side.sh: openssl could not make a certificate" >&2; exit 1; }
    T1=$(free_port) T2=$(free_port) D1=$(free_port) D2=$(free_port)
    # The terminator also serves plain HTTP on D1/D2: the "direct" baseline then crosses
    # the same terminator, so "added" is the proxy hop plus TLS on its upstream leg.
    { nginx_main "$WORK/terminator"
      echo "    upstream up1 { server 127.0.0.1:$UP1; keepalive 64; keepalive_requests 1000000; }"
      echo "    upstream up2 { server 127.0.0.1:$UP2; keepalive 64; keepalive_requests 1000000; }"
      echo "    ssl_certificate $WORK/tls/cert.pem;"
      echo "    ssl_certificate_key $WORK/tls/key.pem;"
      # http2 as real providers offer it: a client that negotiates it by ALPN gets it
      # (QNetworkAccessManager, under ONEGATE_UPSTREAM_TRANSPORT=qnam); OneGate's own
      # client asks for http/1.1.
      echo "    server { listen 127.0.0.1:$T1 ssl http2;"; nginx_location http://up1; echo "    }"
      echo "    server { listen 127.0.0.1:$T2 ssl http2;"; nginx_location http://up2; echo "    }"
      echo "    server { listen 127.0.0.1:$D1;"; nginx_location http://up1; echo "    }"
      echo "    server { listen 127.0.0.1:$D2;"; nginx_location http://up2; echo "    }"
      echo "}"; } >"$WORK/terminator.conf"
    mkdir -p "$WORK/terminator" && mv "$WORK/terminator.conf" "$WORK/terminator/nginx.conf"
    start_nginx terminator "$WORK/terminator" "$T1" ||
        { echo "side_by_side.sh: the TLS terminator did not start: $(cat "$WORK/terminator.err")" >&2; exit 1; }
    BASE1=https://127.0.0.1:$T1 BASE2=https://127.0.0.1:$T2
    DIRECT1=$D1 DIRECT2=$D2
    log "TLS terminator: https on $T1/$T2, plain on $D1/$D2"
fi

# --- results -----------------------------------------------------------------------------
declare -A R          # R[target.key] = value
declare -A UNAVAILABLE # target -> reason
NOTES=()
TARGETS=(direct)

# Runs stream_probe, bounded in time, and files its key=value lines under R[target.tag.*].
probe() {
    local target=$1 tag=$2
    shift 2
    timeout "$PROBE_TIMEOUT" "$PROBE" --timeout-ms 10000 "$@" >"$WORK/$target.$tag.txt" 2>>"$WORK/$target.$tag.err"
    while IFS='=' read -r key value; do
        [ -n "$key" ] && R[$target.$tag.$key]=$value
    done <"$WORK/$target.$tag.txt"
}

# One request through a target before measuring it: a misrouted proxy must show as
# unavailable, not as fast.
verify() { # target port header-args...
    local target=$1 port=$2
    shift 2
    probe "$target" verify --mode latency --port "$port" --requests 1 --warmup 0 --body "@$WORK/body.json" "$@"
    [ "${R[$target.verify.ok]:-0}" = 1 ]
}

# ---- OneGate ----------------------------------------------------------------------------
OG_PORT=$(free_port)
mkdir -p "$WORK/onegate-data"
# The access key carries limits and usage logging stays on: the product as shipped, with
# limits far above what the bench reaches.
cat >"$WORK/onegate.json" <<EOF
{
  "listen": "127.0.0.1:$OG_PORT",
  "access_keys": [ { "name": "bench", "key": "env:ONEGATE_BENCH_KEY", "models": ["*"],
                     "rpm": 100000000, "tpm": 1000000000, "max_concurrent": 10000 } ],
  "providers": [
    { "id": "fast", "kind": "openai", "base_url": "$BASE1/v1", "api_key": "env:ONEGATE_BENCH_UPSTREAM_KEY",
      "proxy": "none", "models": ["bench-model"] },
    { "id": "spaced", "kind": "openai", "base_url": "$BASE2/v1", "api_key": "env:ONEGATE_BENCH_UPSTREAM_KEY",
      "proxy": "none", "models": ["bench-stream"] }
  ]
}
EOF
OG_ENV=("${NOPROXY_ENV[@]}" ONEGATE_BENCH_KEY="$ONEGATE_KEY" ONEGATE_BENCH_UPSTREAM_KEY="$UPSTREAM_KEY")
OG_CMD=("$ONEGATE" --headless --config "$WORK/onegate.json" --data-dir "$WORK/onegate-data")
OG_TLS_HOW=""
if [ "$HTTPS" = 1 ]; then
    # Qt 6.4's OpenSSL backend ignores SSL_CERT_FILE and SSL_CERT_DIR (tested): it reads
    # CAs only from fixed directories such as /etc/ssl/certs. So, when root, OneGate runs in
    # a private mount namespace where /etc/ssl/certs is a copy that also holds the
    # throwaway certificate; nothing changes outside that process. Otherwise the bench
    # still runs and the OneGate row says the certificate was not trusted.
    OG_ENV+=(SSL_CERT_FILE="$WORK/tls/cert.pem")
    if [ "$(id -u)" = 0 ] && command -v unshare >/dev/null && unshare -m true 2>/dev/null; then
        mkdir -p "$WORK/tls/certs"
        cp -a /etc/ssl/certs/. "$WORK/tls/certs/" 2>/dev/null
        cp "$WORK/tls/cert.pem" "$WORK/tls/certs/onegate-bench.pem"
        ln -sf onegate-bench.pem "$WORK/tls/certs/$(openssl x509 -hash -noout -in "$WORK/tls/cert.pem").0"
        # unshare and sh both exec: the PID recorded is onegate's.
        OG_CMD=(unshare -m sh -c 'mount --bind "$0" /etc/ssl/certs && exec "$@"' "$WORK/tls/certs" "${OG_CMD[@]}")
        OG_TLS_HOW="certificate trusted through a private mount namespace (/etc/ssl/certs bind-mounted)"
    else
        OG_TLS_HOW="SSL_CERT_FILE only (no root/unshare), which Qt 6.4 ignores"
    fi
fi
log "starting onegate ($ONEGATE) on $OG_PORT"
OG_T0=${EPOCHREALTIME/[.,]/}
start_bg onegate "${OG_ENV[@]}" "${OG_CMD[@]}"
OG_PID=$LAST_PID
OG_BOUND=$(wait_port "$OG_PORT" 15000)
if [ "${OG_BOUND:-0}" = 0 ] || ! alive "$OG_PID"; then
    echo "side_by_side.sh: onegate did not start:" >&2
    cat "$WORK/onegate.err" >&2
    exit 1
fi
R[onegate.ready_ms]=$(((OG_BOUND - OG_T0) / 1000))
sleep 0.5 # let start-up work settle before calling it idle
R[onegate.idle_rss_kb]=$(tree_status_kb "$OG_PID" VmRSS)
log "onegate bound its port ${R[onegate.ready_ms]} ms after exec; idle RSS ${R[onegate.idle_rss_kb]} kB"

# ---- nginx ------------------------------------------------------------------------------
NG_PID=""
if [ "$SKIP_NGINX" = 1 ]; then
    :
elif ! command -v nginx >/dev/null; then
    UNAVAILABLE[nginx]="not installed (apt-get install nginx-light)"
else
    NG1=$(free_port) NG2=$(free_port)
    mkdir -p "$WORK/nginx"
    { nginx_main "$WORK/nginx"
      if [ "$HTTPS" = 1 ]; then
          # TLS sessions and connections to the upstream are reused (keepalive pool).
          echo "    upstream up1 { server 127.0.0.1:$T1; keepalive 64; keepalive_requests 1000000; }"
          echo "    upstream up2 { server 127.0.0.1:$T2; keepalive 64; keepalive_requests 1000000; }"
          scheme=https
      else
          echo "    upstream up1 { server 127.0.0.1:$UP1; keepalive 64; keepalive_requests 1000000; }"
          echo "    upstream up2 { server 127.0.0.1:$UP2; keepalive 64; keepalive_requests 1000000; }"
          scheme=http
      fi
      echo "    server { listen 127.0.0.1:$NG1;"; nginx_location "$scheme://up1"; echo "    }"
      echo "    server { listen 127.0.0.1:$NG2;"; nginx_location "$scheme://up2"; echo "    }"
      echo "}"; } >"$WORK/nginx/nginx.conf"
    if start_nginx nginx "$WORK/nginx" "$NG1"; then
        NG_PID=$LAST_PID
        log "nginx proxy_pass on $NG1/$NG2 (pid $NG_PID)"
    else
        UNAVAILABLE[nginx]="did not start: $(head -c 200 "$WORK/nginx.err" "$WORK/nginx.check" 2>/dev/null | tr '\n' ' ')"
    fi
fi

# ---- Portkey ----------------------------------------------------------------------------
# @portkey-ai/gateway pulls @hono/node-ws, which wants a newer @hono/node-server, with
# which streaming fails ("TypeError: immutable" on the response headers); npm's
# "overrides" pins it to 1.14.1 for the whole tree, a plain dependency would not.
PK_DIR=$CACHE/portkey
PK_MARK=$PK_DIR/.installed-$PORTKEY_VERSION-$HONO_NODE_SERVER_VERSION
PK_PID=""
portkey_install() {
    [ -f "$PK_MARK" ] && [ -f "$PK_DIR/node_modules/@portkey-ai/gateway/build/start-server.js" ] && return 0
    command -v node >/dev/null && command -v npm >/dev/null || { echo "node/npm not installed"; return 1; }
    mkdir -p "$PK_DIR"
    cat >"$PK_DIR/package.json" <<EOF
{
  "name": "onegate-bench-portkey",
  "private": true,
  "dependencies": {
    "@portkey-ai/gateway": "$PORTKEY_VERSION",
    "@hono/node-server": "$HONO_NODE_SERVER_VERSION"
  },
  "overrides": { "@hono/node-server": "$HONO_NODE_SERVER_VERSION" }
}
EOF
    log "npm install @portkey-ai/gateway@$PORTKEY_VERSION into $PK_DIR (at most ${NPM_TIMEOUT}s)"
    # --ignore-scripts: the package's postinstall (patch-package) has no patches to apply
    # in the published package, and no third-party install script needs to run as root.
    if ! (cd "$PK_DIR" && timeout "$NPM_TIMEOUT" npm install --no-audit --no-fund --ignore-scripts \
        --loglevel=error >"$WORK/npm.log" 2>&1); then
        echo "npm install failed or timed out: $(grep -m1 'npm error' "$WORK/npm.log" | cut -c1-120)"
        return 1
    fi
    local got
    got=$(node -p "require('$PK_DIR/node_modules/@hono/node-server/package.json').version" 2>/dev/null)
    [ "$got" = "$HONO_NODE_SERVER_VERSION" ] || { echo "@hono/node-server is $got, not $HONO_NODE_SERVER_VERSION"; return 1; }
    touch "$PK_MARK"
}
if [ "$SKIP_PORTKEY" = 0 ]; then
    if reason=$(portkey_install); then
        PK_PORT=$(free_port)
        # start-server.js listens on every interface (it passes no host to listen());
        # this preload pins every listening socket of the process to 127.0.0.1.
        cat >"$WORK/loopback-only.cjs" <<'EOF'
'use strict';
const net = require('net');
const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (...args) {
    if (args[0] !== null && typeof args[0] === 'object') {
        args[0] = { ...args[0], host: '127.0.0.1' };
    } else if (typeof args[0] === 'number' || (typeof args[0] === 'string' && /^\d+$/.test(args[0]))) {
        if (typeof args[1] === 'function') args.splice(1, 0, '127.0.0.1');
        else args[1] = '127.0.0.1';
    }
    return listen.apply(this, args);
};
EOF
        PK_ENV=("${NOPROXY_ENV[@]}")
        [ "$HTTPS" = 1 ] && PK_ENV+=(NODE_EXTRA_CA_CERTS="$WORK/tls/cert.pem")
        start_bg portkey "${PK_ENV[@]}" node --require "$WORK/loopback-only.cjs" \
            "$PK_DIR/node_modules/@portkey-ai/gateway/build/start-server.js" --port="$PK_PORT" --headless
        PK_PID=$LAST_PID
        if [ "$(wait_port "$PK_PORT" 20000)" != 0 ] && alive "$PK_PID"; then
            log "portkey gateway on $PK_PORT (pid $PK_PID)"
        else
            UNAVAILABLE[portkey]="did not start: $(tail -c 300 "$WORK/portkey.err" | tr '\n' ' ')"
        fi
    else
        UNAVAILABLE[portkey]=$reason
    fi
fi

# ---- targets: ports, headers ------------------------------------------------------------
# HDR_t / SHDR_t: the headers of target t's requests (SHDR: the 200-streams test); read
# through namerefs in measure() and write_lua(), which shellcheck cannot follow.
declare -A PORT SPORT PID LABEL
PORT[direct]=$DIRECT1 SPORT[direct]=$DIRECT2 PID[direct]=$UPSTREAM_PID
LABEL[direct]="direct (fast_upstream)"
[ "$HTTPS" = 1 ] && LABEL[direct]="direct (TLS terminator's plain port)" && PID[direct]=""
HDR_direct=("Authorization: Bearer $UPSTREAM_KEY")
SHDR_direct=("${HDR_direct[@]}")

LABEL[nginx]="nginx proxy_pass"
if [ "$SKIP_NGINX" = 0 ]; then
    TARGETS+=(nginx)
    PORT[nginx]=${NG1:-0} SPORT[nginx]=${NG2:-0} PID[nginx]=$NG_PID
fi
HDR_nginx=("${HDR_direct[@]}")
SHDR_nginx=("${HDR_direct[@]}")

LABEL[portkey]="Portkey gateway $PORTKEY_VERSION (node)"
if [ "$SKIP_PORTKEY" = 0 ]; then
    TARGETS+=(portkey)
    PORT[portkey]=${PK_PORT:-0} SPORT[portkey]=${PK_PORT:-0} PID[portkey]=$PK_PID
fi
# Portkey routes by headers: provider openai, with the custom host as its base URL.
HDR_portkey=("Authorization: Bearer $UPSTREAM_KEY" "x-portkey-provider: openai" "x-portkey-custom-host: $BASE1/v1")
SHDR_portkey=("Authorization: Bearer $UPSTREAM_KEY" "x-portkey-provider: openai" "x-portkey-custom-host: $BASE2/v1")

TARGETS+=(onegate)
LABEL[onegate]="OneGate"
PORT[onegate]=$OG_PORT SPORT[onegate]=$OG_PORT PID[onegate]=$OG_PID
HDR_onegate=("Authorization: Bearer $ONEGATE_KEY")
SHDR_onegate=("${HDR_onegate[@]}")

# Number formatting for the notes and the table.
thousands() { awk -v n="$1" 'BEGIN { n = sprintf("%.0f", n); s = "";
    while (length(n) > 3) { s = "," substr(n, length(n) - 2) s; n = substr(n, 1, length(n) - 3) }
    print n s }'; }
ms() { awk -v us="$1" 'BEGIN { v = us / 1000; printf(v < 10 && v > -10 ? "%.2f" : "%.1f", v) }'; }
added() { # base_us value_us -> "+0.07"
    awk -v b="$1" -v v="$2" 'BEGIN { d = (v - b) / 1000; printf(d < 10 && d > -10 ? "%+.2f" : "%+.1f", d) }'
}
has() { [ -n "${R[$1]:-}" ]; }

# wrk's Lua script for one target: POST the chat body with that target's headers.
write_lua() { # target
    local -n lua_hdrs=HDR_$1
    local h
    {
        echo 'wrk.method = "POST"'
        echo 'wrk.headers["Content-Type"] = "application/json"'
        for h in "${lua_hdrs[@]}"; do
            printf 'wrk.headers[ [==[%s]==] ] = [==[%s]==]\n' "${h%%: *}" "${h#*: }"
        done
        printf 'wrk.body = [==[%s]==]\n' "$(cat "$WORK/body.json")"
    } >"$WORK/$1.lua"
}

measure() { # target
    local t=$1 h
    local -n hdrs=HDR_$t shdrs=SHDR_$t
    local hargs=() shargs=()
    for h in "${hdrs[@]}"; do hargs+=(--header "$h"); done
    for h in "${shdrs[@]}"; do shargs+=(--header "$h"); done
    if ! verify "$t" "${PORT[$t]}" "${hargs[@]}"; then
        UNAVAILABLE[$t]="a test request failed (status ${R[$t.verify.last_status]:-none}; see --keep logs)"
        [ "$t" = onegate ] && [ "$HTTPS" = 1 ] &&
            UNAVAILABLE[$t]="could not reach the HTTPS upstream ($OG_TLS_HOW): OneGate needs a per-provider CA option"
        return
    fi
    log "$t: latency ($LAT_N requests, 1 connection)"
    probe "$t" lat --mode latency --port "${PORT[$t]}" --requests "$LAT_N" --warmup "$WARMUP" \
        --body "@$WORK/body.json" "${hargs[@]}"
    log "$t: stream first byte ($FB_N streams, 1 connection)"
    probe "$t" fb --mode first-byte --port "${PORT[$t]}" --requests "$FB_N" --warmup "$WARMUP" \
        --body "@$WORK/stream.json" "${hargs[@]}"
    log "$t: $STREAMS concurrent streams"
    probe "$t" cs --mode concurrent-streams --port "${SPORT[$t]}" --streams "$STREAMS" \
        --body "@$WORK/streams.json" "${shargs[@]}"
    if [ "$HAVE_WRK" = 1 ]; then
        log "$t: wrk -c64, 1 s warm-up + ${WRK_SECS}s"
        write_lua "$t"
        # One second unmeasured first: node's JIT warms up and every target's upstream
        # connection pool is filled, so the measured run is the steady state.
        timeout 20 wrk -t2 -c64 -d1s --timeout 10s -s "$WORK/$t.lua" \
            "http://127.0.0.1:${PORT[$t]}/v1/chat/completions" >"$WORK/$t.wrk-warmup.txt" 2>&1
        local cpu0=0 cpu1=0
        [ -n "${PID[$t]}" ] && cpu0=$(tree_cpu_us "${PID[$t]}")
        timeout $((WRK_SECS + 20)) wrk -t2 -c64 -d"${WRK_SECS}s" --timeout 10s -s "$WORK/$t.lua" \
            "http://127.0.0.1:${PORT[$t]}/v1/chat/completions" >"$WORK/$t.wrk.txt" 2>&1
        [ -n "${PID[$t]}" ] && cpu1=$(tree_cpu_us "${PID[$t]}")
        R[$t.rps]=$(awk '/^Requests\/sec:/{print $2}' "$WORK/$t.wrk.txt")
        R[$t.requests]=$(awk '/ requests in /{print $1}' "$WORK/$t.wrk.txt")
        R[$t.non2xx]=$(awk '/Non-2xx or 3xx responses:/{print $NF}' "$WORK/$t.wrk.txt")
        R[$t.sockerr]=$(grep -o 'Socket errors:.*' "$WORK/$t.wrk.txt")
        [ -n "${PID[$t]}" ] && [ "${R[$t.requests]:-0}" -gt 0 ] &&
            R[$t.cpu_us]=$(((cpu1 - cpu0) / ${R[$t.requests]}))
    fi
    [ -n "${PID[$t]}" ] && R[$t.hwm_kb]=$(tree_status_kb "${PID[$t]}" VmHWM)
    # Anything that answered but not cleanly goes in the notes: fast errors are not speed.
    [ -n "${R[$t.non2xx]:-}" ] && NOTES+=("$t: wrk saw ${R[$t.non2xx]} non-2xx answers")
    [ -n "${R[$t.sockerr]:-}" ] && NOTES+=("$t: wrk ${R[$t.sockerr]}")
    # A connect that took over half a second is a SYN the kernel dropped because the
    # accept backlog was full (Linux retries it after 1 s): the wall time then says more
    # about the listen backlog than about the proxying.
    [ "${R[$t.cs.connect_max_us]:-0}" -gt 500000 ] &&
        NOTES+=("$t: slowest of the $STREAMS connects took $(ms "${R[$t.cs.connect_max_us]}") ms (accept backlog overflow?)")
    for tag in lat fb; do
        local bad=$((${R[$t.$tag.errors]:-0} + ${R[$t.$tag.non200]:-0} + ${R[$t.$tag.no_event]:-0}))
        [ "$bad" -gt 0 ] && NOTES+=("$t: $tag run had $bad failed requests (last status ${R[$t.$tag.last_status]:-none})")
    done
}

for t in "${TARGETS[@]}"; do
    [ -n "${UNAVAILABLE[$t]:-}" ] && continue
    measure "$t"
done

# --- the table ---------------------------------------------------------------------------
row() {
    local t=$1 c1 c2 c3 c4 c5 c6
    if [ -n "${UNAVAILABLE[$t]:-}" ]; then
        echo "| ${LABEL[$t]} | $t: unavailable (${UNAVAILABLE[$t]}) | | | | | |"
        return
    fi
    c1=n/a c2=n/a c3=n/a c4=n/a c5=- c6=-
    if has "$t.rps"; then
        c1=$(thousands "${R[$t.rps]}")
        if [ "$t" != direct ] && has direct.rps; then
            c1="$c1 ($(awk -v a="${R[$t.rps]}" -v b="${R[direct.rps]}" 'BEGIN{printf "%.2f", a/b}')x direct)"
        fi
    fi
    if [ "$t" = direct ]; then
        has direct.lat.p50_us && c2="$(ms "${R[direct.lat.p50_us]}") / $(ms "${R[direct.lat.p99_us]}") ms (base)"
        has direct.fb.p50_us && c3="$(ms "${R[direct.fb.p50_us]}") / $(ms "${R[direct.fb.p99_us]}") ms (base)"
    else
        has "$t.lat.p50_us" && has direct.lat.p50_us &&
            c2="$(added "${R[direct.lat.p50_us]}" "${R[$t.lat.p50_us]}") / $(added "${R[direct.lat.p99_us]}" "${R[$t.lat.p99_us]}") ms"
        has "$t.fb.p50_us" && has direct.fb.p50_us &&
            c3="$(added "${R[direct.fb.p50_us]}" "${R[$t.fb.p50_us]}") / $(added "${R[direct.fb.p99_us]}" "${R[$t.fb.p99_us]}") ms"
    fi
    if has "$t.cs.wall_ms"; then
        c4="$(awk -v v="${R[$t.cs.wall_ms]}" 'BEGIN{printf "%.0f", v}') ms, ${R[$t.cs.ok]}/$STREAMS ok"
        if [ "$t" != direct ] && has direct.cs.wall_ms; then
            c4="$c4, $(awk -v a="${R[$t.cs.wall_ms]}" -v b="${R[direct.cs.wall_ms]}" 'BEGIN{printf "%.2f", a/b}')x direct"
            has "$t.cs.first_byte_p99_us" &&
                c4="$c4, first byte p99 $(added "${R[direct.cs.first_byte_p99_us]:-0}" "${R[$t.cs.first_byte_p99_us]}") ms"
        elif has direct.cs.first_byte_p99_us; then
            c4="$c4, first byte p99 $(ms "${R[direct.cs.first_byte_p99_us]}") ms"
        fi
    fi
    has "$t.cpu_us" && c5="$(thousands "${R[$t.cpu_us]}") us"
    has "$t.hwm_kb" && c6="$((${R[$t.hwm_kb]} / 1024)) MB"
    if [ "$t" = direct ]; then
        [ "$c5" != - ] && c5="$c5 (upstream)"
        [ "$c6" != - ] && c6="$c6 (upstream)"
    fi
    echo "| ${LABEL[$t]} | $c1 | $c2 | $c3 | $c4 | $c5 | $c6 |"
}

ratio() { # a b -> "2.64x" or n/a
    if [ -n "$1" ] && [ -n "$2" ]; then awk -v a="$1" -v b="$2" 'BEGIN{ if (b > 0) printf "%.2fx", a/b; else print "n/a" }'
    else echo n/a; fi
}

commit=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
upstream_kind="plain HTTP"
[ "$HTTPS" = 1 ] && upstream_kind="HTTPS through a local nginx TLS terminator"
echo
echo "## OneGate side by side ($(date -u +%Y-%m-%dT%H:%MZ), commit $commit, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg))"
echo
echo "Upstream: fast_upstream, $upstream_kind. wrk -t2 -c64 -d${WRK_SECS}s with an $(wc -c <"$WORK/body.json")-byte chat body;"
echo "1-connection figures from $LAT_N requests and $FB_N streams after $WARMUP warm-up; $STREAMS streams of $STREAM_CHUNKS chunks ${STREAM_INTERVAL_MS} ms apart."
echo
echo "| target | c=64 req/s | added p50 / p99, 1 conn | stream first byte added p50 / p99 | $STREAMS streams wall | CPU/request | peak RSS |"
echo "|---|---:|---:|---:|---:|---:|---:|"
for t in direct nginx portkey onegate; do
    case " ${TARGETS[*]} " in *" $t "*) row "$t" ;; esac
done
echo
echo "OneGate/Portkey throughput: $(ratio "${R[onegate.rps]:-}" "${R[portkey.rps]:-}")," \
    "OneGate/nginx throughput: $(ratio "${R[onegate.rps]:-}" "${R[nginx.rps]:-}")," \
    "OneGate/direct $STREAMS-stream wall: $(ratio "${R[onegate.cs.wall_ms]:-}" "${R[direct.cs.wall_ms]:-}")." \
    "OneGate headless idle RSS: $((${R[onegate.idle_rss_kb]:-0} / 1024)) MB, ready (exec to port bound): ${R[onegate.ready_ms]:-n/a} ms."
[ -n "$OG_TLS_HOW" ] && echo "OneGate HTTPS upstream: $OG_TLS_HOW."
[ "$HAVE_WRK" = 0 ] && NOTES+=("wrk not installed (apt-get install wrk): no throughput or CPU figures")
for n in "${NOTES[@]}"; do echo "- note: $n"; done
[ "$KEEP" = 1 ] && for t in "${TARGETS[@]}"; do for k in "${!R[@]}"; do
    case $k in "$t".*) echo "$k=${R[$k]}" ;; esac
done; done | sort >"$WORK/results.txt"
log "done"
exit 0
