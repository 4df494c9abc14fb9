"""Resident-facing text, kept in one catalog per locale (``kiosk/locales/<locale>.toml``).

Code refers to text by key (``texts["ask.too_long"]``); adding a language is adding a
file with the same keys.
"""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources
from typing import Any


class Texts:
    def __init__(self, locale: str, catalog: dict[str, str]) -> None:
        self.locale = locale
        self._catalog = catalog

    def __getitem__(self, key: str) -> str:
        return self._catalog[key]

    def format(self, key: str, **values: Any) -> str:
        return self._catalog[key].format(**values)

    def keys(self) -> set[str]:
        return set(self._catalog)


def _flatten(prefix: str, table: dict[str, Any], out: dict[str, str]) -> None:
    for key, value in table.items():
        full = f"{prefix}.{key}" if prefix else key
        if isinstance(value, dict):
            _flatten(full, value, out)
        else:
            out[full] = str(value)


def available_locales() -> list[str]:
    folder = resources.files("kiosk") / "locales"
    return sorted(p.name.removesuffix(".toml") for p in folder.iterdir() if p.name.endswith(".toml"))


@cache
def load_texts(locale: str = "zh_CN") -> Texts:
    path = resources.files("kiosk") / "locales" / f"{locale}.toml"
    if not path.is_file():
        raise LookupError(f"no resident text catalog for locale {locale!r}")
    catalog: dict[str, str] = {}
    _flatten("", tomllib.loads(path.read_text(encoding="utf-8")), catalog)
    return Texts(locale, catalog)
