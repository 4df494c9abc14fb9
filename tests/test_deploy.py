"""The deploy files a technician uses: the example settings and provision.sh are valid."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from kiosk.config import load_settings

REPO = Path(__file__).resolve().parent.parent


def provision(etc: Path, *args: str) -> subprocess.CompletedProcess[str]:
    kiosk = Path(sys.executable).parent / "kiosk"
    env = dict(os.environ, QXL_ETC=str(etc), KIOSK=str(kiosk))
    return subprocess.run(["bash", str(REPO / "deploy/provision.sh"), *args], env=env,
                          capture_output=True, text=True, timeout=60, check=False)


def test_example_settings_load() -> None:
    settings = load_settings(REPO / "deploy/kiosk.toml.example", environ={"QXL_SYSTEM_CONFIG": "/none"})
    assert settings.data_dir == Path("/var/lib/qingxiaolv")


def test_provision_writes_a_valid_device_file(tmp_path: Path) -> None:
    proc = provision(tmp_path, "--role", "robot", "--service-point", "马坊街道公共法律服务站",
                     "--tier", "镇街道站", "--printer", "escpos-network",
                     "--printer-address", "127.0.0.1:9100")
    assert proc.returncode == 0, proc.stderr
    settings = load_settings(tmp_path / "kiosk.toml", environ={"QXL_SYSTEM_CONFIG": "/none"})
    assert settings.device.role == "robot" and settings.device.tier == "镇街道站"
    assert settings.printer.kind == "escpos-network"


def test_provision_refuses_a_bad_tier(tmp_path: Path) -> None:
    proc = provision(tmp_path, "--service-point", "x", "--tier", "省中心")
    assert proc.returncode != 0
    assert "device.tier" in proc.stderr
    assert not (tmp_path / "kiosk.toml").exists()
