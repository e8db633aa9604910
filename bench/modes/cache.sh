# Sourced by bench/run.sh. The mode `cache`: named caches over HTTP and the typed client (with and without the near
# cache) on the embedded platform, beside redis-server and memcached at the same concurrency and value size, in the
# same run; the cost of a near-cache hit; the push delay from a write on one client host to the other host's L1
# invalidation; the hit ratio of LRU and LFU under a Zipf workload.
#
# Tunables (environment): ZIPF_KEYS (100000), ZIPF_CAPACITY (10000), ZIPF_OPERATIONS (200000), ZIPF_S (0.99),
# PUSH_SAMPLES (500), plus run.sh's DURATION WARMUP CONCURRENCY VALUE_SIZE KEYS WRK_CONNECTIONS WRK_THREADS.

ZIPF_KEYS="${ZIPF_KEYS:-100000}"
ZIPF_CAPACITY="${ZIPF_CAPACITY:-10000}"
ZIPF_OPERATIONS="${ZIPF_OPERATIONS:-200000}"
ZIPF_S="${ZIPF_S:-0.99}"
PUSH_SAMPLES="${PUSH_SAMPLES:-500}"

# Sets MEMCACHED_PORT, MEMCACHED_PID. Loopback only, TCP only, 2 worker threads (the machine's cores).
start_memcached() {
    if ! command -v memcached >/dev/null; then
        log "installing memcached"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq memcached >/dev/null
    fi
    MEMCACHED_PORT="$(free_port)"
    log "memcached $(memcached -V | awk '{ print $2 }') on 127.0.0.1:$MEMCACHED_PORT"
    memcached -u root -l 127.0.0.1 -p "$MEMCACHED_PORT" -U 0 -t 2 -m 512 -c 4096 >"$WORK/memcached.log" 2>&1 &
    MEMCACHED_PID=$!
    PIDS+=("$MEMCACHED_PID")
    for _ in $(seq 1 40); do
        (exec 3<>"/dev/tcp/127.0.0.1/$MEMCACHED_PORT") 2>/dev/null && { echo "ready (pid $MEMCACHED_PID)"; return 0; }
        sleep 0.25
    done
    echo "memcached did not answer" >&2
    return 1
}

# load_now: the 1-, 5- and 15-minute load averages.
load_now() { cut -d' ' -f1-3 /proc/loadavg; }

# warm_until_steady ARGS...: unmeasured rounds of one Platform.Bench driver (its --duration is WARMUP, at least 3 s)
# until, from the third round on, the server CPU per operation of two rounds in a row differs by less than 15 %, at
# most WARM_ROUNDS (8). (Two rounds within 25 % stopped too early: two JIT-bound rounds at ~100 us/op look steady.)
# A fresh process runs its hot path as tier-0 code first; on a loaded box the tier-1 JIT is starved for tens of
# seconds, and a fixed warm-up measured the JIT instead of the path (the first run's ~300 us per cache GET).
warm_until_steady() {
    local round last="" now rounds="${WARM_ROUNDS:-8}" seconds=$(( WARMUP > 3 ? WARMUP : 3 ))
    for round in $(seq 1 "$rounds"); do
        now="$(dotnet "$BIN_BENCH" "$@" --concurrency "$CONCURRENCY" --value-size "$VALUE_SIZE" --keys "$KEYS" \
            --duration "$seconds" --warmup 0 --server-pid "$SERVER_PID" | grep '^RESULT' | field server_cpu_us_per_op)"
        echo "warm-up round $round: server CPU ${now} us/op (load $(load_now))"
        if [ "$round" -ge 3 ] && awk -v a="$last" -v b="$now" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(a > 0 && d < 0.15 * a) }'; then
            return 0
        fi
        last="$now"
    done
}

