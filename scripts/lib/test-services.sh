#!/usr/bin/env bash
# Throw-away PostgreSQL and Azurite (table service) for tests and by-hand runs. Source this file, then:
#   platform_services_start   # installs what is missing, starts both, exports PLATFORM_TEST_POSTGRES / PLATFORM_TEST_AZURE_TABLES
#   platform_services_stop    # SIGKILLs every test child process recorded in PLATFORM_TEST_PID_DIR (silos, client hosts
#                             # a killed test host left behind), stops both servers by PID, removes the temp folder
#                             # (safe to call twice)
# Works as root on a fresh Debian machine without Docker. Needs: apt-get (for postgresql), node + npm (for azurite).

PLATFORM_REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
PLATFORM_SERVICES_DIR=""
PLATFORM_PG_PID=""
PLATFORM_AZURITE_PID=""

_platform_free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

_platform_pg_bin() {
  local dir
  for dir in /usr/lib/postgresql/*/bin; do
    if [ -x "$dir/pg_ctl" ]; then echo "$dir"; return 0; fi
  done
  if command -v pg_ctl >/dev/null 2>&1; then dirname "$(command -v pg_ctl)"; return 0; fi
  return 1
}

_platform_as_postgres() {
  if [ "$(id -u)" = "0" ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

platform_services_install() {
  if ! _platform_pg_bin >/dev/null; then
    echo "test-services: installing postgresql (pg_ctl not found)" >&2
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  fi
  # The partition nemesis (tests/Platform.ClusterTests/Harness/NetworkPartition.cs) needs iptables; only root can use it.
  if [ "$(id -u)" = "0" ] && ! command -v iptables >/dev/null; then
    echo "test-services: installing iptables" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq iptables >/dev/null \
      || { DEBIAN_FRONTEND=noninteractive apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq iptables >/dev/null; }
  fi
  # The console's browser test (tests/Platform.Tests/Observability/ConsoleTests.cs) drives Debian's chromium
  # through chromium-driver with Selenium.
  if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
    echo "test-services: installing chromium and chromium-driver" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null \
      || { DEBIAN_FRONTEND=noninteractive apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; }
  fi
  # The manifest tests (tests/Platform.Tests/Deploy) validate deploy/k8s against kubernetes-models' bundled schemas.
  local k8s_dir="$PLATFORM_REPO_ROOT/tools/k8s-validate"
  if [ ! -d "$k8s_dir/node_modules/kubernetes-models" ]; then
    echo "test-services: npm ci for kubernetes-models" >&2
    (cd "$k8s_dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  fi
  local azurite_dir="$PLATFORM_REPO_ROOT/tools/azurite"
  if [ ! -x "$azurite_dir/node_modules/.bin/azurite-table" ]; then
    echo "test-services: npm ci for azurite" >&2
    (cd "$azurite_dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  fi
}

_platform_wait_port() { # host port seconds
  local i
  for ((i = 0; i < $3 * 10; i++)); do
    if (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  return 1
}

platform_services_start() {
  platform_services_install
  local pgbin pgport azport
  pgbin="$(_platform_pg_bin)"
  PLATFORM_SERVICES_DIR="$(mktemp -d /tmp/platform-test-services.XXXXXX)"
  chmod 755 "$PLATFORM_SERVICES_DIR"
  mkdir -p "$PLATFORM_SERVICES_DIR/pg"
  if [ "$(id -u)" = "0" ]; then
    id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
    chown postgres "$PLATFORM_SERVICES_DIR/pg"
  fi

  # PostgreSQL: trust auth on loopback only, a free port, socket in the temp folder.
  pgport="$(_platform_free_port)"
  _platform_as_postgres "$pgbin/initdb" -D "$PLATFORM_SERVICES_DIR/pg/data" -U postgres -A trust -E UTF8 --no-sync >"$PLATFORM_SERVICES_DIR/initdb.log" 2>&1 \
    || { cat "$PLATFORM_SERVICES_DIR/initdb.log" >&2; return 1; }
  # pg_ctl -w waits until the server accepts connections; the postmaster's PID comes from postmaster.pid.
  if ! _platform_as_postgres "$pgbin/pg_ctl" -D "$PLATFORM_SERVICES_DIR/pg/data" -l "$PLATFORM_SERVICES_DIR/pg/postgres.log" -w -t 60 \
    -o "-h 127.0.0.1 -p $pgport -k $PLATFORM_SERVICES_DIR/pg -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" \
    start >/dev/null; then
    cat "$PLATFORM_SERVICES_DIR/pg/postgres.log" >&2; return 1
  fi
  PLATFORM_PG_PID="$(head -n 1 "$PLATFORM_SERVICES_DIR/pg/data/postmaster.pid")"
  "$pgbin/psql" -q -h 127.0.0.1 -p "$pgport" -U postgres -d postgres -c "CREATE DATABASE platform;" >/dev/null

  # Azurite: table service only, in memory.
  azport="$(_platform_free_port)"
  "$PLATFORM_REPO_ROOT/tools/azurite/node_modules/.bin/azurite-table" --tableHost 127.0.0.1 --tablePort "$azport" \
    --inMemoryPersistence --disableTelemetry --silent >"$PLATFORM_SERVICES_DIR/azurite.log" 2>&1 &
  PLATFORM_AZURITE_PID=$!
  if ! _platform_wait_port 127.0.0.1 "$azport" 60; then
    cat "$PLATFORM_SERVICES_DIR/azurite.log" >&2; return 1
  fi

  export PLATFORM_TEST_POSTGRES="Host=127.0.0.1;Port=$pgport;Database=platform;Username=postgres;Pooling=true;Maximum Pool Size=50"
  export PLATFORM_TEST_AZURE_TABLES="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;TableEndpoint=http://127.0.0.1:$azport/devstoreaccount1;"
  export PLATFORM_TEST_PG_BIN="$pgbin"
  # The fault tests' harness writes one "<pid> <start time>" file per silo / client host process here
  # (tests/Platform.ClusterTests/Harness/ChildProcessRegistry.cs); platform_services_stop kills what is left.
  mkdir -p "$PLATFORM_SERVICES_DIR/pids"
  export PLATFORM_TEST_PID_DIR="$PLATFORM_SERVICES_DIR/pids"
  # Names this run's partition rules and process cgroups, so clean-up touches only its own (runs may overlap).
  PLATFORM_TEST_RUN_ID="$(basename "$PLATFORM_SERVICES_DIR")"
  export PLATFORM_TEST_RUN_ID
  echo "test-services: PostgreSQL pid $PLATFORM_PG_PID on 127.0.0.1:$pgport, Azurite pid $PLATFORM_AZURITE_PID on 127.0.0.1:$azport ($PLATFORM_SERVICES_DIR)" >&2
}

# SIGKILLs every process recorded in $1 (files "<pid> <start time>") that still runs with that start time (a reused
# PID is left alone), and removes the files. Prints how many it killed.
platform_kill_recorded_children() {
  local dir="$1" f pid start now killed=0
  [ -n "$dir" ] && [ -d "$dir" ] || return 0
  for f in "$dir"/*.pid; do
    [ -e "$f" ] || continue
    read -r pid start <"$f" || true
    rm -f "$f"
    case "$pid" in '' | *[!0-9]*) continue ;; esac
    [ -r "/proc/$pid/stat" ] || continue
    now="$(sed -E 's/^.*\) //' "/proc/$pid/stat" | cut -d' ' -f20)"
    if [ "$now" = "$start" ]; then
      kill -KILL "$pid" 2>/dev/null && killed=$((killed + 1))
    fi
  done
  if [ "$killed" -gt 0 ]; then
    echo "test-services: killed $killed leftover test process(es) recorded in $dir" >&2
  fi
}

# Removes the iptables rules and cgroups the partition nemesis left behind for run $1 (a test host killed mid-partition).
platform_remove_partitions() {
  local run="$1" num chain builtin cgroot chains=()
  [ -n "$run" ] || return 0
  if command -v iptables >/dev/null && [ "$(id -u)" = "0" ]; then
    # "num target prot opt source destination ... /* platform-test:<run> */": delete by number, first match each time,
    # in both chains a partition jumps from (OUTPUT: what the process sends; INPUT: what reaches it); then its chains.
    for builtin in OUTPUT INPUT; do
      while read -r num chain _ < <(iptables -w -L "$builtin" -n --line-numbers 2>/dev/null | grep -F "/* platform-test:$run */" | head -n 1); do
        iptables -w -D "$builtin" "$num" 2>/dev/null || break
        chains+=("$chain")
      done
    done
    for chain in $(printf '%s\n' "${chains[@]}" | sort -u); do
      iptables -w -F "$chain" 2>/dev/null || true
      iptables -w -X "$chain" 2>/dev/null || true
    done
  fi
  cgroot="$(awk '$3 == "cgroup2" { print $2; exit }' /proc/self/mounts 2>/dev/null)"
  if [ -n "$cgroot" ] && [ -d "$cgroot/platform-test/$run" ]; then
    find "$cgroot/platform-test/$run" -mindepth 1 -maxdepth 1 -type d -exec rmdir {} + 2>/dev/null || true
    rmdir "$cgroot/platform-test/$run" 2>/dev/null || true
  fi
}

