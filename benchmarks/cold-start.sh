#!/usr/bin/env bash
# Cold start side by side: a fresh iceflux-probe JVM and a fresh headless Chromium (/usr/bin/chromium, the one the
# diagnostics page test uses) gather from the same coturn on loopback, N rounds each, interleaved; prints each round
# and a table of medians (benchmarks/src/main/python/cold_start.py).
#
#   benchmarks/cold-start.sh [--rounds 5] [--scenario turns|turn-udp|both] [--probe NAME='java … -jar …'] …
#                            [--no-chromium] [--no-defaults]
#
# Scenarios: "turns" = one turns:127.0.0.1:<tls port>?transport=tcp URL (TURN over TLS, coturn's certificate made
# here: EC P-256, CN=localhost, SAN DNS:localhost and IP:127.0.0.1); "turn-udp" = two servers, stun: and
# turn:…?transport=udp on the same coturn. The probe trusts the certificate through
# -Djavax.net.ssl.trustStore (host name verified, as in production); Chromium gets --ignore-certificate-errors
# (CHROMIUM_FLAGS replaces it; without it Chromium's TURN/TLS refuses the certificate: 701 "Failed to establish
# connection"). @TRUST@, @JAR@, @JSA@ and @LAUNCHER@ in a --probe command become the trust options, the jar, the
# archive and the launcher; a --probe NAME must not contain "=".
# Without --probe: the current examples/probe/target/iceflux-probe.jar with JDK TLS and OpenSSL, with its CDS archive
# (examples/probe/target/iceflux-probe.jsa) when present, and the launcher examples/probe/target/iceflux-probe (CDS,
# C1 only, serial GC) with OpenSSL and with JDK TLS; --probe rows come before them (--no-defaults: only those). Needs coturn (turnserver), openssl, keytool,
# python3. Build the probe first: mvn -B -pl examples/probe -am -DskipTests package.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
ROUNDS=5
SCENARIO=both
CHROMIUM=/usr/bin/chromium
PROBES=()
DEFAULTS=1
while [[ $# -gt 0 ]]; do
  case "$1" in
    --rounds) ROUNDS=$2; shift 2 ;;
    --scenario) SCENARIO=$2; shift 2 ;;
    --probe) PROBES+=("$2"); shift 2 ;;
    --no-chromium) CHROMIUM=; shift ;;
    --no-defaults) DEFAULTS=0; shift ;;
    *) echo "cold-start.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done

WORK=$(mktemp -d /tmp/cold-start.XXXXXX)
cleanup() {
  set +e
  [[ -f "$WORK/turnserver.pid" ]] && kill "$(cat "$WORK/turnserver.pid")" 2>/dev/null
  [[ -n "${COTURN_PID:-}" ]] && kill "$COTURN_PID" 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
PORT=$(free_port)
TLS_PORT=$(free_port)
USER_NAME=cold
PASS="cold-$RANDOM$RANDOM"
printf '%s\n' "$PASS" > "$WORK/password"

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=localhost \
  -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" -keyout "$WORK/key.pem" -out "$WORK/cert.pem" 2>/dev/null
# A JKS trust store read without a password: no integrity check, as with the JDK's own cacerts (a PKCS12 store
# with a password spends a fresh JVM ~100 ms in PBKDF2 before the first handshake).
keytool -importcert -noprompt -alias coturn -file "$WORK/cert.pem" -keystore "$WORK/trust.jks" \
  -storetype JKS -storepass changeit >/dev/null 2>&1

cat > "$WORK/turnserver.conf" <<CONF
listening-ip=127.0.0.1
relay-ip=127.0.0.1
listening-port=$PORT
tls-listening-port=$TLS_PORT
cert=$WORK/cert.pem
pkey=$WORK/key.pem
realm=iceflux.cold
lt-cred-mech
user=$USER_NAME:$PASS
userdb=$WORK/turndb
allow-loopback-peers
no-dtls
no-cli
no-multicast-peers
no-software-attribute
pidfile=$WORK/turnserver.pid
log-file=$WORK/turnserver.log
simple-log
CONF
turnserver -c "$WORK/turnserver.conf" >"$WORK/turnserver.out" 2>&1 </dev/null &
COTURN_PID=$!
for _ in $(seq 100); do
  if (exec 3<>"/dev/tcp/127.0.0.1/$TLS_PORT") 2>/dev/null; then break; fi
  sleep 0.05
done

JAR="$ROOT/examples/probe/target/iceflux-probe.jar"
JSA="$ROOT/examples/probe/target/iceflux-probe.jsa"
TRUST="-Djavax.net.ssl.trustStore=$WORK/trust.jks"
LAUNCHER="$ROOT/examples/probe/target/iceflux-probe"
if [[ ${#PROBES[@]} -gt 0 ]]; then
  # the caller's commands: @TRUST@ becomes the trust-store options, @JAR@, @JSA@ and @LAUNCHER@ the built jar,
  # archive and launcher
  for i in "${!PROBES[@]}"; do
    PROBES[$i]=${PROBES[$i]//@TRUST@/$TRUST}; PROBES[$i]=${PROBES[$i]//@JAR@/$JAR}; PROBES[$i]=${PROBES[$i]//@JSA@/$JSA}
    PROBES[$i]=${PROBES[$i]//@LAUNCHER@/$LAUNCHER}
  done
fi
if [[ $DEFAULTS == 1 ]]; then
  PROBES+=("jdk-tls=java $TRUST -Diceflux.tls.provider=jdk -jar $JAR")
  PROBES+=("openssl=java $TRUST -jar $JAR")
  if [[ -f "$JSA" ]]; then
    PROBES+=("openssl+cds=java -XX:SharedArchiveFile=$JSA -Xshare:auto $TRUST -jar $JAR")
  fi
  PROBES+=("launcher=env JAVA_OPTS='$TRUST' $LAUNCHER")
  PROBES+=("launcher+jdk-tls=env JAVA_OPTS='$TRUST -Diceflux.tls.provider=jdk' $LAUNCHER")
fi

echo "cold-start.sh: $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $(uptime | sed 's/.*load/load/')," \
  "$(java -version 2>&1 | head -1), $($CHROMIUM --version 2>/dev/null || echo 'no chromium')," \
  "coturn $(turnserver --version 2>&1 | head -1), $ROUNDS rounds" >&2
probe_args=()
for p in "${PROBES[@]}"; do probe_args+=(--probe "$p"); done
chromium_args=()
[[ -n "$CHROMIUM" ]] && chromium_args=(--chromium "$CHROMIUM" "--chromium-flags=${CHROMIUM_FLAGS---ignore-certificate-errors}")

run() {
  python3 "$ROOT/benchmarks/src/main/python/cold_start.py" --rounds "$ROUNDS" --scenario "$1" --urls "$2" \
    --user "$USER_NAME" --password-file "$WORK/password" "${probe_args[@]}" "${chromium_args[@]}"
  echo "after $1: $(uptime | sed 's/.*load/load/')" >&2
}
if [[ "$SCENARIO" == turns || "$SCENARIO" == both ]]; then
  run turns "turns:127.0.0.1:$TLS_PORT?transport=tcp"
fi
if [[ "$SCENARIO" == turn-udp || "$SCENARIO" == both ]]; then
  run turn-udp "stun:127.0.0.1:$PORT,turn:127.0.0.1:$PORT?transport=udp"
fi