mode_cache() {
    ensure_packages
    build
    machine_info
    start_embedded_platform
    local gw="127.0.0.1:$GATEWAY_PORT" loads=()

    log "warm-up: HTTP cache SET, GET and kv GET until the server CPU per operation is steady, unmeasured"
    warm_until_steady cache-http --url "$HOST_URL" --op put
    warm_until_steady cache-http --url "$HOST_URL" --op get
    curl -fsS -o /dev/null -X PUT "$HOST_URL/v1/namespaces/cachebench" -H 'content-type: application/json' -d '{"shards":16}'
    warm_until_steady kv-http --url "$HOST_URL" --namespace cachebench --op get

    log "HTTP cache SET (Platform.Bench cache-http, c=$CONCURRENCY; load $(load_now))"
    bench_driver cache-http --url "$HOST_URL" --op put
    local http_set="$LAST_RESULT"; loads+=("HTTP SET: $(load_now)")

    log "HTTP cache GET (Platform.Bench cache-http, c=$CONCURRENCY; load $(load_now))"
    bench_driver cache-http --url "$HOST_URL" --op get
    local http_get="$LAST_RESULT"; loads+=("HTTP GET: $(load_now)")

    log "HTTP key-value GET, the same path without the cache (Platform.Bench kv-http, c=$CONCURRENCY; load $(load_now))"
    bench_driver kv-http --url "$HOST_URL" --namespace cachebench --op get
    local kv_get="$LAST_RESULT"; loads+=("HTTP kv GET: $(load_now)")

    log "HTTP cache GET driven by wrk (random keys of the preloaded set; load $(load_now))"
    cat >"$WORK/cache-get.lua" <<LUA
math.randomseed(os.time())
request = function()
  return wrk.format("GET", string.format("/v1/caches/bench/entries/bench-%07d", math.random(0, $KEYS - 1)))
end
LUA
    wrk_run wrk-cache-get "$HOST_URL" "$WORK/cache-get.lua"
    local wrk_get="$LAST_RESULT"; loads+=("wrk GET: $(load_now)")

    log "HTTP ceiling: wrk -c$WRK_CONNECTIONS -t$WRK_THREADS -d${DURATION}s $HOST_URL/healthz (load $(load_now))"
    wrk_run wrk-healthz "$HOST_URL/healthz"
    local ceiling="$LAST_RESULT"; loads+=("wrk /healthz: $(load_now)")

    log "typed client SET (cache-client, gateway $gw, c=$CONCURRENCY; load $(load_now))"
    bench_driver cache-client --gateway "$gw" --op put
    local client_set="$LAST_RESULT"; loads+=("client SET: $(load_now)")

    log "typed client GET, no near cache (cache-client, c=$CONCURRENCY; load $(load_now))"
    bench_driver cache-client --gateway "$gw" --op get
    local client_get="$LAST_RESULT"; loads+=("client GET: $(load_now)")

    log "typed client GET, near-cache hits (cache-client --near, c=$CONCURRENCY; load $(load_now))"
    bench_driver cache-client --gateway "$gw" --op get --near
    local near_get="$LAST_RESULT"; loads+=("client GET near: $(load_now)")

    log "near-cache hit cost, one thread (cache-near-hit; load $(load_now))"
    dotnet "$BIN_BENCH" cache-near-hit --gateway "$gw" | tee "$WORK/near.out"
    local near_hit; near_hit="$(grep '^RESULT ' "$WORK/near.out" | tail -n 1)"; loads+=("near hit: $(load_now)")

    log "push delay: write through host A to the copy dropped in host B (cache-push, $PUSH_SAMPLES writes; load $(load_now))"
    dotnet "$BIN_BENCH" cache-push --gateway "$gw" --samples "$PUSH_SAMPLES" | tee "$WORK/push.out"
    local push; push="$(grep '^RESULT ' "$WORK/push.out" | tail -n 1)"; loads+=("push: $(load_now)")

    local zipf_lru zipf_lfu
    log "Zipf s=$ZIPF_S over $ZIPF_KEYS keys, capacity $ZIPF_CAPACITY, 1 shard: LRU (load $(load_now))"
    dotnet "$BIN_BENCH" cache-zipf --gateway "$gw" --eviction lru --keys "$ZIPF_KEYS" --capacity "$ZIPF_CAPACITY" \
        --operations "$ZIPF_OPERATIONS" --zipf "$ZIPF_S" | tee "$WORK/zipf.out"
    zipf_lru="$(grep '^RESULT ' "$WORK/zipf.out" | tail -n 1)"
    log "Zipf: LFU (load $(load_now))"
    dotnet "$BIN_BENCH" cache-zipf --gateway "$gw" --eviction lfu --keys "$ZIPF_KEYS" --capacity "$ZIPF_CAPACITY" \
        --operations "$ZIPF_OPERATIONS" --zipf "$ZIPF_S" | tee "$WORK/zipf.out"
    zipf_lfu="$(grep '^RESULT ' "$WORK/zipf.out" | tail -n 1)"; loads+=("zipf: $(load_now)")

    # The peers, at the same concurrency and value size as the typed client.
    REDIS_CLIENTS="$CONCURRENCY"
    start_redis
    redis_bench
    loads+=("redis: $(load_now)")

    start_memcached
    SERVER_PID="$MEMCACHED_PID"
    log "memcached set (Platform.Bench memcached, c=$CONCURRENCY)"
    bench_driver memcached --port "$MEMCACHED_PORT" --op put
    local mc_set="$LAST_RESULT"
    log "memcached get (Platform.Bench memcached, c=$CONCURRENCY)"
    bench_driver memcached --port "$MEMCACHED_PORT" --op get
    local mc_get="$LAST_RESULT"; loads+=("memcached: $(load_now)")
    SERVER_PID="$HOST_PID"

    local c r
    c="$(field ops_per_s <<<"$ceiling")"
    r="$(field ops_per_s <<<"$REDIS_GET")"
    log "results (value $VALUE_SIZE B, $KEYS keys, ${DURATION}s each; load now: $(load_now))"
    echo "| what | ops/s | p50 ms | p99 ms | errors | server CPU us/op | driver CPU us/op |"
    echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
    row "HTTP cache SET (Platform.Bench, c=$CONCURRENCY)" "$http_set"
    row "HTTP cache GET (Platform.Bench, c=$CONCURRENCY)" "$http_get"
    row "HTTP key-value GET (Platform.Bench, c=$CONCURRENCY)" "$kv_get"
    row "HTTP cache GET (wrk, c=$WRK_CONNECTIONS)" "$wrk_get"
    row "wrk /healthz: HTTP ceiling (c=$WRK_CONNECTIONS)" "$ceiling"
    row "typed client SET (c=$CONCURRENCY)" "$client_set"
    row "typed client GET, no near cache (c=$CONCURRENCY)" "$client_get"
    row "typed client GET, near-cache hits (c=$CONCURRENCY)" "$near_get"
    row "redis SET (redis-benchmark, c=$REDIS_CLIENTS)" "$REDIS_SET"
    row "redis GET (redis-benchmark, c=$REDIS_CLIENTS)" "$REDIS_GET"
    row "memcached set (Platform.Bench, c=$CONCURRENCY)" "$mc_set"
    row "memcached get (Platform.Bench, c=$CONCURRENCY)" "$mc_get"
    echo
    echo "$near_hit"
    echo "$push"
    echo "$zipf_lru"
    echo "$zipf_lfu"
    echo
    printf 'LOAD %s\n' "${loads[@]}"
    echo
    echo "RATIO client_get_over_redis_get=$(ratio "$(field ops_per_s <<<"$client_get")" "$r") (target >= 1.50)"
    echo "RATIO near_client_get_over_redis_get=$(ratio "$(field ops_per_s <<<"$near_get")" "$r")"
    echo "RATIO client_get_over_memcached_get=$(ratio "$(field ops_per_s <<<"$client_get")" "$(field ops_per_s <<<"$mc_get")")"
    echo "RATIO wrk_http_get_over_ceiling=$(ratio "$(field ops_per_s <<<"$wrk_get")" "$c") (target >= 0.70)"
    echo "RATIO http_get_over_ceiling=$(ratio "$(field ops_per_s <<<"$http_get")" "$c")"
    echo "RATIO http_cache_get_over_http_kv_get=$(ratio "$(field ops_per_s <<<"$http_get")" "$(field ops_per_s <<<"$kv_get")")"
    echo "GOAL near_hit_ns=$(field median_ns <<<"$near_hit") (target <= 1000)"
    echo "GOAL push_p99_ms=$(field p99_ms <<<"$push") (target <= 20)"
    echo "GOAL zipf_hit_ratio lru=$(field hit_ratio <<<"$zipf_lru") lfu=$(field hit_ratio <<<"$zipf_lfu") ideal=$(field ideal <<<"$zipf_lru")"
}

