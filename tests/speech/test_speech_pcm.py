"""PCM helpers: WAV headers of every common kind, levels, resampling."""

from __future__ import annotations

import itertools
import math
import struct
from pathlib import Path

import pytest
from speech_helpers import noise, silence, sox, tone, write_wav

from speech.errors import AudioFormatError
from speech.pcm import (
    LinearResampler,
    clipped_fraction,
    dbfs,
    read_wav_header,
    resample,
    rms,
    samples,
    to_mono16,
)


def _zero_crossings(pcm: bytes) -> int:
    values = samples(pcm)
    return sum(1 for a, b in itertools.pairwise(values) if (a < 0) != (b < 0))


def test_rms_and_dbfs() -> None:
    assert rms(b"") == 0.0
    assert rms(silence(0.1)) == 0.0
    assert rms(tone(1.0, amplitude=10000)) == pytest.approx(10000 / math.sqrt(2), rel=0.01)
    assert rms(noise(1.0, level=1000)) == pytest.approx(1000, rel=0.05)
    assert dbfs(32767) == pytest.approx(0.0)
    assert dbfs(0) == float("-inf")


def test_clipped_fraction() -> None:
    assert clipped_fraction(tone(0.5, amplitude=8000)) == 0.0
    square = struct.pack("<4h", 32767, 32767, -32768, -32768) * 1000
    assert clipped_fraction(square) == 1.0
    overdriven = tone(0.5, amplitude=80000 / 2.0)  # 40000: clipped at the peaks
    assert 0.0 < clipped_fraction(overdriven) < 1.0


@pytest.mark.parametrize(
    ("sox_args", "channels", "bits", "is_float"),
    [
        (["-b", "16", "-c", "1"], 1, 16, False),
        (["-b", "16", "-c", "2"], 2, 16, False),
        (["-b", "8", "-e", "unsigned-integer", "-c", "1"], 1, 8, False),
        (["-b", "24", "-c", "1"], 1, 24, False),  # sox writes WAVE_FORMAT_EXTENSIBLE
        (["-b", "32", "-e", "signed-integer", "-c", "2"], 2, 32, False),
        (["-b", "32", "-e", "floating-point", "-c", "1"], 1, 32, True),
    ],
)
def test_wav_formats_decode_to_the_same_mono16(
    tmp_path: Path, sox_args: list[str], channels: int, bits: int, is_float: bool
) -> None:
    reference = write_wav(tmp_path / "ref.wav", tone(0.5, freq=300, amplitude=12000), 16000)
    converted = tmp_path / "converted.wav"
    sox(reference, *sox_args, converted)
    with converted.open("rb") as fh:
        info = read_wav_header(fh)
        data = fh.read()
    assert (info.channels, info.bits, info.is_float, info.sample_rate) == (
        channels, bits, is_float, 16000)
    assert info.duration_s == pytest.approx(0.5)
    mono = to_mono16(data, info)
    assert len(mono) == len(tone(0.5))
    # Same signal within the quantisation of the narrowest format (8-bit: 256).
    assert rms(mono) == pytest.approx(12000 / math.sqrt(2), rel=0.02)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "not a RIFF/WAVE file"),
        (b"ID3\x03\x00" + b"\x00" * 100, "not a RIFF/WAVE file"),
        (b"RIFF\x00\x00\x00\x00WAVE", "no data chunk"),
        (b"RIFF\x00\x00\x00\x00WAVEdata\x04\x00\x00\x00\x00\x00\x00\x00", "data chunk before fmt"),
    ],
)
def test_bad_headers_are_reported(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "bad.wav"
    path.write_bytes(content)
    with path.open("rb") as fh, pytest.raises(AudioFormatError, match=message):
        read_wav_header(fh, "bad.wav")


def test_compressed_wav_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "alaw.wav"
    sox(write_wav(tmp_path / "ref.wav", tone(0.1)), "-e", "a-law", path)
    with path.open("rb") as fh, pytest.raises(AudioFormatError, match="unsupported WAV encoding"):
        read_wav_header(fh)


@pytest.mark.parametrize("in_rate", [8000, 11025, 22050, 44100, 48000])
def test_resampling_keeps_duration_and_pitch(in_rate: int) -> None:
    seconds = 0.5
    source = tone(seconds, freq=440, amplitude=10000, rate=in_rate)
    out = resample(source, in_rate, 16000)
    assert len(out) // 2 == pytest.approx(seconds * 16000, abs=2)
    # 440 Hz: 880 zero crossings per second, whatever the rate.
    assert _zero_crossings(out) == pytest.approx(880 * seconds, abs=3)
    assert rms(out) == pytest.approx(10000 / math.sqrt(2), rel=0.05)


def test_downsampling_attenuates_what_would_alias() -> None:
    """A 12 kHz tone cannot exist at 16 kHz: it must not come back loud at 4 kHz."""
    high = tone(0.5, freq=12000, amplitude=10000, rate=48000)
    out = resample(high, 48000, 16000)
    assert rms(out) < 0.25 * rms(high)


@pytest.mark.parametrize("chunk", [1, 7, 160, 441, 4410])
def test_streaming_resampler_equals_one_shot(chunk: int) -> None:
    source = noise(0.3, level=3000, rate=44100)
    whole = resample(source, 44100, 16000)
    converter = LinearResampler(44100, 16000)
    parts = [converter.process(source[i : i + chunk * 2]) for i in range(0, len(source), chunk * 2)]
    streamed = b"".join(parts) + converter.flush()
    assert streamed == whole


def test_same_rate_is_passthrough() -> None:
    data = noise(0.1)
    assert resample(data, 16000, 16000) == data


def test_bad_rates_are_refused() -> None:
    with pytest.raises(ValueError, match="positive"):
        LinearResampler(0, 16000)
