"""Where audio comes from: PCM16 mono chunks at the model's rate (16 kHz).

:class:`AudioSource` is the interface a listen session reads: iterate
:meth:`AudioSource.chunks`, and call :meth:`AudioSource.close` from any thread
to make that iteration end promptly.

* :class:`WavFileSource` plays a WAV file as if it were the microphone (tests,
  demos, the benchmark), optionally paced in real time.  The file is read
  chunk by chunk, never whole.
* :class:`MicrophoneSource` runs ``arecord`` (ALSA) or ``parec`` (PulseAudio)
  as a child process at the device's own rate and converts to the model rate
  here.  A child process rather than an audio library in-process: it needs no
  extra Python package, its failures are visible as an exit status and a
  message, and killing it always unblocks the reader.  When the device is
  missing, or the process dies mid-stream (USB microphone unplugged), the
  iterator raises ``SpeechUnavailable("no microphone: …")``.
"""

from __future__ import annotations

import abc
import contextlib
import logging
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType
from typing import IO, Literal

from speech.errors import AudioFormatError, SpeechUnavailable
from speech.model import DEFAULT_SAMPLE_RATE
from speech.pcm import SAMPLE_WIDTH, LinearResampler, read_wav_header, to_mono16

__all__ = ["AudioSource", "MicrophoneSource", "WavFileSource"]

log = logging.getLogger("qxl.speech")

DEFAULT_CHUNK_MS = 100
DEFAULT_DEVICE_RATE = 48000  # what USB microphones and on-board codecs support natively


