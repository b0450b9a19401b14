"""The ``orpheus`` jupyter_server extension: builds managers and registers routes."""

from __future__ import annotations

import importlib
from typing import Any

from jupyter_server.extension.application import ExtensionApp
from traitlets import List, Type, Unicode

from . import folders, framing
from .datastudio import share_paths
from .datastudio.analyst.manager import AnalystManager
from .datastudio.manager import DataStudioManager
from .hub_client import HubClient
from .llm.client import LLMClient
from .llm.kernels import ChatKernels
from .projects import ProjectManager
from .projects.imports import DataImporter
from .projects.notes import NoteManager
from .sessions import terminal_guard
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
    "orpheus.handlers.analyst",
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


def manager_class(klass: type, what: str) -> Any:
    """A configurable ``Type`` trait: ``klass`` or a subclass of it, by object or import path."""
    return Type(
        default_value=klass, klass=klass,
        help=f"Class of {what} ({klass.__name__} or a subclass, e.g. 'mypackage.My{klass.__name__}').",
    ).tag(config=True)


class OrpheusApp(ExtensionApp):
    """Claude terminals, projects, Data Studio, Video Studio and share links."""

    name = "orpheus"
    load_other_extensions = True
    # Listed so that --help-all and --generate-config describe their settings.
    classes = [*ExtensionApp.classes, HubClient, ShareClient, ProjectManager, NoteManager, DataImporter,
               VideoManager, RenderQueue, ClaudeSessionManager, DataStudioManager, LLMClient,
               ChatKernels, AnalystManager]

    hub_client_class = manager_class(HubClient, "the client for the hub API")
    share_client_class = manager_class(ShareClient, "the client for the share service")
    project_manager_class = manager_class(ProjectManager, "the project manager")
    note_manager_class = manager_class(NoteManager, "the notes manager")
    data_importer_class = manager_class(DataImporter, "the data importer of projects")
    video_manager_class = manager_class(VideoManager, "the Video Studio manager")
    render_queue_class = manager_class(RenderQueue, "the Video Studio render queue")
    session_manager_class = manager_class(ClaudeSessionManager, "the Claude session manager")
    datastudio_manager_class = manager_class(DataStudioManager, "the Data Studio manager")
    llm_client_class = manager_class(LLMClient, "the client for the LLM gateway")
    chat_kernels_class = manager_class(ChatKernels, "the chat-with-data kernels")
    analyst_manager_class = manager_class(AnalystManager, "the Claude data analyst of Data Studio")

    projects_dir = Unicode(
        folders.PROJECTS,
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
    analyst: AnalystManager

    def _link_jupyter_server_extension(self, serverapp: Any) -> None:
        """Link as every extension does, then reserve session terminal names in the terminals
        extension (its manager is built later, when extensions load)."""
        super()._link_jupyter_server_extension(serverapp)
        terminal_guard.install(serverapp, self.log)

    def initialize_settings(self) -> None:
        """Build the managers the handlers use, each of its configured class."""
        own = {"parent": self, "log": self.log}
        self.hub_client = self.hub_client_class(**own)
        self.share_client = self.share_client_class(**own)
        root_dir = self.serverapp.root_dir if self.serverapp else "."
        self.projects = self.project_manager_class(**own, root_dir=root_dir)
        self.notes = self.note_manager_class(**own, projects=self.projects)
        self.data_importer = self.data_importer_class(**own, projects=self.projects)
        self.video = self.video_manager_class(**own, queue=self.render_queue_class(**own))
        self.sessions = self.session_manager_class(self, **own)
        self.datastudio = self.datastudio_manager_class(**own)
        self.llm = self.llm_client_class(**own)
        kernel_manager = self.serverapp.kernel_manager if self.serverapp else None
        self.chat_kernels = self.chat_kernels_class(**own, kernel_manager=kernel_manager)
        self.analyst = self.analyst_manager_class(self, **own)
        share_paths.register(self.serverapp, self.log)
        if self.serverapp is not None:
            framing.install(self.serverapp.web_app, self.serverapp.base_url)

    async def stop_extension(self) -> None:
        """Stop background tasks and persist running sessions' state."""
        await self.analyst.stop()
        await self.sessions.stop()

    def initialize_handlers(self) -> None:
        """Register every resource module's ``default_handlers``."""
        for module_name in [*HANDLER_MODULES, *self.extra_handler_modules]:
            module = importlib.import_module(module_name)
            handlers: list[tuple[str, Any]] = module.default_handlers
            if module_name in HANDLER_MODULES:  # Orpheus handlers refuse the slash themselves
                handlers = [with_trailing_slash(rule) for rule in handlers]
            self.handlers.extend(handlers)
