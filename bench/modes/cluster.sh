# Sourced by bench/run.sh. A 3-silo Platform cluster of separate processes on loopback (PostgreSQL membership,
# Azure Table storage on Azurite, both throw-away from scripts/lib/test-services.sh) plus a client host with
# Platform:Client:Embedded=false, and the mode `kv-cluster`: the kv lines on the embedded platform and on the cluster.
#
# Tunables (environment): SILOS (3), BIN_SILO=path/to/Platform.Silo.dll (benchmark another build).

SILOS="${SILOS:-3}"
# Grain storage of the cluster: AzureTable (on Azurite) or Memory (replicated namespaces only keep data by replication).
CLUSTER_STORAGE="${CLUSTER_STORAGE:-AzureTable}"
BIN_SILO="${BIN_SILO:-$ROOT/src/Silo/Platform.Silo/bin/Release/net10.0/Platform.Silo.dll}"

build_cluster() {
    if [ "${NO_BUILD:-0}" = 1 ] && [ -f "$BIN_SILO" ] && [ -f "$BIN_HOST" ] && [ -f "$BIN_BENCH" ]; then
        log "build skipped (NO_BUILD=1)"
        return
    fi
    build
    dotnet build src/Silo/Platform.Silo/Platform.Silo.csproj -c Release -m:1 -nologo -v:q
}

# stop_pid PID: SIGTERM, up to 15 s, then SIGKILL that PID only; forgets it in PIDS.
stop_pid() {
    local pid="$1" p kept=()
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    for p in "${PIDS[@]}"; do [ "$p" = "$pid" ] || kept+=("$p"); done
    PIDS=("${kept[@]}")
}

# Throw-away PostgreSQL + Azurite; stopped on exit after our own processes. Sets PG_PORT.
start_services() {
    # shellcheck source=../../scripts/lib/test-services.sh
    source "$ROOT/scripts/lib/test-services.sh"
    trap 'cleanup; platform_services_stop' EXIT
    if ! command -v jq >/dev/null; then
        log "installing jq"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq jq >/dev/null
    fi
    log "PostgreSQL + Azurite (scripts/lib/test-services.sh)"
    platform_services_start
    PG_PORT="$(sed -E 's/.*Port=([0-9]+).*/\1/' <<<"$PLATFORM_TEST_POSTGRES")"
    echo "PostgreSQL $("$PLATFORM_TEST_PG_BIN/postgres" --version | awk '{ print $3 }') pid $PLATFORM_PG_PID port $PG_PORT (fsync=off, synchronous_commit=off), Azurite pid $PLATFORM_AZURITE_PID (in memory)"
}

