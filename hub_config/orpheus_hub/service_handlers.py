"""What every hub-side JSON service handler (share service, LLM gateway) has in common:
JSON answers, the one error answer (:class:`orpheus_hub.errors.ErrorAnswers`), a
health check and a 404 for every path the service does not serve."""

from __future__ import annotations

import json
from typing import Any

from tornado import web

from .errors import ErrorAnswers


class JSONHandler(ErrorAnswers, web.RequestHandler):
    """Base of a service's handlers: :meth:`write_json`, errors as ``{"message", "reason"}``."""

    def write_json(self, model: Any, status: int = 200) -> None:
        """Answer with a JSON document."""
        self.set_status(status)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(model))


class Health(JSONHandler):
    """Mixin (ahead of the service's base): ``GET`` says the service is up, nothing more."""

    def get(self) -> None:
        """Liveness: ``{"status": "ok"}``."""
        self.write_json({"status": "ok"})


class NotFound(JSONHandler):
    """Mixin (ahead of the service's base) for its default handler: every method of every
    unknown path is a 404 saying :attr:`not_found_message`."""

    not_found_message = "no such page"

    def prepare(self) -> None:
        """Whatever the method: 404."""
        raise web.HTTPError(404, self.not_found_message)
