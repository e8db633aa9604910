# shellcheck shell=bash
# bench/run.sh replication — sourced by bench/run.sh (uses its helpers and those of modes/cluster.sh and modes/locks.sh).
#
#   bench/run.sh replication   PUT and GET through HTTP and the typed client at REPL_CONCURRENCY clients on a
#                              $SILOS-silo cluster (PostgreSQL membership, CLUSTER_STORAGE grain storage, Memory by
#                              default): a plain namespace (N=1), and N=3 replicated namespaces with ack majority,
#                              all, one and leader; leaderless N=3 namespaces: quorum W=2,R=2 and W=1,R=1 and
#                              multi-leader lww (with the read-repair and hint counts of their shard maps); beside a
#                              3-member etcd cluster on loopback (put, linearizable get) and redis (GET/SET at the same
#                              concurrency) in the same run; then the failover time: SIGKILL of a shard leader's silo
#                              to the first acknowledged write on that shard.
#
# Tunables: REPL_CONCURRENCY (16), REPL_KEYS (1000), REPL_SHARDS (4), REPL_ACKS ("majority all one leader"), REPL_FAILOVERS (3),
# REPL_LEADERLESS ("w2r2 w1r1 lww": which leaderless lines run; empty for none),
# ETCD_MEMBERS (3), ETCD_DATA_PARENT (/dev/shm, as in `locks`), DURATION, WARMUP, KEYS, VALUE_SIZE.

REPL_CONCURRENCY="${REPL_CONCURRENCY:-16}"
# Fewer keys than the kv modes: each GET line first writes every key once (preload), on every namespace and on etcd.
REPL_KEYS="${REPL_KEYS:-1000}"
REPL_SHARDS="${REPL_SHARDS:-4}"
REPL_ACKS="${REPL_ACKS:-majority all one leader}"
REPL_FAILOVERS="${REPL_FAILOVERS:-3}"
REPL_LEADERLESS="${REPL_LEADERLESS-w2r2 w1r1 lww}"
ETCD_MEMBERS="${ETCD_MEMBERS:-3}"

# Sets ETCD_ENDPOINTS (comma-separated client URLs) and ETCD_PIDS; an ETCD_MEMBERS-member cluster on loopback.
start_etcd_cluster() {
    local i names=() clients=() peers=() initial="" data token="bench-$RANDOM$RANDOM"
    [ -d "$ETCD_DATA_PARENT" ] && [ -w "$ETCD_DATA_PARENT" ] || ETCD_DATA_PARENT="$WORK"
    data="$(mktemp -d "$ETCD_DATA_PARENT/platform-bench-etcd.XXXXXX")"
    ETCD_DATA="$data"
    trap 'cleanup; rm -rf "$ETCD_DATA"; platform_services_stop' EXIT
    for ((i = 0; i < ETCD_MEMBERS; i++)); do
        names[i]="m$i"
        clients[i]="http://127.0.0.1:$(free_port)"
        peers[i]="http://127.0.0.1:$(free_port)"
        initial+="${initial:+,}m$i=${peers[i]}"
    done
    ETCD_PIDS=()
    log "etcd $(etcd --version | awk '/etcd Version/ { print $3 }'): $ETCD_MEMBERS members on loopback (data under $data)"
    for ((i = 0; i < ETCD_MEMBERS; i++)); do
        etcd --name "${names[i]}" --data-dir "$data/${names[i]}" \
            --listen-client-urls "${clients[i]}" --advertise-client-urls "${clients[i]}" \
            --listen-peer-urls "${peers[i]}" --initial-advertise-peer-urls "${peers[i]}" \
            --initial-cluster "$initial" --initial-cluster-state new --initial-cluster-token "$token" \
            >"$WORK/etcd-$i.log" 2>&1 &
        ETCD_PIDS+=($!)
        PIDS+=($!)
        echo "member ${names[i]}: pid $!, client ${clients[i]}, peer ${peers[i]}"
    done
    ETCD_ENDPOINTS="$(IFS=,; echo "${clients[*]}")"
    for _ in $(seq 1 120); do
        if ETCDCTL_API=3 etcdctl --endpoints "$ETCD_ENDPOINTS" endpoint health >/dev/null 2>&1; then
            ETCDCTL_API=3 etcdctl --endpoints "$ETCD_ENDPOINTS" endpoint status -w table || true
            return 0
        fi
        sleep 0.5
    done
    echo "etcd cluster did not become healthy; logs:" >&2
    tail -n 10 "$WORK"/etcd-*.log >&2 || true
    return 1
}

