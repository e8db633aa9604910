#!/usr/bin/env bash
# Platform benchmarks, side by side with peers on the same machine in the same run.
#
#   bench/run.sh kv          key-value store: HTTP PUT/GET and typed-client PUT/GET against the embedded platform,
#                            redis-benchmark GET/SET against a local redis-server, wrk on /healthz (the HTTP ceiling)
#   bench/run.sh kv-cluster  the kv lines on the embedded platform and on a 3-silo AdoNet + AzureTable cluster
#   bench/run.sh locks       lock pairs, contended hand-overs and fenced PUTs beside redis and etcd
#   bench/run.sh txn         bank transfers via POST /v1/txn (embedded, 3-silo cluster) beside pgbench tpcb-like
#   bench/run.sh replication PUT/GET on N=1 and N=3 (each ack level) on 3 silos beside a 3-member etcd; failover time
#   bench/run.sh log         event log produce (1 and 100 per request) and end-to-end latency, embedded and 3-silo,
#                            beside redis streams (XADD/XREADGROUP) and NATS JetStream (file storage)
#   bench/run.sh cache       cache GET/SET over HTTP and the typed client (near cache too) beside redis and memcached;
#                            near-hit cost, push delay to another host's L1, LRU vs LFU hit ratio under Zipf
#   bench/run.sh cache-cluster the HTTP and typed-client cache lines on a 3-silo AdoNet + AzureTable cluster, beside redis
#   bench/run.sh sagas       3-step HTTP sagas against a local Kestrel stub, embedded and 3-silo: sagas/s, step overhead
#   bench/run.sh discovery   resolve over HTTP and through the cached .NET handler, change-to-watch delay (1,000
#                            instances, 50 services) beside etcd lease-backed keys + watch
#
# Tunables (environment): DURATION (s, default 10), WARMUP (s, 5), CONCURRENCY (64), VALUE_SIZE (100 bytes),
# KEYS (10000), REDIS_CLIENTS (50), REDIS_REQUESTS (300000 per test), WRK_CONNECTIONS (64), WRK_THREADS (2),
# NO_BUILD=1 (reuse the last Release build), BIN_HOST=path/to/Platform.Client.Host.dll (benchmark another build).
#
# Everything started here is stopped by PID on exit. Modes live in bench/modes/*.sh as mode_<name> functions
# built from the helpers below.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

DURATION="${DURATION:-10}"
WARMUP="${WARMUP:-5}"
CONCURRENCY="${CONCURRENCY:-64}"
VALUE_SIZE="${VALUE_SIZE:-100}"
KEYS="${KEYS:-10000}"
REDIS_CLIENTS="${REDIS_CLIENTS:-50}"
REDIS_REQUESTS="${REDIS_REQUESTS:-300000}"
WRK_CONNECTIONS="${WRK_CONNECTIONS:-64}"
WRK_THREADS="${WRK_THREADS:-2}"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
BIN_HOST="${BIN_HOST:-$ROOT/src/Client/Platform.Client.Host/bin/Release/net10.0/Platform.Client.Host.dll}"
BIN_BENCH="$ROOT/bench/Platform.Bench/bin/Release/net10.0/Platform.Bench.dll"
WORK="$(mktemp -d /tmp/platform-bench.XXXXXX)"
PIDS=()
USED_PORTS=" "

log() { printf '\n== %s\n' "$*"; }

