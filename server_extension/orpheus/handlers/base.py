"""The base class every Orpheus REST handler derives from."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, cast

from jupyter_server.base.handlers import APIHandler
from jupyter_server.extension.handler import ExtensionHandlerMixin
from tornado import web

from .. import ids
from .errors import JSONErrors

if TYPE_CHECKING:
    from jupyter_server.base.handlers import JupyterHandler as _Handler

    from ..app import OrpheusApp
else:
    _Handler = object

API_PREFIX = "/orpheus/api"


def _refuse_constant(name: str) -> Any:
    # Python's json accepts NaN and Infinity; JSON does not, and they break numbers later.
    raise ValueError(f"{name} is not a JSON number")


class PathChecks(_Handler):
    """Path arguments: undecodable escapes and malformed ids are 400s, before anything else.

    Mixed into every Orpheus handler (through :class:`OrpheusMixin`), ahead of
    tornado's ``RequestHandler``.
    """

    def decode_argument(self, value: bytes, name: str | None = None) -> str:
        """UTF-8 of a percent-decoded path, query or form part; ``%C0%AE`` and the like are a 400."""
        try:
            return value.decode("utf-8")
        except UnicodeDecodeError:
            where = f"the request's {name}" if name else "a request argument"
            raise web.HTTPError(
                400, f"{where} is not valid UTF-8 once percent-decoded (an escape such as "
                     "%C0%AE is not a character)"
            ) from None

    def check_path_ids(self) -> None:
        """No trailing '/', and each id in the path of its kind's form (``orpheus.ids``).

        Every Orpheus route also matches a trailing slash (``OrpheusApp.initialize_handlers``)
        so that it is refused here: a proxy that normalizes ``notes/%2e%2e`` sends the
        parent with a slash (``projects/<name>/``), and a DELETE there trashed a project.
        Anonymous callers are left to ``@web.authenticated``.
        """
        if not self.current_user:
            return
        if self.request.path.endswith("/"):
            raise web.HTTPError(
                400, "Orpheus API paths never end in '/': remove it (a '.' or '..' segment, "
                     "also written %2e%2e, is removed by the proxy and leaves one)"
            )
        ids.check_path_args(self.path_kwargs)


class OrpheusMixin(PathChecks, JSONErrors, ExtensionHandlerMixin):  # type: ignore[misc,override]
    """What every Orpheus handler has: the app, path checks, JSON errors, a resource.

    Mixed in ahead of a Jupyter handler class (``APIHandler`` for the JSON API,
    ``JupyterHandler`` with tornado's static file handler for renders). Each
    concrete handler names its feature's ``auth_resource`` (``handlers.resources``)
    and decorates every method with ``@web.authenticated`` and ``@authorized``.
    """

    auth_resource = "orpheus"  # no feature: a handler that forgets its own fails a test

    @property
    def orpheus(self) -> OrpheusApp:
        """The running extension app (typed access to managers and settings)."""
        return cast("OrpheusApp", self.extensionapp)

    async def prepare(self) -> None:  # type: ignore[override]
        """Jupyter's checks (authentication, origin), then the path's ids."""
        await super().prepare()
        self.check_path_ids()


class OrpheusHandler(OrpheusMixin, APIHandler):  # type: ignore[misc,override]
    """JSON API handler: Jupyter auth, ``{"message", "reason"}`` errors, no tracebacks."""

    def get_json_object(self) -> dict[str, Any]:
        """Parse the request body as a JSON object, or answer 400 saying why not."""
        try:
            body = json.loads(self.request.body or b"{}", parse_constant=_refuse_constant)
        except (ValueError, UnicodeDecodeError) as e:
            raise web.HTTPError(400, f"request body is not valid JSON: {e}") from None
        if not isinstance(body, dict):
            raise web.HTTPError(400, "request body must be a JSON object")
        return body

    def write_json(self, model: Any, status: int = 200) -> None:
        """Answer with a JSON document."""
        self.set_status(status)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(model, default=str))
