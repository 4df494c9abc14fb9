"""The booth's voice, built from settings: recognizer model, microphone, synthesis, playback.

Qt-free; :mod:`ui.voice` wraps it in signals.  The model loads once, in the
background, at start-up; a missing or broken model, or no microphone, makes voice
*unavailable* with a one-line reason for the technician while touch keeps working.

``[speech] input_device = "file:/path/to.wav"`` reads a WAV file as if it were the
microphone (tests, demonstrations, and checking a booth without a person present).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from kiosk.config import SpeechSettings
from kiosk.logsetup import get_logger
from speech import (
    AudioSource,
    CachedSynthesizer,
    CommandMatcher,
    EspeakSynthesizer,
    ListenSession,
    MicrophoneSource,
    Player,
    SpeechModel,
    SpeechUnavailable,
    StreamingRecognizer,
    WavFileSource,
    shared_model,
    speech_rate,
)
from speech.playback import FinishedCallback

log = get_logger("speech")

FILE_SOURCE_PREFIX = "file:"


class VoiceEngines:
    def __init__(self, settings: SpeechSettings, cache_dir: Path) -> None:
        self.settings = settings
        self.synthesizer = CachedSynthesizer(EspeakSynthesizer(settings.tts_voice), cache_dir / "tts")
        self.player = Player(settings.output_device)
        self.matcher = CommandMatcher(settings.wake_phrases)
        self.model: SpeechModel | None = None

    def load(self) -> SpeechModel:
        """Load the recognizer model (seconds); raises :class:`SpeechUnavailable` with why."""
        if not self.settings.enabled:
            raise SpeechUnavailable("voice is switched off ([speech] enabled = false)")
        if not self.settings.asr_model_dir:
            raise SpeechUnavailable("no speech model configured ([speech] asr_model_dir)")
        self.model = shared_model(self.settings.asr_model_dir)
        log.info("speech model ready: %s", self.settings.asr_model_dir)
        return self.model

    def source(self) -> AudioSource:
        assert self.model is not None, "load() first"
        device = self.settings.input_device
        if device.startswith(FILE_SOURCE_PREFIX):
            return WavFileSource(device.removeprefix(FILE_SOURCE_PREFIX),
                                 sample_rate=self.model.sample_rate, realtime=True)
        return MicrophoneSource(device, sample_rate=self.model.sample_rate)

    def listen(
        self,
        grammar: list[str] | None,
        on_partial: Callable[[str], None],
        on_final: Callable[[str], None],
        on_timeout: Callable[[str], None],
        on_error: Callable[[SpeechUnavailable], None],
    ) -> ListenSession:
        """Start one listening turn on its own thread; callbacks come from that thread."""
        assert self.model is not None, "load() first"
        try:
            recognizer = StreamingRecognizer(self.model, grammar)
        except SpeechUnavailable as exc:
            # The model cannot spell any grammar phrase (e.g. a model of another
            # language): listen freely; the command matcher still works in pinyin.
            log.warning("grammar not usable, listening freely: %s", exc.reason)
            recognizer = StreamingRecognizer(self.model, None)
        return ListenSession(self.source(), recognizer, on_partial=on_partial, on_final=on_final,
                             on_timeout=on_timeout, on_error=on_error).start()

    def synthesize(self, text: str, elderly: bool) -> Path:
        """WAV for ``text`` (cached); slower in elderly mode."""
        return self.synthesizer.get(text, speech_rate(self.settings.tts_rate, elderly))

    def prewarm(self, texts: list[str]) -> int:
        """Synthesize frequent answers ahead of time, at both speeds."""
        rates = [speech_rate(self.settings.tts_rate, e) for e in (False, True)]
        return self.synthesizer.prewarm(texts, rates)

    def play(self, wav: Path, on_finished: FinishedCallback | None = None) -> bool:
        return self.player.play(wav, on_finished)

    def stop_speaking(self) -> bool:
        return self.player.stop()
