"""Load test of the chat server through its HTTP API: concurrent sessions, latency, audit, memory.

    python -m ui.load --index index                  # 32 clients x 10 questions, then 200 sessions
    python -m ui.load --index index --clients 8 --questions 4 --sessions 20
    python -m ui.load --index index --questions-from eval/dev.jsonl   # a different question
                                                                      # per request: cold caches

Starts `rag serve` on a free loopback port (never another interface) with a fresh data
folder, waits until the index is loaded, then:

1. *load*: `--clients` concurrent API sessions each ask `--questions` questions in turn;
   prints errors, requests per second, p50/p95 latency of a whole answer, and checks that
   the audit log holds every request exactly once under a unique (session, turn) key;
2. *sessions*: `--sessions` further sessions ask `--session-turns` questions each; prints the
   server's resident memory before and after, and the MB kept per session.

It stops the server and exits by itself; it is a benchmark, not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from ui.bench import QUESTIONS as BENCH_QUESTIONS
from ui.browser import start_server, stop_server

QUESTIONS = BENCH_QUESTIONS  # the same ten questions as the latency benchmark


def rss_mb(pid: int) -> float:
    """Resident memory of process `pid` in MB (Linux /proc)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def cpu_s(pid: int) -> float:
    """User + system CPU seconds used so far by process `pid` (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def doc_ids(index_dir: Path) -> list[str]:
    """Every article id of the built index (what the page checks by default)."""
    from rag.store.index import current_path

    path = current_path(index_dir) / "documents.jsonl"
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line)["doc_id"] for line in handle if line.strip()]


class Api:
    """A minimal client of Gradio's queue protocol (join, then read the event stream), so
    that the load generator itself stays light on the shared CPU."""

    def __init__(self, url: str) -> None:
        """Reads the app config once to find the endpoints' function numbers."""
        import httpx

        self.url = url.rstrip("/")
        self.http = httpx.Client(
            timeout=300, limits=httpx.Limits(max_connections=256, max_keepalive_connections=256)
        )
        config = self.http.get(f"{self.url}/config").json()
        self.fn = {d.get("api_name"): d["id"] for d in config["dependencies"] if d.get("api_name")}
        self.inputs = {
            d.get("api_name"): len(d["inputs"]) for d in config["dependencies"] if d.get("api_name")
        }
        initial = {c["id"]: c.get("props", {}).get("value") for c in config["components"]}
        self.initial = {
            d.get("api_name"): [initial.get(i) for i in d["inputs"]]
            for d in config["dependencies"] if d.get("api_name")
        }

    def blank(self, api_name: str) -> list:
        """The initial value of every input of `api_name`: what a freshly opened page sends."""
        return list(self.initial[api_name])

    def call(self, api_name: str, data: list, session: str) -> dict:
        """Run one event in `session`; returns Gradio's `process_completed` message."""
        return self.call_many(api_name, [data], session)[0]

    def call_many(self, api_name: str, datas: list[list], session: str) -> list[dict]:
        """Run several events at once in one session (as concurrent API calls of one client
        would): join them all, then read the session's one event stream until each ended."""
        events = []
        for data in datas:
            response = self.http.post(
                f"{self.url}/gradio_api/queue/join",
                json={"data": data, "event_data": None, "fn_index": self.fn[api_name],
                      "trigger_id": None, "session_hash": session},
            )
            response.raise_for_status()
            events.append(response.json()["event_id"])
        done: dict[str, dict] = {}
        with self.http.stream(
            "GET", f"{self.url}/gradio_api/queue/data", params={"session_hash": session}
        ) as stream:
            for line in stream.iter_lines():
                if not line.startswith("data:"):
                    continue
                message = json.loads(line[5:])
                if message.get("event_id") in events and message.get("msg") == "process_completed":
                    done[message["event_id"]] = message
                    if len(done) == len(events):
                        return [done[event] for event in events]
        raise RuntimeError(f"the event stream of {api_name} ended without every result")


def new_session() -> str:
    """A fresh session id, as a browser tab would get."""
    return uuid.uuid4().hex[:11]


def wait_ready(api: Api, timeout_s: float = 300) -> None:
    """Poll the status banner until the engine has loaded (or failed)."""
    session = new_session()
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        done = api.call("refresh", api.blank("refresh"), session)
        if not done.get("success"):
            raise RuntimeError(f"/refresh failed: {str(done)[:300]}")
        status = str(done["output"]["data"][0])
        if "rag-status-ready" in status:
            return
        if "rag-status-failed" in status:
            raise RuntimeError(f"the server failed to load: {status}")
        time.sleep(1)
    raise RuntimeError(f"the server was not ready within {timeout_s} s")


