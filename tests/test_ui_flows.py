"""Every resident flow of the booth, driven through the real window offscreen."""

from __future__ import annotations

import gc
import sqlite3
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QPushButton
from pytestqt.qtbot import QtBot
from ui_helpers import buttons, make_window, tap, type_chinese, visible_text

from kiosk.session import Session
from kiosk.technician import LOCKOUT_S, MAX_FAILURES, hash_pin
from ui.main_window import MainWindow
from ui.style import NORMAL, stylesheet


def events(window: MainWindow) -> list[tuple[str, str]]:
    assert window.services is not None
    path = window.services.outbox.path
    con = sqlite3.connect(path)
    try:
        return con.execute("SELECT type, payload FROM events ORDER BY seq").fetchall()
    finally:
        con.close()


def start(qtbot: QtBot, window: MainWindow) -> None:
    tap(qtbot, window.idle)
    assert window.current() is window.home


def test_pinyin_keyboard_offers_words_and_questions(qtbot: QtBot, settings_file: Path) -> None:
    window = make_window(qtbot, settings_file)
    start(qtbot, window)
    tap(qtbot, window.home.tiles["ask"])
    keyboard = window.ask.keyboard
    for letter in "lihun":
        tap(qtbot, keyboard.keys[letter])
    assert window.ask.input.text() == "lihun"
    candidates = [b.text() for b in keyboard.candidate_buttons if b.isVisibleTo(keyboard)]
    assert candidates[0] == "离婚"
    with qtbot.waitSignal(window.results_shown, timeout=5000):
        pass  # suggestions arrive while typing, before any search is pressed
    assert window.ask.status.text() == "您是想问……？"
    tap(qtbot, keyboard.candidate_buttons[0])
    assert window.ask.input.text() == "离婚"
    for letter in "hz":
        tap(qtbot, keyboard.keys[letter])
    child = next(b for b in keyboard.candidate_buttons if b.text() == "孩子")
    tap(qtbot, child)
    assert window.ask.input.text() == "离婚孩子"
    with qtbot.waitSignal(window.event_recorded, timeout=5000):
        tap(qtbot, keyboard.enter)
    titles = list(buttons(window.ask.results.body))
    assert "离婚后孩子归谁抚养" in titles[:3] or any("孩子" in t for t in titles[:3])
    kinds = [k for k, _ in events(window)]
    assert kinds.count("question_asked") == 1  # suggestions are not recorded


def test_initials_on_the_keyboard(qtbot: QtBot, settings_file: Path) -> None:
    window = make_window(qtbot, settings_file)
    start(qtbot, window)
    tap(qtbot, window.home.tiles["ask"])
    for letter in "gs":
        tap(qtbot, window.ask.keyboard.keys[letter])
    assert "工伤" in [b.text() for b in window.ask.keyboard.candidate_buttons]


def test_unsure_answer_offers_a_person(qtbot: QtBot, settings_file: Path) -> None:
    window = make_window(qtbot, settings_file)
    start(qtbot, window)
    tap(qtbot, window.home.tiles["ask"])
    type_chinese(window.ask.input, "明天西宁下雨吗")
    with qtbot.waitSignal(window.event_recorded, timeout=5000):
        window.ask.submit()
    assert "没有" in window.ask.status.text()
    tap(qtbot, buttons(window.ask.results.body)["没解决，找真人"])
    assert window.current() is window.human
    with qtbot.waitSignal(window.event_recorded, timeout=5000) as blocker:
        tap(qtbot, window.human.buttons["hotline"])
    assert blocker.args == ["human_help_requested"]
    assert "已为您记录" in window.human.confirmation.text()


