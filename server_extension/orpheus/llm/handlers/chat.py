"""Chat with data: ``POST /projects/{name}/chat`` {message, conversation_id?} (streamed with
``Accept: text/event-stream``), ``GET .../chat`` (list), ``GET/DELETE .../chat/{id}``, and
``POST .../chat/{id}/export`` (a runnable notebook in the project)."""

from __future__ import annotations

from typing import Any

from jupyter_server.auth.decorator import authorized
from tornado import web

from ...handlers import resources
from ...handlers.analysis import APP, PROJECT
from ...handlers.base import API_PREFIX
from ..chat import ChatSession
from ..chat_store import ChatStore
from ..kernels import ChatKernels
from .base import AIHandler

CHAT = r"(?P<chat_id>[^/]+)"


class ChatBase(AIHandler):
    """Access to the chat kernels."""

    @property
    def kernels(self) -> ChatKernels:
        """The per-project chat kernels."""
        kernels: ChatKernels = self.orpheus.chat_kernels
        return kernels


class ChatHandler(ChatBase):
    """List conversations; send a message."""

    @web.authenticated
    @authorized
    async def get(self, name: str) -> None:
        """Conversation summaries, newest first."""
        store = ChatStore(self.project_dir(name))
        self.write_json({"conversations": await self.studio.run(store.list)})

    @web.authenticated
    @resources.authorized_to_execute
    async def post(self, name: str) -> None:
        """Answer a message (new conversation unless ``conversation_id`` is given)."""
        body = self.get_json_object()
        self.only_fields(body, {"message", "conversation_id"})
        message = self.text_field(body, "message", 20_000) or ""
        chat_id = self.text_field(body, "conversation_id", 64, required=False)
        folder = self.project_dir(name)
        if chat_id is not None:
            ChatStore(folder).load(chat_id)  # 400/404 before the stream starts
        self.llm.require()
        self.kernels.require_manager()
        session = ChatSession(self.llm, self.kernels, folder, self.orpheus.projects.relative(folder),
                              self.send, self.kernels.max_steps)

        async def work() -> dict[str, Any]:
            result = await session.run(message, chat_id)
            await self.orpheus.projects.touch(name, app=APP)
            return result

        await self.respond(work)


class ConversationHandler(ChatBase):
    """One stored conversation."""

    @web.authenticated
    @authorized
    async def get(self, name: str, chat_id: str) -> None:
        """Messages and executed steps."""
        self.write_json(ChatStore(self.project_dir(name)).load(chat_id))

    @web.authenticated
    @authorized
    async def delete(self, name: str, chat_id: str) -> None:
        """Forget it (an exported notebook stays)."""
        ChatStore(self.project_dir(name)).delete(chat_id)
        self.set_status(204)
        self.finish()


class ExportHandler(ChatBase):
    """``POST``: write ``chat-<id>.ipynb`` into the project and return its path."""

    @web.authenticated
    @authorized
    async def post(self, name: str, chat_id: str) -> None:
        """Export the conversation as a notebook."""
        store = ChatStore(self.project_dir(name))
        path = await self.studio.run(store.export, chat_id)
        self.write_json({"path": self.orpheus.projects.relative(path)}, status=201)


default_handlers = [
    (rf"{API_PREFIX}{PROJECT}/chat", ChatHandler),
    (rf"{API_PREFIX}{PROJECT}/chat/{CHAT}", ConversationHandler),
    (rf"{API_PREFIX}{PROJECT}/chat/{CHAT}/export", ExportHandler),
]
