#!/usr/bin/python3
"""aioice as a peer in IceFlux's scale harness: one measuring process, forked by ScaleMain like a ScaleWorker JVM.

    aioice_worker.py mode=scale scenario=turn n=500 warmup=1 timeout=60 host=10.77.0.2 port=3478 user=u pass=p
    aioice_worker.py mode=latency scenario=stun runs=200 warmup=50 host=... port=...

Prints one result line on standard output in ScaleWorker's format (a tag, then tab-separated key=value fields):
SCALE for mode=scale, LATENCY for mode=latency, so that the driver reads all three implementations alike.

What one gathering is, the same as IceFlux's and ice4j's runners: an aioice Connection with the server as its STUN
server (a Binding: the srflx) and, for scenario=turn, also as its TURN server over UDP (an Allocate answered 401,
then an authenticated Allocate: the relay), IPv4 only; gathering is aioice's gather_candidates(). A gathering
counts as a failure when it lacks the srflx (or, for turn, the relay) or raises.

Scale mode: `warmup` gatherings one after the other (each closed, its allocation deleted), then n at once with
asyncio.gather; each gathering's time runs from its own start to its candidates; wall is the first start to the last
end. The live connections are then closed (aioice deletes the allocations). Threads and RSS are read from
/proc/self/status (Threads, VmHWM), sampled every 5 ms while the n run; CPU is the process's CPU time over the same
span. Python has no heap figure comparable to the JVM's: peakHeapBytes and retainedBytesPerGathering are -1, and
the note gives the RSS grown per live gathering instead.
"""
import asyncio
import os
import sys
import time

import aioice


def parse(argv):
    options = {}
    for arg in argv:
        key, eq, value = arg.partition("=")
        if not eq or not key:
            raise SystemExit("worker arguments are key=value, not '%s'" % arg)
        options[key] = value
    return options


def required(options, key):
    value = options.get(key)
    if not value:
        raise SystemExit("worker argument '%s=...' is missing" % key)
    return value


def proc_status(field):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return -1


def threads_now():
    return proc_status("Threads")


def rss_bytes_now():
    return proc_status("VmRSS") * 1024


def peak_rss_bytes():
    return proc_status("VmHWM") * 1024


def fields(tag, values):
    return tag + "".join(
        "\t%s=%s" % (k, str(v).replace("\t", " ").replace("\n", " ").replace("\r", " "))
        for k, v in values.items())


class Gathering:
    """One aioice Connection gathered once; `ok` when it has every candidate the scenario asks for."""

    def __init__(self, options, scenario):
        server = (required(options, "host"), int(required(options, "port")))
        kwargs = dict(ice_controlling=True, stun_server=server, use_ipv4=True, use_ipv6=False)
        if scenario == "turn":
            kwargs.update(turn_server=server, turn_username=options.get("user", ""),
                          turn_password=options.get("pass", ""), turn_transport="udp")
        self.connection = aioice.Connection(**kwargs)
        self.scenario = scenario
        self.start = self.end = 0
        self.ok = False
        self.error = ""

    async def run(self):
        self.start = time.perf_counter_ns()
        try:
            await self.connection.gather_candidates()
            types = {c.type for c in self.connection.local_candidates}
            self.ok = "srflx" in types and (self.scenario != "turn" or "relay" in types)
            if not self.ok:
                self.error = "candidates: " + ",".join(sorted(types))
        except Exception as e:  # aioice raises on a 401 it cannot answer, a timeout, a refused connection
            self.error = "%s: %s" % (type(e).__name__, e)
        self.end = time.perf_counter_ns()

    def relayed(self):
        return any(c.type == "relay" for c in self.connection.local_candidates)

    async def close(self):
        try:
            await self.connection.close()
        except Exception:
            pass


def percentile(values, p):
    if not values:
        return -1
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, -(-len(ordered) * p // 100) - 1))
    return ordered[index]


async def warm(options, scenario, count):
    for _ in range(count):
        g = Gathering(options, scenario)
        await g.run()
        await g.close()


async def scale(options):
    scenario = required(options, "scenario")
    n = int(required(options, "n"))
    timeout = float(options.get("timeout", "60"))
    await warm(options, scenario, int(options.get("warmup", "1")))
    threads_before = threads_now()
    rss_before = rss_bytes_now()
    peak_threads = threads_before
    gatherings = [Gathering(options, scenario) for _ in range(n)]
    cpu0 = time.process_time_ns()
    t0 = time.perf_counter_ns()
    everything = asyncio.ensure_future(asyncio.gather(*(g.run() for g in gatherings)))
    deadline = t0 + int(timeout * 1e9)
    while not everything.done() and time.perf_counter_ns() < deadline:
        peak_threads = max(peak_threads, threads_now())
        await asyncio.wait([everything], timeout=0.005)
    timed_out = not everything.done()
    cpu = time.process_time_ns() - cpu0
    peak_threads = max(peak_threads, threads_now())
    rss_live = rss_bytes_now()
    if timed_out:
        everything.cancel()
    finished = [g for g in gatherings if g.end]
    durations = [g.end - g.start for g in finished]
    starts = [g.start for g in gatherings if g.start]
    failures = sum(1 for g in gatherings if not g.ok)
    relay_failures = sum(1 for g in gatherings if not g.relayed()) if scenario == "turn" else 0
    errors = sorted({g.error for g in gatherings if g.error})
    await asyncio.gather(*(g.close() for g in gatherings))
    note = "RSS grew %d bytes per live gathering" % ((rss_live - rss_before) // max(1, n))
    if errors:
        note += "; errors: " + " | ".join(errors[:3])
    print(fields("SCALE", {
        "impl": "aioice", "scenario": scenario, "n": n, "completed": len(finished), "failures": failures,
        "relayFailures": relay_failures, "timedOut": str(timed_out).lower(),
        "wallNanos": (max(g.end for g in finished) - t0) if finished else -1,
        "p50Nanos": percentile(durations, 50), "p99Nanos": percentile(durations, 99),
        "startSpreadNanos": (max(starts) - min(starts)) if starts else -1, "cpuNanos": cpu,
        "peakOsThreads": peak_threads, "peakJavaThreads": peak_threads, "javaThreadsBefore": threads_before,
        "peakHeapBytes": -1, "peakRssBytes": peak_rss_bytes(), "retainedBytesPerGathering": -1,
        "loadAverage": "%.2f" % os.getloadavg()[0], "note": note}))


async def latency(options):
    scenario = required(options, "scenario")
    runs = int(options.get("runs", "200"))
    await warm(options, scenario, int(options.get("warmup", "20")))
    ok = []
    failures = 0
    for _ in range(runs):
        g = Gathering(options, scenario)
        await g.run()
        await g.close()
        if g.ok:
            ok.append(g.end - g.start)
        else:
            failures += 1
    print(fields("LATENCY", {"impl": "aioice", "label": scenario, "runs": runs, "failures": failures,
                             "medianNanos": percentile(ok, 50), "p99Nanos": percentile(ok, 99)}))


def main():
    options = parse(sys.argv[1:])
    mode = required(options, "mode")
    if mode == "scale":
        asyncio.run(scale(options))
    elif mode == "latency":
        asyncio.run(latency(options))
    else:
        raise SystemExit("mode must be scale or latency, not '%s'" % mode)
    sys.stdout.flush()


if __name__ == "__main__":
    main()
