"""``python -m benchmarks [NAME ...]``: run benchmarks by name (all when none is given).

Each benchmark is a module ``benchmarks/<name>_bench.py`` with a ``main() -> int``.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def available() -> list[str]:
    """Benchmark names, from the ``*_bench.py`` modules in this folder."""
    return sorted(p.stem.removesuffix("_bench") for p in HERE.glob("*_bench.py"))


def main(argv: list[str]) -> int:
    names = argv or available()
    unknown = [n for n in names if n not in available()]
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; available: {', '.join(available())}")
        return 2
    status = 0
    for name in names:
        print(f"== {name} ==", flush=True)
        module = importlib.import_module(f"benchmarks.{name}_bench")
        status |= int(module.main())
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
