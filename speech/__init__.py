"""青小律's offline speech layer: vosk recognition, espeak-ng synthesis, playback.

No Qt here (an import-linter contract forbids it): engines expose callbacks and
iterators and are thread-safe, and the UI wraps them and turns results into
signals.  Nothing is downloaded at run time.

Modules, one job each:

* :mod:`speech.model` — check and load the shared vosk model (:class:`SpeechUnavailable`);
* :mod:`speech.recognizer` — streaming recognition, Mandarin text clean-up, grammar mode;
* :mod:`speech.endpointing` — when the resident has finished speaking;
* :mod:`speech.audio_source` — WAV files and the microphone as PCM16 16 kHz chunks;
* :mod:`speech.session` — one listening turn on a background thread;
* :mod:`speech.commands` — wake phrases, commands and yes/no/choices, homophone-tolerant;
* :mod:`speech.synthesizer` — text to WAV with a cache;
* :mod:`speech.playback` — killable WAV playback;
* :mod:`speech.pcm` — sample formats, levels, resampling;
* :mod:`speech.errors` — :class:`SpeechUnavailable` and friends.

The kiosk builds these engines from its settings in :mod:`kiosk.voice`; this
package knows nothing of the kiosk.
"""

from speech.audio_source import AudioSource, MicrophoneSource, WavFileSource
from speech.commands import CommandMatch, CommandMatcher, Intent
from speech.endpointing import EndpointConfig, Endpointer, EndpointReason
from speech.errors import AudioFormatError, RecognitionCancelled, SpeechUnavailable
from speech.model import SpeechModel, check_model_dir, find_test_model_dir, load_model, shared_model
from speech.playback import PlaybackResult, Player
from speech.recognizer import Grammar, RecognitionResult, StreamingRecognizer, clean_text
from speech.session import ListenOutcome, ListenSession, listen
from speech.synthesizer import CachedSynthesizer, EspeakSynthesizer, Synthesizer, speech_rate

__all__ = [
    "AudioFormatError",
    "AudioSource",
    "CachedSynthesizer",
    "CommandMatch",
    "CommandMatcher",
    "EndpointConfig",
    "EndpointReason",
    "Endpointer",
    "EspeakSynthesizer",
    "Grammar",
    "Intent",
    "ListenOutcome",
    "ListenSession",
    "MicrophoneSource",
    "PlaybackResult",
    "Player",
    "RecognitionCancelled",
    "RecognitionResult",
    "SpeechModel",
    "SpeechUnavailable",
    "StreamingRecognizer",
    "Synthesizer",
    "WavFileSource",
    "check_model_dir",
    "clean_text",
    "find_test_model_dir",
    "listen",
    "load_model",
    "shared_model",
    "speech_rate",
]
