"""DataStudioManager: runs analyses off the event loop and owns the dashboard stores."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

from tornado import web
from traitlets import Int, validate
from traitlets.config import LoggingConfigurable

from .. import folders
from ..fsutil import contain
from .analysis import engine
from .dashboards import generate as generator
from .dashboards.spec import SpecError
from .dashboards.store import Conflict, DashboardStore, NotFound

T = TypeVar("T")
# The folders Data Studio reads and writes in a project; none may be a link out of it.
APP_FOLDERS = (folders.DATA, folders.ANALYSIS, folders.DASHBOARDS, folders.DASHBOARD_CACHE,
               folders.DASHBOARD_HISTORY)
Emit = Callable[[str, dict[str, Any]], None]


class DataStudioManager(LoggingConfigurable):  # type: ignore[misc]
    """Analysis runs (one at a time per project) and dashboard persistence."""

    max_columns = Int(
        2000,
        help="Tables wider than this many columns get an error entry instead of a profile.",
    ).tag(config=True)

    csv_block_size = Int(
        4 << 20,
        help="Bytes of CSV parsed per block; types are inferred from the first block (a later "
        "block that disagrees widens the column and restarts). Larger blocks read a little "
        "faster and hold more memory (the reader decodes several blocks ahead).",
    ).tag(config=True)

    analysis_workers = Int(
        1,
        help="Threads that run analyses (pyarrow parallelises each analysis internally).",
    ).tag(config=True)

    history_limit = Int(
        50,
        help="Previous versions kept per dashboard for undo.",
    ).tag(config=True)

    cache_max_rows = Int(
        2_000_000,
        help="Rows copied into a dashboard's Parquet cache; larger tables are sampled evenly.",
    ).tag(config=True)

    @validate("max_columns", "csv_block_size", "analysis_workers", "history_limit", "cache_max_rows")
    def _positive(self, proposal: Any) -> int:
        value = int(proposal["value"])
        if value < 1:
            name = proposal["trait"].name
            raise ValueError(f"DataStudioManager.{name} must be at least 1, not {value}")
        return value

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._pool = ThreadPoolExecutor(self.analysis_workers, thread_name_prefix="orpheus-analysis")
        self._locks: dict[str, asyncio.Lock] = {}

    def options(self, mode: Any) -> engine.Options:
        """Run options for ``mode``; 400 for an unknown mode."""
        if mode not in engine.MODES:
            raise web.HTTPError(400, f"mode must be one of {', '.join(engine.MODES)}")
        return engine.Options(mode=mode, max_columns=self.max_columns,
                              block_size=self.csv_block_size)

    @staticmethod
    def checked(folder: Path) -> Path:
        """The project folder, once none of its Data Studio folders leads outside it (403)."""
        for name in APP_FOLDERS:
            contain(folder, folder / name, f"{name}/")
        return folder

    def lock(self, folder: Path) -> asyncio.Lock:
        """The lock that serialises analyses and dashboard writes of one project."""
        return self._locks.setdefault(str(folder), asyncio.Lock())

    async def run(self, func: Callable[..., T], *args: Any) -> T:
        """Run blocking or CPU-heavy work in the analysis pool."""
        return await asyncio.get_running_loop().run_in_executor(self._pool, func, *args)

    async def analyze(self, folder: Path, mode: Any, emit: Emit) -> dict[str, Any]:
        """Analyse ``folder/data`` (events through ``emit``, called from a worker thread)."""
        options = self.options(mode)
        self.checked(folder)
        async with self.lock(folder):
            self.log.info("Analysing project %s (%s)", folder.name, options.mode)
            return await self.run(engine.analyze_folder, folder, options, emit)

    async def analysis(self, folder: Path) -> dict[str, Any]:
        """The stored metadata; 404 when the project has not been analysed."""
        metadata = await self.run(engine.load_metadata, engine.analysis_dir(self.checked(folder)))
        if metadata is None:
            raise web.HTTPError(404, f"project {folder.name!r} has not been analysed yet; "
                                     "POST .../analyze first")
        return metadata

    # ---- dashboards ------------------------------------------------------
    def store(self, folder: Path) -> DashboardStore:
        """The dashboard store of a project folder."""
        return DashboardStore(folder, self.history_limit, self.cache_max_rows, self.csv_block_size)

    async def dashboards(self, folder: Path, method: str, *args: Any) -> Any:
        """Call ``DashboardStore.<method>`` in the pool under the project lock; errors → 4xx."""
        store = self.store(self.checked(folder))
        async with self.lock(folder):
            try:
                return await self.run(getattr(store, method), *args)
            except SpecError as e:
                raise web.HTTPError(400, str(e)) from None
            except NotFound as e:
                raise web.HTTPError(404, str(e)) from None
            except Conflict as e:
                raise web.HTTPError(409, str(e)) from None

    async def generate(self, folder: Path, table: Any, title: Any) -> dict[str, Any]:
        """Analyse if needed, then create a dashboard from the analysis."""
        if table is not None and not isinstance(table, str):
            raise web.HTTPError(400, "table must be a table id such as 'file.csv' or 'book.xlsx#Sheet1'")
        if title is not None and (not isinstance(title, str) or not title.strip()):
            raise web.HTTPError(400, "title must be a non-empty string")
        metadata = await self.run(engine.load_metadata, engine.analysis_dir(self.checked(folder)))
        if metadata is None:
            metadata = await self.analyze(folder, "combined", lambda event, data: None)
        store = self.store(folder)
        try:
            spec = generator.generate(metadata, store.new_id(title or table or "dashboard"),
                                      table, title)
        except LookupError as e:
            raise web.HTTPError(400 if table is None else 404, str(e)) from None
        created: dict[str, Any] = await self.dashboards(folder, "create", spec)
        return created

    async def export(self, folder: Path, dashboard_id: str) -> str:
        """The static HTML export of a stored dashboard."""
        from .dashboards import static

        spec = await self.dashboards(folder, "load", dashboard_id)
        html: str = await self.run(static.export_project_dashboard, folder, spec)
        return html

    def close(self) -> None:
        """Stop the worker threads (running analyses finish first)."""
        self._pool.shutdown(wait=False, cancel_futures=True)
