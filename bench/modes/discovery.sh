# Sourced by bench/run.sh. The mode `discovery`: 1,000 instances over 50 services on the embedded platform; resolve
# over HTTP (GET .../resolve, weighted), the .NET handler of AddPlatformServiceDiscovery() on its pushed cache (picks by
# ServiceBalancer alone, and whole requests through the resilience pipeline and balancing handler ending in a handler
# without network), and the delay from a registry change to a watcher seeing it (p50/p99, one change at a time, 50
# watchers); beside a single-member etcd in the same run doing the registry built on it: lease-backed keys
# svc/{service}/{instance} and a watch per service prefix (its JSON gateway), the same change-to-watch path.
#
# Tunables (environment): DISCO_SERVICES (50), DISCO_INSTANCES (1000), DISCO_SAMPLES (500), plus run.sh's DURATION
# WARMUP CONCURRENCY and locks.sh's ETCD_DATA_PARENT.

DISCO_SERVICES="${DISCO_SERVICES:-50}"
DISCO_INSTANCES="${DISCO_INSTANCES:-1000}"
DISCO_SAMPLES="${DISCO_SAMPLES:-500}"

# disco_driver ARGS...: Platform.Bench discovery; echoes its output and leaves the RESULT lines in LAST_RESULTS.
disco_driver() {
    local out="$WORK/disco-driver.out"
    dotnet "$BIN_BENCH" discovery --services "$DISCO_SERVICES" --instances "$DISCO_INSTANCES" --samples "$DISCO_SAMPLES" \
        --duration "$DURATION" --warmup "$WARMUP" --concurrency "$CONCURRENCY" "$@" | tee "$out" || true
    LAST_RESULTS="$(grep '^RESULT ' "$out" || true)"
}

mode_discovery() {
    build
    ensure_etcd
    machine_info
    start_embedded_platform
    local gw="127.0.0.1:$GATEWAY_PORT" loads=() results=()

    log "setup: $DISCO_INSTANCES instances over $DISCO_SERVICES services (load $(load_now))"
    disco_driver --op setup --url "$HOST_URL"; results+=("$LAST_RESULTS")

    log "resolve over HTTP (GET /v1/services/{s}/resolve?strategy=weighted, c=$CONCURRENCY; load $(load_now))"
    disco_driver --op resolve-http --url "$HOST_URL"; results+=("$LAST_RESULTS"); loads+=("resolve-http: $(load_now)")

    log "the .NET handler on its pushed cache (gateway $gw, c=$CONCURRENCY; load $(load_now))"
    disco_driver --op handler --gateway "$gw"; results+=("$LAST_RESULTS"); loads+=("handler: $(load_now)")

    log "change-to-watch delay, platform ($DISCO_SAMPLES changes, $DISCO_SERVICES typed-client watchers; load $(load_now))"
    disco_driver --op watch --gateway "$gw"; results+=("$LAST_RESULTS"); loads+=("watch platform: $(load_now)")

    if [ "$ETCD_AVAILABLE" = 1 ]; then
        start_etcd
        log "change-to-watch delay, etcd ($DISCO_INSTANCES lease-backed keys, $DISCO_SERVICES prefix watches; load $(load_now))"
        disco_driver --op etcd-watch --etcd "$ETCD_URL"; results+=("$LAST_RESULTS"); loads+=("watch etcd: $(load_now)")
    else
        echo "etcd is not available: no side-by-side line"
    fi

    log "summary"
    printf '%s\n' "${results[@]}"
    printf 'load %s\n' "${loads[@]}"
    local all pick best handler pw ew
    all="$(printf '%s\n' "${results[@]}")"
    pick="$(grep 'target=balancer-pick strategy=round-robin' <<<"$all" | field picks_per_s || true)"
    best="$(grep 'target=balancer-pick strategy=round-robin' <<<"$all" | field best_picks_per_s || true)"
    handler="$(grep 'target=handler-request' <<<"$all" | field ops_per_s || true)"
    pw="$(grep 'target=watch-platform' <<<"$all" | field p99_ms || true)"
    ew="$(grep 'target=watch-etcd' <<<"$all" | field p99_ms || true)"
    echo "GOAL balancer_picks_per_s=${pick:-na} best=${best:-na} (median of five windows >= 1000000)"
    echo "GOAL handler_requests_per_s=${handler:-na}"
    echo "GOAL watch_p99_ms platform=${pw:-na} etcd=${ew:-na} (platform <= 50 and <= etcd)"
}
