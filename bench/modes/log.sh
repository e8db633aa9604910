# shellcheck shell=bash
# bench/run.sh log — sourced by bench/run.sh, uses its helpers (and cluster.sh's for the 3-silo lines).
#
#   bench/run.sh log   event log produce (single records and batches of LOG_BATCH, VALUE_SIZE-byte values, c=CONCURRENCY)
#                      and end-to-end latency (one producer, one group consumer, one partition: produce → seen,
#                      p50/p99) on the embedded platform over HTTP and the typed client, beside redis streams
#                      (XADD pipelined per batch / XREADGROUP BLOCK) and NATS JetStream with file storage
#                      (publish acks / durable pull consumer), same run; LOG_CLUSTER=1 adds the HTTP lines on the
#                      3-silo AdoNet + AzureTable cluster.
#
# Tunables: LOG_DURATION (s per line, 8), LOG_WARMUP (s, 3), LOG_BATCH (100), LOG_PARTITIONS (8), LOG_CLUSTER (1),
# CONCURRENCY, VALUE_SIZE, NO_BUILD=1, BIN_HOST=..., BIN_SILO=...

LOG_DURATION="${LOG_DURATION:-8}"
LOG_WARMUP="${LOG_WARMUP:-3}"
LOG_BATCH="${LOG_BATCH:-100}"
LOG_PARTITIONS="${LOG_PARTITIONS:-8}"
LOG_CLUSTER="${LOG_CLUSTER:-1}"

ensure_nats() {
    if ! command -v nats-server >/dev/null; then
        log "installing nats-server"
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nats-server >"$WORK/nats-install.log" 2>&1 \
            || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nats-server >"$WORK/nats-install.log" 2>&1; }
    fi
}

