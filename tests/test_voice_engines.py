"""The voice engines the kiosk builds from its settings (Qt-free)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.config import SpeechSettings
from kiosk.voice import VoiceEngines
from speech import SpeechUnavailable


def test_engines_follow_the_settings(tmp_path: Path) -> None:
    engines = VoiceEngines(SpeechSettings(output_device="null", tts_rate=180,
                                          wake_phrases=("你好小法",)), tmp_path)
    assert engines.synthesizer.voice == "cmn"
    assert engines.player.device == "null"
    assert engines.matcher.match_wake("你好小法") is not None
    normal = engines.synthesize("您好，请问有什么法律问题？", elderly=False)
    slow = engines.synthesize("您好，请问有什么法律问题？", elderly=True)
    assert normal.parent == slow.parent == tmp_path / "tts"
    assert normal != slow and slow.stat().st_size > normal.stat().st_size  # slower speech lasts longer
    assert engines.synthesize("您好，请问有什么法律问题？", elderly=False) == normal  # cached


@pytest.mark.parametrize(("settings", "reason"), [
    (SpeechSettings(enabled=False), "switched off"),
    (SpeechSettings(asr_model_dir=""), "asr_model_dir"),
    (SpeechSettings(asr_model_dir="/nonexistent/vosk-model"), "/nonexistent/vosk-model"),
])
def test_unavailable_voice_says_why(tmp_path: Path, settings: SpeechSettings, reason: str) -> None:
    with pytest.raises(SpeechUnavailable) as info:
        VoiceEngines(settings, tmp_path).load()
    assert reason in info.value.reason
