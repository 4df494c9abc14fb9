"""Text to WAV: espeak-ng's Mandarin voice through pyttsx3, with a cache.

:class:`EspeakSynthesizer` writes a WAV for a text.  It drives pyttsx3 2.99's
``espeak`` driver (libespeak-ng in-process, no process start per answer) and
handles that driver's quirks:

* ``runAndWait()`` can return without having written the file.  The cause:
  the driver runs libespeak-ng in ``AUDIO_OUTPUT_RETRIEVAL`` mode, which is
  *asynchronous*, and on the first call of a process (or whenever the
  driver's command queue is out of step) its loop ends before synthesis does.
  The WAV is then written later from espeak's thread, and if another save has
  started by then, under the *other* file name.  So after ``runAndWait`` we
  wait for the driver's "finished-utterance" notification, which comes after
  the file is closed; if it never comes, pyttsx3 is not used again in this
  process (a late write could land in a later file).
* ``setProperty("rate", …)`` is queued the same way, and ``runAndWait``
  cancels whatever is still queued when espeak looks busy: the rate change
  is lost and the WAV comes out at the previous rate (elderly mode would
  silently not be slower).  We wait until espeak is idle after setting voice
  and rate (see :meth:`_Pyttsx3State.wait_until_idle`).
* Every write goes to a temporary file that must be a WAV with samples before
  it is renamed into place; a failed write is retried, then the ``espeak-ng``
  command line (``-v VOICE -s RATE -w FILE``) is used.
* An unknown voice does not fail: the driver reports the error on its "error"
  topic and carries on with the previous voice.  We listen on that topic and
  treat it as a failed write.
* The driver prints "Audio saved to …" on stdout; that is swallowed.
* pyttsx3's own *playback* (``say``) runs ``aplay`` with ``os.system`` and can
  neither be interrupted nor routed to a device: this module never plays
  anything.  Playback is :mod:`speech.playback`'s job.

libespeak-ng keeps global state, so all pyttsx3 use in the process goes
through one engine behind one lock.

:class:`CachedSynthesizer` keeps WAVs in a cache directory keyed by a hash of
(text, voice, rate), so frequent answers are synthesised once, ahead of time
with :meth:`CachedSynthesizer.prewarm`, and a cached lookup is one ``stat``.

Elderly mode is only a slower rate: :func:`speech_rate`.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import logging
import os
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, Protocol

from speech.errors import AudioFormatError, SpeechUnavailable
from speech.pcm import read_wav_header

__all__ = [
    "CachedSynthesizer",
    "EspeakSynthesizer",
    "SynthesisFailed",
    "Synthesizer",
    "speech_rate",
    "wav_has_audio",
]

log = logging.getLogger("qxl.speech")

ELDERLY_RATE_FACTOR = 0.75
MIN_RATE = 80
CACHE_FORMAT_VERSION = 1


class SynthesisFailed(SpeechUnavailable):
    """No backend produced a WAV for the text."""


class Synthesizer(Protocol):
    """Anything that can write a WAV file for a text."""

    voice: str

    def synthesize(self, text: str, wav_path: Path, rate: int) -> Path:
        """Write ``text`` spoken at ``rate`` words per minute to ``wav_path``; return it."""
        ...


def speech_rate(base_rate: int, elderly: bool = False) -> int:
    """The espeak rate (words per minute) to use; elderly mode speaks a quarter slower."""
    if not elderly:
        return base_rate
    return max(MIN_RATE, round(base_rate * ELDERLY_RATE_FACTOR))


def wav_has_audio(path: Path) -> bool:
    """Whether ``path`` is a readable WAV file with at least one sample."""
    try:
        with path.open("rb") as fh:
            info = read_wav_header(fh, str(path))
            if info.data_size == 0:
                return False
            return len(fh.read(info.frame_size)) == info.frame_size
    except (OSError, AudioFormatError):
        return False


class _Pyttsx3State:
    """The process's one pyttsx3 espeak engine and what its callbacks reported.

    Use only with ``lock`` held: libespeak-ng and the driver keep global state.
    """

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.engine: Any = None
        self.errors: list[BaseException] = []
        self.finished = threading.Event()
        self.unusable = ""  # why pyttsx3 must not be used any more in this process

    def get_engine(self) -> Any:
        if self.unusable:
            raise SynthesisFailed(self.unusable)
        if self.engine is None:
            try:
                import pyttsx3  # lazy: loads libespeak-ng
            except (ImportError, OSError, RuntimeError) as exc:
                self.unusable = f"pyttsx3/libespeak-ng cannot load: {exc}"
                raise SynthesisFailed(self.unusable) from exc
            engine = pyttsx3.init("espeak")
            engine.connect("error", self._on_error)
            engine.connect("finished-utterance", self._on_finished)
            self.engine = engine  # a strong reference: pyttsx3 keeps only a weak one
        return self.engine

    def wait_until_idle(self, timeout_s: float) -> None:
        """Wait until libespeak-ng has applied queued voice/rate changes.

        In the driver's asynchronous mode ``setProperty`` only queues the change;
        ``runAndWait`` then calls the driver's ``stop()``, which cancels whatever
        is still queued whenever espeak reports itself busy, so a new rate can be
        silently dropped (the WAV comes out at the previous rate).
        """
        try:
            from pyttsx3.drivers import _espeak  # the driver's libespeak-ng binding
        except ImportError:
            return
        deadline = time.monotonic() + timeout_s
        while _espeak.IsPlaying() and time.monotonic() < deadline:
            time.sleep(0.001)

    def _on_error(self, name: object = None, exception: object = None) -> None:
        self.errors.append(exception if isinstance(exception, BaseException)
                           else RuntimeError(str(exception)))

    def _on_finished(self, name: object = None, completed: object = True) -> None:
        self.finished.set()


_pyttsx3 = _Pyttsx3State()


class EspeakSynthesizer:
    """espeak-ng synthesis: pyttsx3 in-process, the ``espeak-ng`` CLI as fallback."""

    def __init__(
        self,
        voice: str = "cmn",
        *,
        use_pyttsx3: bool = True,
        pyttsx3_attempts: int = 2,
        espeak_command: str = "espeak-ng",
        timeout_s: float = 60.0,
    ) -> None:
        self.voice = voice
        self.use_pyttsx3 = use_pyttsx3
        self.pyttsx3_attempts = pyttsx3_attempts
        self.espeak_command = espeak_command
        self.timeout_s = timeout_s
        self.last_backend = ""
        self.failures: list[str] = []  # why earlier attempts of the last call failed

    def synthesize(self, text: str, wav_path: Path, rate: int) -> Path:
        text = text.strip()
        if not text:
            raise ValueError("nothing to synthesise: text is empty")
        wav_path = Path(wav_path)
        wav_path.parent.mkdir(parents=True, exist_ok=True)
        self.failures = []
        attempts: list[tuple[str, Callable[[str, Path, int], None]]] = []
        if self.use_pyttsx3:
            attempts += [("pyttsx3", self._pyttsx3_write)] * max(0, self.pyttsx3_attempts)
        attempts.append(("espeak-ng", self._cli_write))
        for backend, write in attempts:
            fd, tmp_name = tempfile.mkstemp(prefix=".tts-", suffix=".part", dir=wav_path.parent)
            os.close(fd)
            tmp = Path(tmp_name)
            tmp.unlink()  # the writer must create it: an existing empty file proves nothing
            try:
                write(text, tmp, rate)
                if not wav_has_audio(tmp):
                    raise SynthesisFailed(f"{backend} returned without writing a WAV")
                os.replace(tmp, wav_path)
            except SpeechUnavailable as exc:
                self.failures.append(f"{backend}: {exc.reason}")
                log.warning("speech synthesis attempt failed (%s): %s", backend, exc.reason)
                continue
            finally:
                tmp.unlink(missing_ok=True)
            self.last_backend = backend
            return wav_path
        raise SynthesisFailed("speech synthesis failed: " + "; ".join(self.failures))

    def _pyttsx3_write(self, text: str, path: Path, rate: int) -> None:
        state = _pyttsx3
        with state.lock:
            engine = state.get_engine()
            state.errors.clear()
            state.finished.clear()
            engine.setProperty("voice", self.voice)
            engine.setProperty("rate", rate)
            state.wait_until_idle(self.timeout_s)
            engine.save_to_file(text, str(path))
            # The driver prints "Audio saved to …", possibly from espeak's thread
            # while we wait, so the wait is inside the redirection too.
            with contextlib.redirect_stdout(io.StringIO()):
                engine.runAndWait()
                finished = state.finished.wait(self.timeout_s)
            errors = list(state.errors)
            if not finished:
                state.unusable = (f"pyttsx3 utterance did not finish within {self.timeout_s:.0f} s; "
                                  "not used again in this process")
        if errors:
            path.unlink(missing_ok=True)  # spoken with the wrong voice: do not keep it
            raise SynthesisFailed(f"pyttsx3 reported: {errors[0]}")
        if not finished:
            path.unlink(missing_ok=True)
            raise SynthesisFailed(state.unusable)

    def _cli_write(self, text: str, path: Path, rate: int) -> None:
        binary = shutil.which(self.espeak_command)
        if binary is None:
            raise SynthesisFailed(f"{self.espeak_command} is not installed (apt package espeak-ng)")
        # Text goes on stdin so that a text starting with "-" is not read as an option.
        cmd = [binary, "-v", self.voice, "-s", str(rate), "-b", "1", "-w", str(path)]
        try:
            proc = subprocess.run(cmd, input=text.encode("utf-8"), capture_output=True,
                                  timeout=self.timeout_s, check=False)
        except subprocess.TimeoutExpired:
            raise SynthesisFailed(f"espeak-ng took over {self.timeout_s:.0f} s") from None
        if proc.returncode != 0:
            message = proc.stderr.decode("utf-8", "replace").strip() or f"exit code {proc.returncode}"
            raise SynthesisFailed(f"espeak-ng -v {self.voice}: {message}")


class CachedSynthesizer:
    """WAV cache in front of a :class:`Synthesizer`, keyed by (text, voice, rate).

    Files are written atomically (temporary file, then rename), so a crash
    never leaves a half file under a valid key and concurrent readers in other
    threads or processes see either nothing or a whole WAV.  The cache is
    pruned, least recently used first, when it grows past ``max_bytes``.
    """

    _STRIPES = 32

    def __init__(
        self, inner: Synthesizer, cache_dir: Path, max_bytes: int = 256 * 1024 * 1024
    ) -> None:
        self.inner = inner
        self.cache_dir = Path(cache_dir)
        self.max_bytes = max_bytes
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        self._locks = [threading.Lock() for _ in range(self._STRIPES)]
        self._inserts = 0
        self.hits = 0
        self.misses = 0

    @property
    def voice(self) -> str:
        return self.inner.voice

    def key(self, text: str, rate: int) -> str:
        material = json.dumps([CACHE_FORMAT_VERSION, self.inner.voice, rate, text.strip()],
                              ensure_ascii=False)
        return hashlib.sha256(material.encode("utf-8")).hexdigest()

    def cache_path(self, text: str, rate: int) -> Path:
        return self.cache_dir / f"{self.key(text, rate)[:40]}.wav"

    def lookup(self, text: str, rate: int) -> Path | None:
        """The cached WAV for ``text`` at ``rate``, or None: no synthesis, no waiting."""
        path = self.cache_path(text, rate)
        try:
            os.utime(path)  # mark as recently used (and prove it exists) in one call
        except OSError:
            return None
        return path

    def get(self, text: str, rate: int) -> Path:
        """The WAV for ``text``, synthesising it into the cache on a miss."""
        path = self.lookup(text, rate)
        if path is not None:
            self.hits += 1
            return path
        path = self.cache_path(text, rate)
        with self._locks[int(path.stem[:8], 16) % self._STRIPES]:
            if path.exists():  # another thread made it while we waited
                self.hits += 1
                return path
            self.misses += 1
            self.inner.synthesize(text, path, rate)
            self._inserts += 1
        if self._inserts % 50 == 0:
            self.prune()
        return path

    def synthesize(self, text: str, wav_path: Path, rate: int) -> Path:
        """:class:`Synthesizer` interface: copy (or hard-link) the cached WAV to ``wav_path``."""
        source = self.get(text, rate)
        wav_path = Path(wav_path)
        if wav_path.resolve() == source.resolve():
            return wav_path
        wav_path.parent.mkdir(parents=True, exist_ok=True)
        wav_path.unlink(missing_ok=True)
        try:
            os.link(source, wav_path)
        except OSError:
            shutil.copyfile(source, wav_path)
        return wav_path

    def prewarm(self, texts: Iterable[str], rates: int | Iterable[int]) -> int:
        """Synthesise every text at every rate not yet cached; returns how many were made."""
        rate_list = [rates] if isinstance(rates, int) else list(rates)
        made = 0
        for text in texts:
            if not text.strip():
                continue
            for rate in rate_list:
                if self.lookup(text, rate) is None:
                    self.get(text, rate)
                    made += 1
        self.prune()
        return made

    def prune(self) -> int:
        """Delete least recently used WAVs until the cache is under ``max_bytes``."""
        entries: list[tuple[float, int, Path]] = []
        for path in self.cache_dir.glob("*.wav"):
            try:
                st = path.stat()
            except OSError:
                continue
            entries.append((st.st_mtime, st.st_size, path))
        total = sum(size for _, size, _ in entries)
        removed = 0
        for _, size, path in sorted(entries):
            if total <= self.max_bytes:
                break
            path.unlink(missing_ok=True)
            total -= size
            removed += 1
        return removed