# Sets NATS_URL, NATS_PID. JetStream with file storage in $WORK/nats (on disk, fsync as nats-server defaults).
start_nats() {
    local port
    port="$(free_port)"
    NATS_URL="nats://127.0.0.1:$port"
    mkdir -p "$WORK/nats"
    log "nats-server $(nats-server --version | awk '{ print $NF }') -js (file storage $WORK/nats) on $NATS_URL"
    nats-server -a 127.0.0.1 -p "$port" -js -sd "$WORK/nats" >"$WORK/nats.log" 2>&1 &
    NATS_PID=$!
    PIDS+=("$NATS_PID")
    for _ in $(seq 1 40); do
        (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && { echo "ready (pid $NATS_PID)"; return 0; }
        sleep 0.25
    done
    echo "nats-server did not listen; its log:" >&2
    tail -n 20 "$WORK/nats.log" >&2
    return 1
}

# log_driver ARGS...: Platform.Bench log with this mode's shape; RESULT line in LAST_RESULT.
log_driver() {
    local out="$WORK/log-driver.out"
    dotnet "$BIN_BENCH" log "$@" --concurrency "$CONCURRENCY" --value-size "$VALUE_SIZE" --keys "$KEYS" \
        --duration "$LOG_DURATION" --warmup "$LOG_WARMUP" ${SERVER_PID:+--server-pid "$SERVER_PID"} | tee "$out" || true
    LAST_RESULT="$(grep '^RESULT ' "$out" | tail -n 1 || true)"
    [ -n "$LAST_RESULT" ] || LAST_RESULT="RESULT target=failed ops_per_s=0"
}

# log_row LABEL BATCH RESULT: a table row with records/s (requests/s x batch).
log_row() {
    local label="$1" batch="$2" line="$3"
    printf '| %s | %s | %s | %s | %s | %s | %s |\n' "$label" \
        "$(field ops_per_s <<<"$line" | awk -v b="$batch" '{ printf "%.0f", $1 * b }')" \
        "$(field p50_ms <<<"$line")" "$(field p99_ms <<<"$line")" "$(field errors <<<"$line")" \
        "$(field server_cpu_us_per_op <<<"$line" | awk -v b="$batch" '$1 == "na" { print "na"; next } { printf "%.1f", $1 / b }')" \
        "$(field driver_cpu_us_per_op <<<"$line" | awk -v b="$batch" '{ printf "%.1f", $1 / b }')"
}

records_per_s() { field ops_per_s <<<"$1" | awk -v b="$2" '{ printf "%.1f", $1 * b }'; }

mode_log() {
    ensure_packages
    ensure_nats
    if [ "$LOG_CLUSTER" = 1 ]; then build_cluster; else build; fi
    machine_info
    start_embedded_platform
    start_redis
    start_nats

    local -A R
    log "warm-up: platform HTTP produce, unmeasured"
    dotnet "$BIN_BENCH" log --target http --url "$HOST_URL" --topic warm --concurrency "$CONCURRENCY" --duration "$LOG_WARMUP" --warmup 0 | grep '^RESULT'

    local b
    for b in 1 "$LOG_BATCH"; do
        SERVER_PID="$HOST_PID"
        log "platform HTTP produce, batch $b, c=$CONCURRENCY ($LOG_PARTITIONS partitions)"
        log_driver --target http --url "$HOST_URL" --topic "bench-http-$b" --partitions "$LOG_PARTITIONS" --batch "$b"
        R[http_$b]="$LAST_RESULT"
        log "platform typed client produce, batch $b, c=$CONCURRENCY"
        log_driver --target client --gateway "127.0.0.1:$GATEWAY_PORT" --topic "bench-client-$b" --partitions "$LOG_PARTITIONS" --batch "$b"
        R[client_$b]="$LAST_RESULT"
        SERVER_PID="$REDIS_PID"
        log "redis streams XADD, batch $b pipelined, c=$CONCURRENCY"
        log_driver --target redis --redis "127.0.0.1:$REDIS_PORT" --topic "bench-redis-$b" --batch "$b"
        R[redis_$b]="$LAST_RESULT"
        SERVER_PID="$NATS_PID"
        log "NATS JetStream publish (file storage), batch $b in flight, c=$CONCURRENCY"
        log_driver --target nats --nats "$NATS_URL" --topic "bench-nats-$b" --batch "$b"
        R[nats_$b]="$LAST_RESULT"
    done

    SERVER_PID=""
    log "end to end: produce -> group consumer sees it (1 producer, 1 consumer, 1 partition)"
    log_driver --e2e --target http --url "$HOST_URL" --topic bench-e2e-http
    R[e2e_http]="$LAST_RESULT"
    log_driver --e2e --target client --gateway "127.0.0.1:$GATEWAY_PORT" --topic bench-e2e-client
    R[e2e_client]="$LAST_RESULT"
    log_driver --e2e --target redis --redis "127.0.0.1:$REDIS_PORT" --topic bench-e2e-redis
    R[e2e_redis]="$LAST_RESULT"
    log_driver --e2e --target nats --nats "$NATS_URL" --topic bench-e2e-nats
    R[e2e_nats]="$LAST_RESULT"

    if [ "$LOG_CLUSTER" = 1 ]; then
        stop_pid "$HOST_PID"
        start_services
        start_cluster
        SERVER_PID="$CLUSTER_HOST_PID"
        for b in 1 "$LOG_BATCH"; do
            log "3-silo cluster: HTTP produce, batch $b, c=$CONCURRENCY"
            log_driver --target http --url "$CLUSTER_URL" --topic "bench-cluster-$b" --partitions "$LOG_PARTITIONS" --batch "$b"
            R[cluster_$b]="$LAST_RESULT"
        done
        SERVER_PID=""
        log_driver --e2e --target http --url "$CLUSTER_URL" --topic bench-e2e-cluster
        R[e2e_cluster]="$LAST_RESULT"
        stop_cluster
    fi

    log "results (value $VALUE_SIZE B, c=$CONCURRENCY, ${LOG_DURATION}s each; load now: $(cut -d' ' -f1-3 /proc/loadavg))"
    echo "| what | records/s | p50 ms | p99 ms | errors | server CPU us/record | driver CPU us/record |"
    echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
    for b in 1 "$LOG_BATCH"; do
        log_row "embedded platform: HTTP produce, batch $b" "$b" "${R[http_$b]}"
        log_row "embedded platform: typed client produce, batch $b" "$b" "${R[client_$b]}"
        [ "$LOG_CLUSTER" = 1 ] && log_row "3-silo cluster (Azure Table): HTTP produce, batch $b" "$b" "${R[cluster_$b]}"
        log_row "redis streams XADD, batch $b" "$b" "${R[redis_$b]}"
        log_row "NATS JetStream (file), batch $b" "$b" "${R[nats_$b]}"
    done
    echo
    echo "| end to end (produce -> group consumer sees it) | records/s | p50 ms | p99 ms | errors |"
    echo "| --- | ---: | ---: | ---: | ---: |"
    local t
    for t in http client cluster redis nats; do
        [ -n "${R[e2e_$t]:-}" ] || continue
        printf '| %s | %s | %s | %s | %s |\n' "$t" "$(records_per_s "${R[e2e_$t]}" 1)" "$(field p50_ms <<<"${R[e2e_$t]}")" "$(field p99_ms <<<"${R[e2e_$t]}")" "$(field errors <<<"${R[e2e_$t]}")"
    done
    echo
    for b in 1 "$LOG_BATCH"; do
        echo "RATIO b$b http_over_redis_xadd=$(ratio "$(records_per_s "${R[http_$b]}" "$b")" "$(records_per_s "${R[redis_$b]}" "$b")") client_over_redis_xadd=$(ratio "$(records_per_s "${R[client_$b]}" "$b")" "$(records_per_s "${R[redis_$b]}" "$b")") (goal >= 1.00)"
        echo "RATIO b$b http_over_jetstream=$(ratio "$(records_per_s "${R[http_$b]}" "$b")" "$(records_per_s "${R[nats_$b]}" "$b")") client_over_jetstream=$(ratio "$(records_per_s "${R[client_$b]}" "$b")" "$(records_per_s "${R[nats_$b]}" "$b")")${R[cluster_$b]:+ cluster_http_over_jetstream=$(ratio "$(records_per_s "${R[cluster_$b]}" "$b")" "$(records_per_s "${R[nats_$b]}" "$b")") (goal >= 1.00)}"
    done
    echo "RATIO e2e_p99_ms embedded_http=$(field p99_ms <<<"${R[e2e_http]}") embedded_client=$(field p99_ms <<<"${R[e2e_client]}") (goal <= 10)"
}
