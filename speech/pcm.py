"""PCM helpers in pure Python: WAV headers, sample formats, levels, resampling.

Everything here works on little-endian 16-bit mono PCM ("PCM16"), the format
vosk wants.  Only the standard library is used (``array``): numpy is not a
dependency of the kiosk, and ``audioop`` is deprecated (importing it warns on
3.11 and it is gone in 3.13).

The WAV reader is our own rather than :mod:`wave` because ``wave`` on 3.11
rejects WAVE_FORMAT_EXTENSIBLE files (what sox and many recorders write for
24-bit or multichannel audio) and float samples.
"""

from __future__ import annotations

import math
import struct
import sys
from array import array
from dataclasses import dataclass
from typing import BinaryIO

from speech.errors import AudioFormatError

SAMPLE_WIDTH = 2
MAX_SAMPLE = 32767
MIN_SAMPLE = -32768

_FORMAT_PCM = 0x0001
_FORMAT_FLOAT = 0x0003
_FORMAT_EXTENSIBLE = 0xFFFE
_BIG_ENDIAN = sys.byteorder == "big"


def samples(pcm: bytes) -> array[int]:
    """PCM16 bytes as an ``array('h')`` of ints (a trailing odd byte is dropped)."""
    out = array("h")
    out.frombytes(pcm[: len(pcm) - len(pcm) % 2])
    if _BIG_ENDIAN:
        out.byteswap()
    return out


def to_bytes(values: array[int]) -> bytes:
    """An ``array('h')`` as little-endian PCM16 bytes."""
    if _BIG_ENDIAN:
        values = array("h", values)
        values.byteswap()
    return values.tobytes()


def rms(pcm: bytes) -> float:
    """Root mean square of PCM16 samples, in sample units (0 … 32768)."""
    values = samples(pcm)
    if not values:
        return 0.0
    return math.sqrt(math.fsum(v * v for v in values) / len(values))


def dbfs(level: float) -> float:
    """An RMS level in dB relative to full scale (-inf for digital silence)."""
    if level <= 0:
        return float("-inf")
    return 20.0 * math.log10(level / MAX_SAMPLE)


def clipped_fraction(pcm: bytes, threshold: int = 32000) -> float:
    """Share of samples at or beyond ``threshold`` in magnitude: a clipping microphone."""
    values = samples(pcm)
    if not values:
        return 0.0
    hits = sum(1 for v in values if v >= threshold or v <= -threshold)
    return hits / len(values)


