from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.config import ConfigError, describe, load_settings


def test_defaults_are_a_booth_with_a_private_data_dir(isolated_environment: Path) -> None:
    settings = load_settings(environ={"QXL_SYSTEM_CONFIG": "/nonexistent"})
    assert settings.device.role == "booth"
    assert settings.ui.idle_timeout_s == 60
    assert settings.data_dir.name == "qingxiaolv"
    assert settings.kb_bundle_path == settings.data_dir / "kb" / "kb.sqlite"


def test_file_then_environment_override(tmp_path: Path) -> None:
    cfg = tmp_path / "k.toml"
    cfg.write_text('[device]\nrole = "robot"\n[ui]\nidle_timeout_s = 90\n', encoding="utf-8")
    settings = load_settings(cfg, environ={"QXL_SYSTEM_CONFIG": "/nonexistent",
                                           "QXL__UI__IDLE_TIMEOUT_S": "120",
                                           "QXL__SPEECH__WAKE_PHRASES": "青小律, 你好小律"})
    assert settings.device.role == "robot"
    assert settings.ui.idle_timeout_s == 120
    assert settings.speech.wake_phrases == ("青小律", "你好小律")


def test_system_file_is_read_and_overridden_by_config(tmp_path: Path) -> None:
    system = tmp_path / "system.toml"
    system.write_text('[device]\nservice_point = "马坊街道公共法律服务站"\ntier = "镇街道站"\n')
    mine = tmp_path / "mine.toml"
    mine.write_text('[device]\ntier = "村社区室"\n')
    settings = load_settings(mine, environ={"QXL_SYSTEM_CONFIG": str(system)})
    assert settings.device.service_point == "马坊街道公共法律服务站"
    assert settings.device.tier == "村社区室"


@pytest.mark.parametrize(("text", "message"), [
    ('[ui]\nidle_timeout_s = "soon"\n', "ui.idle_timeout_s: expected an integer, got 'soon'"),
    ('[device]\nrole = "tablet"\n', "device.role: expected one of 'booth', 'robot'"),
    ('[ui]\nidle_timout_s = 5\n', "ui.idle_timout_s: unknown setting"),
    ('[screen]\nx = 1\n', "screen: unknown section"),
    ('[ui\n', "not valid TOML"),
    ('schema_version = 9\n', "schema_version: this kiosk reads version 1"),
])
def test_bad_values_name_the_key_and_the_file(tmp_path: Path, text: str, message: str) -> None:
    cfg = tmp_path / "bad.toml"
    cfg.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_settings(cfg, environ={"QXL_SYSTEM_CONFIG": "/nonexistent"})
    assert message in str(info.value)
    if "unknown section" in message or "expected" in message:
        assert str(cfg) in str(info.value)


def test_bad_environment_value_names_the_variable_source() -> None:
    with pytest.raises(ConfigError, match=r"ui\.idle_timeout_s: expected an integer.*environment"):
        load_settings(environ={"QXL_SYSTEM_CONFIG": "/nonexistent", "QXL__UI__IDLE_TIMEOUT_S": "x"})


def test_every_setting_is_described() -> None:
    rows = describe()
    assert len(rows) >= 20
    assert all(doc for _key, _type, _default, doc in rows)
    keys = {key for key, *_ in rows}
    assert {"device.role", "device.tier", "paths.data_dir", "kb.bundle_path",
            "ui.idle_timeout_s", "printer.kind", "speech.asr_model_dir"} <= keys
