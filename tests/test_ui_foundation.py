"""The real main window, offscreen: a resident types a question and reads the answer."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from ui_helpers import buttons, make_window, tap, type_chinese, visible_text

from kiosk.app import build_window
from kiosk.config import load_settings


def test_typed_question_shows_the_answer(qtbot: QtBot, settings_file: Path) -> None:
    window = make_window(qtbot, settings_file)
    assert window.current() is window.idle
    qtbot.mouseClick(window.idle, Qt.MouseButton.LeftButton)
    assert window.current() is window.home
    qtbot.mouseClick(window.home.tiles["ask"], Qt.MouseButton.LeftButton)
    assert window.current() is window.ask
    type_chinese(window.ask.input, "两口子都同意离婚去哪里办")
    assert window.ask.input.text() == "两口子都同意离婚去哪里办"
    with qtbot.waitSignal(window.event_recorded, timeout=10_000):
        qtbot.keyClick(window.ask.input, Qt.Key.Key_Return)
    choices = buttons(window.ask.results.body)
    assert "协议离婚怎么办" in choices
    with qtbot.waitSignal(window.answer_shown, timeout=5_000):
        qtbot.mouseClick(choices["协议离婚怎么办"], Qt.MouseButton.LeftButton)
    text = visible_text(window.answer)
    assert "30天冷静期" in text
    assert "仅供参考" in text and "知识库版本" in text
    assert "第一千零七十七条" not in text  # citations start collapsed
    toggle = next(b for b in window.answer.citation_buttons if "第1077条" in b.text())
    tap(qtbot, toggle)
    assert "第一千零七十七条" in visible_text(window.answer)  # the cited article's own text


def test_kiosk_mode_refuses_to_close(qtbot: QtBot, settings_file: Path) -> None:
    window = build_window(load_settings(settings_file), windowed=False)
    qtbot.addWidget(window)
    window.show()
    assert window.kiosk_mode
    window.close()
    assert window.isVisible()
    qtbot.keyClick(window, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier
                   | Qt.KeyboardModifier.AltModifier | Qt.KeyboardModifier.ShiftModifier)
    assert not window.isVisible()


def test_corrupt_kb_shows_out_of_service(qtbot: QtBot, tmp_path: Path) -> None:
    bad = tmp_path / "kb.sqlite"
    bad.write_bytes(b"\0garbage" * 512)
    cfg = tmp_path / "k.toml"
    cfg.write_text(f'[paths]\ndata_dir = "{tmp_path / "d"}"\n[kb]\nbundle_path = "{bad}"\n')
    window = build_window(load_settings(cfg), windowed=True)
    qtbot.addWidget(window)
    window.show()
    assert window.current() is window.out_of_service
    assert "暂停服务" in visible_text(window.out_of_service)
    assert "corrupt" in window.unavailable_reason
