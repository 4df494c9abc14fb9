"""Voice commands, wake phrases and confirmations, with homophones and accents."""

from __future__ import annotations

import pytest

from speech.commands import (
    CommandMatch,
    CommandMatcher,
    Intent,
    fuzzy_syllables,
    strip_fillers,
)

matcher = CommandMatcher()


@pytest.mark.parametrize(
    "text",
    ["青小律", "请小绿", "清晓律", "青小律，我想问一下", "嗯青小律你好", "小律小律", "小绿小律",
     "晓律小律", "xiao lv xiao lv"],
)
def test_wake_phrases_and_their_homophones(text: str) -> None:
    match = matcher.match_wake(text)
    assert match is not None and match.intent is Intent.WAKE


@pytest.mark.parametrize("text", ["小律", "律师", "青年", "你好", ""])
def test_not_wake_phrases(text: str) -> None:
    assert matcher.match_wake(text) is None


def test_configured_wake_phrases() -> None:
    custom = CommandMatcher(wake_phrases=["你好小法"])
    assert custom.match_wake("你好小发") == CommandMatch(Intent.WAKE, "你好小法")
    assert custom.match_wake("青小律") is None


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("返回", Intent.BACK), ("回去吧", Intent.BACK), ("反悔", Intent.BACK),
        ("上一步", Intent.BACK),
        ("再说一遍", Intent.REPEAT), ("请再说一次", Intent.REPEAT), ("没听清", Intent.REPEAT),
        ("在说一遍", Intent.REPEAT),
        ("打印", Intent.PRINT), ("请帮我打印一下", Intent.PRINT), ("大印", Intent.PRINT),
        ("打印出来", Intent.PRINT),
        ("找真人", Intent.HUMAN), ("转人工", Intent.HUMAN), ("我要找真人", Intent.HUMAN),
        ("找珍人", Intent.HUMAN),
        ("停", Intent.STOP), ("停一下", Intent.STOP), ("停止", Intent.STOP),
        ("别说了", Intent.STOP), ("亭", Intent.STOP),
    ],
)
def test_commands(text: str, intent: Intent) -> None:
    match = matcher.match_command(text)
    assert match is not None, text
    assert match.intent is intent


@pytest.mark.parametrize(
    "text",
    ["我想问打印机坏了找谁赔", "不要打印", "别打印", "我不想返回", "停车场收费合理吗",
     "听说劳动合同要续签", "", "。"],
)
def test_sentences_are_not_commands(text: str) -> None:
    assert matcher.match_command(text) is None


@pytest.mark.parametrize(
    ("text", "intent", "index"),
    [
        ("是", Intent.YES, None), ("对", Intent.YES, None), ("是的", Intent.YES, None),
        ("嗯，对的", Intent.YES, None), ("没错", Intent.YES, None), ("事", Intent.YES, None),
        ("不是", Intent.NO, None), ("不对", Intent.NO, None), ("不是的", Intent.NO, None),
        ("不不不", None, None),
        ("第一个", Intent.CHOICE, 0), ("第二个", Intent.CHOICE, 1), ("第三个", Intent.CHOICE, 2),
        ("第3个", Intent.CHOICE, 2), ("弟二个", Intent.CHOICE, 1), ("第一", Intent.CHOICE, 0),
        ("一号", Intent.CHOICE, 0), ("选二", Intent.CHOICE, 1), ("我要第二个吧", Intent.CHOICE, 1),
        ("第十个", None, None), ("第四个", None, None),
    ],
)
def test_confirmations_and_choices(text: str, intent: Intent | None, index: int | None) -> None:
    match = matcher.match_confirmation(text, max_choices=3)
    if intent is None:
        assert match is None, text
        return
    assert match is not None, text
    assert (match.intent, match.index) == (intent, index)


def test_no_wins_over_yes() -> None:
    """不是 contains 是: the negative answer must be checked first."""
    match = matcher.match_confirmation("不是")
    assert match is not None and match.intent is Intent.NO


def test_match_anything() -> None:
    assert matcher.match("打印") == CommandMatch(Intent.PRINT, "打印")
    assert matcher.match("不是") == CommandMatch(Intent.NO, "不是")
    assert matcher.match("第二个", max_choices=3) == CommandMatch(Intent.CHOICE, "第二个", 1)
    assert matcher.match("青小律，离婚要准备什么") == CommandMatch(Intent.WAKE, "青小律")
    assert matcher.match("离婚要准备什么材料") is None


def test_fuzzy_syllables_fold_regional_distinctions() -> None:
    assert fuzzy_syllables("找真人") == fuzzy_syllables("早怎人")  # zh/z
    assert fuzzy_syllables("律") == fuzzy_syllables("女")  # l/n
    assert fuzzy_syllables("停") == fuzzy_syllables("亭") == fuzzy_syllables("tin")  # ing/in
    assert fuzzy_syllables("返回") == fuzzy_syllables("寒回")  # f/h (fan → han)
    assert fuzzy_syllables("第1个") == fuzzy_syllables("第一个")
    assert fuzzy_syllables("重") != fuzzy_syllables("从")  # -ong is kept


def test_strip_fillers() -> None:
    assert strip_fillers("嗯，请帮我打印一下吧！") == "打印"
    assert strip_fillers("是的") == "是的"
    assert strip_fillers("吧") == "吧"  # never strips everything


def test_grammar_phrases() -> None:
    phrases = matcher.grammar_phrases(confirmations=True, max_choices=3)
    for needed in ("青小律", "小律小律", "返回", "再说一遍", "打印", "找真人", "停",
                   "是", "对", "是的", "不是", "不对", "第一个", "第二个", "第三个"):
        assert needed in phrases
    assert "第四个" not in phrases
    assert len(phrases) == len(set(phrases))
    assert "青小律" not in matcher.grammar_phrases(wake=False)
