# Sourced by bench/run.sh (after modes/cluster.sh). Mode `txn`: bank transfers through POST /v1/txn on the embedded
# platform and on the 3-silo cluster, beside pgbench's tpcb-like bank transfer on the same throw-away PostgreSQL.
#
# Tunables (environment): TXN_CLIENTS (8: transfers in flight, and pgbench -c), TXN_ACCOUNTS (10), TXN_SHARDS (10),
# PGBENCH_SCALE (1: pgbench -i -s), PGBENCH_THREADS (2: pgbench -j), TXN_LARGE_ACCOUNTS (100000: the large bank on
# the embedded platform, 0 skips it), TXN_LARGE_SHARDS (64), TXN_LARGE_TIMEOUT (240 s for its opening and run).

TXN_CLIENTS="${TXN_CLIENTS:-8}"
TXN_ACCOUNTS="${TXN_ACCOUNTS:-10}"
TXN_SHARDS="${TXN_SHARDS:-10}"
PGBENCH_SCALE="${PGBENCH_SCALE:-1}"
PGBENCH_THREADS="${PGBENCH_THREADS:-2}"
TXN_LARGE_ACCOUNTS="${TXN_LARGE_ACCOUNTS:-100000}"
TXN_LARGE_SHARDS="${TXN_LARGE_SHARDS:-64}"
TXN_LARGE_TIMEOUT="${TXN_LARGE_TIMEOUT:-240}"

# cpu_ticks_with_children PID: CPU ticks of a process plus those of its children that have exited (PostgreSQL's
# backends are children of the postmaster and exit when pgbench disconnects).
cpu_ticks_with_children() { awk '{ print $14 + $15 + $16 + $17 }' "/proc/$1/stat" 2>/dev/null || echo 0; }

# pgbench_run: pgbench -i, then the tpcb-like run; sets PGBENCH_RESULT (a RESULT line; ops = transactions).
pgbench_run() {
    local pgbench="$PLATFORM_TEST_PG_BIN/pgbench" conn=(-h 127.0.0.1 -p "$PG_PORT" -U postgres)
    [ -x "$pgbench" ] || pgbench="$(command -v pgbench)"
    "$PLATFORM_TEST_PG_BIN/psql" -q "${conn[@]}" -d postgres -c "CREATE DATABASE pgbench;" >/dev/null
    log "pgbench -i -s $PGBENCH_SCALE ($(("$PGBENCH_SCALE" * 100000)) accounts, $PGBENCH_SCALE branch(es))"
    "$pgbench" "${conn[@]}" -i -q -s "$PGBENCH_SCALE" pgbench 2>&1 | tail -n 1
    log "pgbench -b tpcb-like -c $TXN_CLIENTS -j $PGBENCH_THREADS -T $DURATION (after ${WARMUP}s unmeasured)"
    "$pgbench" "${conn[@]}" -b tpcb-like -c "$TXN_CLIENTS" -j "$PGBENCH_THREADS" -T "$WARMUP" -n pgbench >/dev/null 2>&1
    local before driver out="$WORK/pgbench.out"
    mkdir -p "$WORK/pglog"
    before="$(cpu_ticks_with_children "$PLATFORM_PG_PID")"
    driver="$( { TIMEFORMAT='%U %S'; time "$pgbench" "${conn[@]}" -b tpcb-like -c "$TXN_CLIENTS" -j "$PGBENCH_THREADS" \
        -T "$DURATION" -n -l --log-prefix="$WORK/pglog/tx" pgbench >"$out" 2>&1; } 2>&1 )"
    sleep 1   # let the postmaster reap the backends, so their CPU is in its children's time
    local server_ticks=$(( $(cpu_ticks_with_children "$PLATFORM_PG_PID") - before ))
    cat "$out"
    # Per-transaction log: client_id transaction_no latency_us script_no epoch_s epoch_us
    cat "$WORK"/pglog/tx* | awk '{ print $3 }' | sort -n >"$WORK/pglat.txt"
    PGBENCH_RESULT="$(awk -v st="$server_ticks" -v hz="$CLK_TCK" -v dcpu="$driver" -v lat="$WORK/pglat.txt" '
        /^number of transactions actually processed/ { split($0, a, ": "); split(a[2], b, "/"); ops = b[1] }
        /^number of failed transactions/ { failed = $5 }
        /^tps = / { tps = $3 }
        END {
            n = 0
            while ((getline v < lat) > 0) { n++; l[n] = v }
            p50 = n ? l[int((n - 1) * 0.50) + 1] / 1000 : 0
            p99 = n ? l[int((n - 1) * 0.99) + 1] / 1000 : 0
            split(dcpu, d, " ")
            printf "RESULT target=pgbench op=tpcb-like ops=%d ops_per_s=%s p50_ms=%.3f p99_ms=%.3f errors=%d conflicts=0 driver_cpu_us_per_op=%.1f server_cpu_us_per_op=%.1f\n",
                ops, tps, p50, p99, failed + 0, (d[1] + d[2]) * 1e6 / ops, st * 1e6 / hz / ops
        }' "$out")"
    echo "$PGBENCH_RESULT"
}

