"""The Gradio 6 chat app: layout and event wiring (behaviour lives in ui/chat.py)."""

from __future__ import annotations

import logging
import os
import sys

import gradio as gr
from starlette.middleware import Middleware

from rag.answer.validate import QuestionError, validate_question
from rag.library.admin import admin_enabled
from rag.settings import Settings, redact_credentials
from ui import export as X
from ui import history as H
from ui import panel as P
from ui import render as R
from ui import strings as S
from ui.assets import CSS, FONT_STACK, MONO_STACK, panel_js
from ui.chat import Chat, messages
from ui.engine import FAILED, READY, Engine
from ui.limits import RequestLimits
from ui.logs import Logs, now_iso

PANEL_ACTIONS = ("cite", "related", "article", "back", "original")
READY_WAIT_SECONDS = 600.0  # a question asked while the index loads waits this long for it
ADMIN_POLL_S = 3.0  # how often an open chat looks for articles the admin page added or removed
# The upload policy, in one place: the chat page takes no files, so `/gradio_api/upload` is
# refused (403) and Gradio's `max_file_size` is 0. A page that needs uploads (the admin
# page) launches with its own limit in bytes: `launch(..., upload_max_bytes=N)`.
CHAT_UPLOAD_MAX_BYTES = 0
QUEUE_CONCURRENCY = 8  # events run at once; answers themselves go through the engine's lock


def check_at_request_time(picker: gr.CheckboxGroup) -> gr.CheckboxGroup:
    """`picker` passing the chosen article ids through as given: `Chat.respond` checks them
    against the index loaded *now* (with a Chinese message naming unknown ones), not against
    the choice list frozen into the page when it was built (empty while the index loads), so
    that API clients can name real articles without calling `/refresh` first. (An instance
    override, not a subclass: Gradio writes a .pyi file next to every Component subclass.)"""
    picker.preprocess = lambda payload: list(payload or [])
    return picker


def theme() -> gr.themes.Base:
    """A calm blue theme using system fonts only (no Google Fonts request)."""
    return gr.themes.Soft(
        primary_hue="blue",
        secondary_hue="slate",
        neutral_hue="slate",
        font=list(FONT_STACK),
        font_mono=list(MONO_STACK),
    )


def launch_options() -> dict:
    """Keyword arguments for `Blocks.launch` that style the page and keep it offline."""
    return {
        "theme": theme(),
        "css": CSS,
        "footer_links": [],
        "show_error": False,
        "enable_monitoring": False,
        "run_history": False,
        "pwa": False,
        "mcp_server": False,
        "ssr_mode": False,
    }


def _session(request: gr.Request | None) -> str:
    """The browser session id Gradio assigns (for grouping log lines)."""
    return getattr(request, "session_hash", "") or ""


def _doc_choices(engine: Engine) -> list[tuple[str, str]]:
    """(title, doc_id) for every indexed article."""
    return [(d.title or d.doc_id, d.doc_id) for d in engine.documents()]


