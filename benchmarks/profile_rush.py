"""py-spy profile of labapp's gunicorn workers while 16 clients register (and optionally load `/`).

`.venv/bin/python -m benchmarks.profile_rush [register|rush|index|session] [SECONDS] [TOP]` (as root: py-spy attaches
to the workers). Same server set-up as bench_public; prints the heaviest frames by inclusive and self share
of the samples. Not a `bench_*` module, so `make bench` does not run it.
"""

from __future__ import annotations

import collections
import re
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

from benchmarks import bench_public, loadgen


def summarise(collapsed: Path, top: int = 25, within: str = "handle_request") -> list[str]:
    """Inclusive and self shares of the busiest frames in a py-spy `--format raw` file.

    Only samples inside a request (a frame containing `within`) count: not start-up, not idle accept.
    """
    inclusive: collections.Counter[str] = collections.Counter()
    own: collections.Counter[str] = collections.Counter()
    total = 0
    for line in collapsed.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if within not in stack:
            continue
        n = int(count)
        frames = [frame.split(" (")[0] + " (" + frame.split("/")[-1] if "/" in frame else frame
                  for frame in stack.split(";")[1:]]
        total += n
        for frame in set(frames):
            inclusive[frame] += n
        if frames:
            own[frames[-1]] += n
    lines = [f"{total} samples inside requests"]
    lines += [f"  {n / total:6.1%} incl  {frame}" for frame, n in inclusive.most_common(top)]
    lines += [f"  {n / total:6.1%} self  {frame}" for frame, n in own.most_common(top)]
    return lines


def main(argv: list[str]) -> int:
    what = argv[0] if argv else "register"
    seconds = float(argv[1]) if len(argv) > 1 else 8.0
    bench_public.recreate_database()
    slugs = bench_public.seed()
    logs = Path(tempfile.mkdtemp(prefix="labapp-profile-"))
    env = {"LABAPP_CONFIG": "production", "DATABASE_URL": bench_public.DATABASE_URL, "SECRET_KEY": "p" * 40,
           "RATELIMIT_ENABLED": "false", "LOG_LEVEL": "INFO", "PROXY_FIX_HOPS": "0", "BASE_URL": "http://127.0.0.1"}
    with bench_public.gunicorn("wsgi:app", env, logs / "labapp.log") as port:
        if what in ("register", "rush"):
            # register: every request takes a seat (10,000 of them); rush: past the first 30, every
            # request joins a full session's waitlist, as most of a rush does.
            slug = slugs["latency"] if what == "register" else slugs["burst1"]
            make = bench_public.registration_requests(port, slug, 16)
        else:
            path = "/" if what == "index" else f"/sessions/{slugs['s5']}"
            make = lambda c, s: bench_public.get(path)  # noqa: E731
        # The gunicorn master is the oldest process listening on the port; --subprocesses adds its workers.
        master = subprocess.run(["ss", "-Hltnp", f"sport = :{port}"], capture_output=True, text=True)
        pid = str(min(int(p) for p in re.findall(r"pid=(\d+)", master.stdout)))
        loadgen.run(port, make, clients=4, seconds=1.0)  # warm: workers imported, statements prepared
        out = logs / "profile.txt"
        spy = subprocess.Popen([str(Path(sys.executable).parent / "py-spy"), "record", "--subprocesses", "-r", "200",
                                "-d", str(int(seconds)), "-f", "raw", "-o", str(out), "--pid", pid],
                               stdout=subprocess.DEVNULL, stderr=(logs / "py-spy.log").open("w"))
        result: list[loadgen.Result] = []
        thread = threading.Thread(target=lambda: result.append(
            loadgen.run(port, make, clients=16, seconds=seconds - 1)))
        thread.start()
        thread.join()
        spy.wait()
    if not out.exists():
        print((logs / "py-spy.log").read_text(), master.stdout)
        return 1
    print(f"{what}: {result[0].rps:.0f} req/s, p99 {result[0].percentile(99):.0f} ms")
    print("\n".join(summarise(out, top=int(argv[2]) if len(argv) > 2 else 25)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