# txn_driver URL PIDS...: Platform.Bench txn-http with TXN_ACCOUNTS on TXN_SHARDS (within TXN_TIMEOUT seconds when
# set); sets LAST_RESULT (empty when the driver gave none).
txn_driver() {
    local url="$1" out="$WORK/txn.out"
    shift
    timeout "${TXN_TIMEOUT:-0}" dotnet "$BIN_BENCH" txn-http --url "$url" --concurrency "$TXN_CLIENTS" --accounts "$TXN_ACCOUNTS" \
        --shards "$TXN_SHARDS" --duration "$DURATION" --warmup "$WARMUP" --server-pid "$@" | tee "$out" || true
    LAST_RESULT="$(grep '^RESULT ' "$out" | tail -n 1)"
    [ -n "$LAST_RESULT" ] || { echo "txn-http gave no RESULT line" >&2; return 1; }
}

txn_row() {
    local label="$1" line="$2"
    printf '| %s | %s | %s | %s | %s | %s | %s | %s |\n' "$label" \
        "$(field ops_per_s <<<"$line" | awk '{ printf "%.0f", $1 }')" \
        "$(field p50_ms <<<"$line")" "$(field p99_ms <<<"$line")" \
        "$(field conflicts <<<"$line")" "$(( $(field errors <<<"$line") - $(field conflicts <<<"$line") ))" \
        "$(field server_cpu_us_per_op <<<"$line")" "$(field driver_cpu_us_per_op <<<"$line")"
}

mode_txn() {
    build_cluster
    machine_info
    start_services

    # pgbench first, while nothing else of ours runs.
    pgbench_run

    start_embedded_platform
    log "txn-http on the embedded platform (c=$TXN_CLIENTS, $TXN_ACCOUNTS accounts, memory storage)"
    txn_driver "$HOST_URL" "$HOST_PID"
    local embedded="$LAST_RESULT" large="" large_note=""
    if [ "$TXN_LARGE_ACCOUNTS" -gt 0 ]; then
        # The same transfers on a bank whose shards each hold ~TXN_LARGE_ACCOUNTS/TXN_LARGE_SHARDS keys: a transfer's
        # cost should depend on the keys it touches, not on how many keys its shards hold.
        log "txn-http on the embedded platform, $TXN_LARGE_ACCOUNTS accounts in $TXN_LARGE_SHARDS shards (opening and run within ${TXN_LARGE_TIMEOUT}s)"
        local started=$SECONDS
        TXN_ACCOUNTS="$TXN_LARGE_ACCOUNTS" TXN_SHARDS="$TXN_LARGE_SHARDS" TXN_TIMEOUT="$TXN_LARGE_TIMEOUT" txn_driver "$HOST_URL" "$HOST_PID" || true
        large="$LAST_RESULT"
        [ -n "$large" ] || large_note="did not finish opening and running within ${TXN_LARGE_TIMEOUT}s ($((SECONDS - started))s)"
    fi
    log "stopping the embedded platform"
    stop_pid "$HOST_PID"

    start_cluster
    log "txn-http on the $SILOS-silo cluster (c=$TXN_CLIENTS, $TXN_ACCOUNTS accounts, Azure Table transactional storage)"
    txn_driver "$CLUSTER_URL" "${CLUSTER_PIDS[@]}" "$PLATFORM_AZURITE_PID"
    local cluster="$LAST_RESULT"
    stop_cluster

    log "results (${DURATION}s each after ${WARMUP}s warm-up; load now: $(cut -d' ' -f1-3 /proc/loadavg))"
    echo "| what | transfers/s | p50 ms | p99 ms | 409 | other errors | server CPU us/transfer | driver CPU us/transfer |"
    echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
    txn_row "Platform embedded, POST /v1/txn (c=$TXN_CLIENTS, $TXN_ACCOUNTS accounts)" "$embedded"
    [ -z "$large" ] || txn_row "Platform embedded, POST /v1/txn (c=$TXN_CLIENTS, $TXN_LARGE_ACCOUNTS accounts, $TXN_LARGE_SHARDS shards)" "$large"
    [ -z "$large_note" ] || echo "| Platform embedded, $TXN_LARGE_ACCOUNTS accounts, $TXN_LARGE_SHARDS shards | $large_note | | | | | | |"
    txn_row "Platform $SILOS-silo cluster, POST /v1/txn (c=$TXN_CLIENTS, $TXN_ACCOUNTS accounts)" "$cluster"
    txn_row "pgbench tpcb-like (c=$TXN_CLIENTS, -j $PGBENCH_THREADS, scale $PGBENCH_SCALE)" "$PGBENCH_RESULT"
    echo
    echo "(server CPU: embedded = the host; cluster = 3 silos + client host + Azurite; pgbench = postmaster + backends)"
    echo "CHECK embedded_total_ok=$(field total_ok <<<"$embedded") cluster_total_ok=$(field total_ok <<<"$cluster")"
    local pg
    pg="$(field ops_per_s <<<"$PGBENCH_RESULT")"
    echo "RATIO embedded_over_pgbench=$(ratio "$(field ops_per_s <<<"$embedded")" "$pg")"
    echo "RATIO cluster_over_pgbench=$(ratio "$(field ops_per_s <<<"$cluster")" "$pg")"
    echo "RATIO cluster_over_embedded=$(ratio "$(field ops_per_s <<<"$cluster")" "$(field ops_per_s <<<"$embedded")")"
    if [ "$TXN_LARGE_ACCOUNTS" -gt 0 ]; then
        # No result (it did not finish in time) is a ratio of 0: the goal is within 20% (>= 0.80).
        echo "RATIO large_over_small=$(ratio "$(field ops_per_s <<<"$large" || true)" "$(field ops_per_s <<<"$embedded")" | sed 's/^$/0.00/')"
    fi
}