def build_app(
    engine: Engine, settings: Settings, logs: Logs | None = None, chat: Chat | None = None
) -> gr.Blocks:
    """The chat page over `engine`; logs go to `settings.data_dir` unless `logs` is given."""
    chat = chat or Chat(engine, logs or Logs(settings.data_dir), ready_wait=READY_WAIT_SECONDS)
    choices = _doc_choices(engine)
    kind, message = engine.status()
    watch = admin_enabled(settings.data_dir)  # the admin page can change the articles
    with gr.Blocks(title=S.APP_TITLE, analytics_enabled=False, fill_width=True) as demo:
        turns = gr.State([])
        view = gr.State(None)
        shown = gr.State([doc_id for _, doc_id in choices])  # the article ids the page lists
        # The same ids, held by the browser: sent with a question, they tell whether the page
        # listed any article when it was asked (an empty choice before the list came is "all").
        listed_ids = gr.Textbox("\n".join(shown.value), visible=False, elem_id="rag-listed")
        pending = gr.State(None)
        store = gr.BrowserState(H.empty(), storage_key=H.STORAGE_KEY)  # survives a reload
        with gr.Row(elem_id="rag-top", equal_height=True):
            gr.HTML(
                f"<div><h1>{R.esc(S.APP_TITLE)}</h1><p>{R.esc(S.APP_SUBTITLE)}</p></div>"
                f'<button type="button" class="rag-open-sheet">{R.esc(S.LABEL_OPEN_SHEET)}</button>',
                elem_id="rag-header",
                scale=3,
            )
            script = gr.Radio(
                choices=list(S.SCRIPT_CHOICES), value="auto", label=S.LABEL_HEADER_SCRIPT,
                show_label=False, container=False, elem_id="rag-script", scale=0, min_width=150,
            )
            new_chat = gr.Button(
                S.LABEL_NEW_CHAT, scale=0, min_width=72, size="sm", elem_id="rag-new"
            )
        status = gr.HTML(R.render_status(kind, message), elem_id="rag-status")
        with gr.Row(equal_height=False):
            with gr.Column(scale=6, min_width=320, elem_id="rag-main"):
                chatbot = gr.Chatbot(
                    label=S.LABEL_CHAT,
                    show_label=False,
                    elem_id="rag-chat",
                    height="62vh",
                    placeholder=S.CHAT_PLACEHOLDER,
                    examples=[{"text": q} for q in S.EXAMPLE_QUESTIONS],
                    latex_delimiters=[],
                    buttons=[],
                    feedback_options=None,  # our own 有帮助/没帮助 under each finished answer
                    layout="bubble",
                )
                with gr.Row(equal_height=True, elem_id="rag-ask"):
                    question = gr.Textbox(
                        label=S.LABEL_QUESTION,
                        show_label=False,
                        placeholder=S.PLACEHOLDER_QUESTION,
                        lines=1,
                        max_lines=4,
                        scale=8,
                        elem_id="rag-question",
                        autofocus=True,
                    )
                    send = gr.Button(
                        S.LABEL_SEND, variant="primary", scale=1, min_width=72, elem_id="rag-send"
                    )
                note = gr.HTML("", elem_id="rag-input-note")
                with gr.Accordion(S.LABEL_SETTINGS, open=False, elem_id="rag-settings"):
                    docs = gr.CheckboxGroup(
                        choices=choices,
                        value=[doc_id for _, doc_id in choices],
                        label=S.LABEL_DOCS,
                        info=S.INFO_DOCS,
                        elem_id="rag-docs",
                    )
                    check_at_request_time(docs)
                    top_k = gr.Slider(
                        1, 10, value=min(10, settings.top_k), step=1,
                        label=S.LABEL_TOP_K, info=S.INFO_TOP_K, elem_id="rag-top-k",
                    )
                    show_removed = gr.Checkbox(
                        value=False, label=S.LABEL_SHOW_REMOVED, info=S.INFO_SHOW_REMOVED,
                        elem_id="rag-show-removed",
                    )
                    with gr.Row(elem_id="rag-export"):
                        export_md = gr.DownloadButton(
                            S.LABEL_EXPORT_MD, value=None, size="sm", elem_id="rag-export-md"
                        )
                        export_docx = gr.DownloadButton(
                            S.LABEL_EXPORT_DOCX, value=None, size="sm", elem_id="rag-export-docx"
                        )
                with gr.Accordion(S.LABEL_HISTORY, open=False, elem_id="rag-history"):
                    with gr.Row(equal_height=True):
                        past = gr.Dropdown(
                            choices=[], value=None, label=S.LABEL_HISTORY, show_label=False,
                            scale=4, elem_id="rag-past",
                        )
                        reopen = gr.Button(
                            S.LABEL_OPEN_HISTORY, size="sm", scale=1, min_width=60,
                            elem_id="rag-reopen",
                        )
            with gr.Column(scale=5, min_width=320, elem_id="rag-side"):
                sources = gr.HTML(
                    P.render_sources_empty(engine.documents()),
                    label=S.LABEL_SOURCES,
                    elem_id="rag-sources",
                    js_on_load=panel_js(engine.settings.max_question_chars),
                )
        timer = gr.Timer(1.0, active=kind not in (READY, FAILED) or watch)

        def respond(message, turn_list, doc_ids, script_value, k, removed, listed,
                    request: gr.Request):
            """Stream `Chat.respond`, leaving the panel as it is where it has no update; an
            empty or too long question stays in the box with one note under it."""
            try:
                validate_question(message if isinstance(message, str) else "",
                                  engine.settings.max_question_chars)
            except QuestionError as problem:
                yield gr.skip(), gr.skip(), gr.skip(), gr.skip(), gr.skip(), R.render_note(str(problem))
                return
            if not (listed or "").strip() and not doc_ids:  # asked before the page listed any
                doc_ids = None
            for box, chat_value, new_turns, panel, new_view in chat.respond(
                message, turn_list, doc_ids, script_value, k, _session(request), bool(removed)
            ):
                yield (
                    box,
                    chat_value,
                    new_turns,
                    gr.skip() if panel is None else panel,
                    gr.skip() if new_view is None else new_view,
                    "",
                )

        def exports(turn_list, stored):
            """The conversation as Markdown and .docx behind the two download buttons, and
            kept in the browser."""
            paths = X.write_exports(turn_list, chat.documents())
            return (*(paths if paths else (None, None)), H.keep(stored, turn_list))

        after_outputs = [export_md, export_docx, store]

        ask_inputs = [question, turns, docs, script, top_k, show_removed, listed_ids]
        ask_outputs = [question, chatbot, turns, sources, view, note]
        # One listener for Enter and the button: no second question while one is answered.
        gr.on(
            [question.submit, send.click], respond, ask_inputs, ask_outputs,
            show_progress="hidden", trigger_mode="once", concurrency_id="ask",
        ).then(exports, [turns, store], after_outputs, show_progress="hidden")

        def pick_example(evt: gr.SelectData):
            """The text of the example question that was clicked."""
            value = evt.value if isinstance(evt.value, dict) else {}
            return value.get("text", "")

        chatbot.example_select(pick_example, None, question).then(
            respond, ask_inputs, ask_outputs, show_progress="hidden", concurrency_id="ask"
        ).then(exports, [turns, store], after_outputs, show_progress="hidden")

        def reset(doc_ids, turn_list, stored):
            """A new conversation: empty chat, state and panel; the old one goes to the list."""
            panel = P.render_sources_empty(engine.documents(), doc_ids)
            stored = H.archive(stored, turn_list, now_iso())
            listed = gr.update(choices=H.choices(stored), value=None)
            return [], [], None, panel, "", "", None, None, stored, listed

        reset_outputs = [
            chatbot, turns, view, sources, question, note, export_md, export_docx, store, past
        ]
        new_chat.click(reset, [docs, turns, store], reset_outputs)
        chatbot.clear(reset, [docs, turns, store], reset_outputs)

        def restore(stored):
            """After a reload: the open conversation and the list, from the browser."""
            stored = H.normalise(stored)
            turn_list = H.load_turns(stored["current"])
            listed = gr.update(choices=H.choices(stored), value=None)
            return turn_list, messages(turn_list), listed

        demo.load(restore, store, [turns, chatbot, past], show_progress="hidden")

        def on_reopen(stored, index, turn_list, doc_ids):
            """Open an earlier conversation from the list (the open one is kept there)."""
            if index is None:
                return (gr.skip(),) * 8
            stored, opened = H.reopen(stored, index, turn_list, now_iso())
            listed = gr.update(choices=H.choices(stored), value=None)
            panel = P.render_sources_empty(engine.documents(), doc_ids)
            paths = X.write_exports(opened, chat.documents()) or (None, None)
            return stored, opened, messages(opened), None, panel, listed, *paths

        reopen.click(
            on_reopen, [store, past, turns, docs],
            [store, turns, chatbot, view, sources, past, export_md, export_docx],
        )

        for action in PANEL_ACTIONS:

            def on_action(turn_list, script_value, current, evt: gr.EventData, action=action):
                """Open what was clicked (citation, related passage, article, back)."""
                data = getattr(evt, "_data", None) or {}
                return chat.open_view(
                    turn_list, script_value, action, data.get("turn"), data.get("n"),
                    data.get("kind"), current,
                )

            listen = getattr(sources, action)
            listen(on_action, [turns, script, view], [sources, view], show_progress="hidden")

        script.change(chat.panel, [turns, view, script], sources, show_progress="hidden")
        script.change(
            chat.rescript, [turns, script, show_removed], [chatbot, turns], show_progress="hidden"
        )
        show_removed.change(
            chat.show_removed, [turns, show_removed], [chatbot, turns], show_progress="hidden"
        )

        def on_scope(current, evt: gr.EventData):
            """只查这篇 / 查全部文章 in the article list: the search scope and the list."""
            data = getattr(evt, "_data", None) or {}
            ids = [d for _, d in _doc_choices(engine)]
            chosen = [data["doc"]] if data.get("doc") in ids else ids
            if current:  # a conversation is open: the list is not on screen, keep the panel
                return chosen, gr.skip()
            return chosen, P.render_sources_empty(engine.documents(), chosen)

        sources.scope(on_scope, view, [docs, sources], show_progress="hidden")

        def on_rate(turn_list, removed, stored, evt: gr.EventData, request: gr.Request):
            """有帮助/没帮助 under an answer: logged, and kept visible on that answer."""
            data = getattr(evt, "_data", None) or {}
            chat_value, new_turns, feedback = chat.rate(
                turn_list, data.get("turn"), data.get("kind"), _session(request), bool(removed)
            )
            return chat_value, new_turns, feedback, H.keep(stored, new_turns)

        sources.rate(on_rate, [turns, show_removed, store], [chatbot, turns, pending, store],
                     show_progress="hidden")

        def on_comment(turn_list, feedback, evt: gr.EventData, request: gr.Request):
            """The comment typed in the box beside the rated answer, logged with its rating."""
            data = getattr(evt, "_data", None) or {}
            chat.comment(turn_list, feedback, str(data.get("text") or "")[:2000], _session(request))

        sources.comment(on_comment, [turns, pending], None, show_progress="hidden")

        def refresh(last, chosen, current):
            """Banner, article choices and list from the engine (new articles come in
            selected); stop polling once it settled, unless the admin page may change the
            library."""
            state, text = engine.status()
            settled = state in (READY, FAILED)
            options = _doc_choices(engine)
            ids = [d for _, d in options]
            boxes = library = gr.skip()
            if settled and ids != list(last or []):
                keep = set(chosen or []) | (set(ids) - set(last or []))
                boxes = gr.update(choices=options, value=[d for d in ids if d in keep])
                if not current:  # no conversation open: the article list is on screen
                    library = P.render_sources_empty(engine.documents())
            poll = gr.Timer(value=ADMIN_POLL_S, active=True) if settled and watch else (
                gr.Timer(active=not settled))
            listed = "\n".join(ids) if settled and ids != list(last or []) else gr.skip()
            return (R.render_status(state, text), boxes, poll, ids if settled else last, library,
                    listed)

        refresh_io = ([shown, docs, view], [status, docs, timer, shown, sources, listed_ids])
        timer.tick(refresh, *refresh_io, show_progress="hidden")
        if kind not in (READY, FAILED) or watch:
            demo.load(refresh, *refresh_io, show_progress="hidden")
    return demo


