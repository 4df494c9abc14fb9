"""Voice in the running kiosk: a WAV file spoken into the real window through the real
vosk engine (the Korean test model), read-aloud through a paced PulseAudio null sink,
barge-in, degradation, and the confirmation and command flows."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from ui_helpers import make_window, tap, visible_text

from speech import CommandMatcher, Intent
from ui.main_window import MainWindow


def voice_config(tmp: Path, kb_bundle: Path, model_dir: Path | str, wav: Path | None,
                 role: str = "booth") -> Path:
    config = tmp / "voice.toml"
    config.write_text(
        f'[device]\nrole = "{role}"\n'
        f'[paths]\ndata_dir = "{tmp / "data"}"\n[kb]\nbundle_path = "{kb_bundle}"\n'
        f'[speech]\nasr_model_dir = "{model_dir}"\noutput_device = "pulse"\n'
        + (f'input_device = "file:{wav}"\n' if wav else ""), encoding="utf-8")
    return config


def questions(window: MainWindow) -> list[dict[str, object]]:
    assert window.services is not None
    con = sqlite3.connect(window.services.outbox.path)
    try:
        rows = con.execute("SELECT payload FROM events WHERE type = 'question_asked'").fetchall()
    finally:
        con.close()
    return [json.loads(r[0]) for r in rows]


@pytest.fixture
def voice_window(qtbot: QtBot, tmp_path: Path, kb_bundle: Path, ko_model_dir: Path,
                 ko_clip: Callable[..., Path], pulse_env: str) -> MainWindow:
    wav = ko_clip("안녕하세요 반갑습니다", lead_s=0.5, trail_s=1.5, rate=22050)
    window = make_window(qtbot, voice_config(tmp_path, kb_bundle, ko_model_dir, wav))
    assert window.voice is not None
    qtbot.waitUntil(lambda: window.voice is not None and window.voice.ready, timeout=60_000)
    yield window
    window.voice.shutdown()


def test_spoken_question_goes_from_the_microphone_to_the_screen(qtbot: QtBot,
                                                                voice_window: MainWindow) -> None:
    window = voice_window
    tap(qtbot, window.idle)
    partials: list[str] = []
    assert window.voice is not None
    window.voice.partial.connect(partials.append)
    with qtbot.waitSignal(window.event_recorded, timeout=30_000):
        tap(qtbot, window.home.voice)
        assert window.current() is window.ask
        assert "我在听" in window.ask.status.text()
    assert partials, "partial results were shown while the resident spoke"
    recorded = questions(window)[-1]
    assert recorded["source"] == "voice"
    assert recorded["text"] and recorded["text"] == window.ask.input.text()


def test_read_aloud_and_barge_in(qtbot: QtBot, voice_window: MainWindow) -> None:
    window = voice_window
    assert window.voice is not None
    tap(qtbot, window.idle)
    window.open_entry("labour.unpaid-wages")
    with qtbot.waitSignal(window.voice.speaking, timeout=30_000,
                          check_params_cb=lambda playing: playing):
        tap(qtbot, window.answer.read_aloud)
    assert window.voice.engines.player.is_playing
    with qtbot.waitSignal(window.voice.speaking, timeout=2_000,
                          check_params_cb=lambda playing: not playing):
        tap(qtbot, window.answer.title)  # any touch silences the kiosk
    # The player is signalled off the GUI thread; it is gone well within a second.
    qtbot.waitUntil(lambda: not window.voice.engines.player.is_playing, timeout=1_000)


def test_voice_confirmation_opens_the_chosen_answer(qtbot: QtBot, voice_window: MainWindow) -> None:
    """From a recognised question on: choices read back, then "第二个" opens the second."""
    window = voice_window
    assert window.voice is not None
    tap(qtbot, window.idle)
    window.go(window.ask)
    with qtbot.waitSignal(window.voice.speaking, timeout=30_000, check_params_cb=bool):
        window.voice.question.emit("老板欠我工资不给咋办")
    assert "您是想问" in window.voice_prompt
    assert window._voice_choices[0] == "labour.unpaid-wages"
    assert window._awaiting_confirmation  # after the prompt the kiosk listens for the answer
    match = CommandMatcher().match_confirmation("第二个", 3)
    assert match is not None and match.intent is Intent.CHOICE and match.index == 1
    with qtbot.waitSignal(window.answer_shown, timeout=5_000) as shown:
        window.voice.matched.emit(match)
    assert shown.args == [window._voice_choices[1]]


def test_voice_commands_work_anywhere(qtbot: QtBot, voice_window: MainWindow) -> None:
    window = voice_window
    assert window.voice is not None
    matcher = window.voice.engines.matcher
    tap(qtbot, window.idle)
    window.open_entry("labour.unpaid-wages")
    window.voice.matched.emit(matcher.match_command("找真人"))
    assert window.current() is window.human
    window.open_entry("labour.unpaid-wages")
    window.voice.matched.emit(matcher.match_command("返回"))
    assert window.current() is window.ask
    window.open_entry("labour.unpaid-wages")
    with qtbot.waitSignal(window.event_recorded, timeout=10_000) as printed:
        window.voice.matched.emit(matcher.match_command("打印"))
    assert printed.args == ["handoff"]


@pytest.mark.parametrize("model_dir", ["", "empty"])
def test_no_model_turns_voice_into_a_calm_note(qtbot: QtBot, tmp_path: Path, kb_bundle: Path,
                                               model_dir: str) -> None:
    folder: Path | str = ""
    if model_dir == "empty":
        folder = tmp_path / "model"
        folder.mkdir()
    window = make_window(qtbot, voice_config(tmp_path, kb_bundle, folder, None))
    assert window.voice is not None
    qtbot.waitUntil(lambda: not window.home.voice.isEnabled(), timeout=10_000)
    assert window.home.voice.text() == "语音暂不可用，请用触屏"
    assert window.ask.voice.text() == "语音暂不可用，请用触屏"
    window.show_technician()
    status = visible_text(window.technician)
    assert "voice: unavailable" in status
    assert ("asr_model_dir" in status) if model_dir == "" else ("empty" in status)


def test_missing_microphone_is_reported_and_touch_keeps_working(
        qtbot: QtBot, tmp_path: Path, kb_bundle: Path, ko_model_dir: Path) -> None:
    config = voice_config(tmp_path, kb_bundle, ko_model_dir, None)
    config.write_text(config.read_text() + 'input_device = "hw:CARD=NoSuchMic"\n')
    window = make_window(qtbot, config)
    assert window.voice is not None
    qtbot.waitUntil(lambda: window.voice is not None and window.voice.ready, timeout=60_000)
    tap(qtbot, window.idle)
    tap(qtbot, window.home.voice)
    qtbot.waitUntil(lambda: not window.home.voice.isEnabled(), timeout=10_000)
    assert "microphone" in window.voice.reason
    window.go(window.ask)
    window.ask.set_question("老板不给工资")
    with qtbot.waitSignal(window.event_recorded, timeout=5_000):
        window.ask.submit()


def test_robot_listens_for_its_wake_phrase(qtbot: QtBot, tmp_path: Path, kb_bundle: Path,
                                           ko_model_dir: Path, ko_clip: Callable[..., Path],
                                           pulse_env: str) -> None:
    wav = ko_clip("안녕하세요", lead_s=0.5, trail_s=1.0)
    window = make_window(qtbot, voice_config(tmp_path, kb_bundle, ko_model_dir, wav, role="robot"))
    voice = window.voice
    assert voice is not None
    listening: list[bool] = []
    voice.listening.connect(listening.append)
    qtbot.waitUntil(lambda: voice.ready, timeout=60_000)
    qtbot.waitUntil(lambda: True in listening, timeout=5_000)  # no touch needed
    assert "青小律" in visible_text(window.idle)
    assert window.current() is window.idle
    wake = voice.engines.matcher.match_wake("小律小律")
    assert wake is not None and wake.intent is Intent.WAKE
    voice.matched.emit(wake)
    assert window.current() is window.ask
    assert "我在听" in window.ask.status.text()
    voice.shutdown()
