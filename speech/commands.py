"""Turning recognized text into a voice command, tolerant of homophones and accents.

The recognizer writes characters, and it writes the wrong ones for the
kiosk's own words: "青小律" comes back as "请小绿" or "清晓律", "打印" as "大印".
So matching is done on toneless pinyin syllables (pypinyin), after folding
the distinctions that regional Mandarin blurs:

* initials zh/z, ch/c, sh/s, n/l and f/h;
* finals -ng/-n (ang/an, eng/en, ing/in; -ong is kept).

Rules, chosen so that ordinary sentences do not trigger commands:

* a **wake phrase** may appear anywhere ("青小律，我想问…"); for phrases of
  four syllables or more one syllable may differ;
* a **command** must be (nearly) the whole utterance once politeness and
  particles are stripped ("请帮我打印一下" is 打印; "我想问打印机的事" is
  not), and is ignored after a negation ("不要打印");
* **confirmations** check "no" before "yes" (不是 contains 是), and choices
  are 第一个/第二个/第三个… (also 第1个, 第一, 一号), returned as 0-based indexes.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from pypinyin import Style, lazy_pinyin

__all__ = [
    "DEFAULT_COMMANDS",
    "DEFAULT_CONFIRMATIONS",
    "DEFAULT_WAKE_PHRASES",
    "CommandMatch",
    "CommandMatcher",
    "Intent",
    "fuzzy_syllables",
    "strip_fillers",
]


class Intent(enum.Enum):
    WAKE = "wake"
    BACK = "back"
    REPEAT = "repeat"
    PRINT = "print"
    HUMAN = "human"
    STOP = "stop"
    YES = "yes"
    NO = "no"
    CHOICE = "choice"


DEFAULT_WAKE_PHRASES: tuple[str, ...] = ("青小律", "小律小律")

DEFAULT_COMMANDS: Mapping[Intent, tuple[str, ...]] = {
    Intent.BACK: ("返回", "回去", "上一步", "后退"),
    Intent.REPEAT: ("再说一遍", "再说一次", "重复一遍", "没听清"),
    Intent.PRINT: ("打印", "打出来", "打印出来"),
    Intent.HUMAN: ("找真人", "转人工", "人工服务", "找工作人员", "真人"),
    Intent.STOP: ("停", "停止", "停下", "别说了", "暂停"),
}

DEFAULT_CONFIRMATIONS: Mapping[Intent, tuple[str, ...]] = {
    Intent.NO: ("不是", "不对", "不是的", "不对的", "不要", "不用"),
    Intent.YES: ("是", "对", "是的", "对的", "没错", "好的"),
}

# Stripped from the ends of an utterance before matching (longest first).
_LEADING = ("那个", "麻烦你", "麻烦", "帮我", "给我", "我要", "我想", "请你", "请", "嗯", "啊",
            "呃", "哦", "那", "我")
_TRAILING = ("一下", "吧", "啊", "呀", "呢", "了", "吗", "嘛", "哈", "哦")
_NEGATIONS = frozenset({"bu", "bie", "mei"})
_DIGITS = str.maketrans("0123456789", "零一二三四五六七八九")
_NUMERALS = {"yi": 1, "er": 2, "liang": 2, "san": 3, "si": 4, "wu": 5, "liu": 6, "qi": 7,
             "ba": 8, "jiu": 9}
_NOT_SPEECH = re.compile(r"[^\w]+", re.UNICODE)
_COMMAND_SLACK = 2  # extra syllables tolerated around a command


def strip_fillers(text: str) -> str:
    """Remove punctuation, spaces, politeness and particles from the ends of ``text``."""
    text = _NOT_SPEECH.sub("", text).replace("_", "")
    changed = True
    while changed and text:
        changed = False
        for prefix in _LEADING:
            if text.startswith(prefix) and len(text) > len(prefix):
                text = text[len(prefix) :]
                changed = True
                break
        for suffix in _TRAILING:
            if text.endswith(suffix) and len(text) > len(suffix):
                text = text[: -len(suffix)]
                changed = True
                break
    return text


def _fold(syllable: str) -> str:
    s = syllable
    for retroflex, flat in (("zh", "z"), ("ch", "c"), ("sh", "s")):
        if s.startswith(retroflex):
            s = flat + s[2:]
            break
    if s.startswith("l"):
        s = "n" + s[1:]
    elif s.startswith("f"):
        s = "h" + s[1:]
    if s.endswith("ng") and not s.endswith("ong"):
        s = s[:-1]
    return s


def plain_syllables(text: str) -> list[str]:
    """Toneless pinyin of the Han characters of ``text``; other words lower-cased."""
    text = text.translate(_DIGITS)
    out: list[str] = []
    for item in lazy_pinyin(text, style=Style.NORMAL, errors=lambda s: s):
        for token in _NOT_SPEECH.split(item.lower()):
            if token:
                out.append(token)
    return out


def fuzzy_syllables(text: str) -> list[str]:
    """Pinyin syllables with accent-prone distinctions folded (see the module docstring)."""
    return [_fold(s) for s in plain_syllables(text)]


def _find(haystack: Sequence[str], needle: Sequence[str], max_mismatches: int = 0) -> int:
    """Index of ``needle`` in ``haystack`` with at most ``max_mismatches`` substitutions, or -1."""
    n = len(needle)
    for start in range(len(haystack) - n + 1):
        mismatches = sum(1 for a, b in zip(haystack[start : start + n], needle, strict=True)
                         if a != b)
        if mismatches <= max_mismatches:
            return start
    return -1


@dataclass(frozen=True)
class CommandMatch:
    """A recognized command: what it means, which phrase matched, the choice index."""

    intent: Intent
    phrase: str
    index: int | None = None


@dataclass(frozen=True)
class _Phrase:
    intent: Intent
    text: str
    syllables: tuple[str, ...]


class CommandMatcher:
    """Matches recognized text against wake phrases, commands and confirmations.

    Stateless after construction and therefore thread-safe.
    """

    def __init__(
        self,
        wake_phrases: Iterable[str] = DEFAULT_WAKE_PHRASES,
        commands: Mapping[Intent, Iterable[str]] | None = None,
        confirmations: Mapping[Intent, Iterable[str]] | None = None,
    ) -> None:
        self._wake = self._compile({Intent.WAKE: wake_phrases})
        self._commands = self._compile(commands if commands is not None else DEFAULT_COMMANDS)
        confirm = confirmations if confirmations is not None else DEFAULT_CONFIRMATIONS
        self._no = self._compile({Intent.NO: confirm.get(Intent.NO, ())})
        self._yes = self._compile({Intent.YES: confirm.get(Intent.YES, ())})

    @staticmethod
    def _compile(table: Mapping[Intent, Iterable[str]]) -> list[_Phrase]:
        phrases = []
        for intent, texts in table.items():
            for text in texts:
                syllables = tuple(fuzzy_syllables(strip_fillers(text) or text))
                if syllables:
                    phrases.append(_Phrase(intent, text, syllables))
        # Longest first: "不是的" before "不是", "打印出来" before "打印".
        return sorted(phrases, key=lambda p: -len(p.syllables))

    def grammar_phrases(
        self,
        wake: bool = True,
        commands: bool = True,
        confirmations: bool = False,
        max_choices: int = 3,
    ) -> list[str]:
        """Phrases for a grammar-restricted recognizer (see :class:`speech.recognizer.Grammar`)."""
        groups = ([self._wake] if wake else []) + ([self._commands] if commands else [])
        if confirmations:
            groups += [self._no, self._yes]
            numerals = "一二三四五六七八九"[: max(0, min(9, max_choices))]
            groups.append([_Phrase(Intent.CHOICE, f"第{n}个", ()) for n in numerals])
        return list(dict.fromkeys(p.text for group in groups for p in group))

    def match_wake(self, text: str) -> CommandMatch | None:
        """A wake phrase anywhere in ``text``."""
        heard = fuzzy_syllables(text)
        for phrase in self._wake:
            tolerance = 1 if len(phrase.syllables) >= 4 else 0
            if _find(heard, phrase.syllables, tolerance) >= 0:
                return CommandMatch(Intent.WAKE, phrase.text)
        return None

    def _match_short(self, text: str, phrases: Sequence[_Phrase]) -> CommandMatch | None:
        heard = fuzzy_syllables(strip_fillers(text))
        if not heard:
            return None
        for phrase in phrases:
            n = len(phrase.syllables)
            # One syllable (停, 是, 对) must be all that was said: "第十个" is not "是".
            if len(heard) > n + (_COMMAND_SLACK if n > 1 else 0):
                continue
            start = _find(heard, phrase.syllables)
            if start < 0:
                continue
            negated = any(s in _NEGATIONS for s in heard[max(0, start - 2) : start])
            if negated and phrase.syllables[0] not in _NEGATIONS:
                continue
            return CommandMatch(phrase.intent, phrase.text)
        return None

    def match_command(self, text: str) -> CommandMatch | None:
        """返回 / 再说一遍 / 打印 / 找真人 / 停, when that is (nearly) all that was said."""
        return self._match_short(text, self._commands)

    def match_choice(self, text: str, max_choices: int | None = None) -> CommandMatch | None:
        """第一个 / 第二个 / … as a 0-based index (None if beyond ``max_choices``)."""
        core = strip_fillers(text)
        plain = plain_syllables(core)
        if not plain or len(plain) > 4:
            return None
        folded = [_fold(s) for s in plain]
        number: int | None = None
        if folded[0] == "di" and len(plain) >= 2:
            number = _NUMERALS.get(plain[1])
            rest = folded[2:]
        elif len(plain) >= 2 and folded[1] in ("ge", "hao", "tiao", "xiang"):
            number = _NUMERALS.get(plain[0])
            rest = folded[1:]
        elif plain[0] == "xuan" and len(plain) >= 2:
            number = _NUMERALS.get(plain[1])
            rest = folded[2:]
        else:
            return None
        if number is None or len(rest) > 2:
            return None
        if max_choices is not None and number > max_choices:
            return None
        return CommandMatch(Intent.CHOICE, core, number - 1)

    def match_confirmation(self, text: str, max_choices: int | None = None) -> CommandMatch | None:
        """是 / 对 / 是的 → YES, 不是 / 不对 → NO, 第N个 → CHOICE."""
        return (
            self._match_short(text, self._no)
            or self._match_short(text, self._yes)
            or self.match_choice(text, max_choices)
        )

    def match(self, text: str, max_choices: int | None = None) -> CommandMatch | None:
        """Anything: a command, then a confirmation or choice, then a wake phrase."""
        return (
            self.match_command(text)
            or self.match_confirmation(text, max_choices)
            or self.match_wake(text)
        )