cleanup() {
    local pid
    for pid in "${PIDS[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    for pid in "${PIDS[@]}"; do
        # Give each process 10 s to stop, then SIGKILL that PID only.
        for _ in $(seq 1 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
        kill -9 "$pid" 2>/dev/null || true
    done
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# A free TCP port on 127.0.0.1 in 20000-59999, not handed out before in this run.
free_port() {
    local port
    for _ in $(seq 1 200); do
        port=$((20000 + RANDOM % 40000))
        if [[ "$USED_PORTS" != *" $port "* ]] && [ -z "$(ss -Htan "( sport = :$port )" 2>/dev/null)" ]; then
            USED_PORTS+="$port "
            echo "$port"
            return 0
        fi
    done
    echo "no free port found" >&2
    return 1
}

# field NAME < "RESULT a=1 b=2"  ->  the value of NAME
field() { tr ' ' '\n' | awk -F= -v k="$1" '$1 == k { print $2 }'; }

# cpu_ticks PID: user+system CPU clock ticks of a process so far.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0; }
CLK_TCK="$(getconf CLK_TCK)"

# us_per_op TICKS OPS: CPU microseconds per operation.
us_per_op() { awk -v t="$1" -v n="$2" -v hz="$CLK_TCK" 'BEGIN { if (n > 0) printf "%.1f", t * 1e6 / hz / n; else print "na" }'; }

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }

machine_info() {
    log "machine"
    echo "nproc: $(nproc)"
    echo "cpu: $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)"
    echo "memory: $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
    echo "kernel: $(uname -r)"
    echo "dotnet: $(dotnet --version)"
    echo "uptime: $(uptime)"
    echo "LOAD start=$(cut -d" " -f1-3 /proc/loadavg)"
}

build() {
    if [ "${NO_BUILD:-0}" = 1 ] && [ -f "$BIN_HOST" ] && [ -f "$BIN_BENCH" ]; then
        log "build skipped (NO_BUILD=1)"
        return
    fi
    log "build (Release)"
    dotnet build src/Client/Platform.Client.Host/Platform.Client.Host.csproj -c Release -m:1 -nologo -v:q
    dotnet build bench/Platform.Bench/Platform.Bench.csproj -c Release -m:1 -nologo -v:q
}

ensure_packages() {
    local missing=()
    command -v redis-server >/dev/null || missing+=(redis-server)
    command -v redis-benchmark >/dev/null || missing+=(redis-tools)
    command -v wrk >/dev/null || missing+=(wrk)
    if [ "${#missing[@]}" -gt 0 ]; then
        log "installing ${missing[*]}"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    fi
}

# wait_http URL PID NAME: until URL answers 2xx (60 s), or the process dies.
wait_http() {
    local url="$1" pid="$2" name="$3"
    for _ in $(seq 1 120); do
        if curl -fsS -o /dev/null --max-time 2 "$url" 2>/dev/null; then
            return 0
        fi
        if ! kill -0 "$pid" 2>/dev/null; then
            echo "$name exited before it was ready; its log:" >&2
            tail -n 40 "$WORK/$name.log" >&2 || true
            return 1
        fi
        sleep 0.5
    done
    echo "$name was not ready after 60 s; its log:" >&2
    tail -n 40 "$WORK/$name.log" >&2 || true
    return 1
}

# Sets HOST_URL, SILO_PORT, GATEWAY_PORT, HOST_PID.
start_embedded_platform() {
    local http_port
    http_port="$(free_port)"
    SILO_PORT="$(free_port)"
    GATEWAY_PORT="$(free_port)"
    HOST_URL="http://127.0.0.1:$http_port"
    log "embedded platform on $HOST_URL (silo $SILO_PORT, gateway $GATEWAY_PORT)"
    dotnet "$BIN_HOST" --urls "$HOST_URL" \
        --Platform:Silo:Port="$SILO_PORT" --Platform:Silo:GatewayPort="$GATEWAY_PORT" \
        --Logging:LogLevel:Default=Warning >"$WORK/platform.log" 2>&1 &
    HOST_PID=$!
    SERVER_PID="$HOST_PID"
    PIDS+=("$HOST_PID")
    wait_http "$HOST_URL/readyz" "$HOST_PID" platform
    echo "ready (pid $HOST_PID)"
}

# Sets REDIS_PORT, REDIS_PID. No persistence, loopback only.
start_redis() {
    REDIS_PORT="$(free_port)"
    log "redis-server $(redis-server --version | awk '{ print $3 }') on 127.0.0.1:$REDIS_PORT"
    redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --save '' --appendonly no --daemonize no \
        --logfile "$WORK/redis.log" --dir "$WORK" &
    REDIS_PID=$!
    PIDS+=("$REDIS_PID")
    for _ in $(seq 1 40); do
        redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping >/dev/null 2>&1 && { echo "ready (pid $REDIS_PID)"; return 0; }
        sleep 0.25
    done
    echo "redis-server did not answer" >&2
    return 1
}

# bench_driver ARGS...: runs Platform.Bench, echoes its output, leaves its RESULT line in LAST_RESULT.
bench_driver() {
    local out="$WORK/driver.out"
    dotnet "$BIN_BENCH" "$@" --concurrency "$CONCURRENCY" --value-size "$VALUE_SIZE" --keys "$KEYS" \
        --duration "$DURATION" --warmup "$WARMUP" ${SERVER_PID:+--server-pid "$SERVER_PID"} | tee "$out"
    LAST_RESULT="$(grep '^RESULT ' "$out" | tail -n 1)"
}

# wrk_run NAME URL [SCRIPT]: leaves "RESULT target=NAME ops_per_s=.. p50_ms=.. p99_ms=.. errors=.." in LAST_RESULT.
wrk_run() {
    local name="$1" url="$2" script="${3:-}" out="$WORK/wrk.out"
    local args=(-c "$WRK_CONNECTIONS" -t "$WRK_THREADS" -d "${DURATION}s" --latency)
    [ -n "$script" ] && args+=(-s "$script")
    # Warm the server up first (JIT, connections), unmeasured.
    wrk -c "$WRK_CONNECTIONS" -t "$WRK_THREADS" -d "${WARMUP}s" ${script:+-s "$script"} "$url" >/dev/null
    local before driver
    before="$(cpu_ticks "${SERVER_PID:-0}")"
    driver="$( { TIMEFORMAT='%U %S'; time wrk "${args[@]}" "$url" >"$out"; } 2>&1 )"
    cat "$out"
    local server_ticks=$(( $(cpu_ticks "${SERVER_PID:-0}") - before ))
    LAST_RESULT="$(awk -v n="$name" -v st="$server_ticks" -v hz="$CLK_TCK" -v dcpu="$driver" '
        function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
        /^ +50%/ { p50 = ms($2) } /^ +99%/ { p99 = ms($2) }
        /Requests\/sec/ { rps = $2 } /Non-2xx/ { errors = $NF } / requests in / { ops = $1 }
        END {
            split(dcpu, d, " ")
            printf "RESULT target=%s ops=%d ops_per_s=%s p50_ms=%.3f p99_ms=%.3f errors=%d driver_cpu_us_per_op=%.1f server_cpu_us_per_op=%.1f\n",
                n, ops, rps, p50, p99, errors, (d[1] + d[2]) * 1e6 / ops, st * 1e6 / hz / ops
        }' "$out")"
    echo "$LAST_RESULT"
}

# redis_bench: runs redis-benchmark GET/SET; sets REDIS_GET and REDIS_SET as RESULT lines.
redis_bench() {
    local out="$WORK/redis-bench.csv"
    log "redis-benchmark -t get,set -c $REDIS_CLIENTS -d $VALUE_SIZE -n $REDIS_REQUESTS -r $KEYS"
    local before driver server cpu
    before="$(cpu_ticks "$REDIS_PID")"
    driver="$( { TIMEFORMAT='%U %S'; time redis-benchmark -h 127.0.0.1 -p "$REDIS_PORT" -t get,set -c "$REDIS_CLIENTS" \
        -d "$VALUE_SIZE" -n "$REDIS_REQUESTS" -r "$KEYS" --csv >"$out"; } 2>&1 )"
    cat "$out"
    # CPU per op over both tests together (SET and GET cost about the same in redis).
    server="$(us_per_op $(( $(cpu_ticks "$REDIS_PID") - before )) $((2 * REDIS_REQUESTS)))"
    cpu="$(awk -v d="$driver" -v n=$((2 * REDIS_REQUESTS)) 'BEGIN { split(d, t, " "); printf "%.1f", (t[1] + t[2]) * 1e6 / n }')"
    # "test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms"
    local parse='{ gsub(/"/, "") } $1 == test { printf "RESULT target=redis op=%s ops_per_s=%s p50_ms=%s p99_ms=%s errors=0 driver_cpu_us_per_op=%s server_cpu_us_per_op=%s", tolower(test), $2, $5, $7, dcpu, scpu }'
    REDIS_SET="$(awk -F, -v test=SET -v dcpu="$cpu" -v scpu="$server" "$parse" "$out")"
    REDIS_GET="$(awk -F, -v test=GET -v dcpu="$cpu" -v scpu="$server" "$parse" "$out")"
    echo "$REDIS_SET"
    echo "$REDIS_GET"
}

# row LABEL RESULT_LINE: one Markdown table row.
row() {
    local label="$1" line="$2"
    printf '| %s | %s | %s | %s | %s | %s | %s |\n' "$label" \
        "$(field ops_per_s <<<"$line" | awk '{ printf "%.0f", $1 }')" \
        "$(field p50_ms <<<"$line")" "$(field p99_ms <<<"$line")" "$(field errors <<<"$line")" \
        "$(field server_cpu_us_per_op <<<"$line")" "$(field driver_cpu_us_per_op <<<"$line")"
}

mode_kv() {
    ensure_packages
    build
    machine_info
    start_embedded_platform

    # The first requests of a fresh host JIT the whole path and activate the shards; on a busy 2-core box tier-1
    # code arrives only after several seconds. Warm both HTTP paths once, unmeasured, before any figure is taken.
    log "warm-up: HTTP PUT and GET, unmeasured"
    dotnet "$BIN_BENCH" kv-http --url "$HOST_URL" --op put --concurrency "$CONCURRENCY" --value-size "$VALUE_SIZE" \
        --keys "$KEYS" --duration "$WARMUP" --warmup 0 | grep '^RESULT'
    dotnet "$BIN_BENCH" kv-http --url "$HOST_URL" --op get --concurrency "$CONCURRENCY" --value-size "$VALUE_SIZE" \
        --keys "$KEYS" --duration "$WARMUP" --warmup 0 | grep '^RESULT'

    log "HTTP PUT (Platform.Bench kv-http, c=$CONCURRENCY)"
    bench_driver kv-http --url "$HOST_URL" --op put
    local http_put="$LAST_RESULT"

    log "HTTP GET (Platform.Bench kv-http, c=$CONCURRENCY)"
    bench_driver kv-http --url "$HOST_URL" --op get
    local http_get="$LAST_RESULT"

    log "typed client PUT (Platform.Bench kv-client, gateway 127.0.0.1:$GATEWAY_PORT, c=$CONCURRENCY)"
    bench_driver kv-client --gateway "127.0.0.1:$GATEWAY_PORT" --op put
    local client_put="$LAST_RESULT"

    log "typed client GET (Platform.Bench kv-client, gateway 127.0.0.1:$GATEWAY_PORT, c=$CONCURRENCY)"
    bench_driver kv-client --gateway "127.0.0.1:$GATEWAY_PORT" --op get
    local client_get="$LAST_RESULT"

    log "HTTP GET driven by wrk (random keys of the preloaded set)"
    cat >"$WORK/kv-get.lua" <<EOF
math.randomseed(os.time())
request = function()
  return wrk.format("GET", string.format("/v1/kv/default/bench-%07d", math.random(0, $KEYS - 1)))
end
EOF
    wrk_run wrk-kv-get "$HOST_URL" "$WORK/kv-get.lua"
    local wrk_get="$LAST_RESULT"

    log "HTTP ceiling: wrk -c$WRK_CONNECTIONS -t$WRK_THREADS -d${DURATION}s $HOST_URL/healthz"
    wrk_run wrk-healthz "$HOST_URL/healthz"
    local ceiling="$LAST_RESULT"

    start_redis
    redis_bench

    local c v
    c="$(field ops_per_s <<<"$ceiling")"
    v="$(field ops_per_s <<<"$REDIS_GET")"
    log "results (value $VALUE_SIZE B, $KEYS keys, ${DURATION}s each; load now: $(cut -d' ' -f1-3 /proc/loadavg))"
    echo "| what | ops/s | p50 ms | p99 ms | errors | server CPU us/op | driver CPU us/op |"
    echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
    row "HTTP PUT (Platform.Bench, c=$CONCURRENCY)" "$http_put"
    row "HTTP GET (Platform.Bench, c=$CONCURRENCY)" "$http_get"
    row "HTTP GET (wrk, c=$WRK_CONNECTIONS)" "$wrk_get"
    row "typed client PUT (c=$CONCURRENCY)" "$client_put"
    row "typed client GET (c=$CONCURRENCY)" "$client_get"
    row "wrk /healthz: HTTP ceiling (c=$WRK_CONNECTIONS)" "$ceiling"
    row "redis SET (c=$REDIS_CLIENTS)" "$REDIS_SET"
    row "redis GET (c=$REDIS_CLIENTS)" "$REDIS_GET"
    echo
    echo "RATIO http_get_over_ceiling=$(ratio "$(field ops_per_s <<<"$http_get")" "$c") (target >= 0.70)"
    echo "RATIO wrk_http_get_over_ceiling=$(ratio "$(field ops_per_s <<<"$wrk_get")" "$c")"
    echo "RATIO http_get_over_redis_get=$(ratio "$(field ops_per_s <<<"$http_get")" "$v")"
    echo "RATIO client_get_over_redis_get=$(ratio "$(field ops_per_s <<<"$client_get")" "$v") (target > 1.00)"
}

# Modes kept in their own files.
# shellcheck source=modes/locks.sh
source "$ROOT/bench/modes/locks.sh"
source "$ROOT/bench/modes/cluster.sh"
source "$ROOT/bench/modes/txn.sh"
source "$ROOT/bench/modes/replication.sh"
source "$ROOT/bench/modes/log.sh"
source "$ROOT/bench/modes/cache.sh"
source "$ROOT/bench/modes/sagas.sh"
source "$ROOT/bench/modes/discovery.sh"

usage() {
    sed -n '2,24p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
    exit 2
}

case "${1:-}" in
    kv) mode_kv ;;
    locks) mode_locks ;;
    kv-cluster) mode_kv_cluster ;;
    txn) mode_txn ;;
    replication) mode_replication ;;
    log) mode_log ;;
    cache) mode_cache ;;
    cache-cluster) mode_cache_cluster ;;
    sagas) mode_sagas ;;
    discovery) mode_discovery ;;
    *) usage ;;
esac