def test_callback_needs_consent_and_seals_the_phone(qtbot: QtBot, settings_file: Path) -> None:
    window = make_window(qtbot, settings_file)
    start(qtbot, window)
    tap(qtbot, window.home.tiles["human"])
    tap(qtbot, window.human.buttons["callback"])
    assert window.current() is window.callback
    assert not window.callback.pad.isVisibleTo(window.callback)  # no keypad before consent
    tap(qtbot, window.callback.agree)
    for digit in "1391234567":
        tap(qtbot, window.callback.keys[digit])
    tap(qtbot, window.callback.submit)
    assert "11位" in window.callback.message.text()
    tap(qtbot, window.callback.keys["8"])
    with qtbot.waitSignal(window.event_recorded, timeout=5000):
        tap(qtbot, window.callback.submit)
    assert window.current() is window.human
    assert "13912345678" not in visible_text(window)
    kind, payload = events(window)[-1]
    assert kind == "callback_request" and "13912345678" not in payload
    assert window.services is not None
    event_id = window.services.outbox.pending()[-1].id
    assert window.services.outbox.unseal(event_id) == {"phone": "13912345678"}
    assert window.session.personal == {}


def test_topics_statutes_and_service_tiles(qtbot: QtBot, settings_file: Path) -> None:
    window = make_window(qtbot, settings_file)
    start(qtbot, window)
    tap(qtbot, window.home.tiles["ask"])
    tap(qtbot, window.ask.topics)
    tap(qtbot, buttons(window.topics)["劳动就业与农民工"])
    with qtbot.waitSignal(window.answer_shown, timeout=5000):
        tap(qtbot, next(b for t, b in buttons(window.topics).items() if "工资" in t))
    assert "labour" in window.answer.entry.topic if window.answer.entry else False
    window.go(window.home)
    tap(qtbot, window.home.tiles["statutes"])
    tap(qtbot, buttons(window.statutes)["民法典"])
    for key in "1087":
        tap(qtbot, window.statutes.keyboard.keys[key])
    with qtbot.waitSignal(window.results_shown, timeout=5000):
        tap(qtbot, window.statutes.keyboard.enter)
    assert "第一千零八十七条" in visible_text(window.statutes)
    window.go(window.home)
    for tile, expected in (("entry:services.legal-aid-eligibility", "法律援助"),
                           ("entry:services.mediation-how", "调解"),
                           ("entry:services.notary-what", "公证"),
                           ("entry:services.hotline-12348", "12348")):
        with qtbot.waitSignal(window.answer_shown, timeout=5000):
            tap(qtbot, window.home.tiles[tile])
        assert expected in visible_text(window.answer)
        window.go(window.home)


def test_rating_is_committed_before_the_reset(qtbot: QtBot, settings_file: Path) -> None:
    window = make_window(qtbot, settings_file)
    start(qtbot, window)
    window.open_entry("labour.unpaid-wages")
    window.go(window.home)
    tap(qtbot, window.home.end)
    assert window.current() is window.rate
    tap(qtbot, window.rate.buttons["dissatisfied"])
    assert window.rate.reasons["not_found"].isVisibleTo(window.rate)
    tap(qtbot, window.rate.reasons["not_found"])
    with qtbot.waitSignal(window.session_reset, timeout=5000):
        tap(qtbot, window.rate.submit)
    rating = [p for k, p in events(window) if k == "rating"]
    assert len(rating) == 1
    assert '"level": "dissatisfied"' in rating[0] and '"reason": "not_found"' in rating[0]
    assert "labour.unpaid-wages" in rating[0]
    assert window.current() is window.idle


