"""Dashboard first render through Voila: the generated dashboard vs a plain notebook.

``python -m benchmarks dashboard`` (or ``make bench BENCH=dashboard``). Starts a real
``jupyter server`` (orpheus + voila extensions) on the 1M-row benchmark CSV,
analyses the project and generates a dashboard over HTTP, then writes a plain
notebook that makes the same charts and KPIs with pandas + plotly express from
the raw CSV. Both are rendered through Voila (``/voila/render/...``) in turns;
each render is timed until the whole page has arrived (Voila executes every
cell before it finishes the page), and the kernels are shut down in between.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import nbformat
import requests

from .datastudio_data import big_csv

ROUNDS = int(os.environ.get("ORPHEUS_BENCH_REPEATS", "3"))
PLAIN_SETUP = """import pandas as pd
import plotly.express as px
import plotly.io as pio
pio.renderers.default = "plotly_mimetype"
df = pd.read_csv("data/sales.csv", parse_dates={dates!r})"""


def _chart_code(w: dict[str, Any]) -> str:
    """plotly express code for one chart widget, the way a notebook author would write it."""
    enc, kind, agg = w["encoding"], w["kind"], w.get("aggregation", "none")
    x, y, color = enc.get("x"), enc.get("y"), enc.get("color")
    if kind == "histogram":
        return f"px.histogram(df, x={x!r}, title={w['title']!r}).show()"
    if kind == "scatter":
        return (f"px.scatter(df, x={x!r}, y={y!r}, color={color!r}, render_mode='webgl', "
                f"title={w['title']!r}).show()")
    if kind == "box":
        return f"px.box(df, x={x!r}, y={y!r}, title={w['title']!r}).show()"
    if kind == "heatmap":
        return f"px.density_heatmap(df, x={x!r}, y={y!r}, title={w['title']!r}).show()"
    keys = [x] + ([color] if color else [])
    if kind in ("line", "area") and w.get("time_unit"):
        freq = {"day": "D", "week": "W", "month": "MS", "quarter": "QS", "year": "YS", "hour": "h"}
        keys[0] = f"pd.Grouper(key={x!r}, freq={freq[w['time_unit']]!r})"
    group = "[" + ", ".join(k if k.startswith("pd.") else repr(k) for k in keys) + "]"
    if y is None or agg in ("count", "none"):
        table = f"df.groupby({group}).size().rename('value').reset_index()"
    else:
        table = f"df.groupby({group})[{y!r}].agg({agg!r}).rename('value').reset_index()"
    if kind == "pie":
        return f"px.pie({table}, names={x!r}, values='value', title={w['title']!r}).show()"
    fn = {"bar": "bar", "line": "line", "area": "area"}[kind]
    return f"px.{fn}({table}, x={x!r}, y='value', color={color!r}, title={w['title']!r}).show()"


def _kpi_code(w: dict[str, Any]) -> str:
    if w["aggregation"] == "count":
        return "print('Rows', len(df))"
    return f"print({w['title']!r}, df[{w['column']!r}].{w['aggregation']}())"


def plain_notebook(spec: dict[str, Any], datetimes: list[str]) -> nbformat.NotebookNode:
    """The baseline: same KPIs and charts, computed from the raw CSV."""
    used = {c for w in spec["widgets"] for c in (w.get("encoding") or {}).values() if c}
    cells = [PLAIN_SETUP.format(dates=sorted(used & set(datetimes)))]
    for w in spec["widgets"]:
        if w["type"] == "kpi":
            cells.append(_kpi_code(w))
        elif w["type"] == "chart":
            cells.append(_chart_code(w))
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


class Server:
    """A real jupyter server with the orpheus and voila extensions."""

    def __init__(self, root: Path) -> None:
        self.token = secrets.token_hex(16)
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        exe = Path(sys.executable).with_name("jupyter-server")
        self.proc = subprocess.Popen(
            [str(exe), "--no-browser", "--allow-root", f"--port={self.port}", "--ip=127.0.0.1",
             f"--ServerApp.token={self.token}", f"--ServerApp.root_dir={root}"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"token {self.token}"
        for _ in range(120):
            try:
                if self.session.get(f"{self.url}/api/status", timeout=2).ok:
                    return
            except requests.ConnectionError:
                time.sleep(0.5)
        raise RuntimeError("jupyter server did not start")

    def api(self, method: str, path: str, **kw: Any) -> Any:
        r = self.session.request(method, f"{self.url}{path}", timeout=900, **kw)
        r.raise_for_status()
        return r.json() if r.content and "json" in r.headers.get("Content-Type", "") else r

    def render(self, path: str) -> tuple[float, int]:
        """Seconds until the whole Voila page arrived, and its size in bytes."""
        started = time.perf_counter()
        r = self.session.get(f"{self.url}/voila/render/{path}", timeout=900)
        elapsed = time.perf_counter() - started
        r.raise_for_status()
        if '"ename"' in r.text:
            raise RuntimeError(f"a cell failed while rendering {path}")
        for kernel in self.api("GET", "/api/kernels"):
            self.api("DELETE", f"/api/kernels/{kernel['id']}")
        return elapsed, len(r.content)

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=30)


CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


def browser_render(server: Server, path: str, figures: int) -> float:
    """Seconds until Debian chromium shows ``figures`` plotly plots of the Voila page."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1400})
            started = time.perf_counter()
            page.goto(f"{server.url}/voila/render/{path}?token={server.token}", timeout=900_000)
            page.wait_for_function(
                f"document.querySelectorAll('.js-plotly-plot .main-svg').length >= {figures}",
                timeout=900_000)
            elapsed = time.perf_counter() - started
        finally:
            browser.close()
    for kernel in server.api("GET", "/api/kernels"):
        server.api("DELETE", f"/api/kernels/{kernel['id']}")
    return elapsed


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def main() -> int:
    csv = big_csv()
    root = Path(tempfile.mkdtemp(prefix="orpheus-dash-bench-"))
    server = None
    try:
        data = root / "projects" / "bench" / "data"
        server = Server(root)
        server.api("POST", "/orpheus/api/projects", json={"name": "bench"})
        data.mkdir(parents=True, exist_ok=True)
        os.link(csv, data / "sales.csv") if csv.stat().st_dev == data.stat().st_dev \
            else shutil.copy(csv, data / "sales.csv")
        t = time.perf_counter()
        meta = server.api("POST", "/orpheus/api/projects/bench/analyze", json={})
        analysed = time.perf_counter() - t
        t = time.perf_counter()
        model = server.api("POST", "/orpheus/api/projects/bench/dashboards/generate", json={})
        generated = time.perf_counter() - t
        spec = model["spec"]
        datetimes = [c["name"] for c in meta["files"][0]["column_profiles"] if c["type"] == "datetime"]
        nb = plain_notebook(spec, datetimes)
        (root / "projects" / "bench" / "plain.ipynb").write_text(nbformat.writes(nb))
        charts = [w["kind"] for w in spec["widgets"] if w["type"] == "chart"]
        print(f"analysis over HTTP {analysed:.1f} s; generate (spec + Parquet cache + notebook) "
              f"{generated:.1f} s; charts: {', '.join(charts)}", flush=True)
        dash_times, plain_times, sizes = [], [], {}
        for _ in range(ROUNDS):
            secs, sizes["dashboard"] = server.render(f"projects/bench/dashboards/{spec['id']}.ipynb")
            dash_times.append(secs)
            secs, sizes["plain"] = server.render("projects/bench/plain.ipynb")
            plain_times.append(secs)
        dash_path = f"projects/bench/dashboards/{spec['id']}.ipynb"
        browser: dict[str, list[float]] = {"dashboard": [], "plain": []}
        if Path("/usr/bin/chromium").exists():
            for _ in range(ROUNDS):
                browser["dashboard"].append(browser_render(server, dash_path, len(charts)))
                browser["plain"].append(browser_render(server, "projects/bench/plain.ipynb", len(charts)))
        dash, plain = statistics.median(dash_times), statistics.median(plain_times)
        print(f"{'first render through Voila (HTTP)':34} {'median s':>9} {'runs':>24} {'page MB':>8}")
        for name, runs in (("generated dashboard (Parquet)", dash_times), ("plain notebook (raw CSV)", plain_times)):
            key = "dashboard" if name.startswith("generated") else "plain"
            print(f"{name:34} {statistics.median(runs):9.2f} "
                  f"{', '.join(f'{r:.1f}' for r in runs):>24} {sizes[key] / 2**20:8.1f}")
        print(f"dashboard / plain, whole page from the server: {dash / plain:.2f}x (goal <= 0.5x)")
        if browser["dashboard"]:
            bd, bp = statistics.median(browser["dashboard"]), statistics.median(browser["plain"])
            print(f"in chromium until all {len(charts)} figures are drawn: dashboard {bd:.2f} s "
                  f"({', '.join(f'{r:.1f}' for r in browser['dashboard'])}), plain {bp:.2f} s "
                  f"({', '.join(f'{r:.1f}' for r in browser['plain'])}); ratio {bd / bp:.2f}x")
        return 0
    finally:
        if server is not None:
            server.stop()
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    print(json.dumps({"rounds": ROUNDS}))
    sys.exit(main())
