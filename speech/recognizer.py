"""Streaming recognition over the shared model: one vosk recognizer per stream.

Feed PCM16 mono chunks at the model's rate with :meth:`StreamingRecognizer.accept`
(returns the partial text so far), then call :meth:`StreamingRecognizer.finish`
for the final :class:`RecognitionResult`.  :meth:`StreamingRecognizer.events`
wraps the same as an iterator of partial and final events, which is what a UI
worker thread wants.

Mandarin output: vosk's Chinese models emit space-separated words
("我 想 打印 文件"); :func:`clean_text` joins them the way Chinese is written,
dropping spaces that touch a CJK character and keeping those between Latin,
Hangul or digit words ("打印PDF文件", "hello world").

Grammar mode restricts decoding to a list of phrases (wake phrases, commands).
Two things vosk does not do for us:

* phrases must be sequences of *vocabulary words*: "青小律" is not a word of the
  Chinese model, so :func:`segment_for_vocabulary` splits it into words the
  model knows (longest match first, falling back to single characters);
* out-of-grammar speech needs somewhere to go, or vosk forces it onto the
  nearest phrase.  Models that have an ``[unk]`` word get it; others get one or
  two short hesitation words as fillers.  Each phrase is repeated ``weight``
  times in the grammar because vosk estimates a small language model from the
  list, so that a real phrase outweighs the fillers.  A result made only of
  fillers or ``[unk]`` is reported as ``unknown``.

The grammar JSON is written with ``ensure_ascii=False``: vosk does not decode
``\\uXXXX`` escapes and would look up the escaped text as a word.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from speech.errors import RecognitionCancelled, SpeechUnavailable
from speech.model import UNK_WORD, SpeechModel

__all__ = [
    "CompiledGrammar",
    "Grammar",
    "RecognitionEvent",
    "RecognitionResult",
    "StreamingRecognizer",
    "clean_text",
    "is_cjk",
    "join_words",
    "segment_for_vocabulary",
]

_UNKNOWN_TOKENS = frozenset({UNK_WORD, "<unk>", "<UNK>"})
_MAX_WORD_CHARS = 6


def is_cjk(ch: str) -> bool:
    """Whether ``ch`` is written without spaces around it (Han, kana, CJK punctuation)."""
    code = ord(ch)
    return (
        0x3000 <= code <= 0x30FF  # CJK punctuation, hiragana, katakana
        or 0x3400 <= code <= 0x4DBF  # extension A
        or 0x4E00 <= code <= 0x9FFF  # unified ideographs
        or 0xF900 <= code <= 0xFAFF  # compatibility ideographs
        or 0xFF00 <= code <= 0xFFEF  # full-width forms
        or 0x20000 <= code <= 0x3134F  # extensions B-G
    )


def join_words(words: Iterable[str]) -> str:
    """Join recognizer words: no space where either side is CJK, one space otherwise."""
    out: list[str] = []
    for word in words:
        if not word or word in _UNKNOWN_TOKENS:
            continue
        if out and not (is_cjk(out[-1][-1]) or is_cjk(word[0])):
            out.append(" ")
        out.append(word)
    return "".join(out)


def clean_text(text: str) -> str:
    """Normalise vosk output text: see :func:`join_words`; drops ``[unk]`` tokens."""
    return join_words(text.split())


def segment_for_vocabulary(
    phrase: str, has_word: Callable[[str], bool], max_word_chars: int = _MAX_WORD_CHARS
) -> tuple[str, ...] | None:
    """Split ``phrase`` into words the model knows, or None if that is impossible.

    Whitespace separates words first; a token the model does not know is split
    greedily into the longest known runs of characters.
    """
    tokens: list[str] = []
    for token in phrase.split():
        if has_word(token):
            tokens.append(token)
            continue
        i = 0
        while i < len(token):
            for size in range(min(max_word_chars, len(token) - i), 0, -1):
                piece = token[i : i + size]
                if has_word(piece):
                    tokens.append(piece)
                    i += size
                    break
            else:
                return None
    return tuple(tokens) or None


@dataclass(frozen=True)
class CompiledGrammar:
    """A grammar made concrete for one model (see :meth:`Grammar.compile`)."""

    json: str | None  # None: the model has no runtime graph, decode freely and match text
    phrases: tuple[tuple[str, tuple[str, ...]], ...]  # (phrase as given, model words)
    fillers: frozenset[str]
    missing: tuple[str, ...]  # phrases dropped because the vocabulary lacks a character

    def interpret(self, words: Sequence[str]) -> str | None:
        """The phrase ``words`` contain (the longest one), or None."""
        kept = [w for w in words if w not in self.fillers and w not in _UNKNOWN_TOKENS]
        if not kept:
            return None
        if self.json is None:
            # Free decoding: compare text with spaces removed.
            joined = "".join(kept)
            hits = [p for p, toks in self.phrases if "".join(toks) in joined]
            return max(hits, key=len) if hits else None
        best: tuple[int, str] | None = None
        for phrase, toks in self.phrases:
            n = len(toks)
            for start in range(len(kept) - n + 1):
                if tuple(kept[start : start + n]) == toks:
                    if best is None or n > best[0]:
                        best = (n, phrase)
                    break
        return best[1] if best else None


@dataclass(frozen=True)
class Grammar:
    """Phrases a recognizer may hear; anything else comes back as unknown."""

    phrases: tuple[str, ...]
    weight: int = 5

    @classmethod
    def of(cls, phrases: Iterable[str], weight: int = 5) -> Grammar:
        unique = tuple(dict.fromkeys(p.strip() for p in phrases if p.strip()))
        if not unique:
            raise ValueError("a grammar needs at least one phrase")
        return cls(unique, weight)

    def compile(self, model: SpeechModel) -> CompiledGrammar:
        compiled: list[tuple[str, tuple[str, ...]]] = []
        missing: list[str] = []
        for phrase in self.phrases:
            tokens = segment_for_vocabulary(phrase, model.has_word)
            if tokens is None:
                missing.append(phrase)
            else:
                compiled.append((phrase, tokens))
        if not compiled:
            raise SpeechUnavailable(
                "no grammar phrase can be spelled with the model's vocabulary: "
                + ", ".join(missing)
            )
        fillers = frozenset(model.fillers)
        if not model.supports_grammar:
            return CompiledGrammar(None, tuple(compiled), fillers, tuple(missing))
        entries: list[str] = []
        for _phrase, tokens in compiled:
            entries.extend([" ".join(tokens)] * max(1, self.weight))
        entries.extend(sorted(fillers))
        grammar_json = json.dumps(entries, ensure_ascii=False)
        return CompiledGrammar(grammar_json, tuple(compiled), fillers, tuple(missing))


@dataclass(frozen=True)
class RecognitionResult:
    """What was said in one utterance.

    ``text`` is display text (CJK spaces removed).  In grammar mode it is the
    matched phrase as it was given, or "" with ``unknown`` set when something
    was heard that is not in the grammar.  ``words`` are vosk's raw words.
    """

    text: str
    words: tuple[str, ...]
    grammar: bool = False
    phrase: str | None = None
    unknown: bool = False

    @property
    def heard_anything(self) -> bool:
        return bool(self.words)


@dataclass(frozen=True)
class RecognitionEvent:
    kind: Literal["partial", "final"]
    text: str
    result: RecognitionResult | None = None


def _words_of(result_json: str, key: str) -> list[str]:
    try:
        data: Any = json.loads(result_json)
    except json.JSONDecodeError:
        return []
    value = data.get(key, "") if isinstance(data, dict) else ""
    return value.split() if isinstance(value, str) else []


class StreamingRecognizer:
    """One utterance stream over a shared :class:`SpeechModel`.

    Thread-safe: ``accept``/``finish``/``reset`` serialise on a lock (one
    KaldiRecognizer must not be used concurrently); ``cancel`` takes no lock so
    a UI thread can call it while a worker is inside ``accept``.
    """

    def __init__(
        self,
        model: SpeechModel,
        grammar: Grammar | Iterable[str] | None = None,
        sample_rate: int | None = None,
    ) -> None:
        self.model = model
        self.sample_rate = sample_rate or model.sample_rate
        if grammar is not None and not isinstance(grammar, Grammar):
            grammar = Grammar.of(grammar)
        self.grammar: CompiledGrammar | None = grammar.compile(model) if grammar else None
        grammar_json = self.grammar.json if self.grammar else None
        self._kaldi = model.new_kaldi_recognizer(self.sample_rate, grammar_json)
        self._lock = threading.Lock()
        self._cancelled = threading.Event()
        self._segments: list[list[str]] = []
        self._partial: list[str] = []
        self._finished = False
        self.audio_bytes = 0
        self.piece_ms = 50

    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set()

    def cancel(self) -> None:
        """Stop this stream: later ``accept``/``finish`` calls raise RecognitionCancelled."""
        self._cancelled.set()

    def accept(self, pcm: bytes) -> str:
        """Feed a chunk of PCM16 mono audio; returns the partial display text.

        The chunk goes to vosk in pieces of at most ``piece_ms`` so that a
        ``cancel()`` from another thread is honoured between pieces: a vosk call
        cannot be interrupted, and a short one keeps cancellation prompt.
        """
        piece = max(2, self.sample_rate * self.piece_ms // 1000 * 2)
        with self._lock:
            if self._finished:
                raise RuntimeError("finish() was called; reset() before feeding more audio")
            at_endpoint = False
            for start in range(0, len(pcm), piece):
                if self._cancelled.is_set():
                    raise RecognitionCancelled("recognizer was cancelled")
                data = pcm[start : start + piece]
                self.audio_bytes += len(data)
                at_endpoint = bool(self._kaldi.AcceptWaveform(data))
                if at_endpoint:
                    # vosk found an endpoint inside the utterance: keep that segment.
                    words = _words_of(self._kaldi.Result(), "text")
                    if words:
                        self._segments.append(words)
                    self._partial = []
            if self._cancelled.is_set():
                raise RecognitionCancelled("recognizer was cancelled")
            if not at_endpoint:
                self._partial = _words_of(self._kaldi.PartialResult(), "partial")
            return self._display(self._all_words())

    def _all_words(self) -> list[str]:
        return [w for seg in self._segments for w in seg] + self._partial

    def _display(self, words: Sequence[str]) -> str:
        if self.grammar is not None:
            words = [w for w in words if w not in self.grammar.fillers]
        return join_words(words)

    @property
    def raw_partial(self) -> str:
        """Every word heard so far, fillers and ``[unk]`` included (for endpointing)."""
        with self._lock:
            return " ".join(self._all_words())

    @property
    def partial_text(self) -> str:
        """Display text of what has been heard so far."""
        with self._lock:
            return self._display(self._all_words())

    def finish(self) -> RecognitionResult:
        """End the utterance and return the final result."""
        if self._cancelled.is_set():
            raise RecognitionCancelled("recognizer was cancelled")
        with self._lock:
            if not self._finished:
                words = _words_of(self._kaldi.FinalResult(), "text")
                if words:
                    self._segments.append(words)
                self._partial = []
                self._finished = True
            words = [w for seg in self._segments for w in seg]
        if self.grammar is None:
            return RecognitionResult(join_words(words), tuple(words))
        phrase = self.grammar.interpret(words)
        return RecognitionResult(
            text=phrase or "",
            words=tuple(words),
            grammar=True,
            phrase=phrase,
            unknown=phrase is None and bool(words),
        )

    def reset(self) -> None:
        """Start a new utterance on the same recognizer (keeps the grammar)."""
        with self._lock:
            self._kaldi.Reset()
            self._segments = []
            self._partial = []
            self._finished = False
            self.audio_bytes = 0
        self._cancelled.clear()

    def events(self, chunks: Iterable[bytes]) -> Iterator[RecognitionEvent]:
        """Recognize ``chunks``: a partial event whenever the text changes, then one final.

        Stops quietly (no final event) when the recognizer is cancelled.
        """
        last = ""
        try:
            for chunk in chunks:
                text = self.accept(chunk)
                if text != last:
                    last = text
                    yield RecognitionEvent("partial", text)
            result = self.finish()
        except RecognitionCancelled:
            return
        yield RecognitionEvent("final", result.text, result)