# repl_driver ARGS...: Platform.Bench with this mode's load shape; RESULT line in LAST_RESULT ("failed" when none).
repl_driver() {
    local out="$WORK/repl-driver.out"
    dotnet "$BIN_BENCH" "$@" --concurrency "$REPL_CONCURRENCY" --value-size "$VALUE_SIZE" --keys "$REPL_KEYS" \
        --duration "$DURATION" --warmup "$WARMUP" | tee "$out" || true
    LAST_RESULT="$(grep '^RESULT ' "$out" | tail -n 1 || true)"
    [ -n "$LAST_RESULT" ] || LAST_RESULT="RESULT target=failed ops_per_s=0"
}

# create_namespace NS BODY: PUT /v1/namespaces/NS; prints the answer; returns non-zero unless 200/201.
create_namespace() {
    local status
    status="$(curl -sS -o "$WORK/ns.json" -w '%{http_code}' -X PUT -H 'Content-Type: application/json' --data "$2" "$CLUSTER_URL/v1/namespaces/$1")"
    echo "PUT /v1/namespaces/$1 $2 -> $status $(head -c 400 "$WORK/ns.json")"
    [ "$status" = 200 ] || [ "$status" = 201 ]
}

# repl_lines LABEL NS [CONSISTENCY]: HTTP PUT, HTTP GET, typed-client PUT and GET on NS; appends table rows to ROWS.
repl_lines() {
    local label="$1" ns="$2" consistency="${3:-}" put get cput cget
    log "$label: HTTP PUT (c=$REPL_CONCURRENCY)"
    repl_driver kv-http --url "$CLUSTER_URL" --namespace "$ns" --op put
    put="$LAST_RESULT"
    log "$label: HTTP GET${consistency:+ ($consistency)} (c=$REPL_CONCURRENCY)"
    repl_driver kv-http --url "$CLUSTER_URL" --namespace "$ns" --op get ${consistency:+--consistency "$consistency"}
    get="$LAST_RESULT"
    log "$label: typed client PUT and GET (c=$REPL_CONCURRENCY)"
    Platform__Cluster__Provider=AdoNet Platform__Cluster__ConnectionString="$PLATFORM_TEST_POSTGRES" \
        repl_driver kv-client --cluster-id "$CLUSTER_ID" --service-id "$CLUSTER_ID" --namespace "$ns" --op put
    cput="$LAST_RESULT"
    Platform__Cluster__Provider=AdoNet Platform__Cluster__ConnectionString="$PLATFORM_TEST_POSTGRES" \
        repl_driver kv-client --cluster-id "$CLUSTER_ID" --service-id "$CLUSTER_ID" --namespace "$ns" --op get --no-preload
    cget="$LAST_RESULT"
    ROWS+=("$(row "$label: HTTP PUT" "$put")" "$(row "$label: HTTP GET${consistency:+ $consistency}" "$get")"
        "$(row "$label: typed client PUT" "$cput")" "$(row "$label: typed client GET" "$cget")")
    LINE_PUT="$put" LINE_GET="$get" LINE_CPUT="$cput" LINE_CGET="$cget"
}

# leaderless_counts NS: one line of what the read repairs, hints and anti-entropy did on NS (its shard map, summed over replicas).
leaderless_counts() {
    curl -fsS "$CLUSTER_URL/v1/namespaces/$1/shards" | jq -r --arg ns "$1" \
        '[.items[].replicas[].repairs // {} | to_entries[]] | group_by(.key) | map("\(.[0].key)=\(map(.value) | add)") | "REPAIRS \($ns) " + join(" ")'
}

