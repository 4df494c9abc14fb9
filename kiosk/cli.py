"""The ``kiosk`` command: run the app, ask questions, build and check the knowledge base."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kiosk import __version__


class CliError(Exception):
    """A problem the user can fix; printed as one line, exit status 2."""


def _cmd_kb_check(args: argparse.Namespace) -> int:
    from offline_cache.kb_schema import ValidationResult
    from offline_cache.kb_sources import builtin_source_dir, check_sources, load_sources
    from offline_cache.statutes import load_statutes

    result = ValidationResult()
    folder = Path(args.sources) if args.sources else builtin_source_dir()
    sources = load_sources(folder, result)
    laws = None
    if args.statutes:
        try:
            laws = load_statutes(Path(args.statutes))
        except FileNotFoundError as exc:
            raise CliError(str(exc)) from None
    check_sources(sources, laws, result)
    for problem in result.problems:
        print(problem)
    covered = {c for e in sources.entries for c in e.covers}
    print(
        f"{len(sources.entries)} entries, {len(sources.tips)} tips, "
        f"{len(covered & {c.id for c in sources.coverage})}/{len(sources.coverage)} coverage ids, "
        f"citations {'checked against ' + args.statutes if laws is not None else 'NOT checked (no --statutes)'}: "
        f"{len(result.problems)} problem(s)"
    )
    return 0 if result.ok else 1


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kiosk", description="青小律 legal service booth kiosk")
    parser.add_argument("--version", action="version", version=f"kiosk {__version__}")
    parser.add_argument("--config", help="TOML settings file (default: the device file)")
    sub = parser.add_subparsers(dest="command", required=True)

    kb = sub.add_parser("kb", help="build and check the knowledge base")
    kb_sub = kb.add_subparsers(dest="kb_command", required=True)
    check = kb_sub.add_parser("check", help="validate KB sources: schema, ids, coverage, citations")
    check.add_argument("--sources", help="source folder (default: the built-in content)")
    check.add_argument("--statutes", help="statute folder to resolve citations against")
    check.set_defaults(func=_cmd_kb_check)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except CliError as exc:
        print(f"kiosk: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
