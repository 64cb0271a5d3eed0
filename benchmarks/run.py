"""`make bench`: run every benchmarks/bench_*.py (or those named) and print their figures.

Each module defines `run() -> list[str]`: human-readable result lines, each figure next to
the baseline it was measured against in the same run (this machine is shared, so absolute
times drift; ratios and counts do not).
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
import time
from datetime import UTC, datetime

import benchmarks


def main(argv: list[str]) -> int:
    names = argv or sorted(m.name for m in pkgutil.iter_modules(benchmarks.__path__) if m.name.startswith("bench_"))
    print(f"labapp benchmarks — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    for name in names:
        module = importlib.import_module(f"benchmarks.{name.removesuffix('.py')}")
        started = time.perf_counter()
        print(f"\n## {name}")
        for line in module.run():
            print(f"  {line}")
        print(f"  ({time.perf_counter() - started:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
