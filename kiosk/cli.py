"""The ``kiosk`` command: run the app, ask questions, build and check the knowledge base."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from kiosk import __version__
from kiosk.config import ConfigError, Settings, describe, load_settings


class CliError(Exception):
    """A problem the user can fix; printed as one line, exit status 2."""


def _settings(args: argparse.Namespace) -> Settings:
    return load_settings(Path(args.config) if args.config else None)


def _cmd_kb_check(args: argparse.Namespace) -> int:
    from kiosk.knowledge import validate_sources
    from offline_cache.kb_sources import builtin_source_dir

    folder = Path(args.sources) if args.sources else builtin_source_dir()
    try:
        sources, laws, result = validate_sources(
            folder, Path(args.statutes) if args.statutes else None, require_coverage=True)
    except FileNotFoundError as exc:
        raise CliError(str(exc)) from None
    for problem in result.problems:
        print(problem)
    covered = {c for e in sources.entries for c in e.covers}
    checked = f"checked against {args.statutes}" if laws is not None else "NOT checked (no --statutes)"
    print(
        f"{len(sources.entries)} entries, {len(sources.tips)} tips, "
        f"{len(covered & {c.id for c in sources.coverage})}/{len(sources.coverage)} coverage ids, "
        f"citations {checked}: {len(result.problems)} problem(s)"
    )
    return 0 if result.ok else 1


def _cmd_kb_build(args: argparse.Namespace) -> int:
    from kiosk.knowledge import SourceProblems, build_from_sources
    from offline_cache.kb_sources import builtin_source_dir

    settings = _settings(args)
    out_dir = Path(args.out) if args.out else settings.kb_bundle_path.parent
    statutes = args.statutes or settings.kb.statutes_dir or None
    try:
        manifest = build_from_sources(
            Path(args.sources) if args.sources else builtin_source_dir(),
            Path(statutes) if statutes else None, out_dir)
    except SourceProblems as exc:
        print(exc, file=sys.stderr)
        raise CliError("KB sources have problems (listed above); nothing was built") from None
    except FileNotFoundError as exc:
        raise CliError(str(exc)) from None
    print(f"built {out_dir / 'kb.sqlite'} version {manifest.version} {manifest.counts}")
    return 0


def _cmd_ask(args: argparse.Namespace) -> int:
    from kiosk.knowledge import open_search
    from offline_cache.kb_store import KnowledgeBaseUnavailable
    from offline_cache.search.engine import QueryRejected, SearchResponse

    if args.question is None:
        raise CliError("no question given: kiosk ask \"问题\" (or - to read lines from stdin)")
    if args.question != "-" and not args.question.strip():
        raise CliError("the question is empty")
    try:
        engine = open_search(_settings(args))
    except KnowledgeBaseUnavailable as exc:
        raise CliError(str(exc)) from None

    def answer(question: str) -> SearchResponse | None:
        try:
            return engine.search(question, top=args.top)
        except QueryRejected as exc:
            if args.question != "-":
                raise CliError(str(exc)) from None
            print(json.dumps({"query": question[:200], "error": exc.code, "message": str(exc)},
                             ensure_ascii=False), flush=True)
            return None

    def emit(response: SearchResponse) -> None:
        if args.json:
            print(json.dumps(response.to_json(), ensure_ascii=False), flush=True)
            return
        state = "answered" if response.answered else "not sure: offer a person"
        print(f"{response.query}  ({state}, {response.elapsed_ms:.1f} ms)")
        for rank, r in enumerate(response.results, 1):
            print(f"  {rank}. {r.score:.3f} conf={r.confidence:.2f} {r.entry_id}  {r.title}")
            if args.explain:
                print(f"       bm25={r.bm25:.2f} matched={r.matched}")

    if args.question == "-":
        for line in sys.stdin:
            question = line.rstrip("\n")
            if not question.strip():
                print(json.dumps({"query": "", "error": "empty", "message": "the question is empty"}),
                      flush=True)
                continue
            response = answer(question)
            if response is not None:
                emit(response)
        return 0
    response = answer(args.question)
    assert response is not None
    emit(response)
    return 0


def _cmd_config(args: argparse.Namespace) -> int:
    settings = _settings(args)
    for key, type_name, default, doc in describe():
        section, name = key.split(".")
        value = getattr(getattr(settings, section), name)
        print(f"{key} = {value!r}\n    {doc} [{type_name}; default {default}]")
    return 0


def _cmd_print_test(args: argparse.Namespace) -> int:
    from kiosk.printing import print_test_slip

    settings = _settings(args)
    result = print_test_slip(settings.printer, settings.sync.server_url,
                             settings.device.service_point, settings.device.tier)
    if result.ok:
        print(f"OK: test slip sent to {settings.printer.kind} {settings.printer.address}".rstrip())
        return 0
    print(f"FAILED: {result.reason_for_technician}")
    return 1


def _cmd_hash_pin(args: argparse.Namespace) -> int:
    import getpass

    from kiosk.technician import hash_pin

    pin = getpass.getpass("technician PIN (4-12 digits): ")
    if pin != getpass.getpass("again: "):
        raise CliError("the two PINs differ")
    try:
        print(hash_pin(pin))
    except ValueError as exc:
        raise CliError(str(exc)) from None
    print("put this line under [ui] as technician_pin_hash = \"…\"", file=sys.stderr)
    return 0


def _cmd_run(args: argparse.Namespace) -> int:
    from kiosk.app import run_app

    return run_app(_settings(args), windowed=args.windowed)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kiosk", description="青小律 legal service booth kiosk")
    parser.add_argument("--version", action="version", version=f"kiosk {__version__}")
    parser.add_argument("--config", help="TOML settings file (default: the device file)")
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="start the full-screen kiosk")
    run.add_argument("--windowed", action="store_true", help="normal window, for development")
    run.set_defaults(func=_cmd_run)

    ask = sub.add_parser("ask", help="answer a question from the knowledge base (no Qt)")
    ask.add_argument("question", nargs="?", help="the question, or - to read one per line from stdin")
    ask.add_argument("--top", type=int, default=5, help="number of results (1-50)")
    ask.add_argument("--json", action="store_true", help="print one JSON object per question")
    ask.add_argument("--explain", action="store_true", help="show why each result ranks where it does")
    ask.set_defaults(func=_cmd_ask)

    kb = sub.add_parser("kb", help="build and check the knowledge base")
    kb_sub = kb.add_subparsers(dest="kb_command", required=True)
    check = kb_sub.add_parser("check", help="validate KB sources: schema, ids, coverage, citations")
    check.add_argument("--sources", help="source folder (default: the built-in content)")
    check.add_argument("--statutes", help="statute folder to resolve citations against")
    check.set_defaults(func=_cmd_kb_check)
    build = kb_sub.add_parser("build", help="compile KB sources into a versioned bundle")
    build.add_argument("--sources", help="source folder (default: the built-in content)")
    build.add_argument("--statutes", help="statute folder to include (law look-up and full text)")
    build.add_argument("--out", help="output folder (default: where the kiosk reads its bundle)")
    build.set_defaults(func=_cmd_kb_build)

    print_test = sub.add_parser("print-test", help="print a test slip on the configured printer")
    print_test.set_defaults(func=_cmd_print_test)
    hash_pin = sub.add_parser("hash-pin", help="make the technician PIN hash for the settings file")
    hash_pin.set_defaults(func=_cmd_hash_pin)

    config = sub.add_parser("config", help="print every setting with its value and description")
    config.set_defaults(func=_cmd_config)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except (CliError, ConfigError) as exc:
        print(f"kiosk: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
