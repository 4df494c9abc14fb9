"""Building the speech engines from :class:`kiosk.config.SpeechSettings`.

The UI calls :func:`components_from_settings` once at start, loads the model
with :meth:`SpeechComponents.load_model` on a worker thread, and makes a new
microphone source for every listening turn.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kiosk.config import SpeechSettings
from speech.audio_source import MicrophoneSource
from speech.commands import CommandMatcher
from speech.model import SpeechModel, shared_model
from speech.playback import Player
from speech.synthesizer import CachedSynthesizer, EspeakSynthesizer, speech_rate

__all__ = ["SpeechComponents", "components_from_settings"]


@dataclass
class SpeechComponents:
    settings: SpeechSettings
    synthesizer: CachedSynthesizer
    player: Player
    matcher: CommandMatcher

    def load_model(self) -> SpeechModel:
        """The shared model (seconds on first call); raises SpeechUnavailable with the reason."""
        return shared_model(self.settings.asr_model_dir)

    def microphone(self, model: SpeechModel) -> MicrophoneSource:
        """A new capture source for one turn, at the model's rate."""
        return MicrophoneSource(self.settings.input_device, sample_rate=model.sample_rate)

    def rate(self, elderly: bool = False) -> int:
        return speech_rate(self.settings.tts_rate, elderly)


def components_from_settings(settings: SpeechSettings, cache_dir: Path) -> SpeechComponents:
    """Engines configured from ``settings``; TTS WAVs are cached under ``cache_dir``."""
    synthesizer = CachedSynthesizer(EspeakSynthesizer(settings.tts_voice), Path(cache_dir))
    return SpeechComponents(
        settings=settings,
        synthesizer=synthesizer,
        player=Player(settings.output_device),
        matcher=CommandMatcher(settings.wake_phrases),
    )