# replication_failover NS: REPL_FAILOVERS times, SIGKILL of the silo hosting the leader of shard 0 of NS while one
# writer PUTs a key of that shard back to back (curl, 10 s client timeout); the time from the kill to the first
# acknowledged write after it; then the silo is restarted on its ports and the group waited whole again (three voters on
# three silos, nothing degraded). Appends a FAILOVER line (each run and the median) to FAILOVER_LINES.
replication_failover() {
    local ns="$1" run key="" candidate shard map leader victim killed first acks writer times=()
    for candidate in $(seq 1 200); do
        shard="$(curl -fsS "$CLUSTER_URL/v1/namespaces/$ns/locate?key=fo-$candidate" | jq -r .shard)"
        if [ "$shard" = 0 ]; then key="fo-$candidate"; break; fi
    done
    [ -n "$key" ] || { FAILOVER_LINES+=("FAILOVER failed: no key of shard 0 found"); return; }
    for ((run = 1; run <= REPL_FAILOVERS; run++)); do
        map="$(curl -fsS "$CLUSTER_URL/v1/namespaces/$ns/shards")"
        leader="$(jq -r '.items[0].replicas[] | select(.role == "leader") | .silo' <<<"$map")"
        victim=""
        for ((i = 0; i < SILOS; i++)); do
            [[ "$leader" == "127.0.0.1:${SILO_PORTS[i]}@"* ]] && victim="$i"
        done
        [ -n "$victim" ] || { FAILOVER_LINES+=("FAILOVER run $run: no leader of shard 0 ($leader)"); continue; }
        acks="$WORK/failover-$run.acks"
        : >"$acks"
        (
            while :; do
                code="$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 -X PUT -H 'Content-Type: text/plain' --data "x" "$CLUSTER_URL/v1/kv/$ns/$key" || true)"
                if [ "$code" = 200 ] || [ "$code" = 201 ]; then date +%s%3N >>"$acks"; fi
            done
        ) &
        writer=$!
        sleep 2
        killed="$(date +%s%3N)"
        kill -9 "${SILO_PIDS[victim]}" 2>/dev/null || true
        log "failover run $run: SIGKILL silo $victim (pid ${SILO_PIDS[victim]}), leader of shard 0 of $ns"
        first=""
        for _ in $(seq 1 600); do
            first="$(awk -v k="$killed" '$1 > k { print $1; exit }' "$acks")"
            [ -n "$first" ] && break
            sleep 0.1
        done
        kill "$writer" 2>/dev/null || true
        wait "$writer" 2>/dev/null || true
        if [ -n "$first" ]; then
            times+=("$((first - killed))")
            echo "first acknowledged write on shard 0 $((first - killed)) ms after the kill"
        else
            echo "no acknowledged write within 60 s of the kill"
        fi
        restart_silo "$victim"
        for _ in $(seq 1 240); do
            map="$(curl -fsS --max-time 5 "$CLUSTER_URL/v1/namespaces/$ns/shards" 2>/dev/null || echo '{}')"
            [ "$(jq '[.items[]? | select(.degraded == null and ([.replicas[].silo] | unique | length) == 3)] | length' <<<"$map")" = "$REPL_SHARDS" ] && break
            sleep 0.5
        done
        echo "group after the restart: $(jq -c '[.items[]? | {shard, leader, degraded}]' <<<"$map")"
    done
    if [ "${#times[@]}" -gt 0 ]; then
        local median
        median="$(printf '%s\n' "${times[@]}" | sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }')"
        FAILOVER_LINES+=("FAILOVER runs_ms=$(IFS=,; echo "${times[*]}") median_ms=$median (goal <= 2000)")
    else
        FAILOVER_LINES+=("FAILOVER failed: no run acknowledged a write after the kill")
    fi
}

