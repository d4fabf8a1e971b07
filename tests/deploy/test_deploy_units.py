"""The systemd units of ``deploy/`` pass ``systemd-analyze verify`` (every directive known and
well-formed, the binary executable), checked in a root of their own: the units where systemd
looks for them, the system's own units beside them, and the ``socialops`` binary at the path
the units name. A unit with a typo fails the same check (the check can fail)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
UNITS = REPO / "deploy" / "systemd"
SYSTEM_UNITS = Path("/usr/lib/systemd/system")


def _root(tmp_path: Path) -> Path:
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.fail("systemd-analyze is not installed (Debian: systemd)")
    root = tmp_path / "root"
    shutil.copytree(SYSTEM_UNITS, root / "usr/lib/systemd/system", symlinks=True)
    (root / "etc/systemd/system").mkdir(parents=True)
    for unit in UNITS.glob("*.service"):
        shutil.copy(unit, root / "etc/systemd/system" / unit.name)
    # every command the units run, at its path (ours a stub; the system's, /bin/kill, exist)
    commands = {
        ln.split("=", 1)[1].split()[0]
        for unit in UNITS.glob("*.service")
        for key in ("ExecStart", "ExecReload")
        for ln in _lines(unit.name, key)
    }
    assert "/opt/socialops/.venv/bin/socialops" in commands, commands
    for command in commands:
        binary = root / command.lstrip("/")
        binary.parent.mkdir(parents=True, exist_ok=True)
        binary.write_text("#!/bin/sh\n")
        binary.chmod(0o755)
        if not command.startswith("/opt/"):
            assert Path(command).exists(), f"{command} is not on this system"
    return root


def _lines(unit: str, key: str) -> list[str]:
    return [ln for ln in (UNITS / unit).read_text().splitlines() if ln.startswith(f"{key}=")]


def _verify(root: Path, *units: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["systemd-analyze", "verify", "--man=no", f"--root={root}", *units],
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_units_verify(tmp_path: Path) -> None:
    root = _root(tmp_path)
    p = _verify(root, "socialops-web.service", "socialops-worker@1.service")
    # verify exits 0 on directives it ignores: anything it says is a finding
    assert p.returncode == 0 and p.stdout.strip() == "" and p.stderr.strip() == "", p.stderr
    # what the guide promises of them
    web = (UNITS / "socialops-web.service").read_text()
    assert "--processes" in web and "--forwarded-allow-ips 127.0.0.1" in web
    for unit in ("socialops-web.service", "socialops-worker@.service"):
        text = (UNITS / unit).read_text()
        for hardening in ("NoNewPrivileges=yes", "ProtectSystem=strict", "CapabilityBoundingSet="):
            assert hardening in text, (unit, hardening)
        assert "LoadCredential=secret.key:" in text and "SOCIALOPS_SECRET_KEY_FILE=%d/" in text
    env = (REPO / "deploy" / "socialops.env.example").read_text()
    assert "SOCIALOPS_DATABASE_URL=postgresql" in env and "SOCIALOPS_REDIS_URL=redis://" in env
    assert "PASSWORD@" not in env and "SOCIALOPS_SECRET_KEY=" not in env  # secrets in files


def test_a_typo_fails_verify(tmp_path: Path) -> None:
    root = _root(tmp_path)
    unit = root / "etc/systemd/system/socialops-web.service"
    unit.write_text(unit.read_text().replace("ProtectSystem=strict", "ProtectSystem=stricter"))
    p = _verify(root, "socialops-web.service")
    assert "ProtectSystem" in p.stderr or "protect system" in p.stderr.lower(), p.stderr