# The mode `cache-cluster`: the HTTP and typed-client cache lines on the 3-silo cluster of bench/modes/cluster.sh
# (PostgreSQL membership, Azure Table storage on Azurite; the cache entries live in the silos' memory), then redis in
# the same run for the ratio. The HTTP rows' server CPU is the client host's only.
mode_cache_cluster() {
    ensure_packages
    build_cluster
    machine_info
    start_services
    start_cluster
    local loads=()
    SERVER_PID="$CLUSTER_HOST_PID"
    log "warm-up: HTTP cache SET and GET on the cluster until the client host's CPU per operation is steady, unmeasured"
    warm_until_steady cache-http --url "$CLUSTER_URL" --op put
    warm_until_steady cache-http --url "$CLUSTER_URL" --op get

    log "cluster: HTTP cache SET (Platform.Bench cache-http, c=$CONCURRENCY; load $(load_now))"
    bench_driver cache-http --url "$CLUSTER_URL" --op put
    local http_set="$LAST_RESULT"; loads+=("cluster HTTP SET: $(load_now)")
    log "cluster: HTTP cache GET (Platform.Bench cache-http, c=$CONCURRENCY; load $(load_now))"
    bench_driver cache-http --url "$CLUSTER_URL" --op get
    local http_get="$LAST_RESULT"; loads+=("cluster HTTP GET: $(load_now)")

    # The typed client finds the gateways in the membership table (Platform__Cluster__... from the environment).
    SERVER_PID=""
    log "cluster: typed client GET, no near cache (cache-client, c=$CONCURRENCY; load $(load_now))"
    Platform__Cluster__Provider=AdoNet Platform__Cluster__ConnectionString="$PLATFORM_TEST_POSTGRES" \
        bench_driver cache-client --cluster-id "$CLUSTER_ID" --service-id "$CLUSTER_ID" --op get
    local client_get="$LAST_RESULT"; loads+=("cluster client GET: $(load_now)")
    log "cluster: typed client GET, near-cache hits (cache-client --near, c=$CONCURRENCY; load $(load_now))"
    Platform__Cluster__Provider=AdoNet Platform__Cluster__ConnectionString="$PLATFORM_TEST_POSTGRES" \
        bench_driver cache-client --cluster-id "$CLUSTER_ID" --service-id "$CLUSTER_ID" --op get --near
    local near_get="$LAST_RESULT"; loads+=("cluster client GET near: $(load_now)")
    stop_cluster

    REDIS_CLIENTS="$CONCURRENCY"
    start_redis
    redis_bench
    loads+=("redis: $(load_now)")

    log "results (value $VALUE_SIZE B, $KEYS keys, ${DURATION}s each; load now: $(load_now))"
    echo "| what | ops/s | p50 ms | p99 ms | errors | server CPU us/op | driver CPU us/op |"
    echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
    row "$SILOS-silo cluster: HTTP cache SET (c=$CONCURRENCY)" "$http_set"
    row "$SILOS-silo cluster: HTTP cache GET (c=$CONCURRENCY)" "$http_get"
    row "$SILOS-silo cluster: typed client GET, no near cache (c=$CONCURRENCY)" "$client_get"
    row "$SILOS-silo cluster: typed client GET, near-cache hits (c=$CONCURRENCY)" "$near_get"
    row "redis SET (redis-benchmark, c=$REDIS_CLIENTS)" "$REDIS_SET"
    row "redis GET (redis-benchmark, c=$REDIS_CLIENTS)" "$REDIS_GET"
    echo
    echo "(cluster HTTP rows: server CPU = the client host process only; typed-client rows: not measured)"
    printf 'LOAD %s\n' "${loads[@]}"
    echo
    local r
    r="$(field ops_per_s <<<"$REDIS_GET")"
    echo "RATIO cluster_client_get_over_redis_get=$(ratio "$(field ops_per_s <<<"$client_get")" "$r") (target >= 1.50)"
    echo "RATIO cluster_near_client_get_over_redis_get=$(ratio "$(field ops_per_s <<<"$near_get")" "$r")"
    echo "RATIO cluster_http_get_over_redis_get=$(ratio "$(field ops_per_s <<<"$http_get")" "$r")"
}
