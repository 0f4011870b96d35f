"""Running the command line through its real entry point (``python -m backcare_kg``) in
subprocesses, with stdout captured or on a pseudo-terminal; every run checks that stderr
never holds a traceback. Also the cells of a line of plain table output."""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


@dataclass
class Run:
    """What a finished ``backcare-kg`` process left: exit code, stdout, stderr (exact text)."""

    code: int
    out: str
    err: str

    @property
    def lines(self) -> list[str]:
        return self.out.splitlines()


def cli_env() -> dict[str, str]:
    """The environment of a CLI subprocess: this checkout first on ``PYTHONPATH``, no
    forced colour."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    env.pop("FORCE_COLOR", None)
    return env


def cli(
    *args: str, stdin: str | None = None, cwd: Path | None = None, command: list[str] | None = None
) -> Run:
    """Run the CLI with ``args``; stdin is empty (not a terminal) unless ``stdin`` is given."""
    done = subprocess.run(
        [*(command or [sys.executable, "-m", "backcare_kg"]), *args],
        input=(stdin or "").encode(),
        capture_output=True,
        env=cli_env(),
        cwd=cwd or ROOT,
        timeout=600,
    )
    run = Run(done.returncode, done.stdout.decode("utf-8"), done.stderr.decode("utf-8"))
    assert "Traceback" not in run.err, run.err
    return run


def cli_in_terminal(*args: str) -> Run:
    """Run the CLI with stdout on a pseudo-terminal, as a person would see it."""
    leader, follower = pty.openpty()
    env = cli_env()
    env.update({"COLUMNS": "160", "LINES": "50", "TERM": "xterm"})
    proc = subprocess.Popen(
        [sys.executable, "-m", "backcare_kg", *args],
        stdout=follower,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        env=env,
        cwd=ROOT,
    )
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the follower side closed: the process is done writing
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    err = proc.stderr.read().decode("utf-8") if proc.stderr else ""
    code = proc.wait(timeout=600)
    out = ANSI.sub("", b"".join(chunks).decode("utf-8")).replace("\r\n", "\n")
    assert "Traceback" not in err, err
    return Run(code, out, err)


def columns(line: str) -> list[str]:
    """The cells of a line of plain table output (columns are two or more spaces apart)."""
    return re.split(r"\s{2,}", line.strip())
