"""WAV reading/writing, FileSource streams and the microphone's resampling path, on real files."""

from __future__ import annotations

import os
import time

import numpy as np
import pytest
import soundfile as sf

from assistant.audio.sources import Block, FileSource, MicSource, Reblocker
from assistant.audio.wav import load_for_pipeline, read_wav, stream_for_pipeline, write_wav
from assistant.config import Config
from assistant.errors import UserError
from tests.audio_fixtures import have_espeak, speak, speak_wav, speech_extent

pytestmark = pytest.mark.skipif(not have_espeak(), reason="espeak-ng is not installed")


@pytest.fixture()
def out(tmp_path):
    return tmp_path


def tone(freq, seconds, rate, channels=1, amp=0.5):
    t = np.arange(int(seconds * rate)) / rate
    x = (amp * np.sin(2 * np.pi * freq * t)).astype(np.float32)
    return np.repeat(x[:, None], channels, axis=1) if channels > 1 else x


def peak_hz(x, rate):
    spectrum = np.abs(np.fft.rfft(x * np.hanning(len(x))))
    return np.fft.rfftfreq(len(x), 1 / rate)[int(np.argmax(spectrum))]


@pytest.mark.parametrize("rate,channels", [(8000, 1), (16000, 1), (22050, 1), (44100, 2), (48000, 2)])
def test_any_rate_and_channel_count_loads_as_16k_mono(out, rate, channels):
    path = speak_wav("a girl with blue hair", "en", out / f"s{rate}_{channels}.wav", rate=rate,
                     channels=channels, lead_s=0.5, trail_s=0.5)
    samples, got_rate = read_wav(path)
    assert got_rate == rate and samples.ndim == 1 and samples.dtype == np.float32
    assert np.abs(samples).max() <= 1.0
    audio = load_for_pipeline(path)
    assert abs(len(audio) / 16000 - len(samples) / rate) < 0.01
    # The speech sits where it was put, whatever the file's rate.
    start, end = speech_extent(audio)
    said_start, said_end = speech_extent(speak("a girl with blue hair", "en"))
    assert abs(start - (0.5 + said_start)) < 0.05 and abs(end - (0.5 + said_end)) < 0.05


def test_stereo_is_mixed_down_and_frequency_survives_resampling(out):
    path = write_wav(out / "tone48.wav", tone(1000, 1.0, 48000, channels=2), 48000)
    audio = load_for_pipeline(path, 16000)
    assert len(audio) == 16000
    assert abs(peak_hz(audio, 16000) - 1000) < 5
    assert 0.3 < np.abs(audio).max() <= 0.51


def test_write_wav_is_16bit_and_atomic(out):
    path = write_wav(out / "sub" / "x.wav", np.linspace(-1.5, 1.5, 1600, dtype=np.float32), 16000)
    info = sf.info(str(path))
    assert info.subtype == "PCM_16" and info.samplerate == 16000 and info.frames == 1600
    back, _ = read_wav(path)
    assert back.min() >= -1.0 and back.max() <= 1.0  # clipped, not wrapped
    assert [p.name for p in path.parent.iterdir()] == ["x.wav"]  # no temp file left behind


def _bad_files(d):
    files = {}
    files["corrupt"] = d / "corrupt.wav"
    files["corrupt"].write_bytes(b"RIFF\x24\x08\x00\x00WAVEfmt " + os.urandom(300))
    files["empty"] = d / "empty.wav"
    files["empty"].write_bytes(b"")
    files["8-bit"] = d / "u8.wav"
    sf.write(str(files["8-bit"]), tone(440, 0.5, 8000), 8000, subtype="PCM_U8")
    files["float"] = d / "float.wav"
    sf.write(str(files["float"]), tone(440, 0.5, 16000), 16000, subtype="FLOAT")
    files["flac"] = d / "really_flac.wav"
    sf.write(str(files["flac"]), tone(440, 0.5, 16000), 16000, format="FLAC")
    files["text"] = d / "notes.wav"
    files["text"].write_text("this is not audio\n")
    files["headeronly"] = d / "noframes.wav"
    sf.write(str(files["headeronly"]), np.zeros(0, dtype=np.float32), 16000, subtype="PCM_16")
    files["missing"] = d / "missing.wav"
    # 40 KB of header-says-1-Hz audio: resampled to 16 kHz it used to take gigabytes.
    files["1 Hz"] = d / "one_hz.wav"
    sf.write(str(files["1 Hz"]), np.zeros(20000, dtype=np.float32), 1, subtype="PCM_16")
    files["384 kHz"] = d / "fast.wav"
    sf.write(str(files["384 kHz"]), np.zeros(3840, dtype=np.float32), 384000, subtype="PCM_16")
    return files


