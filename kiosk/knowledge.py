"""Open the knowledge base the settings name, building the built-in one on first start."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from kiosk.config import Settings
from kiosk.logsetup import get_logger
from offline_cache.kb_bundle import Manifest, build_bundle
from offline_cache.kb_schema import ValidationResult
from offline_cache.kb_sources import Sources, builtin_source_dir, check_sources, load_sources
from offline_cache.kb_store import KnowledgeBase
from offline_cache.search.engine import SearchEngine
from offline_cache.statutes import Law, load_statutes

log = get_logger("kb")


class SourceProblems(ValueError):
    """KB sources failed validation; the message lists ``file:line: problem`` lines."""


def validate_sources(
    sources_dir: Path, statutes_dir: Path | None, require_coverage: bool
) -> tuple[Sources, Mapping[str, Law] | None, ValidationResult]:
    """Load and check KB sources; citations are checked only when statutes are given."""
    result = ValidationResult()
    sources = load_sources(sources_dir, result)
    laws = load_statutes(statutes_dir) if statutes_dir else None
    check_sources(sources, laws, result, require_coverage=require_coverage)
    return sources, laws, result


def build_from_sources(sources_dir: Path, statutes_dir: Path | None, out_dir: Path) -> Manifest:
    sources, laws, result = validate_sources(sources_dir, statutes_dir, require_coverage=False)
    if not result.ok:
        raise SourceProblems("\n".join(str(p) for p in result.problems))
    manifest = build_bundle(sources, laws, out_dir)
    log.info("built KB bundle %s: %s", manifest.version, manifest.counts)
    return manifest


def open_knowledge_base(settings: Settings) -> KnowledgeBase:
    """Open the configured bundle; if the default one does not exist yet, build it.

    Only the default location is built automatically: a bundle path set by the
    technician that does not exist is an error the technician screen shows.
    """
    path = settings.kb_bundle_path
    if not path.exists() and not settings.kb.bundle_path:
        statutes = Path(settings.kb.statutes_dir) if settings.kb.statutes_dir else None
        log.info("no KB bundle at %s yet: building the built-in demo content", path)
        build_from_sources(builtin_source_dir(), statutes, path.parent)
    return KnowledgeBase(path)


def open_search(settings: Settings) -> SearchEngine:
    return SearchEngine(open_knowledge_base(settings), settings.kb.answer_threshold)
