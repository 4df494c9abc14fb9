from __future__ import annotations

import logging

from kiosk.logsetup import RING_BUFFER, configure_logging, get_logger, redact


def test_phone_and_id_numbers_are_masked() -> None:
    assert "13912345678" not in redact("电话 13912345678 身份证 63010219800101123X")
    assert "63010219800101123X" not in redact("身份证 63010219800101123X")
    assert redact("第1087条 2026年") == "第1087条 2026年"


def test_ring_buffer_keeps_named_subsystem_lines_without_personal_data() -> None:
    configure_logging(stream=False)
    get_logger("outbox").warning("callback for %s", "13912345678")
    lines = RING_BUFFER.lines()
    assert any("qxl.outbox" in line and "1**********" in line for line in lines)
    assert not any("13912345678" in line for line in lines)
    logging.getLogger("qxl").handlers.clear()