def ask_all(
    api: Api, ids: list[str], questions: list[str], top_k: int, refresh: bool = False
) -> dict:
    """One session asks `questions` one after another; returns its latencies and errors.
    `refresh` calls /refresh first (what versions before the fix of issue 11 item 7 needed
    before an API session could name articles)."""
    session = new_session()
    times, errors = [], []
    if refresh:
        api.call("refresh", api.blank("refresh"), session)
    for question in questions:
        start = time.perf_counter()
        try:
            done = api.call("respond", [question, None, ids, "auto", top_k, False, "\n".join(ids or [])], session)
            if not done.get("success"):
                errors.append(f"{question}: {str(done.get('output'))[:160]}")
        except Exception as error:  # the figure is the count; the first few are printed
            errors.append(f"{question}: {type(error).__name__}: {error}"[:200])
        times.append(time.perf_counter() - start)
    return {"session": session, "times": times, "errors": errors}


def read_questions(path: Path) -> tuple[str, ...]:
    """The distinct questions of an eval file (JSON lines with a "question" field)."""
    with open(path, encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle if line.strip()]
    return tuple(dict.fromkeys(row["question"] for row in rows))


def plan(questions: tuple[str, ...], clients: int, per_client: int, spread: bool) -> list[list[str]]:
    """Who asks what: client c's q-th question. `spread` hands out the questions in turn across
    all requests (each distinct until the list runs out), else every client walks the same
    list from its own starting point."""
    if spread:
        return [[questions[(q * clients + c) % len(questions)] for q in range(per_client)]
                for c in range(clients)]
    return [[questions[(c + q) % len(questions)] for q in range(per_client)] for c in range(clients)]


def run_sessions(api: Api, ids: list[str], sessions: int, per_session: int, clients: int,
                 top_k: int, refresh: bool = False) -> tuple[list[dict], float]:
    """`sessions` sessions of `per_session` questions, `clients` at a time; (results, seconds)."""
    plans = plan(QUESTIONS, sessions, per_session, spread=False)
    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        results = list(pool.map(lambda plan: ask_all(api, ids, plan, top_k, refresh), plans))
    return results, time.perf_counter() - start


def percentile(values: list[float], q: float) -> float:
    """The q-quantile (0..1) by the nearest-rank method."""
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(q * len(ordered) + 0.5) - 1))]


def audit_check(audit_path: Path, results: list[dict]) -> dict:
    """Every request of `results` exactly once in the audit log, under a unique key."""
    records = []
    if audit_path.is_file():
        with open(audit_path, encoding="utf-8") as handle:
            records = [json.loads(line) for line in handle if line.strip()]
    wanted = {r["session"]: len(r["times"]) for r in results}
    mine = [r for r in records if r.get("session") in wanted]
    keys = Counter((r["session"], r["turn"]) for r in mine)
    per_session = Counter(r["session"] for r in mine)
    return {
        "requests": sum(wanted.values()),
        "records": len(mine),
        "duplicate_keys": sum(1 for n in keys.values() if n > 1),
        "sessions_wrong_count": sum(1 for s, n in wanted.items() if per_session[s] != n),
        "error_outcomes": sum(1 for r in mine if r.get("outcome") == "error"),
    }


