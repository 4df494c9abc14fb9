"""CUPS queues through the command-line clients (``lpstat``, ``lp``).

Before each job: ``lpstat -r`` (is cupsd there at all?), then ``lpstat -p QUEUE``
(does the queue exist, is it enabled?) and ``lpstat -a QUEUE`` (does it accept
jobs?).  The checks matter because ``lp`` alone reports a dead cupsd as "The
printer or class does not exist".  Each command runs with the C locale (so its
messages can be read) and a timeout.

What is sent: the A4 slip as a PDF, or a roll slip as a PNG with ``ppi=203`` so
it comes out at its real width.  The job title is ``qxl-slip-<reference>``:
no resident text, since CUPS keeps titles in its job history.  The file is
written to a private temporary file, handed to ``lp`` (which copies it into
the spool before it exits) and deleted.
"""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

from kiosk.logsetup import get_logger
from kiosk.printing.errors import Fault, PrintError

log = get_logger("print")

_JOB_ID = re.compile(r"request id is (\S+)")
_QUEUE_NAME = re.compile(r"^[^\s/#]{1,127}$")


class CupsBackend:
    def __init__(self, queue: str, timeout_s: float = 5.0, server: str | None = None) -> None:
        """``server`` is ``host[:port]`` or a socket path; ``None`` is the client's default."""
        queue = queue.strip()
        if not queue or not _QUEUE_NAME.match(queue):
            raise PrintError(
                Fault.CONFIG,
                f"printer.address {queue!r}: expected a CUPS queue name (see lpstat -p)",
            )
        self.queue = queue
        self.timeout_s = timeout_s
        self.server = server

    def _run(self, tool: str, args: Sequence[str]) -> subprocess.CompletedProcess[str]:
        cmd = [tool, *(["-h", self.server] if self.server else []), *args]
        env = {**os.environ, "LC_ALL": "C", "LANG": "C", "LANGUAGE": "C"}
        try:
            return subprocess.run(
                cmd, capture_output=True, text=True, timeout=self.timeout_s, env=env, check=False
            )
        except FileNotFoundError:
            raise PrintError(
                Fault.CUPS_DOWN, f"{tool} not found: install Debian's cups-client"
            ) from None
        except subprocess.TimeoutExpired:
            raise PrintError(
                Fault.CUPS_DOWN,
                f"{tool} did not finish within {self.timeout_s:g} s: cupsd {self._server_name} hung?",
            ) from None

    @property
    def _server_name(self) -> str:
        return f"at {self.server}" if self.server else "(default server)"

    def check_queue(self) -> None:
        """:class:`PrintError` unless cupsd runs and the queue is enabled and accepting."""
        running = self._run("lpstat", ["-r"])
        if "scheduler is running" not in running.stdout:
            raise PrintError(
                Fault.CUPS_DOWN,
                f"CUPS scheduler {self._server_name} is not running: start cupsd "
                "(systemctl start cups)",
            )
        printer = self._run("lpstat", ["-p", self.queue])
        if printer.returncode != 0:
            detail = _one_line(printer.stderr or printer.stdout)
            if "Invalid destination" in detail or "No destinations" in detail:
                raise PrintError(
                    Fault.QUEUE_MISSING,
                    f"CUPS queue {self.queue!r} does not exist on {self._server_name} "
                    "(printer.address; lpstat -p lists the queues)",
                )
            raise PrintError(Fault.CUPS_DOWN, f"lpstat -p {self.queue}: {detail}")
        if "disabled" in printer.stdout:
            raise PrintError(
                Fault.QUEUE_DISABLED,
                f"CUPS queue {self.queue!r} is disabled: {_one_line(printer.stdout)} "
                f"(cupsenable {self.queue})",
            )
        accepting = self._run("lpstat", ["-a", self.queue])
        if accepting.returncode != 0 or "not accepting" in accepting.stdout:
            raise PrintError(
                Fault.QUEUE_DISABLED,
                f"CUPS queue {self.queue!r} is rejecting jobs: "
                f"{_one_line(accepting.stdout or accepting.stderr)} (cupsaccept {self.queue})",
            )

    def submit(self, data: bytes, suffix: str, title: str, options: Sequence[str] = ()) -> str:
        """Check the queue, send ``data`` as one job; the CUPS job id comes back."""
        self.check_queue()
        fd, name = tempfile.mkstemp(prefix="qxl-slip-", suffix=suffix)  # mode 0600
        path = Path(name)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            args = ["-d", self.queue, "-t", title]
            for option in options:
                args += ["-o", option]
            done = self._run("lp", [*args, "--", str(path)])
        finally:
            path.unlink(missing_ok=True)
        if done.returncode != 0:
            raise PrintError(
                Fault.SUBMIT, f"lp -d {self.queue} refused the job: {_one_line(done.stderr)}"
            )
        match = _JOB_ID.search(done.stdout)
        job = match.group(1) if match else "?"
        log.info("submitted CUPS job %s to %s", job, self.queue)
        return job


def _one_line(text: str) -> str:
    return " ".join(text.split())[:300]