@pytest.mark.parametrize("kind", ["corrupt", "empty", "8-bit", "float", "flac", "text", "headeronly", "missing",
                                  "1 Hz", "384 kHz"])
def test_bad_files_give_one_clear_line(out, kind):
    path = _bad_files(out)[kind]
    for load in (read_wav, load_for_pipeline, lambda p: FileSource([p], Config())):
        with pytest.raises(UserError) as info:
            load(path)
        line = info.value.line()
        assert "\n" not in line and str(path) in line and "fix:" in line, line
        if kind in ("8-bit", "float", "flac"):
            assert "sox" in line  # names how to convert it
        if kind.endswith("Hz"):
            assert "8000-192000 Hz" in line and "sox IN.wav -r 16000" in line


def test_filesource_plays_files_back_to_back_on_one_clock(out):
    cfg = Config()
    a = speak_wav("yes", "en", out / "a.wav", rate=48000, channels=2, lead_s=0.3, trail_s=0.2)
    b = speak_wav("no, a girl", "en", out / "b.wav", rate=8000, lead_s=0.4, trail_s=0.3)
    total = len(load_for_pipeline(a)) + len(load_for_pipeline(b))
    blocks = list(FileSource([a, b], cfg))
    n = 16000 * cfg.audio.block_ms // 1000
    assert all(isinstance(x, Block) and x.samples.shape == (n,) and x.samples.dtype == np.float32 for x in blocks)
    starts = np.array([x.start for x in blocks])
    assert np.allclose(np.diff(starts), cfg.audio.block_ms / 1000)
    assert len(blocks) == -(-total // n)  # the last partial block is padded, nothing is lost
    stream = np.concatenate([x.samples for x in blocks])[:total]
    # The second file's speech starts 0.4 s after the first file ends.
    first_len = len(load_for_pipeline(a)) / 16000
    start_b, _ = speech_extent(stream[int(first_len * 16000):])
    assert abs(start_b - 0.4) < 0.08


@pytest.mark.parametrize("chunk_frames", [1000, 4801, 48000 * 3, 1 << 16])
def test_streamed_resampling_equals_the_whole_file_resample(out, chunk_frames):
    x = np.stack([tone(440, 3.0, 48000), tone(1234, 3.0, 48000, amp=0.3)], axis=1)
    path = write_wav(out / "two_tones.wav", x, 48000)
    whole = load_for_pipeline(path, 16000)
    chunks = list(stream_for_pipeline(path, 16000, chunk_frames))
    assert max(len(c) for c in chunks) <= chunk_frames // 3 + 1000  # a chunk at a time, not the file
    streamed = np.concatenate(chunks)
    assert len(streamed) == len(whole)
    assert np.abs(streamed - whole).max() < 1e-4


def test_filesource_blocks_equal_the_whole_file_resampled(out):
    path = write_wav(out / "t44.wav", tone(700, 2.0, 44100, channels=2), 44100)
    whole = load_for_pipeline(path, 16000)
    stream = np.concatenate([b.samples for b in FileSource([path], Config())])
    assert np.abs(stream[:len(whole)] - whole).max() < 1e-4 and not stream[len(whole):].any()


LONG_FILE_SCRIPT = r"""
import resource, sys
from assistant.audio.sources import FileSource
from assistant.config import Config
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
blocks = last = 0
for block in FileSource([sys.argv[1]], Config()):
    blocks += 1
    last = block.start
print(blocks, last, (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) * 1024)
"""


def test_long_file_is_read_in_bounded_memory(out):
    """10 minutes of 48 kHz stereo is 230 MB decoded; reading it must cost a small fraction of that."""
    import subprocess
    import sys

    minutes, rate = 10, 48000
    path = out / "long.wav"
    with sf.SoundFile(str(path), "w", rate, 2, "PCM_16", format="WAV") as f:
        silence = np.zeros((rate * 60, 2), dtype=np.float32)
        for _ in range(minutes):
            f.write(silence)
    decoded = minutes * 60 * rate * 2 * 4
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    done = subprocess.run([sys.executable, "-c", LONG_FILE_SCRIPT, str(path)], cwd=root, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    blocks, last, grew = done.stdout.split()
    assert int(blocks) == minutes * 60 * 1000 // 30  # every block, timestamps to the end
    assert abs(float(last) - (minutes * 60 - 0.03)) < 1e-6
    assert int(grew) < decoded / 10, f"peak RSS grew {int(grew) / 1e6:.0f} MB reading a {decoded / 1e6:.0f} MB file"


def test_filesource_realtime_paces_blocks_and_closes(out):
    path = write_wav(out / "one.wav", np.zeros(16000, dtype=np.float32), 16000)
    source = FileSource([path], Config(), realtime=True)
    t0 = time.monotonic()
    blocks = list(source)
    assert time.monotonic() - t0 >= 0.9
    assert abs(blocks[-1].start + 0.03 - 1.0) < 0.031
    source = FileSource([path], Config(), realtime=True)
    it = iter(source)
    next(it)
    source.close()
    assert list(it) == []


def test_reblocker_turns_48k_stereo_chunks_into_16k_blocks():
    r = Reblocker(48000, 16000, 30)
    x = tone(440, 2.0, 48000, channels=2)
    blocks = []
    for i in range(0, len(x), 1234):  # odd chunk sizes, as a sound card delivers them
        blocks += r.push(x[i:i + 1234])
    blocks += r.push(np.zeros((0, 2), dtype=np.float32), last=True)
    assert all(len(b) == 480 for b in blocks)
    y = np.concatenate(blocks)
    assert abs(len(y) - 32000) <= 480
    assert abs(peak_hz(y[1000:31000], 16000) - 440) < 3
    # Streaming resampling leaves no clicks at block edges: the signal stays a smooth sine.
    assert np.abs(np.diff(y[1000:31000])).max() < 2 * np.pi * 440 / 16000 * 0.5 * 1.1


def test_microphone_missing_device_is_one_line():
    import sounddevice as sd

    cfg = Config()
    cfg.audio.input_device = "no-such-microphone-xyz"
    try:
        has_inputs = any(d["max_input_channels"] > 0 for d in sd.query_devices())
    except Exception:  # noqa: BLE001
        has_inputs = False
    source = MicSource(cfg, bus=None)
    with pytest.raises(UserError) as info:
        next(iter(source))
    line = info.value.line()
    assert "\n" not in line and "fix:" in line
    if has_inputs:
        assert "no-such-microphone-xyz" in line



MIC_SCRIPT = r"""
import json, sys, time
import numpy as np
from assistant.audio.sources import MicSource
from assistant.config import Config
from assistant.events import EventBus, Recorder

cfg = Config()
cfg.audio.input_device = "testmic"
bus = EventBus()
rec = Recorder()
bus.subscribe(rec)
src = MicSource(cfg, bus)
blocks = []
for block in src:
    blocks.append(block)
    if len(blocks) == 60:
        src.mute(time.monotonic() + 60)
    if len(blocks) >= 80:
        break
src.close()
live = np.concatenate([b.samples for b in blocks[:60]])
spectrum = np.abs(np.fft.rfft(live[800:] * np.hanning(len(live) - 800)))
print(json.dumps({
    "sizes": sorted({len(b.samples) for b in blocks}),
    "starts": [b.start for b in blocks[:5]],
    "peak_hz": float(np.fft.rfftfreq(len(live) - 800, 1 / 16000)[int(np.argmax(spectrum))]),
    "muted_after": [b.muted for b in blocks[61:]],
    "muted_zero": bool(all(not b.samples.any() for b in blocks[61:])),
    "levels": [e["rms_db"] for e in rec.of_type("level")],
    "opened": [e for e in rec.of_type("microphone")],
}))
"""


def test_microphone_through_a_real_alsa_device(tmp_path):
    """MicSource through PortAudio and ALSA: a `file` PCM plays a 660 Hz tone as the microphone.

    The ALSA null plugin has no clock, so the device delivers as fast as it can: the source must
    keep its first audio in order and count the rest as overflows, never fail.
    """
    import subprocess
    import sys

    if not os.path.exists("/usr/share/alsa/alsa.conf"):
        pytest.skip("ALSA configuration not installed")
    rate = 44100  # what PortAudio reports for ALSA plugin devices: a native rate that is not 16 kHz
    t = np.arange(rate * 4) / rate
    (0.3 * np.sin(2 * np.pi * 660 * t)).astype(np.float32).tofile(tmp_path / "in.raw")
    (tmp_path / "asoundrc").write_text(
        'pcm.testmic { type file slave.pcm "null" file "/dev/null" '
        f'infile "{tmp_path / "in.raw"}" format "raw" '
        'hint { show on description "test microphone" } }\n')
    env = dict(os.environ, ALSA_CONFIG_PATH=f"/usr/share/alsa/alsa.conf:{tmp_path / 'asoundrc'}")
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    done = subprocess.run([sys.executable, "-c", MIC_SCRIPT], cwd=root, env=env, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr[-2000:]
    out = __import__("json").loads(done.stdout.strip().splitlines()[-1])
    assert out["sizes"] == [480]
    assert np.allclose(np.diff(out["starts"]), 0.03)
    assert abs(out["peak_hz"] - 660) < 5  # 44.1 kHz resampled to 16 kHz without changing pitch
    assert out["opened"] and out["opened"][0]["native_rate"] == rate
    assert out["muted_after"] and all(out["muted_after"]) and out["muted_zero"]
    # A 0.3-amplitude sine is -13.5 dBFS RMS; the meter reports it about ten times a second.
    assert out["levels"] and abs(out["levels"][0] + 13.5) < 1.0


LATE_MIC_SCRIPT = r"""
import json, os, sys, threading, time
from assistant.audio.sources import MicSource
from assistant.config import Config
from assistant.events import EventBus, Recorder

conf, real = sys.argv[1], sys.argv[2]
cfg = Config()
cfg.kiosk.enabled = True  # a kiosk waits for its microphone instead of failing at start
cfg.audio.input_device = "latemic"
cfg.audio.reopen_delay_s = 0.1
bus = EventBus()
rec = Recorder()
bus.subscribe(rec)
src = MicSource(cfg, bus)
def plug_in():
    time.sleep(0.5)
    with open(conf, "w") as f:
        f.write(real)
threading.Thread(target=plug_in, daemon=True).start()
t0 = time.monotonic()
blocks = []
for block in src:
    blocks.append(block)
    if len(blocks) >= 10:
        break
src.close()
print(json.dumps({"blocks": len(blocks), "waited": time.monotonic() - t0,
                  "errors": [e["stage"] for e in rec.of_type("error")],
                  "opened": [e["device"] for e in rec.of_type("microphone")]}))
"""


def test_kiosk_microphone_plugged_in_late_is_found(tmp_path):
    import json
    import subprocess
    import sys

    if not os.path.exists("/usr/share/alsa/alsa.conf"):
        pytest.skip("ALSA configuration not installed")
    np.zeros(44100 * 2, dtype=np.float32).tofile(tmp_path / "in.raw")
    def device(name):
        return (f'pcm.{name} {{ type file slave.pcm "null" file "/dev/null" infile "{tmp_path / "in.raw"}" '
                'format "raw" hint { show on description "test" } }\n')
    conf = tmp_path / "asoundrc"
    conf.write_text(device("othermic"))
    env = dict(os.environ, ALSA_CONFIG_PATH=f"/usr/share/alsa/alsa.conf:{conf}")
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    done = subprocess.run([sys.executable, "-c", LATE_MIC_SCRIPT, str(conf), device("latemic")],
                          cwd=root, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr[-2000:]
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert out["blocks"] == 10 and out["waited"] >= 0.4
    assert out["errors"] == ["audio"]  # said once, not once per retry
    assert out["opened"] == ["latemic"]