def main(argv: list[str] | None = None) -> int:
    """Start the server, run both phases, print the figures, stop the server."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, default=Path("index"), help="built index folder")
    parser.add_argument("--clients", type=int, default=32, help="concurrent API sessions")
    parser.add_argument("--questions", type=int, default=10, help="questions per client")
    parser.add_argument("--sessions", type=int, default=200, help="sessions for the memory phase")
    parser.add_argument("--session-turns", type=int, default=3, help="questions per such session")
    parser.add_argument("--top-k", type=int, default=5)
    parser.add_argument(
        "--refresh-first", action="store_true",
        help="call /refresh at the start of each session (needed by versions before issue 11)",
    )
    parser.add_argument(
        "--questions-from", type=Path, default=None,
        help="ask this eval file's questions, a different one per request while they last "
             "(default: the latency benchmark's ten, which the server's caches soon hold)",
    )
    parser.add_argument("--json", action="store_true", help="print JSON")
    args = parser.parse_args(argv)
    questions = read_questions(args.questions_from) if args.questions_from else QUESTIONS
    ids = doc_ids(args.index)
    root = Path(__file__).resolve().parent.parent
    figures: dict = {}
    with tempfile.TemporaryDirectory(prefix="rag-load-") as tmp:
        data = Path(tmp) / "data"
        process, url = start_server(
            args.index, data, {}, cwd=root, log_path=Path(tmp) / "serve.log", timeout=300
        )
        try:
            api = Api(url)
            wait_ready(api)
            warm_up = "数字政府建设的主要目标是什么？"  # not among the timed questions
            ask_all(api, ids, [warm_up], args.top_k, args.refresh_first)  # not counted
            plans = plan(questions, args.clients, args.questions, spread=bool(args.questions_from))
            start, cpu_start = time.perf_counter(), cpu_s(process.pid)
            with ThreadPoolExecutor(max_workers=args.clients) as pool:
                results = list(pool.map(
                    lambda plan: ask_all(api, ids, plan, args.top_k, args.refresh_first), plans
                ))
            seconds = time.perf_counter() - start
            server_cpu = cpu_s(process.pid) - cpu_start
            times = [t for r in results for t in r["times"]]
            errors = [e for r in results for e in r["errors"]]
            time.sleep(0.5)  # let the last audit lines land
            figures["load"] = {
                "questions_from": str(args.questions_from or "ui.bench.QUESTIONS"),
                "distinct_questions": len({q for p in plans for q in p}),
                "clients": args.clients,
                "questions_per_client": args.questions,
                "requests": len(times),
                "errors": len(errors),
                "seconds": round(seconds, 2),
                "req_per_s": round(len(times) / seconds, 1),
                "p50_s": round(statistics.median(times), 3),
                "p95_s": round(percentile(times, 0.95), 3),
                "max_s": round(max(times), 3),
                "server_cpu_ms_per_request": round(1000 * server_cpu / len(times), 1),
                "load_average_1min": round(os.getloadavg()[0], 1),
                "audit": audit_check(data / "audit.jsonl", results),
                "first_errors": errors[:5],
            }
            if args.sessions:
                before = rss_mb(process.pid)
                kept, seconds = run_sessions(
                    api, ids, args.sessions, args.session_turns, args.clients, args.top_k,
                    args.refresh_first,
                )
                after = rss_mb(process.pid)
                figures["sessions"] = {
                    "sessions": args.sessions,
                    "turns_per_session": args.session_turns,
                    "errors": sum(len(r["errors"]) for r in kept),
                    "rss_before_mb": round(before, 1),
                    "rss_after_mb": round(after, 1),
                    "mb_per_session": round((after - before) / args.sessions, 3),
                    "req_per_s": round(args.sessions * args.session_turns / seconds, 1),
                }
        except Exception:
            print((Path(tmp) / "serve.log").read_text()[-4000:], file=sys.stderr)  # the why
            raise
        finally:
            stop_server(process)
    if args.json:
        print(json.dumps(figures, ensure_ascii=False, indent=2))
        return 0
    load = figures["load"]
    print(
        f"load: {load['clients']} clients x {load['questions_per_client']} questions = "
        f"{load['requests']} requests ({load['distinct_questions']} distinct questions from "
        f"{load['questions_from']}) in {load['seconds']} s: {load['req_per_s']} req/s, "
        f"p50 {load['p50_s']} s, p95 {load['p95_s']} s, max {load['max_s']} s, "
        f"errors {load['errors']}"
    )
    print(
        f"server CPU: {load['server_cpu_ms_per_request']} ms per request "
        f"(machine load average {load['load_average_1min']} on {os.cpu_count()} cores)"
    )
    audit = load["audit"]
    exactly_once = (
        audit["records"] == audit["requests"]
        and not audit["duplicate_keys"]
        and not audit["sessions_wrong_count"]
    )
    print(
        f"audit: {audit['records']} records for {audit['requests']} requests, "
        f"{audit['duplicate_keys']} duplicate (session, turn) keys, "
        f"{audit['sessions_wrong_count']} sessions with a wrong count, "
        f"{audit['error_outcomes']} error outcomes -> "
        f"{'exactly once' if exactly_once else 'NOT exactly once'}"
    )
    for error in load["first_errors"]:
        print(f"  error: {error}")
    if "sessions" in figures:
        kept = figures["sessions"]
        print(
            f"sessions: {kept['sessions']} sessions x {kept['turns_per_session']} questions "
            f"({kept['req_per_s']} req/s, errors {kept['errors']}): server RSS "
            f"{kept['rss_before_mb']} -> {kept['rss_after_mb']} MB, "
            f"{kept['mb_per_session']} MB per session"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