# Sets CLUSTER_URL, CLUSTER_ID, CLUSTER_HOST_PID, SILO_PIDS, CLUSTER_PIDS (silos + client host).
start_cluster() {
    CLUSTER_ID="bench-$(date +%H%M%S)-$RANDOM"
    local common=(
        --Platform:Cluster:Provider=AdoNet "--Platform:Cluster:ConnectionString=$PLATFORM_TEST_POSTGRES"
        "--Platform:Cluster:ClusterId=$CLUSTER_ID" "--Platform:Cluster:ServiceId=$CLUSTER_ID"
        --Logging:LogLevel:Default=Warning
    )
    if [ "$CLUSTER_STORAGE" = Memory ]; then
        common+=(--Platform:Storage:Provider=Memory)
    else
        common+=(--Platform:Storage:Provider=AzureTable "--Platform:Storage:ConnectionString=$PLATFORM_TEST_AZURE_TABLES")
    fi
    local i http silo gw extra pid
    # Kept for restart_silo (same ports, same settings).
    CLUSTER_COMMON=("${common[@]}")
    SILO_PIDS=()
    log "$SILOS-silo cluster $CLUSTER_ID (AdoNet membership on PostgreSQL, $CLUSTER_STORAGE storage)"
    for ((i = 0; i < SILOS; i++)); do
        http="$(free_port)"; silo="$(free_port)"; gw="$(free_port)"
        extra=()
        [ "$i" = 0 ] && extra=(--Platform:Cluster:InitializeSchema=true)
        dotnet "$BIN_SILO" "${common[@]}" "${extra[@]}" --Platform:Silo:Port="$silo" --Platform:Silo:GatewayPort="$gw" \
            --urls "http://127.0.0.1:$http" >"$WORK/silo-$i.log" 2>&1 &
        pid=$!
        PIDS+=("$pid")
        SILO_PIDS+=("$pid")
        echo "silo $i: pid $pid, silo port $silo, gateway $gw, http $http"
        # The first silo applies the schema; the others start once it is ready.
        [ "$i" = 0 ] && wait_http "http://127.0.0.1:$http/readyz" "$pid" "silo-$i"
        SILO_HTTP[i]="http://127.0.0.1:$http"
        SILO_PORTS[i]="$silo"
        SILO_GATEWAYS[i]="$gw"
    done
    for ((i = 1; i < SILOS; i++)); do wait_http "${SILO_HTTP[i]}/readyz" "${SILO_PIDS[i]}" "silo-$i"; done
    http="$(free_port)"
    CLUSTER_URL="http://127.0.0.1:$http"
    dotnet "$BIN_HOST" "${common[@]}" --Platform:Client:Embedded=false --urls "$CLUSTER_URL" >"$WORK/cluster-host.log" 2>&1 &
    CLUSTER_HOST_PID=$!
    PIDS+=("$CLUSTER_HOST_PID")
    echo "client host (Embedded=false): pid $CLUSTER_HOST_PID on $CLUSTER_URL"
    wait_http "$CLUSTER_URL/readyz" "$CLUSTER_HOST_PID" cluster-host
    local active=0
    for _ in $(seq 1 180); do
        active="$(curl -fsS --max-time 2 "$CLUSTER_URL/v1/cluster" 2>/dev/null | jq '[.silos[] | select(.status == "Active")] | length' 2>/dev/null || echo 0)"
        [ "$active" = "$SILOS" ] && break
        sleep 0.5
    done
    if [ "$active" != "$SILOS" ]; then
        echo "only $active of $SILOS silos Active after 90 s:" >&2
        curl -sS --max-time 2 "$CLUSTER_URL/v1/cluster" >&2 || true
        return 1
    fi
    curl -fsS "$CLUSTER_URL/v1/cluster" | jq -c '[.silos[] | {address, status, gateway}]'
    CLUSTER_PIDS=("${SILO_PIDS[@]}" "$CLUSTER_HOST_PID")
}

# restart_silo I: starts silo I again on its ports with the cluster's settings (after a kill); waits for /readyz.
restart_silo() {
    local i="$1" http="${SILO_HTTP[$1]##*:}" pid
    dotnet "$BIN_SILO" "${CLUSTER_COMMON[@]}" --Platform:Silo:Port="${SILO_PORTS[i]}" --Platform:Silo:GatewayPort="${SILO_GATEWAYS[i]}" \
        --urls "http://127.0.0.1:$http" >>"$WORK/silo-$i.log" 2>&1 &
    pid=$!
    PIDS+=("$pid")
    SILO_PIDS[i]="$pid"
    CLUSTER_PIDS=("${SILO_PIDS[@]}" "$CLUSTER_HOST_PID")
    echo "silo $i restarted: pid $pid"
    wait_http "${SILO_HTTP[i]}/readyz" "$pid" "silo-$i"
}

stop_cluster() {
    local pid
    log "stopping the cluster"
    stop_pid "$CLUSTER_HOST_PID"
    for pid in "${SILO_PIDS[@]}"; do stop_pid "$pid"; done
}

