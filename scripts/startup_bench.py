"""The measuring half of scripts/startup-bench.sh (run inside its Xvfb and keyring session)."""
import os
import select
import statistics
import subprocess
import time

RUNS, IDLE, WORK = int(os.environ["RUNS"]), float(os.environ["IDLE"]), os.environ["WORK"]
APPS = {
    "keyden": [os.environ["KEYDEN"], "--data-dir", f"{WORK}/1k"],
    "hello": [os.environ["HELLO"]],
}


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
    t0 = time.time() * 1000
    p = subprocess.Popen(APPS[name], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env, text=True)
    paint = None
    deadline = time.time() + 60
    while paint is None and time.time() < deadline:
        ready, _, _ = select.select([p.stdout], [], [], 1)
        if ready:
            line = p.stdout.readline()
            if not line:
                break
            if "first-paint-epoch-ms" in line:
                paint = int(line.split()[-1]) - t0
    if paint is None:
        p.kill()
        raise SystemExit(f"{name} never reported its first paint")
    time.sleep(IDLE)
    pids = descendants(p.pid)
    rss = sum(kib(f"/proc/{pid}/status", "VmRSS") for pid in pids)
    pss = sum(kib(f"/proc/{pid}/smaps_rollup", "Pss") for pid in pids)
    p.terminate()
    try:
        p.wait(10)
    except subprocess.TimeoutExpired:
        p.kill()
    return paint, rss / 1024, pss / 1024, len(pids)


results = {name: [] for name in APPS}
for i in range(RUNS):
    for name in (["keyden", "hello"] if i % 2 == 0 else ["hello", "keyden"]):
        results[name].append(launch(name))
        r = results[name][-1]
        print(f"run {i + 1} {name:<7} first paint {r[0]:6.0f} ms   tree RSS {r[1]:6.1f} MiB   PSS {r[2]:6.1f} MiB   ({r[3]} processes)")


def med(name, k):
    return statistics.median(r[k] for r in results[name])


print(f"\nmedians of {RUNS} alternating launches (idle memory after {IDLE:.0f} s):")
print(f"{'':<22}{'keyden':>10}{'bare app':>10}{'ratio':>8}")
for label, k, unit in (("first painted frame", 0, "ms"), ("process-tree RSS", 1, "MiB"), ("process-tree PSS", 2, "MiB")):
    a, b = med("keyden", k), med("hello", k)
    print(f"{label + ' (' + unit + ')':<22}{a:>10.1f}{b:>10.1f}{a / b:>8.2f}")
