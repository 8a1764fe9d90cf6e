#!/usr/bin/env sh
# The full IceFlux soak: 10,000 sequential and 1,000 concurrent gatherings (STUN + TURN over UDP) against a
# coturn started for the run, through an in-process proxy that drops 10 % of the datagrams each way. Fails
# unless every gathering gave its candidates, no ByteBuf leaked (paranoid detector), no socket stayed open, no
# allocation stayed on coturn, and threads and heap stayed flat. Prints the summary table, which is also left in
# netty-transport/target/soak-report.md.
#
# Needs /usr/bin/turnserver (coturn), Java 17 and Maven. Override the sizes with the environment:
#   SOAK_SEQUENTIAL (10000) SOAK_CONCURRENT (1000) SOAK_SAMPLE_EVERY (1000) SOAK_LOSS (0.10) SOAK_SEED (42)
set -eu
cd "$(dirname "$0")/.."
status=0
rm -f netty-transport/target/soak-report.md
mvn -B -q test -pl netty-transport -am \
    -Dtest=SoakTest -Dsurefire.failIfNoSpecifiedTests=false \
    -Diceflux.soak.sequential="${SOAK_SEQUENTIAL:-10000}" \
    -Diceflux.soak.concurrent="${SOAK_CONCURRENT:-1000}" \
    -Diceflux.soak.sampleEvery="${SOAK_SAMPLE_EVERY:-1000}" \
    -Diceflux.soak.loss="${SOAK_LOSS:-0.10}" \
    -Diceflux.soak.seed="${SOAK_SEED:-42}" "$@" || status=$?
if [ -f netty-transport/target/soak-report.md ]; then
    cat netty-transport/target/soak-report.md
fi
exit "$status"
