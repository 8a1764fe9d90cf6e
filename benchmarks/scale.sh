#!/usr/bin/env bash
# IceFlux latency + scale harness, side by side with ice4j and aioice, in one command (needs root, Linux, JDK 17,
# Maven; installs coturn and python3-aioice from Debian when missing):
#
#   benchmarks/scale.sh [--runs 200] [--warmup 50] [--turn-n 1,10,100,500,1000] [--stun-n 5000,10000] [--timeout 60]
#                       [--peer-n 1,100,500,1000] [--rounds 3] [--cold-warmup 1] [--warm-warmup 3000] [--cold-c1 true]
#
# The side-by-side table (--peer-n, --rounds) runs ice4j, aioice (Debian python3-aioice, /usr/bin/python3), IceFlux
# cold and IceFlux warm at each N, each in its own process against a coturn restarted just before it; with --cold-c1
# true (the default) also IceFlux cold in a JVM with -XX:TieredStopAtLevel=1 (a short-lived process's flags), shown
# beside the default-JVM cold row, which stays issue 13's target.
# Builds the benchmarks module (no install), sets up its own world -- two network namespaces scale<pid>-cli and
# scale<pid>-srv joined by a veth pair, coturn with its own config in -srv -- runs ScaleMain in -cli (which forks one
# JVM per measurement), writes benchmarks/RESULTS-scale.md, benchmarks/scale-wall.png and benchmarks/scale-threads.png,
# and tears everything down on exit, also on failure or Ctrl-C. Worker logs stay in the printed temp directory.
# SCALE_SKIP_BUILD=1 reuses the last build.
# SCALE_BURSTS=100,500,1000 runs, instead of the harness, ScaleWorker mode=bursts for each N (IceFlux only, TURN/UDP,
# the side by side's worker JVM options, a fresh coturn and JVM per line): SCALE_BURST_COUNT (default 5) bursts of N
# after a cold (1) and a warm (3000) warm-up, each with its wall time and the CPU time of the event loops, of the JIT
# compiler threads and of the rest of the process, printed as they come.
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

cleanup() {
  set +e
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
need=()
command -v turnserver >/dev/null || need+=(coturn)
/usr/bin/python3 -c 'import aioice' 2>/dev/null || need+=(python3-aioice)
if [[ ${#need[@]} -gt 0 ]]; then
  echo "scale.sh: installing ${need[*]}" >&2
  DEBIAN_FRONTEND=noninteractive apt-get update -q >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${need[@]}" >&2
fi

if [[ "${SCALE_SKIP_BUILD:-0}" != 1 ]]; then
  echo "scale.sh: building (mvn package -pl benchmarks -am, tests skipped)" >&2
  (cd "$ROOT" && mvn -B -q -DskipTests package dependency:build-classpath \
      -Dmdep.outputFile=target/scale-classpath.txt -pl benchmarks -am)
fi
CP="$ROOT/benchmarks/target/classes:$(cat "$ROOT/benchmarks/target/scale-classpath.txt")"

# Many sockets at once: 10,000 STUN gatherings hold two UDP sockets each (the host socket and, for ICMP fast failure,
# one connected to the server), and coturn its relays. A machine's hard limit can be below that (20,000 here made the
# N = 10,000 worker fail with "Too many open files" and hang): as root, raise it up to fs.nr_open first.
want=$(( $(cat /proc/sys/fs/nr_open 2>/dev/null || echo 1048576) < 1048576 ? $(cat /proc/sys/fs/nr_open) : 1048576 ))
if [[ $(ulimit -Hn) != unlimited && $(ulimit -Hn) -lt $want ]]; then
  ulimit -Hn "$want" 2>/dev/null || echo "scale.sh: cannot raise the open-file limit above $(ulimit -Hn)" >&2
fi
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
# (Re)start coturn in the server namespace and return once it listens; ScaleMain runs this before every
# side-by-side measurement, so that no row inherits the allocations or the state of another.
cat > "$WORK/restart-coturn.sh" <<SCRIPT
#!/usr/bin/env bash
set -euo pipefail
for pid in \$(ip netns pids "$SRV"); do kill "\$pid" 2>/dev/null || true; done
for _ in \$(seq 100); do [[ -z "\$(ip netns pids "$SRV")" ]] && break; sleep 0.05; done
for pid in \$(ip netns pids "$SRV"); do kill -9 "\$pid" 2>/dev/null || true; done
setsid ip netns exec "$SRV" turnserver -c "$WORK/turnserver.conf" >>"$WORK/turnserver.out" 2>&1 < /dev/null &
for _ in \$(seq 200); do
  if ip netns exec "$SRV" ss -lun 2>/dev/null | grep -q "$SRV_IP:$PORT"; then exit 0; fi
  sleep 0.05
done
echo "coturn did not start listening" >&2
exit 1
SCRIPT
chmod +x "$WORK/restart-coturn.sh"
"$WORK/restart-coturn.sh" || { echo "scale.sh: coturn did not start:" >&2; cat "$WORK/turnserver.out" >&2; exit 1; }

{
  echo "date -u: $(date -u)"
  echo "nproc: $(nproc)"
  echo "kernel: $(uname -sr)"
  echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')"
  echo "memory: $(free -m | awk '/Mem:/ {print $2 " MB"}')"
  echo "load average at start (1, 5, 15 min): $(cut -d" " -f1-3 /proc/loadavg)"
  echo "coturn: $(turnserver --version 2>&1 | head -1) (min-port 10000, max-port 65000, user-quota 0, total-quota 0)"
  echo "aioice: $(dpkg-query -W -f '${Version}' python3-aioice 2>/dev/null) ($(/usr/bin/python3 --version 2>&1))"
  java -version 2>&1 | sed 's/^/java -version: /'
} > "$WORK/env.txt"

if [[ -n "${SCALE_BURSTS:-}" ]]; then
  cat "$WORK/env.txt"
  for n in ${SCALE_BURSTS//,/ }; do
    for warmup in 1 3000; do
      "$WORK/restart-coturn.sh"
      echo "# n=$n warmup=$warmup load=$(cut -d" " -f1 /proc/loadavg)"
      ip netns exec "$CLI" java -XX:+UseSerialGC -Xms256m -Xmx4g -XX:-OmitStackTraceInFastThrow -cp "$CP" \
          io.iceflux.benchmarks.scale.ScaleWorker mode=bursts impl=iceflux scenario=turn n="$n" warmup="$warmup" \
          bursts="${SCALE_BURST_COUNT:-5}" host="$SRV_IP" port="$PORT" user="$TURN_USER" pass="$TURN_PASS" \
          2>>"$WORK/bursts.err"
    done
  done
  exit 0
fi

ip netns exec "$CLI" java -cp "$CP" io.iceflux.benchmarks.scale.ScaleMain \
    --host "$SRV_IP" --port "$PORT" --user "$TURN_USER" --pass "$TURN_PASS" \
    --out "$ROOT/benchmarks" --env "$WORK/env.txt" --logs "$WORK" \
    --aioice "$ROOT/benchmarks/src/main/python/aioice_worker.py" --restart-server "$WORK/restart-coturn.sh" \
    --command "benchmarks/scale.sh${*:+ $*}" "$@"
