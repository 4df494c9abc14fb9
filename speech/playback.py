"""Playing a WAV in a child process that can always be cut off.

A resident who touches "停" or starts talking must silence the kiosk at once,
so playback is a separate process (``aplay`` or ``paplay``) that
:meth:`Player.stop` ends within 200 ms: SIGTERM to its process group, then
SIGKILL after ``stop_grace_s`` (100 ms) if it is still there.  ``play``
never blocks; the result (finished, stopped, or failed with the player's own
error message, e.g. when the machine has no sound card) arrives through a
callback on a watcher thread and from :meth:`Player.wait`.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Literal

__all__ = ["PlaybackResult", "Player"]

log = logging.getLogger("qxl.speech")


@dataclass(frozen=True)
class PlaybackResult:
    """How one playback ended.  ``ok`` only when it played to the end."""

    ok: bool
    stopped: bool = False
    returncode: int | None = None
    error: str = ""


FinishedCallback = Callable[[PlaybackResult], None]


class Player:
    """Plays one WAV at a time; a new ``play`` stops the previous one.

    ``command`` overrides the player command line; ``{wav}`` and ``{device}``
    in its items are replaced.  Thread-safe.
    """

    def __init__(
        self,
        device: str = "",
        backend: Literal["aplay", "paplay"] = "aplay",
        command: Sequence[str] | None = None,
        stop_grace_s: float = 0.1,
    ) -> None:
        self.device = device
        self.backend = backend
        self.command = list(command) if command is not None else None
        self.stop_grace_s = stop_grace_s
        self._lock = threading.Lock()
        self._proc: subprocess.Popen[bytes] | None = None
        self._stopping: set[int] = set()
        self._done = threading.Event()
        self._done.set()
        self._result: PlaybackResult | None = None

    def build_command(self, wav: Path) -> list[str]:
        if self.command is not None:
            return [part.replace("{wav}", str(wav)).replace("{device}", self.device)
                    for part in self.command]
        if self.backend == "paplay":
            cmd = ["paplay"]
            if self.device:
                cmd.append(f"--device={self.device}")
            return [*cmd, str(wav)]
        cmd = ["aplay", "-q"]
        if self.device:
            cmd += ["-D", self.device]
        return [*cmd, str(wav)]

    @property
    def is_playing(self) -> bool:
        with self._lock:
            return self._proc is not None and self._proc.poll() is None

    @property
    def pid(self) -> int | None:
        with self._lock:
            return self._proc.pid if self._proc is not None else None

    def play(self, wav: str | os.PathLike[str], on_finished: FinishedCallback | None = None) -> bool:
        """Start playing ``wav``; False (and ``on_finished`` with the error) if it cannot start."""
        self.stop()
        cmd = self.build_command(Path(wav))
        if shutil.which(cmd[0]) is None:
            return self._fail(f"{cmd[0]} is not installed", on_finished)
        if not Path(wav).is_file():
            return self._fail(f"no such file: {wav}", on_finished)
        errors: IO[bytes] = tempfile.TemporaryFile()  # noqa: SIM115 - closed by the watcher
        try:
            proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                    stderr=errors, start_new_session=True)
        except OSError as exc:
            errors.close()
            return self._fail(f"cannot start {cmd[0]}: {exc}", on_finished)
        with self._lock:
            self._proc = proc
            self._result = None
            self._done.clear()
        threading.Thread(target=self._watch, args=(proc, cmd[0], errors, on_finished),
                         name="qxl-playback", daemon=True).start()
        return True

    def _fail(self, error: str, on_finished: FinishedCallback | None) -> bool:
        result = PlaybackResult(ok=False, error=error)
        with self._lock:
            self._result = result
        log.warning("playback failed: %s", error)
        if on_finished is not None:
            on_finished(result)
        return False

    def _watch(
        self,
        proc: subprocess.Popen[bytes],
        program: str,
        errors: IO[bytes],
        on_finished: FinishedCallback | None,
    ) -> None:
        code = proc.wait()
        with self._lock:
            stopped = proc.pid in self._stopping
            self._stopping.discard(proc.pid)
        try:
            errors.seek(0)
            message = errors.read().decode("utf-8", "replace").strip()
        finally:
            errors.close()
        if stopped:
            result = PlaybackResult(ok=False, stopped=True, returncode=code)
        elif code == 0:
            result = PlaybackResult(ok=True, returncode=0)
        else:
            lines = [line for line in message.splitlines() if line.strip()]
            detail = lines[-1] if lines else f"exit code {code}"
            result = PlaybackResult(ok=False, returncode=code, error=f"{Path(program).name}: {detail}")
            log.warning("playback failed: %s", result.error)
        with self._lock:
            if self._proc is proc:
                self._proc = None
                self._result = result
                self._done.set()
        if on_finished is not None:
            on_finished(result)

    def stop(self) -> bool:
        """Silence playback now; True if something was playing.  Returns within ~200 ms."""
        with self._lock:
            proc = self._proc
            if proc is None or proc.poll() is not None:
                return False
            self._stopping.add(proc.pid)
        _signal_group(proc, signal.SIGTERM)
        try:
            proc.wait(timeout=self.stop_grace_s)
        except subprocess.TimeoutExpired:
            _signal_group(proc, signal.SIGKILL)
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=self.stop_grace_s)
        return True

    def wait(self, timeout: float | None = None) -> PlaybackResult | None:
        """Block until the current playback ends; its result, or None on time-out."""
        if not self._done.wait(timeout):
            return None
        with self._lock:
            return self._result

    def play_and_wait(self, wav: str | os.PathLike[str], timeout: float | None = None
                      ) -> PlaybackResult | None:
        """Convenience for scripts: play and block until done."""
        started = time.monotonic()
        if not self.play(wav):
            with self._lock:
                return self._result
        remaining = None if timeout is None else max(0.0, timeout - (time.monotonic() - started))
        return self.wait(remaining)


def _signal_group(proc: subprocess.Popen[bytes], sig: signal.Signals) -> None:
    """Signal the player's process group (it may have children, e.g. a shell wrapper)."""
    try:
        os.killpg(proc.pid, sig)
    except (ProcessLookupError, PermissionError):
        with contextlib.suppress(ProcessLookupError):
            proc.send_signal(sig)
