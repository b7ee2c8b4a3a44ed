"""A throw-away Virtuoso for the bench: scripts/virtuoso starts it in a temporary folder of its
own (free loopback ports, the buffers given), isql-vt talks to it, and closing it stops the
server and removes the folder."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from types import TracebackType

from kg.errors import KgqaError

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "virtuoso"
ISQL = "isql-vt"
START_TIMEOUT_S = 900  # includes apt-get install on a machine without it
SQL_TIMEOUT_S = 6 * 3600


def virtuoso_installed() -> bool:
    return shutil.which("virtuoso-t") is not None and shutil.which(ISQL) is not None


class Virtuoso:
    """A running virtuoso-t whose files all live in `folder`; a context manager."""

    def __init__(self, settings: dict[str, int]) -> None:
        if not SCRIPT.is_file():
            raise KgqaError(f"--peer virtuoso needs {SCRIPT.name} of a source checkout: not found")
        self.folder = Path(tempfile.mkdtemp(prefix="kgqa-virtuoso-"))
        env = dict(os.environ)
        env["KGQA_VIRTUOSO_BUFFERS"] = str(settings["NumberOfBuffers"])
        env["KGQA_VIRTUOSO_DIRTY_BUFFERS"] = str(settings["MaxDirtyBuffers"])
        try:
            done = subprocess.run(
                [str(SCRIPT), "start", str(self.folder)],
                env=env,
                capture_output=True,
                text=True,
                timeout=START_TIMEOUT_S,
                check=False,
            )
            if done.returncode != 0:
                last = done.stderr.strip().splitlines()[-1:] or ["no message"]
                raise KgqaError(f"Virtuoso did not start: {last[0]}")
            self.url = done.stdout.strip().splitlines()[-1]
            self.sql_port = int((self.folder / "sql-port").read_text())
            self.http_port = int((self.folder / "http-port").read_text())
            self.pid = int((self.folder / "pid").read_text())
        except BaseException:
            self.close()
            raise

    def __enter__(self) -> Virtuoso:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()

    def isql(self, sql: str) -> str:
        """Run SQL statements through isql-vt as dba; its output, KgqaError on an error."""
        return self.finish(self.isql_process(sql))

    def isql_process(self, sql: str) -> subprocess.Popen[str]:
        """isql-vt running sql, started and not waited for (see finish)."""
        process = subprocess.Popen(
            [ISQL, f"127.0.0.1:{self.sql_port}", "dba", "dba"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        assert process.stdin is not None
        process.stdin.write(sql + "\n")
        process.stdin.close()
        return process

    def finish(self, process: subprocess.Popen[str]) -> str:
        """The output of an isql-vt process once it has ended; KgqaError on an error."""
        assert process.stdout is not None
        try:
            output = process.stdout.read()
            process.wait(timeout=SQL_TIMEOUT_S)
        finally:
            process.stdout.close()
        if process.returncode != 0 or "*** Error" in output:
            raise KgqaError(f"isql-vt: {' '.join(output.split())[-300:]}")
        return output

    def version(self) -> str:
        """The server's name and version, as it reports them ("OpenLink Virtuoso Server 07.20...")."""
        output = self.isql("SELECT sys_stat('st_dbms_name') || ' ' || sys_stat('st_dbms_ver');")
        found = [line.strip() for line in output.splitlines() if " Server " in line]
        return " ".join(found[0].split()) if found else "Virtuoso"

    def close(self) -> None:
        """Stop the server (scripts/virtuoso stop waits for it to exit) and remove the folder;
        safe to call twice."""
        if self.folder.exists():
            subprocess.run(
                [str(SCRIPT), "stop", str(self.folder)],
                capture_output=True,
                timeout=120,
                check=False,
            )
            shutil.rmtree(self.folder, ignore_errors=True)
