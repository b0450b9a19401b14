"""Natural-language dashboard edits: the model calls the edit tools, the spec is validated,
an invalid edit is fed back once, and a valid one is saved as one undoable version."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from tornado import web

from ..datastudio.dashboards.spec import SpecError
from ..datastudio.manager import DataStudioManager
from . import edit_tools
from .client import LLMClient, Turn, tool_result

Emit = Callable[[str, dict[str, Any]], Awaitable[None]]

SYSTEM = (
    "You edit Orpheus Data Studio dashboards. A dashboard is a JSON spec: a data_source "
    "(file, table, filters), a 12-column grid layout and widgets (kpi, chart, table, markdown, "
    "filter), each with an id and a position {x, y, w, h}. Make the user's requested change by "
    "calling the tools; use only columns listed for the data source and keep every other "
    "widget as it is. If the request is unclear or impossible, call no tool and say why."
)
ATTEMPTS = 2


def prompt(spec: dict[str, Any], columns: list[dict[str, Any]], request: str,
           widget_id: str | None) -> str:
    """The user message: the current spec, the columns, and the request."""
    focus = f"\nThe request is about the widget with id {widget_id!r}." if widget_id else ""
    return (f"Current dashboard spec:\n{json.dumps(spec)}\n\nColumns of the data source "
            f"(name and type):\n{json.dumps(columns)}\n{focus}\nRequest: {request}")


class DashboardEditor:
    """One edit request against one stored dashboard."""

    def __init__(self, llm: LLMClient, studio: DataStudioManager, folder: Path, dashboard_id: str,
                 emit: Emit) -> None:
        self.llm, self.studio, self.folder = llm, studio, folder
        self.dashboard_id, self.emit = dashboard_id, emit

    async def columns(self, spec: dict[str, Any]) -> list[dict[str, Any]]:
        """Name and type of each analysed column of the spec's data source."""
        try:
            _, cols = await self.studio.run(self.studio.store(self.folder).analysis_columns, spec)
        except SpecError:
            return []
        return [{"name": n, "type": c.get("type")} for n, c in cols.items()]

    async def problem(self, candidate: dict[str, Any]) -> str | None:
        """What is wrong with the edited spec (schema and columns), or ``None``."""
        try:
            await self.studio.run(self.studio.store(self.folder).validate, candidate)
        except SpecError as e:
            return str(e)
        return None

    async def run(self, request: str, widget_id: str | None) -> dict[str, Any]:
        """Edit, validate, retry once, save; 422 when both attempts were invalid."""
        spec = await self.studio.dashboards(self.folder, "load", self.dashboard_id)
        if widget_id is not None and not any(w.get("id") == widget_id for w in spec["widgets"]):
            raise web.HTTPError(404, f"dashboard {self.dashboard_id!r} has no widget {widget_id!r}")
        messages: list[dict[str, Any]] = [
            {"role": "user", "content": prompt(spec, await self.columns(spec), request, widget_id)}]
        problem = ""
        for attempt in range(1, ATTEMPTS + 1):
            await self.emit("status", {"message": "asking the model", "attempt": attempt})
            turn = await self.llm.turn(SYSTEM, messages, edit_tools.TOOLS, on_text=self.text)
            if not turn.tool_uses:
                return {"changed": False, "message": turn.text, "spec": spec}
            candidate, results = await self.check(spec, turn)
            if all(r is None for r in results):
                return {"changed": True, "message": turn.text, "spec": await self.save(spec, candidate)}
            problem = "; ".join(r for r in results if r)
            await self.emit("error", {"message": problem, "retrying": attempt < ATTEMPTS})
            messages += [turn.as_message(), feedback(turn, results)]
        raise web.HTTPError(422, f"The model's edit was invalid, nothing was changed: {problem}")

    async def save(self, base: dict[str, Any], candidate: dict[str, Any]) -> dict[str, Any]:
        """Save as one new version, unless someone saved another while the model worked (409)."""
        current = await self.studio.dashboards(self.folder, "load", self.dashboard_id)
        if current.get("version") != base.get("version"):
            raise web.HTTPError(409, f"dashboard {self.dashboard_id!r} changed while the model was "
                                     "editing it; nothing was saved, please ask again")
        saved: dict[str, Any] = await self.studio.dashboards(self.folder, "save", self.dashboard_id, candidate)
        return saved

    async def check(self, spec: dict[str, Any], turn: Turn) -> tuple[dict[str, Any], list[str | None]]:
        """Apply the calls to a copy, report each, then validate the whole result."""
        candidate, results = edit_tools.apply(spec, turn.tool_uses)
        if all(r is None for r in results):
            whole = await self.problem(candidate)
            if whole is not None:
                results = [f"the edited dashboard is invalid: {whole}"] * len(results)
        for use, result in zip(turn.tool_uses, results, strict=True):
            await self.emit("tool", {"name": use.name, "input": use.input})
            await self.emit("result", {"name": use.name, "ok": result is None,
                                       "message": result or "applied"})
        return candidate, results

    async def text(self, delta: str) -> None:
        """Pass the model's words on as they arrive."""
        await self.emit("text", {"text": delta})


def feedback(turn: Turn, results: list[str | None]) -> dict[str, Any]:
    """Tool results telling the model what failed (nothing was applied)."""
    note = " Nothing was applied; call the tools again with corrected arguments."
    return {"role": "user", "content": [
        tool_result(use.id, (result or "not applied because another call failed") + note, is_error=True)
        for use, result in zip(turn.tool_uses, results, strict=True)]}
