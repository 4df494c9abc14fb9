"""Typed settings, declared once, read from TOML files and the environment.

Every setting is a field of one of the section dataclasses below: its type
annotation is its type, its default is its default and ``doc`` in the field
metadata is its description.  ``kiosk config`` prints them all.

Sources, later ones win:

1. the defaults declared here;
2. the device file, ``/etc/qingxiaolv/kiosk.toml`` (``QXL_SYSTEM_CONFIG`` overrides
   the path; tests point it at a file that does not exist);
3. the file given with ``--config`` (or ``QXL_CONFIG``);
4. environment variables ``QXL__SECTION__KEY`` (for example ``QXL__UI__IDLE_TIMEOUT_S=90``).

Validation happens once at start; a bad value raises :class:`ConfigError` naming
the key and the source it came from.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, get_args, get_origin

SYSTEM_CONFIG_PATH = Path("/etc/qingxiaolv/kiosk.toml")
ENV_PREFIX = "QXL__"
CONFIG_SCHEMA_VERSION = 1


class ConfigError(ValueError):
    """A setting is missing, unknown or has a value of the wrong type."""


def _doc(text: str, default: Any) -> Any:
    return field(default=default, metadata={"doc": text})


def _default_data_dir() -> str:
    xdg = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return str(Path(xdg) / "qingxiaolv")


@dataclass(frozen=True)
class DeviceSettings:
    role: Literal["booth", "robot"] = _doc("Which device this is: a booth or the robot.", "booth")
    device_id: str = _doc("Device identifier issued at enrollment; 'unenrolled' before.", "unenrolled")
    service_point: str = _doc(
        "Name of the service point shown on screen and on slips.", "城北区公共法律服务中心（演示）"
    )
    tier: Literal["区中心", "镇街道站", "村社区室"] = _doc("Tier of the service point.", "区中心")
    locale: str = _doc("Language of resident-facing text.", "zh_CN")


@dataclass(frozen=True)
class PathSettings:
    data_dir: str = _doc(
        "Directory for the knowledge base, outbox, caches and logs.", dataclasses.MISSING
    )


@dataclass(frozen=True)
class KnowledgeBaseSettings:
    bundle_path: str = _doc(
        "Knowledge-base bundle to open; empty means <data_dir>/kb/kb.sqlite.", ""
    )
    statutes_dir: str = _doc(
        "Folder of statute Markdown files compiled into a bundle built on first start.", ""
    )
    answer_threshold: float = _doc(
        "Confidence above which the top search result counts as answered.", -1.0
    )


@dataclass(frozen=True)
class UiSettings:
    idle_timeout_s: int = _doc("Seconds without a touch before the '还在吗？' prompt.", 60)
    idle_countdown_s: int = _doc("Seconds the '还在吗？' countdown runs before a reset.", 15)
    windowed: bool = _doc("Run in a normal window instead of kiosk full screen.", False)
    technician_pin_hash: str = _doc(
        "scrypt hash of the technician PIN (kiosk hash-pin); empty disables the exit.", ""
    )


@dataclass(frozen=True)
class SpeechSettings:
    enabled: bool = _doc("Offer voice input and read-aloud.", True)
    asr_model_dir: str = _doc("Directory of the vosk model (vosk-model-small-cn-0.22).", "")
    input_device: str = _doc("Capture device name (ALSA/Pulse); empty is the default.", "")
    output_device: str = _doc("Playback device name; empty is the default.", "")
    tts_voice: str = _doc("espeak-ng voice for synthesis.", "cmn")
    tts_rate: int = _doc("Speech rate in words per minute.", 170)
    wake_phrases: tuple[str, ...] = _doc("Wake phrases on the robot.", ("青小律", "小律小律"))


@dataclass(frozen=True)
class PrinterSettings:
    kind: Literal["none", "escpos-usb", "escpos-serial", "escpos-network", "cups"] = _doc(
        "Slip printer connection.", "none"
    )
    paper: Literal["58mm", "80mm", "a4"] = _doc("Paper the printer holds.", "80mm")
    address: str = _doc(
        "host:port for network, /dev/ttyUSB0 for serial, vid:pid for USB, queue for CUPS.", ""
    )
    timeout_s: float = _doc("Seconds to wait for the printer before giving up.", 5.0)


@dataclass(frozen=True)
class SyncSettings:
    server_url: str = _doc(
        "Base URL of the district server; slips' QR codes point here.",
        "https://fl.chengbei.example/",
    )


@dataclass(frozen=True)
class Settings:
    device: DeviceSettings
    paths: PathSettings
    kb: KnowledgeBaseSettings
    ui: UiSettings
    speech: SpeechSettings
    printer: PrinterSettings
    sync: SyncSettings

    @property
    def data_dir(self) -> Path:
        return Path(self.paths.data_dir)

    @property
    def kb_bundle_path(self) -> Path:
        if self.kb.bundle_path:
            return Path(self.kb.bundle_path)
        return self.data_dir / "kb" / "kb.sqlite"


SECTIONS: dict[str, type] = {
    f.name: typing.get_type_hints(Settings)[f.name] for f in dataclasses.fields(Settings)
}


def describe() -> list[tuple[str, str, str, str]]:
    """Every setting as (key, type, default, description), for ``kiosk config``."""
    rows = []
    for section, cls in SECTIONS.items():
        hints = typing.get_type_hints(cls)
        for f in dataclasses.fields(cls):
            default = "<computed>" if f.default is dataclasses.MISSING else repr(f.default)
            rows.append((f"{section}.{f.name}", _type_name(hints[f.name]), default, f.metadata["doc"]))
    return rows


def _type_name(tp: Any) -> str:
    if get_origin(tp) is Literal:
        return " | ".join(repr(a) for a in get_args(tp))
    if get_origin(tp) is tuple:
        return "list[str]"
    return getattr(tp, "__name__", str(tp))


def _coerce(key: str, tp: Any, value: Any, source: str) -> Any:
    """Check ``value`` against ``tp``; strings from the environment are parsed."""

    def bad(expected: str) -> ConfigError:
        return ConfigError(f"{key}: expected {expected}, got {value!r} (from {source})")

    from_env = source.startswith("environment")
    origin = get_origin(tp)
    if origin is Literal:
        choices = get_args(tp)
        if value not in choices:
            raise bad("one of " + ", ".join(repr(c) for c in choices))
        return value
    if origin is tuple or origin is types.GenericAlias:
        if from_env and isinstance(value, str):
            value = [v.strip() for v in value.split(",") if v.strip()]
        if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
            raise bad("a list of strings")
        return tuple(value)
    if tp is bool:
        if from_env and isinstance(value, str) and value.lower() in {"1", "true", "yes", "0", "false", "no"}:
            return value.lower() in {"1", "true", "yes"}
        if not isinstance(value, bool):
            raise bad("true or false")
        return value
    if tp is int:
        if from_env and isinstance(value, str):
            try:
                value = int(value)
            except ValueError:
                raise bad("an integer") from None
        if isinstance(value, bool) or not isinstance(value, int):
            raise bad("an integer")
        if value < 0:
            raise bad("a non-negative integer")
        return value
    if tp is float:
        if from_env and isinstance(value, str):
            try:
                value = float(value)
            except ValueError:
                raise bad("a number") from None
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise bad("a number")
        return float(value)
    if tp is str:
        if not isinstance(value, str):
            raise bad("a string")
        return value
    raise AssertionError(f"unsupported setting type {tp!r} for {key}")


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise ConfigError(f"config file not found: {path}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror}") from None


def _env_layer(environ: Mapping[str, str]) -> dict[str, dict[str, Any]]:
    layer: dict[str, dict[str, Any]] = {}
    for name, value in environ.items():
        if not name.startswith(ENV_PREFIX):
            continue
        parts = name[len(ENV_PREFIX) :].lower().split("__")
        if len(parts) != 2:
            raise ConfigError(f"{name}: expected {ENV_PREFIX}SECTION__KEY")
        layer.setdefault(parts[0], {})[parts[1]] = value
    return layer


def load_settings(
    config_file: Path | None = None,
    environ: Mapping[str, str] | None = None,
    overrides: Mapping[str, Mapping[str, Any]] | None = None,
) -> Settings:
    """Build validated :class:`Settings` from defaults, files, environment, overrides."""
    env = os.environ if environ is None else environ
    layers: list[tuple[str, Mapping[str, Any]]] = []
    system_path = Path(env.get("QXL_SYSTEM_CONFIG", str(SYSTEM_CONFIG_PATH)))
    if system_path.is_file():
        layers.append((str(system_path), _read_toml(system_path)))
    if config_file is None and env.get("QXL_CONFIG"):
        config_file = Path(env["QXL_CONFIG"])
    if config_file is not None:
        layers.append((str(config_file), _read_toml(config_file)))
    layers.append(("environment (QXL__…)", _env_layer(env)))
    if overrides:
        layers.append(("command line", overrides))

    values: dict[str, dict[str, Any]] = {name: {} for name in SECTIONS}
    for source, layer in layers:
        for section, entries in layer.items():
            if section == "schema_version":
                if entries != CONFIG_SCHEMA_VERSION:
                    raise ConfigError(
                        f"schema_version: this kiosk reads version {CONFIG_SCHEMA_VERSION}, "
                        f"got {entries!r} (from {source})"
                    )
                continue
            if section not in SECTIONS:
                raise ConfigError(f"{section}: unknown section (from {source})")
            if not isinstance(entries, Mapping):
                raise ConfigError(f"{section}: expected a table (from {source})")
            cls = SECTIONS[section]
            hints = typing.get_type_hints(cls)
            for key, value in entries.items():
                if key not in hints:
                    raise ConfigError(f"{section}.{key}: unknown setting (from {source})")
                values[section][key] = _coerce(f"{section}.{key}", hints[key], value, source)

    values["paths"].setdefault("data_dir", _default_data_dir())
    built = {name: cls(**values[name]) for name, cls in SECTIONS.items()}
    return Settings(**built)
