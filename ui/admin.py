"""The admin page at /admin: upload, list, remove and rebuild, behind the admin password.

It exists only when `rag admin set-password` stored a password hash in the data dir. It is a
second Gradio app mounted beside the chat with its own login (Gradio's `auth`, checked
against the scrypt hash) and its own upload limit (`max_file_size`), so the chat stays open
without login and takes no files. Every action goes to the admin audit log (0600). The
chat keeps answering from the loaded build while the index is rebuilt; the engine then
switches to the new build in one assignment.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path

import gradio as gr

from rag.ingest.load import DocumentError
from rag.library.admin import AdminError, AuditLog, check_password
from rag.library.catalog import CatalogError, Metadata
from rag.library.commands import Library, LibraryError, library_from_settings
from rag.library.source import supported_suffixes
from rag.settings import Settings
from rag.store.index import IndexNotReady
from rag.store.lock import LockTimeout
from ui.engine import Engine

ADMIN_PATH = "/admin"
ADMIN_USER = "admin"

TITLE = "文库管理"
SUBTITLE = "上传、删除文章并重建索引。问答页面无需登录，照常使用。"
BACK_TO_CHAT = "← 返回问答页面"
LABEL_FILES = "上传文章（{formats}；单个文件不超过 {mb:g} MB）"
LABEL_TITLE = "标题（可选，只用于单个文件）"
LABEL_AUTHORS = "作者（可选，用逗号或顿号分隔）"
LABEL_DATE = "发布日期（可选，YYYY-MM-DD）"
LABEL_SOURCE = "来源（可选）"
LABEL_UPLOAD = "上传并入库"
LABEL_LIST = "已收录的文章"
LABEL_REMOVE_CHOICE = "选择要删除的文章"
LABEL_REMOVE = "删除所选文章"
LABEL_REBUILD = "重建索引"
LABEL_REFRESH = "刷新列表"
COLUMNS = ["文档编号", "标题", "作者", "日期", "格式", "段落数", "加入时间"]
NOT_INDEXED = "未入索引"
DONE_UPLOAD = "已入库：{ids}。问答页面已切换到新索引。"
DONE_REMOVE = "已删除：{ids}。问答页面已切换到新索引。"
DONE_REBUILD = "索引已重建：{documents} 篇文章，{chunks} 个段落，新计算向量 {embedded} 个。"
NO_FILES = "请先选择要上传的文件。"
NO_SELECTION = "请先选择要删除的文章。"
FAILED = "操作未完成，文库和索引均保持原样。原因：{reason}"
NOT_SWITCHED = "{done}但问答页面未能加载新索引，仍在使用原索引；请点击“重建索引”重试。原因：{reason}"
LOGIN_MESSAGE = "文库管理需要登录：用户名 admin，密码由管理员用 `rag admin set-password` 设置。"
STEP_WRITE = "写入文库并计算向量……"
STEP_SWITCH = "加载新索引并切换……"

USER_ERRORS = (LibraryError, CatalogError, DocumentError, LockTimeout, IndexNotReady, ValueError,
               OSError)


def client_of(request: gr.Request | None) -> str:
    """Which client did it: address, Gradio session and the logged-in user."""
    if request is None:
        return "unknown"
    host = getattr(getattr(request, "client", None), "host", "") or "?"
    return (f"{host} session={getattr(request, 'session_hash', '') or '-'} "
            f"user={getattr(request, 'username', '') or '-'}")


class Admin:
    """The admin page's actions over one library, one engine and one audit log."""

    def __init__(self, engine: Engine, library: Library, audit: AuditLog) -> None:
        self.engine = engine
        self.library = library
        self.audit = audit

    def rows(self) -> list[list[str]]:
        """The library as table rows."""
        return [
            [e.doc_id, e.title, "、".join(e.authors), e.date, e.format,
             NOT_INDEXED if e.chunks is None else str(e.chunks), e.added]
            for e in self.library.entries()
        ]

    def doc_choices(self) -> list[tuple[str, str]]:
        return [(f"{e.title}（{e.doc_id}）", e.doc_id) for e in self.library.entries()]

    def _switch(self, done: str, action: str, client: str, progress: Callable) -> str:
        """Switch the chat to the new build; `done` is the message when that works."""
        progress(0.9, desc=STEP_SWITCH)
        try:
            self.engine.reload()
        except Exception as error:  # the library changed; say that the chat did not follow
            self.audit.record("switch", client, ok=False, after=action, error=str(error))
            return NOT_SWITCHED.format(done=done.split("问答页面")[0], reason=error)
        return done

    def upload(self, files: list[str] | None, title: str, authors: str, date: str,
               source: str, client: str, progress: Callable = lambda *a, **k: None) -> str:
        """Add uploaded files (Gradio's temporary paths, named as uploaded) to the library."""
        paths = [Path(f) for f in files or []]
        if not paths:
            return NO_FILES
        names = [p.name for p in paths]
        try:
            progress(0.05, desc=STEP_WRITE)
            metadata = Metadata.parse(title, authors, date, source)
            report = self.library.add(paths, metadata, progress=True, names=names)
        except USER_ERRORS as error:
            self.audit.record("upload", client, ok=False, files=names, error=str(error))
            return FAILED.format(reason=error)
        ids = report.added + report.replaced
        self.audit.record("upload", client, files=names, added=report.added,
                          replaced=report.replaced, embedded=report.build.embedded)
        return self._switch(DONE_UPLOAD.format(ids="、".join(ids)), "upload", client, progress)

    def remove(self, doc_ids: list[str] | None, client: str,
               progress: Callable = lambda *a, **k: None) -> str:
        """Remove the chosen documents from the library and the index."""
        if not doc_ids:
            return NO_SELECTION
        try:
            progress(0.05, desc=STEP_WRITE)
            report = self.library.remove(doc_ids, progress=True)
        except USER_ERRORS as error:
            self.audit.record("remove", client, ok=False, doc_ids=list(doc_ids), error=str(error))
            return FAILED.format(reason=error)
        self.audit.record("remove", client, doc_ids=report.removed)
        return self._switch(DONE_REMOVE.format(ids="、".join(report.removed)), "remove", client,
                            progress)

    def rebuild(self, client: str, progress: Callable = lambda *a, **k: None) -> str:
        """Rebuild the index from the library folder and switch the chat to it."""
        try:
            progress(0.05, desc=STEP_WRITE)
            report = self.library.rebuild(progress=True)
        except USER_ERRORS as error:
            self.audit.record("rebuild", client, ok=False, error=str(error))
            return FAILED.format(reason=error)
        self.audit.record("rebuild", client, documents=report.documents, chunks=report.chunks,
                          embedded=report.embedded)
        done = DONE_REBUILD.format(documents=report.documents, chunks=report.chunks,
                                   embedded=report.embedded)
        return self._switch(done, "rebuild", client, progress)


