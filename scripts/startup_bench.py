"""The measuring half of scripts/startup-bench.sh (run inside its Xvfb and keyring session)."""
import os
import select
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from framebuffer import Framebuffer  # noqa: E402

RUNS, IDLE, WORK = int(os.environ["RUNS"]), float(os.environ["IDLE"]), os.environ["WORK"]
APPS = {
    "keyden": [os.environ["KEYDEN"], "--data-dir", f"{WORK}/1k"],
    "hello": [os.environ["HELLO"]],
}
# An earlier build, side by side (scripts/bench.sh BASELINE=...), on its own copy of the same keys.
if os.environ.get("BASELINE_APP"):
    APPS["baseline"] = [os.environ["BASELINE_APP"], "--data-dir", f"{WORK}/1k-base"]
# What "painted" means on screen: pixels of a colour only the content has. Keyden: the fill of the
# "Active" badges of the list's rows (--ok-soft), at least three badges' worth. The bare app: its
# heading's colour (tests/bench-hello/ui/hello.css), most of the heading's glyphs.
CONTENT = {"keyden": ("dcfce7", 3000), "baseline": ("dcfce7", 3000), "hello": ("1d4ed8", 1500)}
SCREEN = Framebuffer(os.environ["FBDIR"])
TRACES = {name: [] for name in APPS}


def descendants(root):
    children = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
                children.setdefault(ppid, []).append(int(entry))
            except (OSError, IndexError, ValueError):
                pass
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo.extend(children.get(pid, []))
    return out


def kib(path, field):
    try:
        with open(path) as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def launch(name):
    env = dict(os.environ, KEYDEN_STARTUP_PROBE="1", NO_AT_BRIDGE="1", HOME=f"{WORK}/home-{name}")
    os.makedirs(env["HOME"], exist_ok=True)
    # The previous launch's window must be gone from the screen first: Keyden is launched right
    # after itself (the order alternates) and the baseline draws the same colour, so its pixels
    # would be counted as this launch's (one launch was "on screen" 12 ms after exec).
    if not SCREEN.wait_clear({c for c, _ in CONTENT.values()}, 10):
        raise SystemExit(f"{name}: the previous window was still on screen 10 s after its process exited")
    t0 = time.time() * 1000
    p = subprocess.Popen(APPS[name], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env, bufsize=0)
    colour, enough = CONTENT[name]
    said = seen = None
    trace = {}
    pending = b""

    def read_reports(wait):
        # The page's own reports: its start-up trace, then its "painted" (an animation frame after
        # the content is in the DOM), kept to show how far it runs ahead of the screen. Read raw
        # (select sees the pipe, not a reader's buffer).
        nonlocal said, pending
        while said is None and select.select([p.stdout], [], [], wait)[0]:
            chunk = os.read(p.stdout.fileno(), 65536)
            if not chunk:
                return
            pending += chunk
            *lines, pending = pending.split(b"\n")
            for raw in lines:
                report(raw.decode(errors="replace"))

    def report(line):
        nonlocal said
        if "startup-trace" in line:
            for step in line.split()[2:]:
                key, _, value = step.partition("=")
                trace[key] = float(value) - t0
        elif "first-paint-epoch-ms" in line:
            said = int(line.split()[-1]) - t0

    deadline = time.time() + 60
    while seen is None and time.time() < deadline:
        read_reports(0)
        if SCREEN.count(colour) >= enough:
            seen = time.time() * 1000 - t0
        else:
            time.sleep(0.005)
    if seen is None:
        p.kill()
        raise SystemExit(f"{name}: its content never reached the screen in 60 s")
    read_reports(5)
    TRACES[name].append(dict(trace, screen=seen))
    time.sleep(IDLE)
    pids = descendants(p.pid)
    rss = sum(kib(f"/proc/{pid}/status", "VmRSS") for pid in pids)
    pss = sum(kib(f"/proc/{pid}/smaps_rollup", "Pss") for pid in pids)
    p.terminate()
    try:
        p.wait(10)
    except subprocess.TimeoutExpired:
        p.kill()
    return seen, rss / 1024, pss / 1024, len(pids), said


