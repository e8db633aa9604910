# Sourced by bench/run.sh (after modes/cluster.sh). Mode `sagas`: 3-step HTTP sagas (each step a POST to a Kestrel
# stub in the driver process that answers at once) on the embedded platform and on the 3-silo cluster: completed
# sagas/s, the saga's end-to-end latency, and the platform's overhead per step (step latency from the instance's
# history minus the stub's latency to a direct caller), also one saga at a time (c=1) for the overhead without queueing.
#
# Tunables (environment): SAGA_CLIENTS (64: sagas in flight), SAGA_CLUSTER=0 (embedded only), SAGA_CLUSTER_WARMUP
# (15 s: the cluster's first sagas JIT three silos and open the storage connections).

SAGA_CLIENTS="${SAGA_CLIENTS:-64}"
SAGA_CLUSTER_WARMUP="${SAGA_CLUSTER_WARMUP:-15}"
SAGA_CLUSTER="${SAGA_CLUSTER:-1}"

# sagas_driver URL WARMUP_S PIDS...: Platform.Bench sagas-http; sets LAST_RESULT.
sagas_driver() {
    local url="$1" warmup="$2" out="$WORK/sagas.out"
    shift 2
    dotnet "$BIN_BENCH" sagas-http --url "$url" --concurrency "$SAGA_CLIENTS" \
        --duration "$DURATION" --warmup "$warmup" --server-pid "$@" | tee "$out" || true
    LAST_RESULT="$(grep '^RESULT ' "$out" | tail -n 1)"
    [ -n "$LAST_RESULT" ] || { echo "sagas-http gave no RESULT line" >&2; return 1; }
}

saga_row() {
    local label="$1" line="$2"
    printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$label" \
        "$(field ops_per_s <<<"$line")" "$(field steps_per_s <<<"$line")" \
        "$(field p50_ms <<<"$line")" "$(field p99_ms <<<"$line")" \
        "$(field step_p50_ms <<<"$line")" "$(field step_p99_ms <<<"$line")" \
        "$(field overhead_p50_ms <<<"$line")" "$(field overhead_p99_ms <<<"$line")" \
        "$(field errors <<<"$line")"
}

mode_sagas() {
    local load_start
    load_start="$(cut -d' ' -f1-3 /proc/loadavg)"
    if [ "$SAGA_CLUSTER" = 1 ]; then build_cluster; else build; fi
    machine_info
    echo "load average at start: $load_start"

    start_embedded_platform
    log "sagas-http on the embedded platform (c=$SAGA_CLIENTS, memory storage)"
    sagas_driver "$HOST_URL" "$WARMUP" "$HOST_PID"
    local embedded="$LAST_RESULT" cluster=""
    # One saga at a time: the step overhead without queueing behind 63 others.
    log "sagas-http on the embedded platform, one at a time (c=1)"
    SAGA_CLIENTS=1 sagas_driver "$HOST_URL" 2 "$HOST_PID"
    local single="$LAST_RESULT"
    log "stopping the embedded platform"
    stop_pid "$HOST_PID"

    if [ "$SAGA_CLUSTER" = 1 ]; then
        start_services
        start_cluster
        log "sagas-http on the $SILOS-silo cluster (c=$SAGA_CLIENTS, Azure Table saga state, PostgreSQL reminders)"
        sagas_driver "$CLUSTER_URL" "$SAGA_CLUSTER_WARMUP" "${CLUSTER_PIDS[@]}" "$PLATFORM_AZURITE_PID"
        cluster="$LAST_RESULT"
        stop_cluster
    fi

    log "results (${DURATION}s each after ${WARMUP}s warm-up, cluster ${SAGA_CLUSTER_WARMUP}s; load at start: $load_start; load now: $(cut -d' ' -f1-3 /proc/loadavg))"
    echo "| what | sagas/s | steps/s | saga p50 ms | saga p99 ms | step p50 ms | step p99 ms | overhead p50 ms | overhead p99 ms | not completed |"
    echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
    saga_row "Platform embedded (c=$SAGA_CLIENTS)" "$embedded"
    saga_row "Platform embedded (c=1)" "$single"
    [ -n "$cluster" ] && saga_row "Platform $SILOS-silo cluster (c=$SAGA_CLIENTS)" "$cluster"
    echo
    echo "(stub direct call: p50 $(field stub_p50_ms <<<"$embedded") ms, p99 $(field stub_p99_ms <<<"$embedded") ms; server CPU us/saga: embedded $(field server_cpu_us_per_op <<<"$embedded")${cluster:+, cluster $(field server_cpu_us_per_op <<<"$cluster")})"
    echo "RATIO embedded_sagas_per_s_over_goal=$(ratio "$(field ops_per_s <<<"$embedded")" 500) (goal >= 1.00: 500 sagas/s)"
    echo "RATIO embedded_overhead_p50_over_goal=$(ratio "$(field overhead_p50_ms <<<"$embedded")" 2) (goal <= 1.00: 2 ms; c=$SAGA_CLIENTS)"
    echo "RATIO embedded_c1_overhead_p50_over_goal=$(ratio "$(field overhead_p50_ms <<<"$single")" 2) (goal <= 1.00: 2 ms; one saga at a time)"
    [ -n "$cluster" ] && echo "RATIO cluster_over_embedded=$(ratio "$(field ops_per_s <<<"$cluster")" "$(field ops_per_s <<<"$embedded")")"
    return 0
}
