"""Mandarin accuracy with the production model, where one is configured.

Set QXL_MANDARIN_MODEL_DIR to an unpacked vosk-model-small-cn-0.22 to run these;
the model is not on PyPI, so everywhere else they are skipped.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from speech_helpers import espeak_wav, sox

from speech.audio_source import WavFileSource
from speech.commands import CommandMatcher, Intent
from speech.model import SpeechModel, shared_model
from speech.recognizer import StreamingRecognizer, is_cjk
from speech.session import listen

MODEL_ENV = "QXL_MANDARIN_MODEL_DIR"


@pytest.fixture(scope="module")
def cn_model() -> SpeechModel:
    path = os.environ.get(MODEL_ENV, "")
    if not path:
        pytest.skip(f"no Mandarin model: set {MODEL_ENV} to an unpacked vosk-model-small-cn-0.22 "
                    "(not on PyPI, so not available to CI)")
    return shared_model(path)


def _mandarin_clip(text: str, tmp_path: Path) -> Path:
    raw = espeak_wav(text, tmp_path / "raw.wav", voice="cmn", rate_wpm=150)
    out = tmp_path / "clip.wav"
    sox(raw, "-r", "16000", out, "pad", "0.4", "1.5")
    return out


def _recognize(model: SpeechModel, clip: Path, grammar: list[str] | None = None) -> str:
    events = list(listen(WavFileSource(clip), StreamingRecognizer(model, grammar)))
    return events[-1].text if events and events[-1].kind == "final" else ""


@pytest.mark.parametrize(
    ("said", "intent"),
    [("返回", Intent.BACK), ("再说一遍", Intent.REPEAT), ("打印", Intent.PRINT),
     ("找真人", Intent.HUMAN), ("是的", Intent.YES), ("不对", Intent.NO),
     ("第二个", Intent.CHOICE)],
)
def test_commands_in_grammar_mode(cn_model: SpeechModel, tmp_path: Path, said: str,
                                  intent: Intent) -> None:
    matcher = CommandMatcher()
    grammar = matcher.grammar_phrases(wake=False, confirmations=True)
    text = _recognize(cn_model, _mandarin_clip(said, tmp_path), grammar)
    match = matcher.match(text, max_choices=3)
    assert match is not None and match.intent is intent, (said, text)


def test_wake_phrase_in_grammar_mode(cn_model: SpeechModel, tmp_path: Path) -> None:
    matcher = CommandMatcher()
    text = _recognize(cn_model, _mandarin_clip("青小律", tmp_path),
                      matcher.grammar_phrases(commands=False))
    assert matcher.match_wake(text) is not None, text


def test_free_dictation_is_clean_chinese(cn_model: SpeechModel, tmp_path: Path) -> None:
    said = "我想咨询劳动合同的问题"
    text = _recognize(cn_model, _mandarin_clip(said, tmp_path))
    assert text, "nothing recognized"
    assert " " not in text  # CJK spaces removed
    assert all(is_cjk(ch) for ch in text)
    # espeak's voice is robotic; half the characters right is the floor we hold it to.
    common = sum(1 for ch in set(said) if ch in text)
    assert common >= len(set(said)) // 2, text
