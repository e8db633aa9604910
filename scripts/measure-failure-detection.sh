#!/usr/bin/env bash
# Measures failure detection with real processes: starts 2 silo processes (AdoNet membership on PostgreSQL, AzureTable
# storage on Azurite) and a client host (Embedded=false) on free loopback ports, writes keys, SIGKILLs one silo, and
# reports (a) seconds until the membership table says Dead, (b) seconds until every key reads back again over HTTP.
# Uses PLATFORM_TEST_POSTGRES / PLATFORM_TEST_AZURE_TABLES when set, else starts throw-away servers itself.
# Extra arguments are passed to both silos, e.g. --Platform:Cluster:FailureDetection:ProbeTimeout=00:00:05
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/test-services.sh

pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
  platform_services_stop
}
trap cleanup EXIT
if [ -z "${PLATFORM_TEST_POSTGRES:-}" ] || [ -z "${PLATFORM_TEST_AZURE_TABLES:-}" ]; then platform_services_start; fi

dotnet build src/Silo/Platform.Silo -c Release -m:1 -v q >/dev/null
dotnet build src/Client/Platform.Client.Host -c Release -m:1 -v q >/dev/null
silo_dll=src/Silo/Platform.Silo/bin/Release/net10.0/Platform.Silo.dll
host_dll=src/Client/Platform.Client.Host/bin/Release/net10.0/Platform.Client.Host.dll

cluster="measure$RANDOM"
common=(--Platform:Cluster:Provider=AdoNet "--Platform:Cluster:ConnectionString=$PLATFORM_TEST_POSTGRES"
  --Platform:Cluster:InitializeSchema=true "--Platform:Cluster:ClusterId=$cluster" "--Platform:Cluster:ServiceId=$cluster"
  --Platform:Storage:Provider=AzureTable "--Platform:Storage:ConnectionString=$PLATFORM_TEST_AZURE_TABLES"
  --Logging:LogLevel:Default=Warning)
pg_port="$(sed -E 's/.*Port=([0-9]+).*/\1/' <<<"$PLATFORM_TEST_POSTGRES")"
psql_q() { psql -X -A -t -h 127.0.0.1 -p "$pg_port" -U postgres -d platform -c "$1"; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

silo_ports=()
for i in 0 1; do
  port="$(free_port)"; gw="$(free_port)"
  silo_ports+=("$port")
  dotnet "$silo_dll" "${common[@]}" "--Platform:Silo:Port=$port" "--Platform:Silo:GatewayPort=$gw" --urls http://127.0.0.1:0 "$@" \
    >"/tmp/measure-silo-$i-$$.log" 2>&1 &
  pids+=($!)
done
http_port="$(free_port)"
dotnet "$host_dll" "${common[@]}" --Platform:Client:Embedded=false --urls "http://127.0.0.1:$http_port" >"/tmp/measure-host-$$.log" 2>&1 &
pids+=($!)

for _ in $(seq 1 600); do
  active="$(psql_q "SELECT count(*) FROM platform_membership WHERE deployment_id='$cluster' AND status=3" 2>/dev/null || echo 0)"
  ready="$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$http_port/readyz" || true)"
  [ "$active" = "2" ] && [ "$ready" = "200" ] && break
  sleep 0.2
done
[ "$active" = "2" ] || { echo "silos did not become Active" >&2; exit 1; }

for k in $(seq 1 64); do
  curl -sf -X PUT --data "v$k" "http://127.0.0.1:$http_port/v1/kv/default/key-$k" >/dev/null
done

victim="${pids[1]}"
t0="$(date +%s.%N)"
kill -KILL "$victim"
dead_at="" served_at=""
while :; do
  now="$(date +%s.%N)"
  if [ -z "$dead_at" ] && [ "$(psql_q "SELECT count(*) FROM platform_membership WHERE deployment_id='$cluster' AND port=${silo_ports[1]} AND status=6")" = "1" ]; then
    dead_at="$now"
  fi
  if [ -z "$served_at" ]; then
    # All 64 keys in parallel, 1 s timeout each; "served" = every one answered with its value.
    good="$(seq 1 64 | xargs -P 32 -I{} sh -c 'v="$(curl -s -m 1 "http://127.0.0.1:'"$http_port"'/v1/kv/default/key-{}")"; [ "$v" = "v{}" ] && echo ok' | grep -c ok || true)"
    [ "$good" = 64 ] && served_at="$(date +%s.%N)"
  fi
  [ -n "$dead_at" ] && [ -n "$served_at" ] && break
  python3 -c "import sys,time; sys.exit(0 if time.time()-$t0 < 60 else 1)" || { echo "gave up after 60 s" >&2; break; }
  sleep 0.05
done
python3 - "$t0" "${dead_at:-nan}" "${served_at:-nan}" <<'PY'
import sys
t0, dead, served = (float(x) for x in sys.argv[1:])
print(f"declared Dead after {dead - t0:.1f} s; all 64 keys served again after {served - t0:.1f} s")
PY