# kv_lines URL CLIENT_SERVER_PID KV_CLIENT_ARGS...: unmeasured HTTP warm-up, then HTTP PUT, HTTP GET and typed-client
# GET; sets KV_HTTP_PUT, KV_HTTP_GET, KV_CLIENT_GET (RESULT lines). SERVER_PID is the process whose CPU the HTTP lines
# report, CLIENT_SERVER_PID the one for the typed-client line ("" for none).
kv_lines() {
    local url="$1" client_server_pid="$2" http_server_pid="$SERVER_PID"
    shift 2
    log "warm-up: HTTP PUT and GET on $url, unmeasured"
    dotnet "$BIN_BENCH" kv-http --url "$url" --op put --concurrency "$CONCURRENCY" --value-size "$VALUE_SIZE" \
        --keys "$KEYS" --duration "$WARMUP" --warmup 0 | grep '^RESULT'
    dotnet "$BIN_BENCH" kv-http --url "$url" --op get --concurrency "$CONCURRENCY" --value-size "$VALUE_SIZE" \
        --keys "$KEYS" --duration "$WARMUP" --warmup 0 | grep '^RESULT'
    log "HTTP PUT (Platform.Bench kv-http, c=$CONCURRENCY)"
    bench_driver kv-http --url "$url" --op put
    KV_HTTP_PUT="$LAST_RESULT"
    log "HTTP GET (Platform.Bench kv-http, c=$CONCURRENCY)"
    bench_driver kv-http --url "$url" --op get
    KV_HTTP_GET="$LAST_RESULT"
    log "typed client GET (Platform.Bench kv-client $*, c=$CONCURRENCY)"
    SERVER_PID="$client_server_pid"
    # The HTTP GET line above wrote every key already (same namespace, prefix and key count).
    bench_driver kv-client "$@" --op get --no-preload
    KV_CLIENT_GET="$LAST_RESULT"
    SERVER_PID="$http_server_pid"
}

mode_kv_cluster() {
    build_cluster
    machine_info
    start_services

    start_embedded_platform
    kv_lines "$HOST_URL" "$HOST_PID" --gateway "127.0.0.1:$GATEWAY_PORT"
    local e_put="$KV_HTTP_PUT" e_get="$KV_HTTP_GET" e_client="$KV_CLIENT_GET"
    log "stopping the embedded platform"
    stop_pid "$HOST_PID"

    start_cluster
    # HTTP lines: the CPU column is the client host's only (the silos do the grain work and the storage calls).
    # The typed client reads the AdoNet settings from the environment (Platform__Cluster__...); it finds the gateways
    # in the membership table.
    SERVER_PID="$CLUSTER_HOST_PID"
    Platform__Cluster__Provider=AdoNet Platform__Cluster__ConnectionString="$PLATFORM_TEST_POSTGRES" \
        kv_lines "$CLUSTER_URL" "" --cluster-id "$CLUSTER_ID" --service-id "$CLUSTER_ID"
    local c_put="$KV_HTTP_PUT" c_get="$KV_HTTP_GET" c_client="$KV_CLIENT_GET"
    stop_cluster

    log "results (value $VALUE_SIZE B, $KEYS keys, ${DURATION}s each; load now: $(cut -d' ' -f1-3 /proc/loadavg))"
    echo "| what | ops/s | p50 ms | p99 ms | errors | server CPU us/op | driver CPU us/op |"
    echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
    row "embedded: HTTP PUT (c=$CONCURRENCY)" "$e_put"
    row "embedded: HTTP GET (c=$CONCURRENCY)" "$e_get"
    row "embedded: typed client GET (c=$CONCURRENCY)" "$e_client"
    row "$SILOS-silo cluster: HTTP PUT (c=$CONCURRENCY)" "$c_put"
    row "$SILOS-silo cluster: HTTP GET (c=$CONCURRENCY)" "$c_get"
    row "$SILOS-silo cluster: typed client GET (c=$CONCURRENCY)" "$c_client"
    echo
    echo "(cluster HTTP rows: server CPU = the client host process only; typed client on the cluster: not measured)"
    local what e c
    for what in http_put:e_put:c_put http_get:e_get:c_get client_get:e_client:c_client; do
        IFS=: read -r name e c <<<"$what"
        echo "RATIO cluster_over_embedded_${name}_ops=$(ratio "$(field ops_per_s <<<"${!c}")" "$(field ops_per_s <<<"${!e}")") p50=$(ratio "$(field p50_ms <<<"${!c}")" "$(field p50_ms <<<"${!e}")")x p99=$(ratio "$(field p99_ms <<<"${!c}")" "$(field p99_ms <<<"${!e}")")x"
    done
}
