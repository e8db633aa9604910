# shellcheck shell=bash
# bench/run.sh locks — sourced by bench/run.sh, uses its helpers (free_port, start_embedded_platform, start_redis,
# build, machine_info, field, ratio, cpu_ticks, us_per_op, PIDS, WORK).
#
#   bench/run.sh locks     lock acquire+release pairs (each client its own lock; c=1 and c=$LOCKS_CONCURRENCY),
#                          contended hand-overs (all clients on one lock), PUT with/without Platform-Fence;
#                          against the embedded platform (HTTP), redis (SET NX PX + Lua compare-and-delete, raw RESP)
#                          and etcd (v3lock over its JSON gateway, and `etcdctl lock name true` loops), same run.
#
# Tunables: LOCKS_DURATION (s per line, 8), LOCKS_WARMUP (s, 2), LOCKS_CONCURRENCY (16), LOCKS_WAIT_MS (5000),
# LOCKS_LEASE_MS (10000), ETCDCTL_SECONDS (10), ETCD_DATA_PARENT (/dev/shm: etcd's WAL on tmpfs, like the in-memory
# platform and redis without persistence; set it to a disk path for durable etcd), NO_BUILD=1, BIN_HOST=...

LOCKS_DURATION="${LOCKS_DURATION:-8}"
LOCKS_WARMUP="${LOCKS_WARMUP:-2}"
LOCKS_CONCURRENCY="${LOCKS_CONCURRENCY:-16}"
LOCKS_WAIT_MS="${LOCKS_WAIT_MS:-5000}"
LOCKS_LEASE_MS="${LOCKS_LEASE_MS:-10000}"
ETCDCTL_SECONDS="${ETCDCTL_SECONDS:-10}"
ETCD_DATA_PARENT="${ETCD_DATA_PARENT:-/dev/shm}"

# Installs etcd from Debian's packages if it is missing; ETCD_AVAILABLE=1 when etcd and etcdctl are there.
ensure_etcd() {
    ETCD_AVAILABLE=0
    if ! command -v etcd >/dev/null || ! command -v etcdctl >/dev/null; then
        log "installing etcd-server etcd-client"
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq etcd-server etcd-client >"$WORK/etcd-install.log" 2>&1 \
            || { echo "etcd did not install:"; tail -n 5 "$WORK/etcd-install.log"; }
    fi
    if command -v etcd >/dev/null && command -v etcdctl >/dev/null; then
        ETCD_AVAILABLE=1
    fi
}

# Sets ETCD_URL, ETCD_PID; single member on loopback, data in a temp dir under ETCD_DATA_PARENT.
start_etcd() {
    local client_port peer_port data
    client_port="$(free_port)"
    peer_port="$(free_port)"
    [ -d "$ETCD_DATA_PARENT" ] && [ -w "$ETCD_DATA_PARENT" ] || ETCD_DATA_PARENT="$WORK"
    data="$(mktemp -d "$ETCD_DATA_PARENT/platform-bench-etcd.XXXXXX")"
    ETCD_DATA="$data"
    # The data dir may be outside $WORK (tmpfs): remove it after run.sh's cleanup has stopped etcd.
    trap 'cleanup; rm -rf "$ETCD_DATA"' EXIT
    ETCD_URL="http://127.0.0.1:$client_port"
    log "etcd $(etcd --version | awk '/etcd Version/ { print $3 }') on $ETCD_URL (peer $peer_port, data $data)"
    etcd --name bench --data-dir "$data" \
        --listen-client-urls "$ETCD_URL" --advertise-client-urls "$ETCD_URL" \
        --listen-peer-urls "http://127.0.0.1:$peer_port" --initial-advertise-peer-urls "http://127.0.0.1:$peer_port" \
        --initial-cluster "bench=http://127.0.0.1:$peer_port" >"$WORK/etcd.log" 2>&1 &
    ETCD_PID=$!
    PIDS+=("$ETCD_PID")
    for _ in $(seq 1 60); do
        if ETCDCTL_API=3 etcdctl --endpoints "$ETCD_URL" endpoint health >/dev/null 2>&1; then
            echo "ready (pid $ETCD_PID)"
            return 0
        fi
        kill -0 "$ETCD_PID" 2>/dev/null || break
        sleep 0.5
    done
    echo "etcd did not become healthy; its log:" >&2
    tail -n 20 "$WORK/etcd.log" >&2 || true
    return 1
}

