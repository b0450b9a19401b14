"""``docs/api.md``: every REST route, from the route tables and the handler classes."""

from __future__ import annotations

import importlib
import inspect
import re
from collections.abc import Iterator
from typing import Any

from tornado.web import RequestHandler

from .text import GENERATED, cell, code, first_line, load, table

#: (title, URL prefix, modules exporting ``default_handlers``)
API_GROUPS: list[tuple[str, str, list[str]]] = [
    ("User server", "/user/<username>", ["orpheus.app:HANDLER_MODULES"]),
    ("Hub", "/hub", ["orpheus_hub.accounts.handlers", "orpheus_hub.accounts.handlers.state"]),
    ("Share service", "/services/share/", ["orpheus_hub.share.owner_api", "orpheus_hub.share.views",
                                           "orpheus_hub.share.pages", "orpheus_hub.share.live_routes"]),
    ("LLM service", "/services/llm", ["orpheus_hub.llm.handlers.api",
                                      "orpheus_hub.llm.handlers.tokens",
                                      "orpheus_hub.llm.handlers.proxy"]),
]
#: Names of unnamed path parameters after these segments (else the segment, singular).
SEGMENT_NAMES = {"s": "token", "mine": "share", "quotas": "user"}
METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


def route_paths(pattern: str) -> list[str]:
    """Readable paths for a tornado route regex: ``{name}`` for groups, alternatives expanded."""
    pattern = pattern.removeprefix("^").removesuffix("$").removesuffix("/?")
    paths = [""]
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if char == "(":
            end = _group_end(pattern, i)
            pieces = _group_names(pattern[i + 1:end], paths[0])
            paths = [p + piece for p in paths for piece in pieces]
            i = end + 1
            continue
        if char == "\\":
            i += 1
            char = pattern[i]
        elif char in "?^$":
            char = ""
        paths = [p + char for p in paths]
        i += 1
    return paths


def _group_end(pattern: str, start: int) -> int:
    """Index of the ``)`` closing the group opened at ``start``."""
    depth, i = 0, start
    while i < len(pattern):
        if pattern[i] == "\\":
            i += 2
            continue
        depth += {"(": 1, ")": -1}.get(pattern[i], 0)
        if depth == 0:
            return i
        i += 1
    raise ValueError(f"unbalanced group in {pattern!r}")


def _group_names(group: str, before: str) -> list[str]:
    """What one regex group reads as: its name, its alternatives, or a name from context."""
    if group.startswith("?P<"):
        return ["{" + group[3:group.index(">")] + "}"]
    if re.fullmatch(r"[\w-]+(\|[\w-]+)+", group):
        return group.split("|")
    if group in (".*", ".+"):
        return ["{path}"]
    segment = before.rstrip("/").rsplit("/", 1)[-1]
    if segment in SEGMENT_NAMES:
        return ["{" + SEGMENT_NAMES[segment] + "}"]
    return ["{" + (segment[:-1] if len(segment) > 2 and segment.endswith("s") else "key") + "}"]


def handler_methods(handler: type) -> Iterator[tuple[str, str]]:
    """(method, summary) for each HTTP method ``handler`` implements."""
    for method in METHODS:
        func = getattr(handler, method.lower(), None)
        if func is None or func is getattr(RequestHandler, method.lower()):
            continue
        if method in ("HEAD", "OPTIONS") and not func.__module__.startswith("orpheus"):
            continue
        yield method, first_line(func) or first_line(handler)


def permission(handler: type, method: str) -> str:
    """``resource: action`` a user-server method asks jupyter_server's Authorizer for: the
    action given to ``@authorized`` (found along the decorators' ``__wrapped__`` chain), else
    the one jupyter_server infers from the HTTP method; "none" if the method is not
    decorated."""
    func: Any = getattr(handler, method.lower())
    while func is not None:
        try:
            names = inspect.getclosurevars(func).nonlocals
        except TypeError:
            names = {}
        if "action" in names and "resource" in names:
            action = names["action"] or ("read" if method in ("GET", "HEAD") else "write")
            return f"`{getattr(handler, 'auth_resource', '?')}`: {action}"
        func = getattr(func, "__wrapped__", None)
    return "none"


def routes(module_specs: list[str]) -> Iterator[tuple[str, str, list[tuple[str, Any]]]]:
    """(module name, module summary, its ``default_handlers``) for each route module."""
    for spec in module_specs:
        names = load(spec) if ":" in spec else [spec]
        for name in names:
            module = importlib.import_module(name)
            yield name, first_line(module), list(module.default_handlers)


def api_md() -> str:
    """The text of ``docs/api.md``."""
    out = [GENERATED, "# REST API reference", "",
           "Every route Orpheus adds, generated from the route tables (`default_handlers`) and "
           "the handler classes' docstrings. Paths are shown under each process's public prefix; "
           "`{name}` parts are path parameters. What each request takes and answers is "
           "described in the [user guide](use/index.md). On the user server every method asks "
           "jupyter_server's Authorizer for one feature resource and an action (`read`, `write`, "
           "or `execute` where it starts a process or runs code); the column *authorization* "
           "says which.", ""]
    for title, prefix, specs in API_GROUPS:
        user_server = prefix.startswith("/user/")
        out += [f"## {title}", "", f"Under `{prefix}`.", ""]
        for module, summary, handlers in routes(specs):
            head = ["method", "path", *(["authorization"] if user_server else []), "summary"]
            out += [f"### `{module}`", "", summary, "",
                    *table(head, route_rows(prefix, handlers, user_server)), ""]
    return "\n".join(out)


def route_rows(prefix: str, handlers: list[tuple[str, Any]], user_server: bool) -> Iterator[list[str]]:
    """The table cells of each method of each route under ``prefix`` (with the authorization
    column on the user server)."""
    for pattern, handler, *_ in handlers:
        for method, text in handler_methods(handler):
            auth = [permission(handler, method)] if user_server else []
            for path in route_paths(pattern):
                full = prefix.rstrip("/") + "/" + path.lstrip("/")
                yield [method, code(full), *auth, cell(text)]
