"""Real `convflow` processes for the tests: started from the installed console script, watched
through their output, stopped by a signal, and always killed at the end of the test."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO

CONVFLOW = Path(sys.executable).with_name("convflow")
"""The console script installed in the virtual environment that runs the tests."""

STARTED = "next wake-up (still )?at|(still )?nothing planned"
"""What the service logs at the end of each pass: the first one means it has caught up. A pass
that changes nothing of the next wake-up says so at the debug level only (CONVFLOW_LOG_LEVEL=
debug to count the passes)."""


def wait_until(condition: Callable[[], object], timeout: float, what: str) -> None:
    """Poll `condition` until it holds; fail naming `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}")
        time.sleep(0.05)


def convflow_environment(database_url: str, smtp_port: int, **settings: str) -> dict[str, str]:
    """The environment of a convflow process: ours without CONVFLOW_*, plus the test's settings.

    Mail goes to 127.0.0.1:`smtp_port`; `settings` (``wake_interval="1"``...) become
    CONVFLOW_WAKE_INTERVAL and so on.
    """
    environment = {k: v for k, v in os.environ.items() if not k.startswith("CONVFLOW_")}
    environment.update(
        CONVFLOW_DATABASE_URL=database_url,
        CONVFLOW_SMTP_HOST="127.0.0.1",
        CONVFLOW_SMTP_PORT=str(smtp_port),
        CONVFLOW_SMTP_TIMEOUT="20",
        CONVFLOW_MAIL_FROM="Métropole AMP, politique de la ville <conventions@example.org>",
        CONVFLOW_SERVICE_CONTACT="conventions@example.org",
        CONVFLOW_LATE_RECORD_DAYS="3650",  # as the tests' own app (conventions.open_app)
        CONVFLOW_CHAIN_HEADS_DAILY="no",  # its own test: not one more email in every count
    )
    environment.update({f"CONVFLOW_{name.upper()}": value for name, value in settings.items()})
    return environment


class ConvflowProcess:
    """One `convflow ...` process; its stdout and stderr go to files the test reads."""

    def __init__(
        self, args: list[str], environment: dict[str, str], folder: Path, name: str,
        within: Sequence[str] = (),
    ) -> None:  # fmt: skip
        self.name = name
        self._stdout_path, self._stderr_path = folder / f"{name}.out", folder / f"{name}.err"
        self._files: list[IO[bytes]] = [self._stdout_path.open("wb"), self._stderr_path.open("wb")]
        # A process inherits hang-ups ignored from a suite run under nohup, and the service then
        # keeps ignoring SIGHUP, by design: the tests that send it one start it with the default
        # disposition, whatever ran the suite (`within=["nohup"]` ignores it again on purpose).
        hangup = signal.getsignal(signal.SIGHUP)
        if hangup == signal.SIG_IGN:
            signal.signal(signal.SIGHUP, signal.SIG_DFL)
        try:
            self.popen = subprocess.Popen(
                [*within, str(CONVFLOW), *args], env=environment, stdin=subprocess.DEVNULL,
                stdout=self._files[0], stderr=self._files[1],
            )  # fmt: skip
        finally:
            if hangup == signal.SIG_IGN:
                signal.signal(signal.SIGHUP, signal.SIG_IGN)

    @property
    def pid(self) -> int:
        """The process id."""
        return self.popen.pid

    @property
    def stdout(self) -> str:
        """Everything the process printed so far."""
        return self._stdout_path.read_text(encoding="utf-8", errors="replace")

    @property
    def stderr(self) -> str:
        """Everything the process logged so far."""
        return self._stderr_path.read_text(encoding="utf-8", errors="replace")

    def running(self) -> bool:
        """True while the process has not exited."""
        return self.popen.poll() is None

    def count(self, pattern: str) -> int:
        """How many log lines match `pattern` (a regular expression)."""
        return len(re.findall(pattern, self.stderr))

    def wait_for_log(self, pattern: str, timeout: float = 20, count: int = 1) -> None:
        """Wait until `count` log lines match `pattern`; fail at once if the process exits."""

        def logged() -> bool:
            if self.count(pattern) >= count:
                return True
            if not self.running():
                raise AssertionError(f"{self.name} exited ({self.popen.returncode}) before "
                                     f"logging {pattern!r}:\n{self.output()}")  # fmt: skip
            return False

        wait_until(logged, timeout, f"{self.name} to log {pattern!r} {count} time(s)")

    def stop(self, signum: int = signal.SIGTERM, timeout: float = 20) -> int:
        """Send `signum` and wait for the exit code."""
        self.popen.send_signal(signum)
        return self.wait(timeout)

    def wait(self, timeout: float = 30) -> int:
        """Wait for the process to exit; return its exit code."""
        try:
            return self.popen.wait(timeout)
        except subprocess.TimeoutExpired:
            raise AssertionError(f"{self.name} still running after {timeout:.0f}s:\n"
                                 f"{self.output()}") from None  # fmt: skip

    def kill(self) -> None:
        """SIGKILL: the process dies at once, in the middle of whatever it was doing."""
        if self.running():
            self.popen.kill()
        self.popen.wait(10)

    def close(self) -> None:
        """Kill the process if it still runs, and close its output files."""
        try:
            self.kill()
        finally:
            for file in self._files:
                file.close()

    def output(self) -> str:
        """Its stdout and stderr, for failure messages."""
        return f"--- stdout\n{self.stdout}--- stderr\n{self.stderr}"


class Processes:
    """Starts convflow processes for a test and kills whichever still run at its end."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._started: list[ConvflowProcess] = []

    def start(
        self, args: list[str], environment: dict[str, str], within: Sequence[str] = ()
    ) -> ConvflowProcess:
        """Start `convflow ARGS...`, through `within` if given (a command that then runs it in
        the same process, such as `unshare -rn`)."""
        name = f"{len(self._started) + 1}-{args[0]}"
        process = ConvflowProcess(args, environment, self.folder, name, within)
        self._started.append(process)
        return process

    def serve(self, environment: dict[str, str], http: bool = False) -> ConvflowProcess:
        """Start `convflow serve` (without HTTP unless asked) and wait for its first pass."""
        process = self.start(["serve"] if http else ["serve", "--no-http"], environment)
        process.wait_for_log(STARTED)
        return process

    def close_all(self) -> None:
        """Kill every process still running."""
        for process in self._started:
            process.close()
