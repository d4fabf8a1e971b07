"""The soak's own world (bench/soak.py): a PostgreSQL instance of its own (initdb/pg_ctl on a
free port, a data folder of its own: the shared server at 127.0.0.1:5432 is never touched),
the store on a small tmpfs (for the disk-full fault), mastodon-mock as the publishing target,
and the socialops processes (``serve`` and ``worker``) with their memory read by psutil."""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import psutil

REPO = Path(__file__).resolve().parents[1]
PY = str(REPO / ".venv" / "bin" / "python")
if not Path(PY).exists():  # a copy of the tree: the interpreter running this
    PY = sys.executable
PG_BIN = Path("/usr/local/bin")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class OwnPostgres:
    """``initdb`` + ``pg_ctl`` in ``folder`` on a free loopback port (trust auth, loopback only).
    As root, the server runs as the ``postgres`` system user (PostgreSQL refuses root)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.data = folder / "pgdata"
        self.port = free_port()
        self.log = folder / "postgres.log"
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"
        self._as: list[str] = []
        if os.geteuid() == 0:
            pwd.getpwnam("postgres")  # KeyError: no user to run it as
            self._as = ["runuser", "-u", "postgres", "--"]

    def _run(self, *args: str, timeout: float = 60) -> None:
        subprocess.run([*self._as, *args], check=True, timeout=timeout, capture_output=True)

    def init(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        if self._as:
            shutil.chown(self.folder, "postgres", "postgres")
        self._run(
            str(PG_BIN / "initdb"),
            *("-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8"),
            *("--no-instructions", "--locale=C.UTF-8"),
        )
        self.start()

    def start(self) -> None:
        opts = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.folder} "
            "-c max_connections=200 -c shared_buffers=64MB"
        )
        self._run(
            str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-o", opts,
            "-w", "-t", "60", "start",
        )  # fmt: skip

    def stop(self, mode: str = "fast") -> None:
        self._run(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop")

    def running(self) -> bool:
        return (self.data / "postmaster.pid").exists()

    def sql(self, query: str) -> list[tuple[object, ...]]:
        import psycopg

        with psycopg.connect(
            f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres", connect_timeout=5
        ) as conn:
            return list(conn.execute(query).fetchall())


class Tmpfs:
    """A small tmpfs at ``path`` (we are root in this sandbox); ``fill`` takes all its free
    space with one file, ``unfill`` gives it back. ``mounted`` is False where mounting is not
    permitted: the store then lies on the ordinary disk and the disk-full fault is skipped."""

    def __init__(self, path: Path, size_mb: int) -> None:
        self.path = path
        path.mkdir(parents=True, exist_ok=True)
        done = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={size_mb}m,mode=0755", "tmpfs", str(path)],
            capture_output=True,
            check=False,
        )
        self.mounted = done.returncode == 0
        self.filler = path / ".soak-filler"

    def fill(self) -> int:
        """Take every free byte of the tmpfs with one file; the bytes it took."""
        free = shutil.disk_usage(self.path).free
        fd = os.open(self.filler, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            for size in (2**20, 4096, 1):
                block = b"\0" * size
                while True:
                    try:
                        if os.write(fd, block) < size:
                            break
                    except OSError:  # ENOSPC: full at this block size
                        break
        finally:
            os.close(fd)
        return free

    def unfill(self) -> None:
        self.filler.unlink(missing_ok=True)

    def umount(self) -> None:
        if self.mounted:
            subprocess.run(["umount", "-l", str(self.path)], capture_output=True, check=False)


MASTODON_USERS = {"sora": "sora_token", "minji": "minji_token"}


class Mastodon:
    """mastodon-mock (the real local Mastodon API the publishing tests use) on a free port."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        lines = [
            f'domain = "127.0.0.1:{self.port}"',
            'url_scheme = "http"',
            "[database]",
            f'path = "{folder / "mastodon.sqlite"}"',
            f'[server]\nhost = "127.0.0.1"\nport = {self.port}',
        ]
        for user, token in MASTODON_USERS.items():
            lines += ["[[seed.accounts]]", f'username = "{user}"', f'access_token = "{token}"']
        config = folder / "mastodon_mock.toml"
        config.write_text("\n".join(lines) + "\n", encoding="utf-8")
        self.log = (folder / "server.log").open("w", encoding="utf-8")
        self.proc = subprocess.Popen(
            [
                PY,
                "-m",
                "mastodon_mock",
                "serve",
                "--config",
                str(config),
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--log-level",
                "warning",
            ],
            cwd=folder,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    def wait(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.proc.poll() is None:
            try:
                if httpx.get(f"{self.url}/api/v1/instance", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise SystemExit("mastodon-mock did not start")

    def fault(self, rule: dict[str, object]) -> None:
        httpx.post(f"{self.url}/api/v1/_mock/faults", json=rule, timeout=10).raise_for_status()

    def clear_faults(self) -> None:
        httpx.delete(f"{self.url}/api/v1/_mock/faults", timeout=10).raise_for_status()

    def texts(self, user: str) -> list[str]:
        """Every status text of ``user``, newest first (HTML stripped the simple way)."""
        import re

        headers = {"Authorization": f"Bearer {MASTODON_USERS[user]}"}
        me = httpx.get(
            f"{self.url}/api/v1/accounts/verify_credentials", headers=headers, timeout=10
        ).json()
        out: list[str] = []
        max_id = None
        while True:
            params: dict[str, object] = {"limit": 40, **({"max_id": max_id} if max_id else {})}
            page = httpx.get(
                f"{self.url}/api/v1/accounts/{me['id']}/statuses",
                headers=headers,
                params=params,  # type: ignore[arg-type]
                timeout=10,
            ).json()
            if not page:
                return out
            out += [re.sub(r"<[^>]+>", "", s["content"]) for s in page]
            max_id = page[-1]["id"]

    def stop(self) -> None:
        stop_proc(self.proc)
        self.log.close()


def stop_proc(proc: subprocess.Popen[bytes], wait: float = 20) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=wait)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def tree_rss(pid: int) -> dict[int, int]:
    """RSS in bytes of ``pid`` and each of its descendants (the web processes of ``serve``)."""
    out: dict[int, int] = {}
    try:
        p = psutil.Process(pid)
        for q in [p, *p.children(recursive=True)]:
            with contextlib.suppress(psutil.Error):
                out[q.pid] = q.memory_info().rss
    except psutil.Error:
        pass
    return out


MIMALLOC_LOW, MIMALLOC_HIGH = 2 << 40, 64 << 40  # where mimalloc asks the system for memory
GLIBC_HEAP = 64 << 20  # glibc's heaps other than the main one: 64 MiB, aligned to their size


def _anon_kind(start: int) -> str:
    if MIMALLOC_LOW <= start < MIMALLOC_HIGH:
        return "mimalloc"  # Kiwi's (and Arrow's, when it is Arrow's pool): its address hints
    if start % GLIBC_HEAP == 0:
        return "arenas"  # glibc's other heaps
    return "anon"


def memory_kinds(pid: int) -> dict[str, int]:
    """Resident bytes of ``pid`` by kind of mapping (``/proc/PID/smaps``): ``heap`` (glibc's
    main heap), ``arenas`` (glibc's other heaps, 64 MiB-aligned), ``mimalloc`` (maps in the
    2-64 TiB range mimalloc asks for: Kiwi's allocator), ``anon`` (the other anonymous maps:
    DuckDB's jemalloc, Python's object arenas, large blocks, thread stacks) and ``file`` (code
    and mapped files)."""
    out = {"heap": 0, "arenas": 0, "mimalloc": 0, "anon": 0, "file": 0}
    kind = "anon"
    try:
        with open(f"/proc/{pid}/smaps", encoding="utf-8", errors="replace") as f:
            for line in f:
                head = line.split(maxsplit=6)
                if not head:
                    continue
                if "-" in head[0] and len(head) >= 5 and not head[0].endswith(":"):
                    name = head[5].strip() if len(head) > 5 else ""
                    if name == "[heap]":
                        kind = "heap"
                    elif name.startswith("/"):
                        kind = "file"
                    else:
                        kind = _anon_kind(int(head[0].split("-")[0], 16))
                elif head[0] == "Rss:":
                    out[kind] += int(head[1]) * 1024
    except OSError:
        pass
    return out


def wait_http(url: str, proc: subprocess.Popen[bytes], log: Path, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            tail = log.read_text(encoding="utf-8", errors="replace")[-3000:]
            raise SystemExit(f"{url}: the process ended (exit {proc.returncode}):\n{tail}")
        try:
            if httpx.get(f"{url}/login", timeout=3).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise SystemExit(f"{url} did not answer in {timeout:.0f} s")


def python() -> str:
    return PY if Path(PY).exists() else sys.executable
