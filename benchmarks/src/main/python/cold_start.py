#!/usr/bin/env python3
"""Cold-start rounds for benchmarks/cold-start.sh: a fresh iceflux-probe JVM and a fresh headless Chromium, each
gathering from the same STUN/TURN URLs, N times; prints one line per round and a table of medians.

Each contender's time is "gathering": from the start of the gathering to the relay candidate (the probe's own
"t" of its JSON candidate line: from subscribing to gather(); Chromium: performance.now() from just before
setLocalDescription to the relay candidate's icecandidate event) and "process": from spawning the process to
that same candidate (probe: when its JSON line is read; Chromium: when the page reports it).

  cold_start.py --rounds 5 --scenario NAME --urls URL[,URL] --user U --password P \
      --probe NAME='java -jar …' [--probe …] [--chromium /usr/bin/chromium] [--chromium-flags '…']
"""
import argparse
import http.server
import json
import os
import resource
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time

PAGE = """<!doctype html><meta charset=utf-8><title>cold gather</title><script>
(async () => {
  const cfg = %(cfg)s;
  const post = (body) => fetch('/result', {method: 'POST', body: JSON.stringify(body)});
  try {
    const pc = new RTCPeerConnection(cfg);
    pc.createDataChannel('x');
    const offer = await pc.createOffer();
    let t0 = 0; let done = false; const errors = [];
    pc.onicecandidateerror = (e) => errors.push(e.errorCode + ' ' + e.errorText + ' ' + e.url);
    pc.onicecandidate = (e) => {
      if (done) return;
      if (e.candidate && e.candidate.type === 'relay') {
        done = true;
        post({relayMs: performance.now() - t0, navToRelayMs: performance.now(), candidate: e.candidate.candidate});
      } else if (!e.candidate) {
        done = true;
        post({relayMs: null, errors});
      }
    };
    setTimeout(() => { if (!done) { done = true; post({relayMs: null, errors, timeout: true}); } }, 15000);
    t0 = performance.now();
    await pc.setLocalDescription(offer);
  } catch (e) {
    post({relayMs: null, errors: [String(e)]});
  }
})();
</script>
"""


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def fmt(value):
    return "-" if value is None else f"{value:.0f}"


def run_probe(command, urls, user, password, timeout):
    argv = shlex.split(command) + ["--json", "-u", user, "--password-file", password, *urls]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.monotonic()
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    gathering = process = None
    deadline = start + timeout
    for line in proc.stdout:
        if time.monotonic() > deadline:
            break
        try:
            event = json.loads(line)
        except ValueError:
            continue
        if event.get("type") == "candidate" and event.get("candidateType") == "relay" and gathering is None:
            gathering = float(event["t"])
            process = (time.monotonic() - start) * 1000
    try:
        proc.wait(timeout=max(1, deadline - time.monotonic()))
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    exit_ms = (time.monotonic() - start) * 1000
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu_ms = (after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime) * 1000
    if gathering is None:
        sys.stderr.write("probe: no relay candidate; stderr: " + proc.stderr.read()[-2000:] + "\n")
    return gathering, process, exit_ms, cpu_ms


class Results:
    def __init__(self):
        self.event = threading.Event()
        self.value = None


def serve(page, results):
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            body = page.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self):
            length = int(self.headers.get("Content-Length", 0))
            results.value = json.loads(self.rfile.read(length) or b"{}")
            results.value["at"] = time.monotonic()
            self.send_response(204)
            self.end_headers()
            results.event.set()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def run_chromium(chromium, flags, urls, user, password, timeout):
    cfg = {"iceServers": [{"urls": urls, "username": user, "credential": password}]}
    results = Results()
    server = serve(PAGE % {"cfg": json.dumps(cfg)}, results)
    profile = tempfile.mkdtemp(prefix="cold-chromium-")
    argv = [chromium, "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
            "--no-default-browser-check", "--disable-extensions", "--user-data-dir=" + profile,
            *shlex.split(flags), f"http://127.0.0.1:{server.server_address[1]}/"]
    start = time.monotonic()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        results.event.wait(timeout)
    finally:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait()
        server.shutdown()
        shutil.rmtree(profile, ignore_errors=True)
    value = results.value or {}
    if value.get("relayMs") is None:
        sys.stderr.write("chromium: no relay candidate: " + json.dumps(value) + "\n")
        return None, None, None, None
    return value["relayMs"], (value["at"] - start) * 1000, None, None


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--scenario", required=True)
    parser.add_argument("--urls", required=True)
    parser.add_argument("--user", required=True)
    parser.add_argument("--password-file", required=True)
    parser.add_argument("--probe", action="append", default=[], help="NAME=COMMAND")
    parser.add_argument("--chromium", default=None)
    parser.add_argument("--chromium-flags", default="")
    parser.add_argument("--timeout", type=float, default=20)
    args = parser.parse_args()
    urls = args.urls.split(",")
    with open(args.password_file) as f:
        password = f.readline().rstrip("\n")

    contenders = [(name, cmd) for name, _, cmd in (p.partition("=") for p in args.probe)]
    if args.chromium:
        contenders.append(("chromium", None))
    rows = {name: [] for name, _ in contenders}
    # Interleaved rounds: every contender once per round, so that load drifts hit all alike.
    for r in range(args.rounds):
        for name, cmd in contenders:
            load = open("/proc/loadavg").read().split()[0]
            if cmd is None:
                result = run_chromium(args.chromium, args.chromium_flags, urls, args.user, password, args.timeout)
            else:
                result = run_probe(cmd, urls, args.user, args.password_file, args.timeout)
            rows[name].append(result)
            print(f"{args.scenario} round {r + 1} {name}: gathering {fmt(result[0])} ms, process {fmt(result[1])}"
                  f" ms, exit {fmt(result[2])} ms, CPU {fmt(result[3])} ms (load {load})", file=sys.stderr, flush=True)
    print(f"\n| scenario | contender | gathering → relay, median ms | process start → relay, median ms | "
          f"process exit, median ms | process CPU (user+sys), median ms | rounds with a relay |")
    print("|---|---|---|---|---|---|---|")
    for name, _ in contenders:
        values = rows[name]
        ok = sum(1 for v in values if v[0] is not None)
        print(f"| {args.scenario} | {name} | {fmt(median(v[0] for v in values))} "
              f"({', '.join(fmt(v[0]) for v in values)}) | {fmt(median(v[1] for v in values))} | "
              f"{fmt(median(v[2] for v in values))} | {fmt(median(v[3] for v in values))} | {ok}/{len(values)} |")


if __name__ == "__main__":
    main()