# One launch of each first, not counted (as hyperfine's --warmup): a binary just built is still cold
# in the page cache, and its first launch measured the disk, not the app (2.9 s against 1.05 s).
for name in APPS:
    launch(name)
    TRACES[name].clear()

results = {name: [] for name in APPS}
for i in range(RUNS):
    order = list(APPS)
    for name in (order if i % 2 == 0 else order[::-1]):
        results[name].append(launch(name))
        r = results[name][-1]
        early = f"(page said {r[4]:5.0f})" if r[4] is not None else "(page said nothing)"
        print(f"run {i + 1} {name:<7} on screen {r[0]:6.0f} ms {early}   tree RSS {r[1]:6.1f} MiB   PSS {r[2]:6.1f} MiB   ({r[3]} processes)")


def med(name, k):
    return statistics.median(r[k] for r in results[name])


print(f"\nmedians of {RUNS} alternating launches (idle memory after {IDLE:.0f} s):")
base = "baseline" in APPS
print(f"{'':<22}{'keyden':>10}{'bare app':>10}{'ratio':>8}" + (f"{'baseline':>10}{'ratio':>8}" if base else ""))
for label, k, unit in (("content on screen", 0, "ms"), ("process-tree RSS", 1, "MiB"), ("process-tree PSS", 2, "MiB")):
    a, b = med("keyden", k), med("hello", k)
    line = f"{label + ' (' + unit + ')':<22}{a:>10.1f}{b:>10.1f}{a / b:>8.2f}"
    if base:
        c = med("baseline", k)
        line += f"{c:>10.1f}{c / b:>8.2f}"
    print(line)
said = {name: [r[4] for r in results[name] if r[4] is not None] for name in APPS}
if all(said.values()):
    a, b = statistics.median(said["keyden"]), statistics.median(said["hello"])
    print(f"{'(page said, ms)':<22}{a:>10.1f}{b:>10.1f}{a / b:>8.2f}   the pages' own reports, ahead of the screen")

# Where the time goes: each step's median instant after exec, from the pages' traces.
# list-given: the first screenful was in the page already (first_screen), no request was sent for it.
# in-dom: Yew's render of it is done; from there to the frame is the browser's style, layout and paint.
STEPS = ["navigation", "wasm-main", "list-given", "list-asked", "list-answered", "in-dom", "frame", "screen"]
print("\nstart-up trace, ms after exec (medians; the page's clock):")
print(f"{'':<16}" + "".join(f"{n:>10}" for n in APPS if TRACES[n]))
for step in STEPS:
    cells = []
    for n in APPS:
        values = [t[step] for t in TRACES[n] if step in t]
        cells.append(f"{statistics.median(values):>10.0f}" if values else f"{'-':>10}")
    print(f"{step:<16}" + "".join(cells))


def fontconfig_matches(name):
    """Font matches the app's processes ask fontconfig for until its first frame (FC_DEBUG=1 prints
    one "Match Pattern" block each, on the stdout the web process inherits). A count, not a time: the
    same for the same page and fonts however busy the machine. WebKitGTK matches each (family, size,
    weight) of the page, then probes every family of fontconfig's substituted list one by one; on this
    machine that was about half of Keyden's time from the list in the DOM to its first frame (a minimal
    FONTCONFIG_FILE: 97 -> 48 ms, seventh session)."""
    env = dict(os.environ, KEYDEN_STARTUP_PROBE="exit", FC_DEBUG="1", NO_AT_BRIDGE="1", HOME=f"{WORK}/home-{name}")
    try:
        out = subprocess.run(APPS[name], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env, timeout=60).stdout
    except subprocess.TimeoutExpired:
        return None
    return sum(1 for line in out.splitlines() if line.startswith(b"Match Pattern"))


counts = {name: fontconfig_matches(name) for name in APPS}
if all(counts.values()):
    line = f"\n{'fontconfig matches':<22}{counts['keyden']:>10}{counts['hello']:>10}{counts['keyden'] / counts['hello']:>8.2f}"
    if base:
        line += f"{counts['baseline']:>10}{counts['baseline'] / counts['hello']:>8.2f}"
    print(line + "   until the first frame (FC_DEBUG=1; a count, no noise)")