def build_admin(admin: Admin, settings: Settings) -> gr.Blocks:
    """The admin page (mounted at /admin by `admin_app_kwargs`)."""
    formats = "、".join(supported_suffixes())
    with gr.Blocks(title=TITLE, analytics_enabled=False, fill_width=True) as page:
        gr.HTML(f"<div><h1>{TITLE}</h1><p>{SUBTITLE}</p><p><a href='/'>{BACK_TO_CHAT}</a></p></div>",
                elem_id="admin-header")
        message = gr.Markdown(elem_id="admin-message")
        with gr.Row(equal_height=False):
            with gr.Column(scale=1, min_width=320):
                files = gr.File(
                    label=LABEL_FILES.format(formats=formats, mb=settings.max_upload_bytes / 1e6),
                    file_count="multiple", file_types=list(supported_suffixes()),
                    elem_id="admin-files",
                )
                title = gr.Textbox(label=LABEL_TITLE, elem_id="admin-title")
                authors = gr.Textbox(label=LABEL_AUTHORS, elem_id="admin-authors")
                with gr.Row():
                    date = gr.Textbox(label=LABEL_DATE, elem_id="admin-date")
                    source = gr.Textbox(label=LABEL_SOURCE, elem_id="admin-source")
                upload = gr.Button(LABEL_UPLOAD, variant="primary", elem_id="admin-upload")
            with gr.Column(scale=2, min_width=420):
                table = gr.Dataframe(headers=COLUMNS, label=LABEL_LIST, interactive=False,
                                     wrap=True, elem_id="admin-list")
                chosen = gr.Dropdown(label=LABEL_REMOVE_CHOICE, multiselect=True,
                                     elem_id="admin-remove-choice")
                with gr.Row():
                    remove = gr.Button(LABEL_REMOVE, variant="stop", elem_id="admin-remove")
                    rebuild = gr.Button(LABEL_REBUILD, elem_id="admin-rebuild")
                    refresh = gr.Button(LABEL_REFRESH, elem_id="admin-refresh")

        def listing():
            return admin.rows(), gr.update(choices=admin.doc_choices(), value=[])

        def on_upload(paths, t, a, d, s, request: gr.Request, progress=gr.Progress(track_tqdm=True)):
            return admin.upload(paths, t, a, d, s, client_of(request), progress), None

        def on_remove(ids, request: gr.Request, progress=gr.Progress(track_tqdm=True)):
            return admin.remove(ids, client_of(request), progress)

        def on_rebuild(request: gr.Request, progress=gr.Progress(track_tqdm=True)):
            return admin.rebuild(client_of(request), progress)

        def on_open(request: gr.Request):
            admin.audit.record("open", client_of(request))
            return listing()

        writes = {"concurrency_id": "admin-write", "concurrency_limit": 1}
        upload.click(on_upload, [files, title, authors, date, source], [message, files],
                     **writes).then(listing, None, [table, chosen])
        remove.click(on_remove, [chosen], [message], **writes).then(listing, None, [table, chosen])
        rebuild.click(on_rebuild, None, [message], **writes).then(listing, None, [table, chosen])
        refresh.click(listing, None, [table, chosen])
        page.load(on_open, None, [table, chosen])
    return page


