"""The Gradio 6 chat app: layout and event wiring (behaviour lives in ui/chat.py)."""

from __future__ import annotations

import logging
import os
import sys

import gradio as gr
from starlette.middleware import Middleware

from rag.settings import Settings, redact_credentials
from ui import render as R
from ui import strings as S
from ui.assets import CSS, FONT_STACK, MONO_STACK, PANEL_JS
from ui.chat import Chat
from ui.engine import FAILED, READY, Engine
from ui.limits import RequestLimits
from ui.logs import Logs

PANEL_ACTIONS = ("cite", "related", "article", "back")
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
    chat = chat or Chat(engine, logs or Logs(settings.data_dir))
    choices = _doc_choices(engine)
    kind, message = engine.status()
    with gr.Blocks(title=S.APP_TITLE, analytics_enabled=False, fill_width=True) as demo:
        turns = gr.State([])
        view = gr.State(None)
        pending = gr.State(None)
        with gr.Row(elem_id="rag-top", equal_height=True):
            gr.HTML(
                f"<div><h1>{R.esc(S.APP_TITLE)}</h1><p>{R.esc(S.APP_SUBTITLE)}</p></div>",
                elem_id="rag-header",
                scale=3,
            )
            status = gr.HTML(R.render_status(kind, message), elem_id="rag-status", scale=2)
        with gr.Row(equal_height=False):
            with gr.Column(scale=6, min_width=420):
                chatbot = gr.Chatbot(
                    label=S.LABEL_CHAT,
                    show_label=False,
                    elem_id="rag-chat",
                    height="62vh",
                    placeholder=S.CHAT_PLACEHOLDER,
                    examples=[{"text": q} for q in S.EXAMPLE_QUESTIONS],
                    latex_delimiters=[],
                    buttons=[],
                    feedback_options=("Like", "Dislike"),
                    layout="bubble",
                )
                with gr.Row(equal_height=True):
                    question = gr.Textbox(
                        show_label=False,
                        placeholder=S.PLACEHOLDER_QUESTION,
                        lines=1,
                        max_lines=4,
                        scale=8,
                        elem_id="rag-question",
                        autofocus=True,
                    )
                    send = gr.Button(
                        S.LABEL_SEND, variant="primary", scale=1, min_width=80, elem_id="rag-send"
                    )
                    new_chat = gr.Button(S.LABEL_NEW_CHAT, scale=1, min_width=80, elem_id="rag-new")
                with gr.Row(visible=False, elem_id="rag-feedback") as feedback_row:
                    thanks = gr.Markdown(elem_id="rag-thanks")
                    comment = gr.Textbox(
                        label=S.LABEL_COMMENT,
                        placeholder=S.PLACEHOLDER_COMMENT,
                        scale=3,
                        elem_id="rag-comment",
                    )
                    send_comment = gr.Button(
                        S.LABEL_SUBMIT_COMMENT, scale=1, elem_id="rag-send-comment"
                    )
                with gr.Accordion(S.LABEL_SETTINGS, open=False, elem_id="rag-settings"):
                    docs = gr.CheckboxGroup(
                        choices=choices,
                        value=[doc_id for _, doc_id in choices],
                        label=S.LABEL_DOCS,
                        info=S.INFO_DOCS,
                        elem_id="rag-docs",
                    )
                    check_at_request_time(docs)
                    with gr.Row():
                        script = gr.Radio(
                            choices=list(S.SCRIPT_CHOICES),
                            value="original",
                            label=S.LABEL_SCRIPT,
                            info=S.INFO_SCRIPT,
                            elem_id="rag-script",
                        )
                        top_k = gr.Slider(
                            1, 10, value=min(10, settings.top_k), step=1,
                            label=S.LABEL_TOP_K, info=S.INFO_TOP_K, elem_id="rag-top-k",
                        )
                    show_removed = gr.Checkbox(
                        value=False, label=S.LABEL_SHOW_REMOVED, info=S.INFO_SHOW_REMOVED,
                        elem_id="rag-show-removed",
                    )
            with gr.Column(scale=5, min_width=360):
                sources = gr.HTML(
                    R.render_sources_empty(),
                    label=S.LABEL_SOURCES,
                    elem_id="rag-sources",
                    js_on_load=PANEL_JS,
                )
        timer = gr.Timer(1.0, active=kind not in (READY, FAILED))

        def respond(message, turn_list, doc_ids, script_value, k, removed, request: gr.Request):
            """Stream `Chat.respond`, leaving the panel as it is where it has no update."""
            for box, chat_value, new_turns, panel, new_view in chat.respond(
                message, turn_list, doc_ids, script_value, k, _session(request), bool(removed)
            ):
                yield (
                    box,
                    chat_value,
                    new_turns,
                    gr.skip() if panel is None else panel,
                    gr.skip() if new_view is None else new_view,
                )

        ask_inputs = [question, turns, docs, script, top_k, show_removed]
        ask_outputs = [question, chatbot, turns, sources, view]
        # One listener for Enter and the button: no second question while one is answered.
        gr.on(
            [question.submit, send.click], respond, ask_inputs, ask_outputs,
            show_progress="hidden", trigger_mode="once", concurrency_id="ask",
        )

        def pick_example(evt: gr.SelectData):
            """The text of the example question that was clicked."""
            value = evt.value if isinstance(evt.value, dict) else {}
            return value.get("text", "")

        chatbot.example_select(pick_example, None, question).then(
            respond, ask_inputs, ask_outputs, show_progress="hidden", concurrency_id="ask"
        )

        def reset():
            """A new conversation: empty chat, state and panel."""
            return [], [], None, R.render_sources_empty(), gr.update(visible=False), ""

        new_chat.click(reset, None, [chatbot, turns, view, sources, feedback_row, question])
        chatbot.clear(reset, None, [chatbot, turns, view, sources, feedback_row, question])

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
        show_removed.change(
            chat.show_removed, [turns, show_removed], [chatbot, turns], show_progress="hidden"
        )

        def on_like(turn_list, evt: gr.LikeData, request: gr.Request):
            """Log a 👍/👎 and offer the optional comment box."""
            text, feedback = chat.like(turn_list, evt.index, evt.liked, _session(request))
            shown = gr.update(visible=feedback is not None)
            return text, feedback, shown, gr.update(value="", visible=True), gr.update(visible=True)

        chatbot.like(on_like, [turns], [thanks, pending, feedback_row, comment, send_comment])

        def on_comment(turn_list, feedback, text, request: gr.Request):
            """Log the comment on the last 👍/👎 and close the comment box (a refused one,
            too long, stays in the box with the reason)."""
            saved = chat.comment(turn_list, feedback, text, _session(request))
            if not saved:
                return gr.skip(), gr.skip(), gr.skip()
            if saved != S.FEEDBACK_COMMENT_SAVED:
                return saved, gr.skip(), gr.skip()
            return saved, gr.update(value="", visible=False), gr.update(visible=False)

        for trigger in (send_comment.click, comment.submit):
            trigger(on_comment, [turns, pending, comment], [thanks, comment, send_comment])

        def refresh():
            """Banner and article choices from the engine; stop polling once it settled."""
            state, text = engine.status()
            settled = state in (READY, FAILED)
            options = _doc_choices(engine)
            boxes = (
                gr.update(choices=options, value=[d for _, d in options]) if settled else gr.skip()
            )
            return R.render_status(state, text), boxes, gr.Timer(active=not settled)

        timer.tick(refresh, None, [status, docs, timer], show_progress="hidden")
        if kind not in (READY, FAILED):
            demo.load(refresh, None, [status, docs, timer], show_progress="hidden")
    return demo


def launch(
    demo: gr.Blocks,
    settings: Settings,
    block: bool = True,
    upload_max_bytes: int = CHAT_UPLOAD_MAX_BYTES,
) -> None:
    """Serve `demo` on settings.host:port with the server limits: request bodies up to
    `settings.max_request_bytes`, uploads only when `upload_max_bytes` > 0 (and then up to
    that size), the state of at most `settings.max_sessions` sessions."""
    demo.queue(default_concurrency_limit=QUEUE_CONCURRENCY)
    limits = Middleware(
        RequestLimits, max_bytes=settings.max_request_bytes, upload_max_bytes=upload_max_bytes
    )
    demo.launch(
        server_name=settings.host,
        server_port=settings.port,
        prevent_thread_lock=not block,
        quiet=True,
        max_file_size=max(0, upload_max_bytes),
        state_session_capacity=settings.max_sessions,
        app_kwargs={"middleware": [limits]},
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
    launch(demo, settings, block=block)
    return 0
