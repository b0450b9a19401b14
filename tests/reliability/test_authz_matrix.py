"""R1 + R2: every Orpheus route × every kind of caller, through the real proxy.

The routes come from the route tables themselves (the user server's handler modules,
the hub's account handlers, the share and llm services' handler tables), so a new
route is covered the moment it is registered; a route whose policy is unknown fails
the test until it is classified here. Callers: anonymous, a trial user, an expired
trial user, a revoked user, a deleted-and-re-registered name, another user, an admin.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import product
from pathlib import Path
from typing import Any

import pytest
import requests
from tornado.web import RequestHandler

from orpheus.app import HANDLER_MODULES
from orpheus_hub.accounts.handlers import default_handlers as hub_handlers
from orpheus_hub.llm.handlers import api as llm_api
from orpheus_hub.llm.handlers import proxy as llm_proxy
from orpheus_hub.llm.handlers import tokens as llm_tokens
from orpheus_hub.share import live_routes, owner_api, pages, views
from tests.harness.hub import Hub, running_hub
from tests.hub.accounts.helpers import PASSWORD, clock_extra, login, set_clock, signup, xsrf

pytestmark = [pytest.mark.slow]

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
CALLERS = ("anonymous", "trial", "expired", "revoked", "reregistered", "other", "admin")
ACTIVE = {"trial", "other", "admin"}
_GROUP = re.compile(r"\((?:\?P<\w+>)?((?:[^()\\]|\\.)*)\)")
FILLERS = ("probe", "probeprobeprobeprobe", "v1/models")


@dataclass(frozen=True)
class Route:
    """One concrete request target and who may use it."""

    url: str  # path below the hub's public URL
    methods: tuple[str, ...]
    allowed: frozenset[str] | None  # None: public, anyone may use it


def own_methods(handler: type[RequestHandler]) -> tuple[str, ...]:
    return tuple(m for m in METHODS if getattr(handler, m.lower()) is not getattr(RequestHandler, m.lower()))


def samples(pattern: str) -> list[str]:
    """Concrete paths for ``pattern``: every alternative of an (a|b) group, a filler elsewhere."""
    pattern = pattern.removesuffix("/?").removesuffix("$")
    groups = [m.group(1) for m in _GROUP.finditer(pattern)]
    choices = []
    for group in groups:
        if re.fullmatch(r"[\w|]+", group) and "|" in group:
            choices.append(group.split("|"))
        else:
            choices.append([next(f for f in FILLERS if re.fullmatch(group, f))])
    paths = []
    for combo in product(*choices):
        parts = iter(combo)
        path = _GROUP.sub(lambda _m, parts=parts: next(parts), pattern).replace("\\", "")
        assert re.fullmatch(pattern, path), (pattern, path)
        paths.append(path)
    return paths


def user_server_routes(owner: str) -> list[Route]:
    routes = []
    for module in HANDLER_MODULES:
        for pattern, handler, *_ in importlib.import_module(module).default_handlers:
            for path in samples(pattern):
                routes.append(
                    Route(f"/user/{owner}{path}", own_methods(handler), frozenset({"trial", "admin"}))
                )  # the owner; admins may access servers
    return routes


# The approvals and credentials pages are browser pages (cookie session + _xsrf): no token opens them, an
# admin's included; test_approvals_page_needs_an_admin_session checks the sessions.
HUB_POLICY: dict[str, frozenset[str] | None] = {
    "SignupHandler": None,
    "MeAPIHandler": frozenset(ACTIVE),
    "ApprovalsHandler": frozenset(),
    "CredentialsPageHandler": frozenset(),
}


def hub_routes() -> list[Route]:
    routes = []
    for pattern, handler, *_ in hub_handlers:
        allowed = HUB_POLICY.get(handler.__name__, frozenset({"admin"}))
        for path in samples(pattern):
            routes.append(Route(f"/hub{path}", own_methods(handler), None if allowed is None else frozenset(allowed)))
    return routes


SHARE_PUBLIC = {
    "LiveViewHandler",
    "ShareViewHandler",
    "RenderHandler",
    "RecordingHandler",
    "FilePreviewHandler",
    "DownloadHandler",
    "RawImageHandler",
    "HubOAuthCallbackHandler",
}


def share_routes() -> list[Route]:
    routes = []
    handlers = owner_api.default_handlers + views.default_handlers + pages.default_handlers
    for pattern, handler, *_ in handlers + live_routes.default_handlers:
        allowed = None if handler.__name__ in SHARE_PUBLIC else frozenset(ACTIVE)
        for path in samples(pattern):
            routes.append(Route(f"/services/share/{path}", own_methods(handler), allowed))
    return routes


LLM_ADMIN = {"AllUsageHandler", "UserUsageHandler", "QuotasHandler", "UserQuotaHandler"}


def llm_routes() -> list[Route]:
    routes = []
    for pattern, handler, *_ in llm_api.default_handlers + llm_tokens.default_handlers + llm_proxy.default_handlers:
        allowed = frozenset({"admin"}) if handler.__name__ in LLM_ADMIN else frozenset(ACTIVE)
        for path in samples(pattern):
            routes.append(Route(f"/services/llm{path}", own_methods(handler), allowed))
    return routes


@dataclass
class World:
    hub: Hub
    tokens: dict[str, str | None]


def token_for(hub: Hub, name: str) -> str:
    r = hub.api("POST", f"/users/{name}/tokens", json={"note": "matrix"})
    assert r.status_code == 201, r.text
    token: str = r.json()["token"]
    return token


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    data = Path(tmp_path_factory.mktemp("authz-matrix"))
    clock = data / "clock"
    set_clock(clock, 0)
    for hub in running_hub(data, extra_config=clock_extra(clock)):
        tokens: dict[str, str | None] = {"anonymous": None}
        assert signup(hub, "lapsed", "lapsed@example.org").status_code == 302
        tokens["expired"] = token_for(hub, "lapsed")
        tokens["revoked"] = hub.create_user("banned")
        hub.create_user("ghost")
        assert hub.api("DELETE", "/users/ghost").status_code == 204
        assert hub.api("POST", "/users/ghost").status_code == 201
        tokens["reregistered"] = token_for(hub, "ghost")
        set_clock(clock, 25 * 3600)  # lapsed's trial is over; the next sign-up starts a new one
        assert signup(hub, "trialist", "trialist@example.org").status_code == 302
        tokens["trial"] = hub.user_tokens["trialist"] = token_for(hub, "trialist")
        tokens["other"] = hub.create_user("other")
        tokens["admin"] = token_for(hub, "admin")
        assert hub.api("POST", "/orpheus/users/banned/revoke").status_code == 200
        hub.spawn("trialist")
        yield World(hub, tokens)


def refused(r: requests.Response) -> bool:
    """401/403, or a redirect to a login or authorization page."""
    location = r.headers.get("Location", "")
    return r.status_code in (401, 403) or (
        r.status_code in (302, 303) and ("login" in location or "oauth2/authorize" in location)
    )


def call(world: World, caller: str, method: str, url: str) -> requests.Response:
    token = world.tokens[caller]
    headers = {"Authorization": f"token {token}"} if token else {}
    body = None if method in ("GET", "DELETE") else b"{not json"
    return requests.request(method, world.hub.url + url, headers=headers, data=body, allow_redirects=False, timeout=60)


def check(world: World, routes: list[Route], tally: Any, category: str) -> None:
    escapes, wrongly_refused, errors, attempts = [], [], [], 0
    for route, method, caller in product(routes, METHODS, CALLERS):
        if method not in route.methods:
            continue
        r = call(world, caller, method, route.url)
        where = f"{caller} {method} {route.url} -> {r.status_code}"
        if (
            r.status_code >= 500
            and "/services/llm/anthropic" not in route.url
            and "/services/llm/openai" not in route.url
        ):
            errors.append(where)
        if "Traceback" in r.text:
            errors.append(where + " (traceback)")
        if route.allowed is None:
            continue
        if caller in route.allowed:
            if refused(r):
                wrongly_refused.append(where)
        else:
            attempts += 1
            if not refused(r):
                escapes.append(where)
    tally.record(category, attempts, len(escapes))
    assert not escapes, "callers that should be refused got through:\n" + "\n".join(escapes)
    assert not errors, "server errors:\n" + "\n".join(errors)
    assert not wrongly_refused, "callers that may use a route were refused:\n" + "\n".join(wrongly_refused)


def test_r2_user_server_routes(world: World, tally: Any) -> None:
    routes = user_server_routes("trialist")
    assert len(routes) >= sum(len(importlib.import_module(m).default_handlers) for m in HANDLER_MODULES)
    check(world, routes, tally, "R2 authz: user-server routes")


def test_r2_hub_account_routes(world: World, tally: Any) -> None:
    check(world, hub_routes(), tally, "R2 authz: hub account routes")


def test_r2_share_service_routes(world: World, tally: Any) -> None:
    check(world, share_routes(), tally, "R2 authz: share service routes")


def test_r2_llm_gateway_routes(world: World, tally: Any) -> None:
    check(world, llm_routes(), tally, "R2 authz: llm gateway routes")


def test_r1_only_share_views_health_and_sign_up_are_public(world: World, tally: Any) -> None:
    """Anonymous callers: every non-public route refuses, and the public list is exactly this."""
    public = sorted({r.url for r in hub_routes() + share_routes() + llm_routes() if r.allowed is None})
    assert public == sorted(
        [
            "/hub/signup",
            *(
                f"/services/share/{p}"
                for p in (
                    "oauth_callback",
                    "s/probeprobeprobeprobe",
                    "s/probeprobeprobeprobe/render",
                    "s/probeprobeprobeprobe/recording.cast",
                    "s/probeprobeprobeprobe/files/probe",
                    "s/probeprobeprobeprobe/download/probe",
                    "s/probeprobeprobeprobe/raw/probe",
                    "s/probeprobeprobeprobe/live",
                )
            ),
        ]
    )
    attempts = 0
    for route in user_server_routes("trialist") + hub_routes() + share_routes() + llm_routes():
        if route.allowed is None:
            continue
        for method in route.methods:
            r = call(world, "anonymous", method, route.url)
            attempts += 1
            assert refused(r), f"anonymous {method} {route.url} -> {r.status_code}"
    tally.record("R1 anonymous on non-public routes", attempts, 0)


def test_approvals_page_needs_an_admin_session(world: World, tally: Any) -> None:
    hub = world.hub
    admin, r = login(hub, "admin", "admin-password-for-tests")
    assert r.status_code == 302, r.text[:300]
    assert admin.get(hub.url + "/hub/approvals", timeout=30).status_code == 200
    trial, r = login(hub, "trialist", PASSWORD)
    assert r.status_code == 302, r.text[:300]
    page = trial.get(hub.url + "/hub/approvals", allow_redirects=False, timeout=30)
    posted = trial.post(
        hub.url + "/hub/approvals",
        data={"_xsrf": xsrf(trial), "user": "other", "action": "revoke"},
        allow_redirects=False,
        timeout=30,
    )
    assert refused(page), page.status_code
    assert refused(posted), posted.status_code
    tally.record("R2 authz: approvals page sessions", 2, 0)