def launch(
    demo: gr.Blocks,
    settings: Settings,
    block: bool = True,
    upload_max_bytes: int = CHAT_UPLOAD_MAX_BYTES,
    engine: Engine | None = None,
) -> None:
    """Serve `demo` on settings.host:port with the server limits: request bodies up to
    `settings.max_request_bytes`, uploads only when `upload_max_bytes` > 0 (and then up to
    that size), the state of at most `settings.max_sessions` sessions. With `engine` and an
    admin password configured, the admin page is mounted at /admin, and it alone takes
    uploads, up to `settings.max_upload_bytes`."""
    from ui.admin import ADMIN_PATH, admin_app_kwargs

    demo.queue(default_concurrency_limit=QUEUE_CONCURRENCY)
    admin = admin_app_kwargs(engine, settings, launch_options()) if engine is not None else {}
    limits = Middleware(
        RequestLimits, max_bytes=settings.max_request_bytes, upload_max_bytes=upload_max_bytes,
        upload_paths={ADMIN_PATH: settings.max_upload_bytes} if admin else {},
    )
    app_kwargs = {**admin, "middleware": [limits]}  # {} admin: no password, no admin page
    demo.launch(
        server_name=settings.host,
        server_port=settings.port,
        prevent_thread_lock=not block,
        quiet=True,
        max_file_size=max(0, upload_max_bytes),
        state_session_capacity=settings.max_sessions,
        app_kwargs=app_kwargs,
        **launch_options(),
    )


class RedactingFormatter(logging.Formatter):
    """Server log lines (tracebacks included) with URL credentials redacted."""

    def format(self, record: logging.LogRecord) -> str:
        return redact_credentials(super().format(record))


def configure_server_log() -> None:
    """Warnings and errors of the app (e.g. a failed audit write) to stderr, redacted."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(RedactingFormatter("rag serve: %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(min(root.level or logging.WARNING, logging.WARNING))


def serve(settings: Settings, block: bool = True) -> int:
    """Start the app on settings.host:port; the index is built (if missing) and loaded once."""
    os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
    configure_server_log()
    engine = Engine(
        settings,
        log=lambda line: print(redact_credentials(line), file=sys.stderr, flush=True),
        api_key=os.environ.get(settings.llm_api_key_env),  # only an LLM generator uses it
    ).start()
    demo = build_app(engine, settings)
    print(f"rag serve: http://{settings.host}:{settings.port}", file=sys.stderr, flush=True)
    launch(demo, settings, block=block, engine=engine)
    return 0
