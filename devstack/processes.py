"""Stopping processes the embedded stack started, including ones a killed run left behind."""

import os
import signal
import subprocess
import time
from pathlib import Path


def terminate(process: subprocess.Popen, timeout: float) -> None:
    """SIGTERM, then SIGKILL if the process has not exited within ``timeout`` seconds."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def alive(pid: int) -> bool:
    """True when ``pid`` runs and is not a zombie (a dead process nobody has reaped yet)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def stop_leftover(pid_file: Path, marker: str, timeout: float = 30, stop_signal: int = signal.SIGTERM) -> None:
    """Stop the process named in ``pid_file`` if it still runs and its command line holds ``marker``.

    After kill -9 or a power cut the pid file may be stale, and its number may now belong to an unrelated
    process: the marker (e.g. the data folder) tells ours apart.
    """
    try:
        pid = int(pid_file.read_text().split()[0])
        if not alive(pid):
            raise ProcessLookupError(pid)
        command_line = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except (FileNotFoundError, ValueError, IndexError, ProcessLookupError):
        pid_file.unlink(missing_ok=True)
        return
    if marker in command_line:
        print(f"stopping a process left over from an earlier run (pid {pid})", flush=True)
        _signal_and_wait(pid, timeout, stop_signal)
    pid_file.unlink(missing_ok=True)


def _signal_and_wait(pid: int, timeout: float, stop_signal: int) -> None:
    try:
        os.kill(pid, stop_signal)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not alive(pid):
                return
            time.sleep(0.1)
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
