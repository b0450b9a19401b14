"""The ``orpheus`` jupyter_server extension: builds managers and registers routes."""

from __future__ import annotations

import importlib
from typing import Any

from jupyter_server.extension.application import ExtensionApp
from traitlets import List, Unicode

from .datastudio import share_paths
from .datastudio.manager import DataStudioManager
from .hub_client import HubClient
from .llm.client import LLMClient
from .llm.kernels import ChatKernels
from .projects import ProjectManager
from .projects.imports import DataImporter
from .projects.notes import NoteManager
from .sessions.manager import ClaudeSessionManager
from .shares.client import ShareClient
from .video.jobs import RenderQueue
from .video.manager import VideoManager

# One module per REST resource, each exporting ``default_handlers``.
HANDLER_MODULES = [
    "orpheus.handlers.info",
    "orpheus.handlers.projects",
    "orpheus.handlers.notes",
    "orpheus.handlers.data_import",
    "orpheus.handlers.project_trash",
    "orpheus.handlers.video",
    "orpheus.handlers.video_renders",
    "orpheus.handlers.sessions",
    "orpheus.handlers.session_actions",
    "orpheus.handlers.shares",
    "orpheus.handlers.analysis",
    "orpheus.handlers.dashboards",
    "orpheus.llm.handlers.insights",
    "orpheus.llm.handlers.edit",
    "orpheus.llm.handlers.chat",
    "orpheus.llm.handlers.status",
]


def with_trailing_slash(rule: tuple[Any, ...]) -> tuple[Any, ...]:
    """The rule, its pattern also matching a trailing '/' so the handler refuses it with a
    clear 400 (see ``PathChecks.check_path_ids``) instead of Jupyter's redirect."""
    pattern, *rest = rule
    return (pattern if pattern.endswith("/?") else f"{pattern}/?", *rest)


class OrpheusApp(ExtensionApp):
    """Claude terminals, projects, Data Studio, Video Studio and share links."""

    name = "orpheus"
    load_other_extensions = True

    projects_dir = Unicode(
        "projects",
        help="Folder, relative to the Jupyter root, that holds the user's projects.",
    ).tag(config=True)

    extra_handler_modules = List(
        Unicode(),
        help="Further modules exporting ``default_handlers`` to register (for plugins).",
    ).tag(config=True)

    hub_client: HubClient
    share_client: ShareClient
    projects: ProjectManager
    notes: NoteManager
    data_importer: DataImporter
    video: VideoManager
    sessions: ClaudeSessionManager
    datastudio: DataStudioManager
    llm: LLMClient
    chat_kernels: ChatKernels

    def initialize_settings(self) -> None:
        """Build the managers the handlers use."""
        self.hub_client = HubClient(parent=self, log=self.log)
        self.share_client = ShareClient(parent=self, log=self.log)
        root_dir = self.serverapp.root_dir if self.serverapp else "."
        self.projects = ProjectManager(parent=self, log=self.log, root_dir=root_dir)
        self.notes = NoteManager(parent=self, log=self.log, projects=self.projects)
        self.data_importer = DataImporter(parent=self, log=self.log, projects=self.projects)
        self.video = VideoManager(
            parent=self, log=self.log, queue=RenderQueue(parent=self, log=self.log)
        )
        self.sessions = ClaudeSessionManager(self, parent=self, log=self.log)
        self.datastudio = DataStudioManager(parent=self, log=self.log)
        self.llm = LLMClient(parent=self, log=self.log)
        self.chat_kernels = ChatKernels(parent=self, log=self.log,
                                        kernel_manager=self.serverapp.kernel_manager if self.serverapp else None)
        share_paths.register(self.serverapp, self.log)

    async def stop_extension(self) -> None:
        """Stop background tasks and persist running sessions' state."""
        await self.sessions.stop()

    def initialize_handlers(self) -> None:
        """Register every resource module's ``default_handlers``."""
        for module_name in [*HANDLER_MODULES, *self.extra_handler_modules]:
            module = importlib.import_module(module_name)
            handlers: list[tuple[str, Any]] = module.default_handlers
            if module_name in HANDLER_MODULES:  # Orpheus handlers refuse the slash themselves
                handlers = [with_trailing_slash(rule) for rule in handlers]
            self.handlers.extend(handlers)