@dataclass(frozen=True)
class WavInfo:
    """Where the samples of a RIFF/WAVE file are and how they are encoded."""

    channels: int
    sample_rate: int
    bits: int
    is_float: bool
    data_offset: int
    data_size: int  # bytes; -1 when the header gives no usable size (read to EOF)

    @property
    def frame_size(self) -> int:
        return self.channels * (self.bits // 8)

    @property
    def duration_s(self) -> float:
        if self.data_size < 0:
            return float("nan")
        return self.data_size / self.frame_size / self.sample_rate


def read_wav_header(fh: BinaryIO, name: str = "WAV file") -> WavInfo:
    """Parse the RIFF header of ``fh``, leaving it positioned at the first sample."""
    head = fh.read(12)
    if len(head) < 12 or head[:4] != b"RIFF" or head[8:12] != b"WAVE":
        raise AudioFormatError(f"{name}: not a RIFF/WAVE file")
    fmt: tuple[int, int, int, int] | None = None
    while True:
        chunk = fh.read(8)
        if len(chunk) < 8:
            raise AudioFormatError(f"{name}: no data chunk")
        chunk_id, size = struct.unpack("<4sI", chunk)
        if chunk_id == b"fmt ":
            body = fh.read(size + size % 2)
            if len(body) < 16:
                raise AudioFormatError(f"{name}: truncated fmt chunk")
            tag, channels, rate, _byte_rate, _align, bits = struct.unpack("<HHIIHH", body[:16])
            if tag == _FORMAT_EXTENSIBLE:
                if len(body) < 26:
                    raise AudioFormatError(f"{name}: truncated WAVE_FORMAT_EXTENSIBLE header")
                tag = struct.unpack("<H", body[24:26])[0]
            fmt = (tag, channels, rate, bits)
        elif chunk_id == b"data":
            if fmt is None:
                raise AudioFormatError(f"{name}: data chunk before fmt chunk")
            tag, channels, rate, bits = fmt
            if tag not in (_FORMAT_PCM, _FORMAT_FLOAT):
                raise AudioFormatError(f"{name}: unsupported WAV encoding 0x{tag:04x}")
            is_float = tag == _FORMAT_FLOAT
            if (is_float and bits not in (32, 64)) or (not is_float and bits not in (8, 16, 24, 32)):
                raise AudioFormatError(f"{name}: unsupported sample size {bits} bits")
            if channels < 1 or rate < 1:
                raise AudioFormatError(f"{name}: bad header ({channels} channels, {rate} Hz)")
            # Streaming writers leave 0 or 0xFFFFFFFF here: read to end of file then.
            data_size = -1 if size in (0, 0xFFFFFFFF) else size
            return WavInfo(channels, rate, bits, is_float, fh.tell(), data_size)
        else:
            fh.seek(size + size % 2, 1)


def to_mono16(data: bytes, info: WavInfo) -> bytes:
    """Convert whole frames of ``info``'s encoding to PCM16 mono (channels averaged)."""
    data = data[: len(data) - len(data) % info.frame_size]
    if info.is_float:
        floats = array("f" if info.bits == 32 else "d")
        floats.frombytes(data)
        if _BIG_ENDIAN:
            floats.byteswap()
        values = array("h", (_float_to_int16(x) for x in floats))
    elif info.bits == 16:
        values = samples(data)
    elif info.bits == 8:  # unsigned, centred on 128
        values = array("h", ((b - 128) << 8 for b in data))
    else:
        # 24/32-bit: keep the two most significant bytes of each little-endian sample.
        width = info.bits // 8
        top = bytearray(len(data) // width * 2)
        top[0::2] = data[width - 2 :: width]
        top[1::2] = data[width - 1 :: width]
        values = samples(bytes(top))
    if info.channels > 1:
        values = _downmix(values, info.channels)
    return to_bytes(values)


def _float_to_int16(x: float) -> int:
    if math.isnan(x):
        return 0
    return max(MIN_SAMPLE, min(MAX_SAMPLE, round(x * MAX_SAMPLE)))


def _downmix(values: array[int], channels: int) -> array[int]:
    columns = [values[c::channels] for c in range(channels)]
    return array("h", (sum(frame) // channels for frame in zip(*columns, strict=True)))


class LinearResampler:
    """Streaming sample-rate converter for PCM16 mono: linear interpolation.

    Chunks may have any length; state carries across calls and positions are
    computed with integers, so the output is exactly that of converting the
    whole signal at once.  When reducing the rate a triangular low-pass (two
    box filters as wide as the rate ratio) runs first so that content above
    the new Nyquist frequency is attenuated instead of folding into the speech
    band.  That is crude next to a polyphase filter, but speech has little
    energy above 8 kHz and vosk's features are robust to what is left.
    """

    def __init__(self, in_rate: int, out_rate: int) -> None:
        if in_rate <= 0 or out_rate <= 0:
            raise ValueError(f"sample rates must be positive, got {in_rate} and {out_rate}")
        self.in_rate = in_rate
        self.out_rate = out_rate
        self._width = math.ceil(in_rate / out_rate) if in_rate > out_rate else 1
        # Last (width - 1) inputs of each box filter, from the previous chunk.
        self._box_tails: list[list[float] | None] = [None, None] if self._width > 1 else []
        self._carry: list[float] = []  # inputs still needed for interpolation
        self._base = 0  # global index of self._carry[0]
        self._n = 0  # index of the next output sample

    @property
    def passthrough(self) -> bool:
        return self.in_rate == self.out_rate

    def process(self, pcm: bytes) -> bytes:
        """Convert the next chunk; returns as many output samples as are determined."""
        if self.passthrough:
            return pcm
        signal: list[float] = [float(v) for v in samples(pcm)]
        if not signal:
            return b""
        for i in range(len(self._box_tails)):
            signal = self._box(signal, i)
        return self._interpolate(signal)

    def flush(self) -> bytes:
        """Emit what is held back at the end of the stream (outputs on the last input)."""
        if self.passthrough or not self._carry:
            return b""
        out = array("h")
        last = self._base + len(self._carry) - 1
        while (self._n * self.in_rate) // self.out_rate == last:
            out.append(_clip(self._carry[-1]))
            self._n += 1
        self._carry = []
        return to_bytes(out)

    def _box(self, signal: list[float], index: int) -> list[float]:
        """Moving average over ``self._width`` inputs, continuing the previous chunk."""
        width = self._width
        tail = self._box_tails[index]
        if tail is None:  # start of stream: repeat the first sample instead of zeros
            tail = [signal[0]] * (width - 1)
        extended = tail + signal
        out = [sum(extended[i : i + width]) / width for i in range(len(signal))]
        self._box_tails[index] = extended[len(extended) - (width - 1) :]
        return out

    def _interpolate(self, signal: list[float]) -> bytes:
        x = self._carry + signal
        base = self._base
        last = base + len(x) - 1
        in_rate, out_rate = self.in_rate, self.out_rate
        n = self._n
        out = array("h")
        append = out.append
        while True:
            i, rem = divmod(n * in_rate, out_rate)
            if i >= last:
                break
            a = x[i - base]
            append(_clip(a + (x[i - base + 1] - a) * rem / out_rate))
            n += 1
        self._n = n
        keep_from = min(i - base, len(x))
        self._carry = x[keep_from:]
        self._base = base + keep_from
        return to_bytes(out)


def _clip(v: float) -> int:
    n = round(v)
    if n > MAX_SAMPLE:
        return MAX_SAMPLE
    if n < MIN_SAMPLE:
        return MIN_SAMPLE
    return n


def resample(pcm: bytes, in_rate: int, out_rate: int) -> bytes:
    """Convert a whole PCM16 mono signal from ``in_rate`` to ``out_rate``."""
    converter = LinearResampler(in_rate, out_rate)
    return converter.process(pcm) + converter.flush()