def admin_app_kwargs(engine: Engine, settings: Settings, launch_options: dict) -> dict:
    """`app_kwargs` for the chat's `launch` that mount the admin page at /admin: a route
    placed before the chat's own, and a lifespan that starts the admin page's queue.
    Returns {} when no admin password is configured (then there is no admin page)."""
    from rag.library.admin import admin_enabled

    if not admin_enabled(settings.data_dir):
        return {}
    from fastapi import FastAPI

    audit = AuditLog(settings.data_dir)
    admin = Admin(engine, library_from_settings(settings), audit)
    page = build_admin(admin, settings)
    page.queue(default_concurrency_limit=2)

    def login(username: str, password: str) -> bool:
        try:
            ok = username == ADMIN_USER and check_password(settings.data_dir, password)
        except AdminError:
            ok = False
        audit.record("login", f"user={username[:40]!r}", ok=ok)
        return ok

    shell = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)
    gr.mount_gradio_app(
        shell, page, ADMIN_PATH, auth=login, auth_message=LOGIN_MESSAGE,
        max_file_size=settings.max_upload_bytes, **launch_options,
    )
    return {"routes": list(shell.routes), "lifespan": _lifespan_of(shell)}


def _lifespan_of(shell) -> Callable:
    """The mounted admin page's start-up and shut-down, for the chat app's lifespan."""

    @contextlib.asynccontextmanager
    async def lifespan(app):
        async with shell.router.lifespan_context(shell):
            yield

    return lifespan
