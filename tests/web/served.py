"""``socialops serve`` in a subprocess on a free loopback port, on a home folder (the sign-in
throttle tests, and two servers sharing one accounts database)."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

__all__ = ["Served"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Served:
    """``socialops serve`` on a home folder, on a free loopback port."""

    def __init__(self, home: Path, *flags: str) -> None:
        self.home = home
        self.url = f"http://127.0.0.1:{_free_port()}"
        env = {
            **os.environ,
            "SOCIALOPS_HOME": str(home),
            "SOCIALOPS_WEB_WARM": "0",
            "COLUMNS": "200",
        }
        env.pop("SOCIALOPS_FORWARDED_ALLOW_IPS", None)
        env.pop("FORWARDED_ALLOW_IPS", None)  # uvicorn's own variable
        port = self.url.rsplit(":", 1)[1]
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "socialops", "serve", "--port", port, *flags],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{self.url}/login", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                pytest.fail(f"socialops serve did not start: {self.proc.stderr}")
            time.sleep(0.2)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)

    def sign_in(self, email: str, password: str, **headers: str) -> httpx.Response:
        """Post the /login form as a browser does (its own cookie jar)."""
        with httpx.Client(base_url=self.url, timeout=120, headers=headers) as client:
            return self._post(client, email, password)

    @staticmethod
    def _post(client: httpx.Client, email: str, password: str) -> httpx.Response:
        form = client.get("/login")
        token = re.search(r'name="csrf" value="([^"]+)"', form.text)
        assert form.status_code == 200 and token, form.text
        return client.post(
            "/login",
            data={"email": email, "password": password, "csrf": token.group(1)},
            follow_redirects=False,
        )