def test_inactivity_reset_leaves_nothing_behind(qtbot: QtBot, settings_file: Path) -> None:
    window = make_window(qtbot, settings_file)
    window._idle_timeout_ms = 300  # the test does not wait a whole minute
    window._countdown_s = 2
    start(qtbot, window)
    tap(qtbot, window.home.elderly)
    assert window.session.elderly_mode
    tap(qtbot, window.home.tiles["ask"])
    secret = "我叫王秀英电话13912345678老板欠工资"
    type_chinese(window.ask.input, secret)
    with qtbot.waitSignal(window.event_recorded, timeout=5000):
        window.ask.submit()
    window.open_entry("labour.unpaid-wages")
    old_session = window.session
    qtbot.waitUntil(lambda: window.current() is window.still_there, timeout=5000)
    assert "还在吗" in visible_text(window.still_there)
    with qtbot.waitSignal(window.session_reset, timeout=6000) as blocker:
        pass
    assert blocker.args == ["idle_timeout"]
    assert window.current() is window.idle
    # Nothing of the visit survives: widgets, composer, session, answer, theme.
    for line in window.findChildren(QLineEdit):
        assert line.text() == ""
        assert not line.isUndoAvailable()  # ctrl-z must not bring the question back
    assert window.ask.composer.display == ""
    assert window.answer.entry is None
    everything = visible_text(window) + "".join(b.text() for b in window.findChildren(QPushButton))
    assert "王秀英" not in everything and "13912345678" not in everything
    assert "拖欠" not in visible_text(window.answer)
    assert old_session.questions == [] and old_session.viewed_entries == [] and old_session.personal == {}
    assert not window.session.elderly_mode and window.session.questions == []
    assert window.styleSheet() == stylesheet(NORMAL)
    gc.collect()
    assert not any(isinstance(o, Session) and o.questions for o in gc.get_objects())
    kinds = [k for k, _ in events(window)]
    qtbot.waitUntil(lambda: "session_ended" in [k for k, _ in events(window)], timeout=5000)
    assert "question_asked" in kinds


def test_still_there_keeps_the_session(qtbot: QtBot, settings_file: Path) -> None:
    window = make_window(qtbot, settings_file)
    window._idle_timeout_ms = 200
    start(qtbot, window)
    window.open_entry("labour.unpaid-wages")
    qtbot.waitUntil(lambda: window.current() is window.still_there, timeout=5000)
    tap(qtbot, window.still_there.continue_button)
    assert window.current() is window.answer
    assert window.session.viewed_entries == ["labour.unpaid-wages"]


def test_elderly_mode_makes_type_and_targets_larger(qtbot: QtBot, settings_file: Path) -> None:
    window = make_window(qtbot, settings_file)
    start(qtbot, window)
    normal = window.home.tiles["ask"].sizeHint().height()
    tap(qtbot, window.home.elderly)
    window.home.adjustSize()
    qtbot.wait(10)
    for btn in window.home.findChildren(QPushButton):
        assert btn.minimumSizeHint().height() >= 60 or btn.sizeHint().height() >= 96
    assert window.home.tiles["ask"].sizeHint().height() > normal
    assert "font-size: 30pt" in window.styleSheet()


def test_technician_pin_lock_out(qtbot: QtBot, settings_file: Path, tmp_path: Path) -> None:
    config = tmp_path / "tech.toml"
    config.write_text(settings_file.read_text() + f'technician_pin_hash = "{hash_pin("2468")}"\n')
    window = make_window(qtbot, config)
    start(qtbot, window)
    handle = window.windowHandle()
    for _ in range(5):
        qtbot.mouseClick(handle, Qt.MouseButton.LeftButton, pos=window.mapToGlobal(window.rect().topLeft())
                         - window.mapToGlobal(window.rect().topLeft()) + window.rect().topLeft()
                         + type(window.rect().topLeft())(10, 10))
    assert window.current() is window.pin
    now = [1000.0]
    window.pin_gate.clock = lambda: now[0]
    for _ in range(MAX_FAILURES):
        for digit in "1111":
            tap(qtbot, window.pin.keys[digit])
        tap(qtbot, window.pin.ok)
    assert "错误次数过多" in window.pin.message.text()
    for digit in "2468":  # the right PIN is refused while locked
        tap(qtbot, window.pin.keys[digit])
    tap(qtbot, window.pin.ok)
    assert window.current() is window.pin
    now[0] += LOCKOUT_S + 1
    for digit in "2468":
        tap(qtbot, window.pin.keys[digit])
    tap(qtbot, window.pin.ok)
    assert window.current() is window.technician
    status = visible_text(window.technician)
    assert "knowledge base" in status and "outbox" in status
    window.technician_exit_allowed = False
    window.kiosk_mode = True
    tap(qtbot, buttons(window.technician)["退出自助服务"])
    assert not window.isVisible()