class AudioSource(abc.ABC):
    """A stream of PCM16 mono chunks at :attr:`sample_rate`."""

    sample_rate: int

    @abc.abstractmethod
    def chunks(self) -> Iterator[bytes]:
        """Yield chunks until the audio ends or :meth:`close` is called."""

    @abc.abstractmethod
    def close(self) -> None:
        """Stop the stream; safe to call from any thread, more than once."""

    def __enter__(self) -> AudioSource:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class WavFileSource(AudioSource):
    """A WAV file read like a microphone: any rate, channels or sample format in.

    ``realtime=True`` paces chunks at the speed of the audio (for end-to-end
    latency measurements); otherwise chunks come as fast as they are read.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        sample_rate: int = DEFAULT_SAMPLE_RATE,
        chunk_ms: int = DEFAULT_CHUNK_MS,
        realtime: bool = False,
    ) -> None:
        self.path = Path(path)
        self.sample_rate = sample_rate
        self.chunk_ms = chunk_ms
        self.realtime = realtime
        self._closed = threading.Event()
        try:
            with self.path.open("rb") as fh:
                self.info = read_wav_header(fh, str(self.path))
        except FileNotFoundError:
            raise AudioFormatError(f"{self.path}: no such file") from None
        except OSError as exc:
            raise AudioFormatError(f"{self.path}: cannot read: {exc.strerror}") from None
        self.frames_read = 0  # input frames read so far: how much of the file was touched

    def close(self) -> None:
        self._closed.set()

    def chunks(self) -> Iterator[bytes]:
        info = self.info
        frames_per_chunk = max(1, info.sample_rate * self.chunk_ms // 1000)
        resampler = LinearResampler(info.sample_rate, self.sample_rate)
        remaining = info.data_size if info.data_size >= 0 else None
        started = time.monotonic()
        produced_s = 0.0
        with self.path.open("rb") as fh:
            fh.seek(info.data_offset)
            while not self._closed.is_set():
                want = frames_per_chunk * info.frame_size
                if remaining is not None:
                    want = min(want, remaining)
                raw = fh.read(want) if want > 0 else b""
                raw = raw[: len(raw) - len(raw) % info.frame_size]
                if not raw:
                    tail = resampler.flush()
                    if tail:
                        yield tail
                    return
                if remaining is not None:
                    remaining -= len(raw)
                frames = len(raw) // info.frame_size
                self.frames_read += frames
                out = resampler.process(to_mono16(raw, info))
                if self.realtime:
                    produced_s += frames / info.sample_rate
                    delay = started + produced_s - time.monotonic()
                    if delay > 0 and self._closed.wait(delay):
                        return
                if out:
                    yield out


def _find_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise SpeechUnavailable(f"no microphone: {name} is not installed (apt package "
                                f"{'alsa-utils' if name == 'arecord' else 'pulseaudio-utils'})")
    return path


class MicrophoneSource(AudioSource):
    """Capture from a device through ``arecord`` or ``parec``.

    ``device`` is the ALSA PCM name (``plughw:1,0``, ``default``…) for arecord
    or the PulseAudio source name for parec; empty means the default device.
    ``device_rate`` is the rate the device is opened at; audio is converted to
    ``sample_rate`` here.
    """

    def __init__(
        self,
        device: str = "",
        sample_rate: int = DEFAULT_SAMPLE_RATE,
        device_rate: int = DEFAULT_DEVICE_RATE,
        chunk_ms: int = DEFAULT_CHUNK_MS,
        backend: Literal["arecord", "parec"] = "arecord",
    ) -> None:
        self.device = device
        self.sample_rate = sample_rate
        self.device_rate = device_rate
        self.chunk_ms = chunk_ms
        self.backend = backend
        self._lock = threading.Lock()
        self._proc: subprocess.Popen[bytes] | None = None
        self._closed = threading.Event()

    def command(self) -> list[str]:
        if self.backend == "arecord":
            cmd = [_find_tool("arecord"), "-q", "-t", "raw", "-f", "S16_LE", "-c", "1",
                   "-r", str(self.device_rate)]
            if self.device:
                cmd += ["-D", self.device]
            return cmd
        cmd = [_find_tool("parec"), "--raw", "--format=s16le", "--channels=1",
               f"--rate={self.device_rate}", "--latency-msec=50"]
        if self.device:
            cmd.append(f"--device={self.device}")
        return cmd

    @property
    def pid(self) -> int | None:
        """Process id of the capture process while it runs."""
        proc = self._proc
        return proc.pid if proc is not None else None

    def describe(self) -> str:
        return f"{self.backend} device {self.device or '(default)'}"

    def close(self) -> None:
        self._closed.set()
        self._stop_process()

    def _stop_process(self) -> None:
        with self._lock:
            proc = self._proc
        if proc is not None and proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=0.1)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    proc.kill()
                proc.wait()

    def chunks(self) -> Iterator[bytes]:
        """Start capturing and yield chunks; the capture process ends with the iteration."""
        if self._closed.is_set():
            return
        cmd = self.command()
        with tempfile.TemporaryFile() as errors:
            try:
                proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=errors,
                                        stdin=subprocess.DEVNULL)
            except OSError as exc:
                raise SpeechUnavailable(f"no microphone: cannot start {cmd[0]}: {exc}") from exc
            with self._lock:
                self._proc = proc
            try:
                if self._closed.is_set():  # closed while starting
                    self._stop_process()
                assert proc.stdout is not None
                yield from self._read(proc, proc.stdout, errors)
            finally:
                self._stop_process()
                with self._lock:
                    self._proc = None
                if proc.stdout is not None:
                    proc.stdout.close()

    def _read(
        self, proc: subprocess.Popen[bytes], stdout: IO[bytes], errors: IO[bytes]
    ) -> Iterator[bytes]:
        resampler = LinearResampler(self.device_rate, self.sample_rate)
        chunk_bytes = max(1, self.device_rate * self.chunk_ms // 1000) * SAMPLE_WIDTH
        buffer = bytearray()
        fd = stdout.fileno()
        got_audio = False
        while True:
            try:
                data = os.read(fd, chunk_bytes - len(buffer))
            except OSError:
                data = b""
            if not data:
                break
            got_audio = True
            buffer += data
            if len(buffer) >= chunk_bytes:
                out = resampler.process(bytes(buffer))
                buffer.clear()
                if out:
                    yield out
        if self._closed.is_set():
            return
        # End of stream that nobody asked for: the device is missing or went away.
        try:
            code = proc.wait(timeout=1.0)
        except subprocess.TimeoutExpired:
            code = None
        errors.seek(0)
        message = _last_error_line(errors.read().decode("utf-8", "replace"))
        when = "stopped mid-stream" if got_audio else "could not open the device"
        status = f"exit code {code}" if code is not None and code >= 0 else (
            f"killed by signal {-code}" if code is not None else "still running")
        detail = f": {message}" if message else ""
        raise SpeechUnavailable(
            f"no microphone: {self.describe()} {when} ({status}){detail}"
        )


def _last_error_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    for line in reversed(lines):
        if "error" in line.lower() or "failed" in line.lower():
            return line
    return lines[-1] if lines else ""
