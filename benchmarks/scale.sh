#!/usr/bin/env bash
# IceFlux latency + scale harness, side by side with ice4j, in one command (needs root, Linux, coturn, JDK 17, Maven):
#
#   benchmarks/scale.sh [--runs 200] [--warmup 50] [--turn-n 1,10,100,500,1000] [--stun-n 5000,10000] [--timeout 60]
#
# Builds the benchmarks module (no install), sets up its own world -- two network namespaces scale<pid>-cli and
# scale<pid>-srv joined by a veth pair, coturn with its own config in -srv -- runs ScaleMain in -cli (which forks one
# JVM per measurement), writes benchmarks/RESULTS-scale.md, benchmarks/scale-wall.png and benchmarks/scale-threads.png,
# and tears everything down on exit, also on failure or Ctrl-C. Worker logs stay in the printed temp directory.
# SCALE_SKIP_BUILD=1 reuses the last build.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
TAG="scale$$"
CLI="${TAG}-cli"
SRV="${TAG}-srv"
VETH_C="${TAG}c"
VETH_S="${TAG}s"
CLI_IP=10.77.0.1
SRV_IP=10.77.0.2
PORT=3478
TURN_USER=scale
TURN_PASS="scale-$RANDOM$RANDOM"
WORK=$(mktemp -d "/tmp/${TAG}.XXXXXX")
COTURN_PID=""

cleanup() {
  set +e
  if [[ -n "$COTURN_PID" ]]; then
    kill "$COTURN_PID" 2>/dev/null
    for _ in $(seq 50); do kill -0 "$COTURN_PID" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$COTURN_PID" 2>/dev/null
  fi
  ip netns pids "$CLI" 2>/dev/null | xargs -r kill -9 2>/dev/null
  ip netns pids "$SRV" 2>/dev/null | xargs -r kill -9 2>/dev/null
  ip netns del "$CLI" 2>/dev/null
  ip netns del "$SRV" 2>/dev/null
  ip link del "$VETH_C" 2>/dev/null
  echo "scale.sh: torn down $CLI/$SRV; worker logs in $WORK" >&2
}
trap cleanup EXIT
trap 'exit 130' INT TERM

[[ $(id -u) == 0 ]] || { echo "scale.sh: needs root (network namespaces)" >&2; exit 2; }
command -v turnserver >/dev/null || { echo "scale.sh: coturn (turnserver) not found" >&2; exit 2; }

if [[ "${SCALE_SKIP_BUILD:-0}" != 1 ]]; then
  echo "scale.sh: building (mvn package -pl benchmarks -am, tests skipped)" >&2
  (cd "$ROOT" && mvn -B -q -DskipTests package dependency:build-classpath \
      -Dmdep.outputFile=target/scale-classpath.txt -pl benchmarks -am)
fi
CP="$ROOT/benchmarks/target/classes:$(cat "$ROOT/benchmarks/target/scale-classpath.txt")"

# Many sockets at once (10,000 gatherings, coturn's relays).
ulimit -n "$(ulimit -Hn)"

ip netns add "$CLI"
ip netns add "$SRV"
ip link add "$VETH_C" type veth peer name "$VETH_S"
ip link set "$VETH_C" netns "$CLI"
ip link set "$VETH_S" netns "$SRV"
for ns in "$CLI" "$SRV"; do
  ip netns exec "$ns" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
  # Bigger default socket buffers so that a burst of 10,000 Bindings is queued, not dropped (per namespace).
  ip netns exec "$ns" sysctl -q -w net.core.rmem_max=33554432 net.core.rmem_default=8388608 \
      net.core.wmem_max=33554432 net.core.wmem_default=1048576 2>/dev/null || true
  ip -n "$ns" link set lo up
done
ip -n "$CLI" addr add "$CLI_IP/24" dev "$VETH_C"
ip -n "$SRV" addr add "$SRV_IP/24" dev "$VETH_S"
ip -n "$CLI" link set "$VETH_C" up
ip -n "$SRV" link set "$VETH_S" up

cat > "$WORK/turnserver.conf" <<CONF
listening-ip=$SRV_IP
relay-ip=$SRV_IP
listening-port=$PORT
min-port=10000
max-port=65000
realm=iceflux.scale
lt-cred-mech
user=$TURN_USER:$TURN_PASS
userdb=$WORK/turndb
user-quota=0
total-quota=0
max-bps=0
no-tls
no-dtls
no-tcp-relay
no-cli
no-multicast-peers
no-software-attribute
pidfile=$WORK/turnserver.pid
log-file=$WORK/turnserver.log
simple-log
CONF
ip netns exec "$SRV" turnserver -c "$WORK/turnserver.conf" >"$WORK/turnserver.out" 2>&1 &
COTURN_PID=$!
for _ in $(seq 100); do
  if ip netns exec "$SRV" ss -lun 2>/dev/null | grep -q "$SRV_IP:$PORT"; then break; fi
  kill -0 "$COTURN_PID" 2>/dev/null || { echo "scale.sh: coturn exited:" >&2; cat "$WORK/turnserver.out" >&2; exit 1; }
  sleep 0.1
done

{
  echo "date -u: $(date -u)"
  echo "nproc: $(nproc)"
  echo "kernel: $(uname -sr)"
  echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')"
  echo "memory: $(free -m | awk '/Mem:/ {print $2 " MB"}')"
  echo "load average at start (1, 5, 15 min): $(cut -d" " -f1-3 /proc/loadavg)"
  echo "coturn: $(turnserver --version 2>&1 | head -1) (min-port 10000, max-port 65000, user-quota 0, total-quota 0)"
  java -version 2>&1 | sed 's/^/java -version: /'
} > "$WORK/env.txt"

ip netns exec "$CLI" java -cp "$CP" io.iceflux.benchmarks.scale.ScaleMain \
    --host "$SRV_IP" --port "$PORT" --user "$TURN_USER" --pass "$TURN_PASS" \
    --out "$ROOT/benchmarks" --env "$WORK/env.txt" --logs "$WORK" \
    --command "benchmarks/scale.sh${*:+ $*}" "$@"