platform_services_stop() {
  if [ -n "$PLATFORM_SERVICES_DIR" ]; then
    platform_kill_recorded_children "$PLATFORM_SERVICES_DIR/pids"
    platform_remove_partitions "$(basename "$PLATFORM_SERVICES_DIR")"
  fi
  if [ -n "$PLATFORM_AZURITE_PID" ]; then
    kill "$PLATFORM_AZURITE_PID" 2>/dev/null || true
    wait "$PLATFORM_AZURITE_PID" 2>/dev/null || true
    PLATFORM_AZURITE_PID=""
  fi
  if [ -n "$PLATFORM_PG_PID" ]; then
    # SIGINT = PostgreSQL's fast shutdown. Not our child (pg_ctl daemonized it), so poll instead of wait.
    kill -INT "$PLATFORM_PG_PID" 2>/dev/null || true
    local i
    for ((i = 0; i < 100; i++)); do
      kill -0 "$PLATFORM_PG_PID" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL "$PLATFORM_PG_PID" 2>/dev/null || true
    PLATFORM_PG_PID=""
  fi
  if [ -n "$PLATFORM_SERVICES_DIR" ] && [ -d "$PLATFORM_SERVICES_DIR" ]; then
    rm -rf "$PLATFORM_SERVICES_DIR"
    PLATFORM_SERVICES_DIR=""
  fi
}