mode_replication() {
    build_cluster
    machine_info
    ensure_etcd
    [ "$ETCD_AVAILABLE" = 1 ] || { echo "etcd is not available; cannot run the side-by-side"; return 1; }
    start_services
    CLUSTER_STORAGE="${CLUSTER_STORAGE_REPLICATION:-Memory}"
    start_cluster
    SERVER_PID="$CLUSTER_HOST_PID"
    ROWS=()
    local ack ns body label majority_put="" majority_get="" majority_cput=""

    # A memory cluster refuses unreplicated namespaces (a shard would live in one silo's memory): N=1 there is a
    # one-replica group; on Azure Table storage it is a plain shard.
    if [ "$CLUSTER_STORAGE" = Memory ]; then
        create_namespace "repl-n1" "{\"shards\": $REPL_SHARDS, \"replication\": {\"mode\": \"leader\", \"replicas\": 1}}" || return 1
        repl_lines "N=1 (one replica)" "repl-n1" strong
    else
        create_namespace "repl-n1" "{\"shards\": $REPL_SHARDS}" || return 1
        repl_lines "N=1 (not replicated)" "repl-n1"
    fi
    for ack in $REPL_ACKS; do
        ns="repl-n3-$ack"
        if ! create_namespace "$ns" "{\"shards\": $REPL_SHARDS, \"replication\": {\"mode\": \"leader\", \"replicas\": 3, \"ack\": \"$ack\"}}"; then
            ROWS+=("| N=3 ack=$ack | not available (namespace refused) | | | | | |")
            continue
        fi
        # Let every group elect its leader before measuring.
        sleep 3
        repl_lines "N=3 ack=$ack" "$ns" strong
        if [ "$ack" = majority ]; then majority_put="$LINE_PUT" majority_get="$LINE_GET" majority_cput="$LINE_CPUT"; fi
    done

    local spec w2r2_put="" w2r2_cput="" w1r1_cget="" REPAIR_LINES=()
    for spec in $REPL_LEADERLESS; do
        case "$spec" in
            w2r2) ns="repl-q-w2r2" body='{"mode": "quorum", "replicas": 3, "w": 2, "r": 2}' label="quorum W=2 R=2" ;;
            w1r1) ns="repl-q-w1r1" body='{"mode": "quorum", "replicas": 3, "w": 1, "r": 1}' label="quorum W=1 R=1" ;;
            lww) ns="repl-ml-lww" body='{"mode": "multi-leader", "replicas": 3, "conflicts": "lww"}' label="multi-leader lww" ;;
            *) echo "unknown leaderless line '$spec'" >&2; continue ;;
        esac
        if ! create_namespace "$ns" "{\"shards\": $REPL_SHARDS, \"replication\": $body}"; then
            ROWS+=("| $label | not available (namespace refused) | | | | | |")
            continue
        fi
        # The replicas activate on first use; give placement a moment to spread them.
        sleep 2
        repl_lines "$label" "$ns"
        REPAIR_LINES+=("$(leaderless_counts "$ns")")
        case "$spec" in
            w2r2) w2r2_put="$LINE_PUT" w2r2_cput="$LINE_CPUT" ;;
            w1r1) w1r1_cget="$LINE_CGET" ;;
        esac
    done

    start_etcd_cluster
    log "etcd: put (c=$REPL_CONCURRENCY)"
    repl_driver etcd-kv --endpoints "$ETCD_ENDPOINTS" --op put
    local etcd_put="$LAST_RESULT"
    log "etcd: linearizable get (c=$REPL_CONCURRENCY)"
    repl_driver etcd-kv --endpoints "$ETCD_ENDPOINTS" --op get
    local etcd_get="$LAST_RESULT"
    ROWS+=("$(row "etcd $ETCD_MEMBERS members: put" "$etcd_put")" "$(row "etcd $ETCD_MEMBERS members: linearizable get" "$etcd_get")")
    if [ -n "$REPL_LEADERLESS" ]; then
        ensure_packages
        start_redis
        REDIS_CLIENTS="$REPL_CONCURRENCY" redis_bench
        ROWS+=("$(row "redis GET (c=$REPL_CONCURRENCY)" "$REDIS_GET")" "$(row "redis SET (c=$REPL_CONCURRENCY)" "$REDIS_SET")")
    fi

    FAILOVER_LINES=()
    if declare -F replication_failover >/dev/null && [ -n "$majority_put" ] && [ "$REPL_FAILOVERS" -gt 0 ]; then
        replication_failover "repl-n3-majority"
    fi
    stop_cluster

    log "results (value $VALUE_SIZE B, $REPL_KEYS keys, ${DURATION}s each, $REPL_SHARDS shards, $CLUSTER_STORAGE storage; load now: $(cut -d' ' -f1-3 /proc/loadavg))"
    echo "| what | ops/s | p50 ms | p99 ms | errors | server CPU us/op | driver CPU us/op |"
    echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
    printf '%s\n' "${ROWS[@]}"
    echo
    echo "(server CPU = the client host process only; the silos do the replication)"
    [ -n "$majority_put" ] && echo "RATIO n3_majority_put_over_etcd_put=$(ratio "$(field ops_per_s <<<"$majority_put")" "$(field ops_per_s <<<"$etcd_put")") (goal >= 1)"
    [ -n "$majority_get" ] && echo "RATIO n3_strong_get_over_etcd_linearizable_get=$(ratio "$(field ops_per_s <<<"$majority_get")" "$(field ops_per_s <<<"$etcd_get")") (goal >= 2)"
    [ -n "$w1r1_cget" ] && [ -n "${REDIS_GET:-}" ] && echo "RATIO quorum_w1r1_client_get_over_redis_get=$(ratio "$(field ops_per_s <<<"$w1r1_cget")" "$(field ops_per_s <<<"$REDIS_GET")") (goal >= 1)"
    [ -n "$w2r2_put" ] && [ -n "$majority_put" ] && echo "RATIO quorum_w2r2_http_put_over_majority_http_put=$(ratio "$(field ops_per_s <<<"$w2r2_put")" "$(field ops_per_s <<<"$majority_put")") (goal >= 1.5)"
    [ -n "$w2r2_cput" ] && [ -n "$majority_cput" ] && echo "RATIO quorum_w2r2_client_put_over_majority_client_put=$(ratio "$(field ops_per_s <<<"$w2r2_cput")" "$(field ops_per_s <<<"$majority_cput")") (goal >= 1.5)"
    [ "${#REPAIR_LINES[@]}" -gt 0 ] && printf '%s\n' "${REPAIR_LINES[@]}"
    printf '%s\n' "${FAILOVER_LINES[@]}"
}
