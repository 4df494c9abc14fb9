"""The knowledge-base entry: what one answer holds, and the rules it must follow.

Sources are YAML files under ``offline_cache/content/entries/`` (one per topic).
See ``docs/kb-format.md`` for the file format and the compiled bundle.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

SHORT_ANSWER_MAX = 120
TITLE_MAX = 30
ENTRY_ID = re.compile(r"^[a-z][a-z-]*\.[a-z0-9][a-z0-9-]*$")

GROUPS = {
    "elderly": "老年人",
    "migrant_workers": "农民工",
    "farmers": "农民",
    "disabled": "残疾人",
    "minors": "未成年人",
    "women": "妇女",
    "veterans_military": "退役军人和军属",
}

REQUIRED = ("id", "topic", "title", "question", "phrasings", "short_answer", "answer",
            "citations", "covers", "reviewed", "version")
OPTIONAL = ("keywords", "steps", "bring", "where", "time_limits", "costs", "needs_lawyer", "groups")


@dataclass(frozen=True)
class Citation:
    law: str
    article: int
    suffix: str = ""

    @property
    def key(self) -> str:
        return f"{self.law}:{self.article}{self.suffix}"

    def display(self) -> str:
        return f"《{self.law}》第{self.article}条{self.suffix}"


@dataclass(frozen=True)
class Entry:
    id: str
    topic: str
    title: str
    question: str
    phrasings: tuple[str, ...]
    short_answer: str
    answer: str
    citations: tuple[Citation, ...]
    covers: tuple[str, ...]
    reviewed: dt.date
    version: int
    keywords: tuple[str, ...] = ()
    steps: tuple[str, ...] = ()
    bring: tuple[str, ...] = ()
    where: tuple[str, ...] = ()
    time_limits: tuple[str, ...] = ()
    costs: str = ""
    needs_lawyer: bool = False
    groups: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id, "topic": self.topic, "title": self.title, "question": self.question,
            "phrasings": list(self.phrasings), "short_answer": self.short_answer,
            "answer": self.answer,
            "citations": [{"law": c.law, "article": c.article, "suffix": c.suffix} for c in self.citations],
            "covers": list(self.covers), "reviewed": self.reviewed.isoformat(),
            "version": self.version, "keywords": list(self.keywords), "steps": list(self.steps),
            "bring": list(self.bring), "where": list(self.where),
            "time_limits": list(self.time_limits), "costs": self.costs,
            "needs_lawyer": self.needs_lawyer, "groups": list(self.groups),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Entry:
        return cls(
            id=data["id"], topic=data["topic"], title=data["title"], question=data["question"],
            phrasings=tuple(data["phrasings"]), short_answer=data["short_answer"],
            answer=data["answer"],
            citations=tuple(Citation(c["law"], c["article"], c.get("suffix", "")) for c in data["citations"]),
            covers=tuple(data["covers"]), reviewed=dt.date.fromisoformat(data["reviewed"]),
            version=data["version"], keywords=tuple(data["keywords"]), steps=tuple(data["steps"]),
            bring=tuple(data["bring"]), where=tuple(data["where"]),
            time_limits=tuple(data["time_limits"]), costs=data["costs"],
            needs_lawyer=data["needs_lawyer"], groups=tuple(data["groups"]),
        )


@dataclass(frozen=True)
class Tip:
    """普法 content for the attract screen: a short tip or a 以案说法 story."""

    id: str
    kind: str  # "tip" or "case"
    title: str
    text: str
    citations: tuple[Citation, ...]
    entry: str = ""  # the entry a resident can open from it


@dataclass
class Problem:
    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


@dataclass
class ValidationResult:
    problems: list[Problem] = field(default_factory=list)

    def add(self, file: str, line: int, message: str) -> None:
        self.problems.append(Problem(file, line, message))

    @property
    def ok(self) -> bool:
        return not self.problems
