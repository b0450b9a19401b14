#!/usr/bin/env python3
"""A stand-in ``claude`` for unit-level session checks (the real CLI has its own e2e test).

On start it prints one line ``STANDIN {json}`` with its argv, cwd and the
environment variables a session terminal must (or must not) carry, then echoes
every input line back as ``ECHO: <line>`` until it reads ``exit``.
"""

from __future__ import annotations

import json
import os
import sys

REPORTED = [
    "HOME", "ANTHROPIC_BASE_URL", "ANTHROPIC_AUTH_TOKEN", "ANTHROPIC_API_KEY", "OPENAI_API_KEY",
    "DISABLE_AUTOUPDATER", "ORPHEUS_SESSION_ID", "TERM",
]


def main() -> None:
    report = {
        "argv": sys.argv[1:],
        "cwd": os.getcwd(),
        "env": {k: os.environ.get(k) for k in REPORTED},
    }
    print("STANDIN " + json.dumps(report), flush=True)
    for line in sys.stdin:
        line = line.rstrip("\r\n")
        if line == "exit":
            break
        print(f"ECHO: {line}", flush=True)


if __name__ == "__main__":
    main()