def test_very_long_and_rare_text_is_handled(qtbot: QtBot, settings_file: Path) -> None:
    window = make_window(qtbot, settings_file)
    start(qtbot, window)
    tap(qtbot, window.home.tiles["ask"])
    type_chinese(window.ask.input, "龘靐齉爩𠀀" * 100)
    assert len(window.ask.input.text()) <= 200
    with qtbot.waitSignal(window.results_shown, timeout=5000):
        window.ask.submit()
    assert window.current() is window.ask


@pytest.mark.parametrize("size", [(1080, 1920), (1920, 1080), (1280, 800)])
def test_every_screen_fits_each_device(qtbot: QtBot, settings_file: Path, size: tuple[int, int]) -> None:
    window = make_window(qtbot, settings_file, size)
    start(qtbot, window)
    for screen in (window.home, window.ask, window.human, window.rate):
        window.go(screen)
        qtbot.wait(5)
        for btn in screen.findChildren(QPushButton):
            if btn.isVisibleTo(screen):
                assert btn.height() >= 44 and btn.width() >= 44, (screen, btn.text(), btn.size())


def test_take_away_shows_the_qr_of_the_recorded_handoff(qtbot: QtBot, settings_file: Path) -> None:
    """No printer configured: the slip's QR code shows on screen and decodes to the
    URL whose token hash the outbox recorded."""
    import hashlib
    import io

    from PIL import Image
    from PySide6.QtCore import QBuffer, QIODevice
    from pyzbar.pyzbar import decode

    window = make_window(qtbot, settings_file)
    start(qtbot, window)
    window.open_entry("labour.unpaid-wages")
    with qtbot.waitSignal(window.event_recorded, timeout=10_000) as blocker:
        tap(qtbot, window.answer.print)
    assert blocker.args == ["handoff"]
    assert window.current() is window.takeaway
    assert "扫描" in window.takeaway.status.text()
    assert "查询编号" in window.takeaway.reference.text()
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    window.takeaway.qr.pixmap().save(buffer, "PNG")
    decoded = decode(Image.open(io.BytesIO(bytes(buffer.data()))))
    assert len(decoded) == 1
    url = decoded[0].data.decode()
    assert url == window.takeaway.url and "/h/" in url
    kind, payload = events(window)[-1]
    assert kind == "handoff"
    token = url.rsplit("/", 1)[1]
    assert hashlib.sha256(token.encode()).hexdigest() in payload
    assert token not in payload


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


@pytest.mark.parametrize("theme_name", ["NORMAL", "ELDERLY"])
def test_colours_meet_the_contrast_guidance(theme_name: str) -> None:
    from ui import style

    theme = getattr(style, theme_name)
    pairs = [(theme.foreground, theme.background), (theme.muted, theme.background),
             (theme.accent_text, theme.accent), (theme.foreground, "#E3E8EF")]  # secondary buttons
    for fg, bg in pairs:
        assert contrast(fg, bg) >= 4.5, (theme_name, fg, bg, contrast(fg, bg))
    assert theme.body_pt >= 18 and (theme_name == "NORMAL" or theme.body_pt >= 30)


def test_numbers_typed_into_a_question_are_masked_in_events(qtbot: QtBot, settings_file: Path) -> None:
    window = make_window(qtbot, settings_file)
    start(qtbot, window)
    tap(qtbot, window.home.tiles["ask"])
    type_chinese(window.ask.input, "老板欠我工资 我电话13912345678 身份证63010219800101123X")
    with qtbot.waitSignal(window.event_recorded, timeout=5000):
        window.ask.submit()
    window.open_entry("labour.unpaid-wages")
    with qtbot.waitSignal(window.event_recorded, timeout=10_000):
        tap(qtbot, window.answer.print)
    raw = "".join(payload for _kind, payload in events(window))
    assert "13912345678" not in raw and "63010219800101123X" not in raw
    assert "老板欠我工资" in raw