# locks_driver ARGS...: Platform.Bench locks with this mode's duration/warm-up; RESULT line in LAST_RESULT.
locks_driver() {
    local out="$WORK/locks-driver.out"
    dotnet "$BIN_BENCH" locks "$@" --duration "$LOCKS_DURATION" --warmup "$LOCKS_WARMUP" --lease-ms "$LOCKS_LEASE_MS" \
        | tee "$out" || true
    LAST_RESULT="$(grep '^RESULT ' "$out" | tail -n 1 || true)"
    [ -n "$LAST_RESULT" ] || LAST_RESULT="RESULT target=failed ops_per_s=0"
}

# etcdctl_lock_loop N SECONDS: N shells, each looping `etcdctl lock bench-etcdctl true` (acquire, run `true`,
# release, exit) on ONE lock for SECONDS; sets LAST_RESULT (ops/s, p50/p99 of one invocation, etcd CPU per op).
etcdctl_lock_loop() {
    local n="$1" secs="$2" dir="$WORK/etcdctl" pids=() i
    mkdir -p "$dir"
    rm -f "$dir"/*
    local before end
    before="$(cpu_ticks "$ETCD_PID")"
    end=$(( $(date +%s) + secs ))
    for i in $(seq 1 "$n"); do
        (
            # Stopped by run.sh's cleanup (TERM): pass it to the running `timeout`, which sends TERM to etcdctl and
            # KILL one second later (etcdctl lock catches TERM to unlock, which hangs once etcd is gone). `timeout`
            # also bounds every invocation to 20 s.
            child=0
            trap 'kill -TERM "$child" 2>/dev/null; exit 143' TERM
            while :; do
                t0=$EPOCHREALTIME
                [ "${t0%.*}" -ge "$end" ] && break
                ETCDCTL_API=3 timeout -k 1 20 etcdctl --endpoints "$ETCD_URL" lock bench-etcdctl true >/dev/null 2>>"$dir/err.$i" &
                child=$!
                if wait "$child"; then
                    echo "$t0 $EPOCHREALTIME" >>"$dir/lat.$i"
                else
                    echo "$t0 failed" >>"$dir/failed.$i"
                fi
            done
        ) &
        pids+=("$!")
        PIDS+=("$!")
    done
    wait "${pids[@]}" || true
    local server_ticks=$(( $(cpu_ticks "$ETCD_PID") - before ))
    find "$dir" -name 'lat.*' -exec cat {} + | awk -v end="$end" '$2 <= end { printf "%.3f\n", ($2 - $1) * 1000 }' | sort -n >"$dir/sorted"
    local ops errors
    ops="$(wc -l <"$dir/sorted")"
    errors="$(find "$dir" -name 'failed.*' -exec cat {} + | wc -l)"
    LAST_RESULT="$(awk -v ops="$ops" -v secs="$secs" -v n="$n" -v errors="$errors" -v cpu="$(us_per_op "$server_ticks" "$ops")" '
        { v[NR] = $1 }
        END {
            p50 = NR ? v[int((NR - 1) * 0.50) + 1] : 0; p99 = NR ? v[int((NR - 1) * 0.99) + 1] : 0
            printf "RESULT target=etcdctl scenario=contended concurrency=%d duration_s=%d ops=%d errors=%d ops_per_s=%.1f p50_ms=%s p99_ms=%s retries_per_s=0 driver_cpu_us_per_op=na server_cpu_us_per_op=%s\n",
                n, secs, ops, errors, ops / secs, p50, p99, cpu
        }' "$dir/sorted")"
    echo "$LAST_RESULT"
    if [ "$errors" -ne 0 ]; then echo "first etcdctl errors:"; find "$dir" -name 'err.*' -exec cat {} + | head -n 3 || true; fi
}

# locks_cell FIELD RESULT_LINE: the field's value, or "-" when the line has no such step.
locks_cell() {
    local v
    v="$(field "$1" <<<"$2")"
    if [ -z "$v" ] || [ "$v" = 0.000 ]; then v=-; fi
    echo "$v"
}

# locks_row LABEL RESULT_LINE: one Markdown table row.
locks_row() {
    local label="$1" line="$2"
    printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$label" \
        "$(field ops_per_s <<<"$line" | awk '{ printf "%.0f", $1 }')" \
        "$(field p50_ms <<<"$line")" "$(field p99_ms <<<"$line")" \
        "$(locks_cell acquire_p99_ms "$line")" "$(locks_cell release_p99_ms "$line")" \
        "$(field retries_per_s <<<"$line" | awk '{ printf "%.0f", $1 }')" "$(field errors <<<"$line")" \
        "$(field server_cpu_us_per_op <<<"$line")" "$(field driver_cpu_us_per_op <<<"$line")"
}

mode_locks() {
    ensure_packages
    ensure_etcd
    build
    machine_info
    start_embedded_platform
    start_redis
    local etcd_ok=0
    if [ "$ETCD_AVAILABLE" = 1 ] && start_etcd; then
        etcd_ok=1
    else
        echo "etcd is not available: its lines are skipped"
    fi
    local c="$LOCKS_CONCURRENCY" redis="127.0.0.1:$REDIS_PORT"

    # A fresh host JITs the lock path on its first requests; warm it up, unmeasured.
    log "warm-up: Platform acquire+release and hand-overs, unmeasured"
    dotnet "$BIN_BENCH" locks --url "$HOST_URL" --scenario uncontended -c "$c" --duration 8 --warmup 0 | grep '^RESULT' || true
    dotnet "$BIN_BENCH" locks --url "$HOST_URL" --scenario contended -c "$c" --duration 2 --warmup 0 | grep '^RESULT' || true

    declare -A R
    local n
    # c=$c first: a single client in flight is the line most hurt by code that is not yet tier-1 JIT-compiled.
    for n in "$c" 1; do
        log "uncontended acquire+release, c=$n: platform (HTTP)"
        locks_driver --target platform --url "$HOST_URL" --scenario uncontended -c "$n" --server-pid "$HOST_PID"
        R[pu$n]="$LAST_RESULT"
        log "uncontended acquire+release, c=$n: redis (SET NX PX + EVALSHA compare-and-delete)"
        locks_driver --target redis --redis "$redis" --scenario uncontended -c "$n" --server-pid "$REDIS_PID"
        R[ru$n]="$LAST_RESULT"
        if [ "$etcd_ok" = 1 ]; then
            log "uncontended acquire+release, c=$n: etcd (v3lock over the JSON gateway)"
            locks_driver --target etcd --url "$ETCD_URL" --scenario uncontended -c "$n" --server-pid "$ETCD_PID"
            R[eu$n]="$LAST_RESULT"
        fi
    done

    log "contended hand-overs, c=$c on one lock: platform (HTTP, waitMs $LOCKS_WAIT_MS)"
    locks_driver --target platform --url "$HOST_URL" --scenario contended -c "$c" --wait-ms "$LOCKS_WAIT_MS" --server-pid "$HOST_PID"
    R[pc]="$LAST_RESULT"
    log "contended hand-overs, c=$c on one lock: redis (no queue: a refused SET NX is retried at once)"
    locks_driver --target redis --redis "$redis" --scenario contended -c "$c" --server-pid "$REDIS_PID"
    R[rc]="$LAST_RESULT"
    if [ "$etcd_ok" = 1 ]; then
        log "contended hand-overs, c=$c on one lock: etcd (v3lock over the JSON gateway)"
        locks_driver --target etcd --url "$ETCD_URL" --scenario contended -c "$c" --server-pid "$ETCD_PID"
        R[ec]="$LAST_RESULT"
        log "contended hand-overs: $c shells looping 'etcdctl lock bench-etcdctl true' for ${ETCDCTL_SECONDS}s"
        etcdctl_lock_loop "$c" "$ETCDCTL_SECONDS"
        R[xc]="$LAST_RESULT"
    fi

    log "PUT without / with Platform-Fence, c=$c"
    locks_driver --target platform --url "$HOST_URL" --scenario put -c "$c" --server-pid "$HOST_PID"
    R[put]="$LAST_RESULT"
    locks_driver --target platform --url "$HOST_URL" --scenario fencedput -c "$c" --server-pid "$HOST_PID"
    R[fput]="$LAST_RESULT"

    log "results (${LOCKS_DURATION}s per line, lease ${LOCKS_LEASE_MS} ms; load now: $(cut -d' ' -f1-3 /proc/loadavg))"
    echo "| what | ops/s | p50 ms | p99 ms | acquire p99 ms | release p99 ms | refused/s | errors | server CPU us/op | driver CPU us/op |"
    echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
    for n in 1 "$c"; do
        locks_row "uncontended pairs, Platform HTTP, c=$n" "${R[pu$n]}"
        locks_row "uncontended pairs, redis, c=$n" "${R[ru$n]}"
        if [ "$etcd_ok" = 1 ]; then locks_row "uncontended pairs, etcd gateway, c=$n" "${R[eu$n]}"; fi
    done
    locks_row "contended hand-overs, Platform HTTP, c=$c" "${R[pc]}"
    locks_row "contended hand-overs, redis (spin), c=$c" "${R[rc]}"
    if [ "$etcd_ok" = 1 ]; then
        locks_row "contended hand-overs, etcd gateway, c=$c" "${R[ec]}"
        locks_row "contended hand-overs, etcdctl lock x$c shells" "${R[xc]}"
    fi
    locks_row "PUT /v1/kv, no fence, c=$c" "${R[put]}"
    locks_row "PUT /v1/kv, Platform-Fence, c=$c" "${R[fput]}"
    echo
    echo "TOKENS platform contended: grants_checked=$(field grants_checked <<<"${R[pc]}") token_violations=$(field token_violations <<<"${R[pc]}") (strictly increasing in grant order when 0) token_gaps=$(field token_gaps <<<"${R[pc]}")"
    local p
    for n in 1 "$c"; do
        p="$(field ops_per_s <<<"${R[pu$n]}")"
        echo "RATIO uncontended_c${n}_platform_over_redis=$(ratio "$p" "$(field ops_per_s <<<"${R[ru$n]}")")"
        if [ "$etcd_ok" = 1 ]; then echo "RATIO uncontended_c${n}_platform_over_etcd=$(ratio "$p" "$(field ops_per_s <<<"${R[eu$n]}")")"; fi
    done
    p="$(field ops_per_s <<<"${R[pc]}")"
    echo "RATIO contended_platform_over_redis=$(ratio "$p" "$(field ops_per_s <<<"${R[rc]}")")"
    if [ "$etcd_ok" = 1 ]; then
        echo "RATIO contended_platform_over_etcd_gateway=$(ratio "$p" "$(field ops_per_s <<<"${R[ec]}")")"
        echo "RATIO contended_platform_over_etcdctl=$(ratio "$p" "$(field ops_per_s <<<"${R[xc]}")")"
    fi
    echo "RATIO fenced_put_over_put=$(ratio "$(field ops_per_s <<<"${R[fput]}")" "$(field ops_per_s <<<"${R[put]}")")"
    return 0
}
