"""``POST /sessions/{id}/clone``: ``git clone --depth 1`` from allowlisted https hosts."""

from __future__ import annotations

import asyncio
import os
import re
import shutil
from pathlib import Path
from urllib.parse import urlsplit

from tornado import web
from traitlets import Bool, Float, Integer, List, Unicode
from traitlets.config import LoggingConfigurable

BRANCH = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,199}$")
REPO_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
POLL = 0.25


def folder_size(folder: Path) -> int:
    """Bytes of the regular files under ``folder`` (links not followed)."""
    total = 0
    for current, _dirs, files in os.walk(folder):
        for name in files:
            try:
                total += os.lstat(os.path.join(current, name)).st_size
            except OSError:
                continue
    return total


class SessionCloner(LoggingConfigurable):  # type: ignore[misc]
    """Clones repositories into session folders, within limits."""

    allowed_hosts = List(
        Unicode(), default_value=["github.com", "gitlab.com"],
        help="Hosts https clones may come from.",
    ).tag(config=True)
    allow_local = Bool(
        False,
        help="Also allow file:// URLs and absolute paths of local repositories (for tests and "
        "single-machine setups; off by default because it reads the server's filesystem).",
    ).tag(config=True)
    timeout = Float(180.0, help="Seconds a clone may take.").tag(config=True)
    max_bytes = Integer(500 * 1024 * 1024, help="Largest clone, in bytes on disk.").tag(
        config=True
    )
    git_command = Unicode("git", help="The git executable.").tag(config=True)

    def check(self, url: object, branch: object) -> tuple[str, str, str | None]:
        """(url, folder name, branch) or a 400/403 saying what is wrong."""
        if not isinstance(url, str) or not url.strip():
            raise web.HTTPError(400, "url must be a non-empty string")
        url = url.strip()
        if any(ord(ch) < 33 for ch in url) or url.startswith("-") or len(url) > 2048:
            raise web.HTTPError(400, "url contains spaces or control characters, or is too long")
        if branch is not None and (not isinstance(branch, str) or not BRANCH.fullmatch(branch)
                                   or ".." in branch):
            raise web.HTTPError(400, "branch must be a plain branch or tag name")
        parts = urlsplit(url)
        if self.allow_local and (parts.scheme == "file" or url.startswith("/")):
            return url, self._repo_name(parts.path or url), branch
        if parts.scheme != "https":
            raise web.HTTPError(400, "only https:// repository URLs can be cloned")
        if parts.username is not None or parts.password is not None:
            raise web.HTTPError(400, "credentials in the URL are not allowed")
        host = (parts.hostname or "").lower()
        if host not in {h.lower() for h in self.allowed_hosts}:
            raise web.HTTPError(
                403, f"cloning from {host or 'that host'} is not allowed "
                f"(allowed: {', '.join(self.allowed_hosts)})"
            )
        if parts.port not in (None, 443) or parts.query or parts.fragment:
            raise web.HTTPError(400, "repository URLs take no port, query or fragment")
        return url, self._repo_name(parts.path), branch

    @staticmethod
    def _repo_name(path: str) -> str:
        name = path.rstrip("/").rsplit("/", 1)[-1]
        name = name[:-4] if name.endswith(".git") else name
        if not REPO_NAME.fullmatch(name) or name in (".", ".."):
            raise web.HTTPError(400, "the URL does not end in a repository name")
        return name

    def argv(self, url: str, branch: str | None, dest: Path) -> list[str]:
        """The git command line: only https (or file when allowed), no links checked out."""
        config = ["-c", "protocol.allow=never", "-c", "protocol.https.allow=always",
                  "-c", "http.followRedirects=false", "-c", "core.symlinks=false",
                  "-c", "credential.helper="]
        if self.allow_local:
            config += ["-c", "protocol.file.allow=always"]
        args = ["clone", "--depth", "1", "--single-branch", "--no-tags", "--quiet"]
        if branch:
            args += ["--branch", branch]
        return [self.git_command, *config, *args, "--", url, str(dest)]

    async def clone(self, url: object, branch: object, workdir: Path) -> Path:
        """Clone into ``workdir/<repo name>``; the folder is removed again on any failure."""
        url, name, checked_branch = self.check(url, branch)
        dest = workdir / name
        if dest.exists() or dest.is_symlink():
            raise web.HTTPError(409, f"{name!r} already exists in the session folder")
        env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "GIT_ASKPASS": "/bin/false",
               "GIT_CONFIG_NOSYSTEM": "1"}
        proc = await asyncio.create_subprocess_exec(
            *self.argv(url, checked_branch, dest), cwd=workdir, env=env,
            stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
        )
        try:
            await self._watch(proc, dest)
        except BaseException:
            if proc.returncode is None:
                proc.kill()
                await proc.wait()
            await asyncio.to_thread(shutil.rmtree, dest, True)
            raise
        return dest

    async def _watch(self, proc: asyncio.subprocess.Process, dest: Path) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.timeout
        stderr_task = asyncio.ensure_future(proc.stderr.read() if proc.stderr else asyncio.sleep(0))
        while proc.returncode is None:
            if loop.time() > deadline:
                raise web.HTTPError(504, f"the clone did not finish within {self.timeout:g} s")
            if await asyncio.to_thread(folder_size, dest) > self.max_bytes:
                raise web.HTTPError(413, f"the repository is larger than {self.max_bytes} bytes")
            try:
                await asyncio.wait_for(proc.wait(), POLL)
            except asyncio.TimeoutError:
                continue
        stderr = (await stderr_task or b"").decode("utf-8", "replace").strip()
        if proc.returncode != 0:
            last = stderr.splitlines()[-1] if stderr else f"git exited with {proc.returncode}"
            raise web.HTTPError(400, f"the clone failed: {last.replace(str(dest), dest.name)[:300]}")
        if await asyncio.to_thread(folder_size, dest) > self.max_bytes:
            raise web.HTTPError(413, f"the repository is larger than {self.max_bytes} bytes")
