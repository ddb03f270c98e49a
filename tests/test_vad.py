"""The segmenter on real espeak-ng speech, silence and noise: where segments start and end, and
that noise, music-like steady sound and long silences never open turns."""

from __future__ import annotations

import dataclasses
import time

import numpy as np
import pytest

from assistant.audio.sources import Block, FileSource
from assistant.audio.vad import Segmenter
from assistant.config import Config, VadConfig
from tests.audio_fixtures import (add_noise, active_power, compose, have_espeak, silence, speak,
                                  speak_wav, speech_extent, white_noise)
from assistant.audio.wav import write_wav

pytestmark = pytest.mark.skipif(not have_espeak(), reason="espeak-ng is not installed")
RATE = 16000
DESCRIPTION = "Draw a girl with blue hair standing under a cherry blossom tree"


def feed_all(audio, vad=None, on_pause=None, block_ms=30, muted=False):
    seg = Segmenter(vad or VadConfig(), RATE, on_pause=on_pause)
    n = RATE * block_ms // 1000
    out = []
    for i in range(0, len(audio) - n + 1, n):
        out += seg.feed(Block(audio[i:i + n], i / RATE, muted))
    out += seg.flush()
    return out, seg


def check_matches(segments, extents, vad=VadConfig()):
    """Each segment starts up to pre-roll before its speech and ends just after it."""
    assert len(segments) == len(extents), [(s.start, s.end) for s in segments]
    for s, (a, b) in zip(segments, extents):
        assert a - vad.preroll_s - 0.1 <= s.start <= a + 0.05, (s.start, a)
        assert b - 0.05 <= s.end <= b + vad.pause_s + 0.15, (s.end, b)
        assert abs(len(s.audio) / RATE - (s.end - s.start)) < 1e-6
        assert s.audio.dtype == np.float32


def test_two_utterances_with_silence_give_two_segments_at_the_right_times():
    audio, extents = compose([1.0, speak(DESCRIPTION), 2.0, speak("no, a girl"), 1.5])
    segments, seg = feed_all(audio)
    check_matches(segments, extents)
    assert seg.state == "silence" and not seg.speaking


def test_chinese_and_short_replies_are_segmented():
    audio, extents = compose([0.8, speak("画一个蓝发少女站在樱花树下", "zh"), 1.5, speak("对", "zh"), 1.2,
                              speak("yes"), 1.0, speak("不对,是女孩", "zh"), 1.0])
    segments, _ = feed_all(audio)
    check_matches(segments, extents)


def test_speech_in_noise_at_10db_snr():
    clean, extents = compose([2.0, speak(DESCRIPTION), 2.0, speak("no, a girl"), 1.5])
    noisy = add_noise(clean, 10, seed=3)
    segments, seg = feed_all(noisy)
    check_matches(segments, extents)
    # The floor settled on the noise, not on silence or speech.
    noise_db = 10 * np.log10(active_power(clean) / 10)
    assert abs(seg.noise_floor_db - noise_db) < 3


@pytest.mark.parametrize("rate,channels", [(8000, 1), (48000, 2)])
def test_files_at_other_rates_segment_the_same(tmp_path, rate, channels):
    path = speak_wav(DESCRIPTION, "en", tmp_path / f"d{rate}.wav", rate=rate, channels=channels,
                     lead_s=1.0, trail_s=1.0)
    seg = Segmenter(VadConfig(), RATE)
    segments = []
    for block in FileSource([path], Config()):
        segments += seg.feed(block)
    segments += seg.flush()
    a, b = speech_extent(speak(DESCRIPTION))
    check_matches(segments, [(1.0 + a, 1.0 + b)])


def test_ten_minutes_of_silence_give_nothing_quickly():
    t0 = time.perf_counter()
    segments, seg = feed_all(silence(600))
    elapsed = time.perf_counter() - t0
    assert segments == [] and seg.state == "silence"
    print(f"10 min of silence segmented in {elapsed:.2f} s")


@pytest.mark.parametrize("level", [-40.0, -25.0, -10.0])
def test_a_minute_of_white_noise_gives_nothing(level):
    segments, seg = feed_all(white_noise(60, level, seed=int(-level)))
    assert segments == []
    assert abs(seg.noise_floor_db - level) < 2


def test_noise_that_starts_loud_then_speech_in_it():
    # The noise is there from the first frame (no quiet lead-in to learn a floor from).
    clean, extents = compose([5.0, speak("a boy wearing glasses reading a book"), 1.5])
    noise = white_noise(len(clean) / RATE, -32, seed=9)
    segments, _ = feed_all(np.clip(clean + noise, -1, 1).astype(np.float32))
    check_matches(segments, extents)


def test_steady_tone_chord_does_not_open_turns():
    # Music-like steady harmonic sound (a sustained chord with vibrato) for 30 s.
    t = np.arange(30 * RATE) / RATE
    vib = 1 + 0.01 * np.sin(2 * np.pi * 5 * t)
    chord = sum(0.08 * np.sin(2 * np.pi * f * vib * t) for f in (220, 277, 330, 440))
    segments, _ = feed_all(chord.astype(np.float32))
    assert len(segments) <= 1  # at most the onset, never a stream of turns


def _babble(seconds, talkers=5):
    """A hall full of people: several dev-set talkers at once, each starting elsewhere."""
    from tests.audio_fixtures import dev_descriptions

    one = np.concatenate([speak(r["text"]) for r in dev_descriptions("en")])
    one = np.tile(one, int(seconds * RATE / len(one)) + 1)[: int(seconds * RATE)]
    return sum(np.roll(one, k * RATE * 7) * 0.3 for k in range(talkers)).astype(np.float32)


def _staccato(seconds, seed=0):
    """Music: plucked notes with harmonics, four a second."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(0.25 * RATE)) / RATE
    notes = []
    for _ in range(int(seconds * 4)):
        f = 220 * 2 ** (rng.integers(0, 24) / 12)
        env = np.minimum(1, t / 0.01) * np.exp(-8 * t)
        notes.append(sum(0.1 / k * np.sin(2 * np.pi * f * k * t) for k in range(1, 6)) * env)
    return np.concatenate(notes).astype(np.float32)


@pytest.mark.parametrize("make", [_babble, _staccato], ids=["babble", "music"])
def test_a_noisy_hall_or_music_gives_at_most_one_turn_per_minute(make):
    segments, seg = feed_all(make(60))
    # Its onset may come out as one turn (at most max_segment_s long); then it is background.
    assert len(segments) <= 1 and all(s.end <= 16 for s in segments), [(s.start, s.end) for s in segments]
    assert seg.busy


def test_a_person_close_to_the_microphone_is_heard_over_the_hall():
    speech, extents = compose([40.0, speak(DESCRIPTION), 5.0])
    hall = _babble(len(speech) / RATE)
    gain = np.sqrt(active_power(speech) / active_power(hall) / 10)  # the voice 10 dB over the hall
    segments, _ = feed_all(np.clip(speech + hall * gain, -1, 1).astype(np.float32))
    onset = [s for s in segments if s.end < 20]
    assert len(onset) <= 2, [(s.start, s.end) for s in segments]  # the hall's first seconds
    check_matches([s for s in segments if s.end >= 20], extents)


def test_utterance_longer_than_max_segment_is_cut_and_goes_on():
    sentence = speak(DESCRIPTION)
    audio, extents = compose([0.5] + [sentence, 0.15] * 7 + [1.0])  # ~24 s of unbroken talk
    vad = VadConfig()
    segments, _ = feed_all(audio, vad)
    assert len(segments) == 2
    first, second = segments
    assert first.cut and not second.cut
    assert abs((first.end - first.start) - vad.max_segment_s) < 0.05
    assert abs(second.start - first.end) < 1e-6  # nothing lost at the cut
    assert abs(second.end - extents[-1][1]) < vad.pause_s + 0.15


def test_short_bursts_are_dropped():
    # 40 ms of a voiced sound: at most two 30 ms frames, under min_speech_s (0.09) and the trigger
    click = speak("yes")[800:800 + int(0.04 * RATE)]
    audio, _ = compose([1.0, click, 2.0, click, 2.0])
    segments, _ = feed_all(audio)
    assert segments == []


def test_on_pause_fires_once_per_pause_and_matches_the_final_segment():
    calls = []
    first = speak("a girl with blue hair")
    second = speak("and green eyes")
    # A 0.45 s pause (< end_silence_s) keeps one segment; the on_pause at the first pause is
    # a speculative start the pipeline throws away, the second one is the final audio.
    audio, extents = compose([1.0, first, 0.45, second, 2.0])
    segments, _ = feed_all(audio, on_pause=lambda a, s, p: calls.append((a.copy(), s, p)))
    assert len(segments) == 1
    s = segments[0]
    assert len(calls) >= 2
    final_audio, start, pause_start = calls[-1]
    assert start == s.start and np.array_equal(final_audio, s.audio)
    assert abs(pause_start - extents[-1][1]) < 0.1
    assert all(c[1] == s.start for c in calls)


def test_slow_speaker_bridges_longer_pauses():
    audio, _ = compose([1.0, speak("a girl with blue hair"), 1.0, speak("in a kimono"), 1.5])
    normal, _ = feed_all(audio, VadConfig())
    slow, _ = feed_all(audio, dataclasses.replace(VadConfig(), slow_speaker=True))
    assert len(normal) == 2 and len(slow) == 1


@pytest.mark.parametrize("frame_ms", [10, 20, 30])
def test_frame_sizes(frame_ms):
    audio, extents = compose([1.0, speak("no, a girl"), 1.5])
    segments, _ = feed_all(audio, dataclasses.replace(VadConfig(), frame_ms=frame_ms), block_ms=30)
    check_matches(segments, extents)


def test_muted_blocks_and_reset_forget_speech():
    audio, _ = compose([0.5, speak(DESCRIPTION), 1.0])
    segments, _ = feed_all(audio, muted=True)  # the assistant's own voice while muted
    assert segments == []
    seg = Segmenter(VadConfig(), RATE)
    half = len(audio) // 2 // 480 * 480
    for i in range(0, half, 480):
        seg.feed(Block(audio[i:i + 480], i / RATE))
    assert seg.speaking
    seg.reset()
    assert seg.state == "silence"
    out = []
    for i in range(half, len(audio) - 479, 480):
        out += seg.feed(Block(audio[i:i + 480], i / RATE))
    out += seg.flush()
    assert all(s.start >= half / RATE - 0.01 for s in out)


def test_artifact_noisy_turns(tmp_path):
    # Written for a person to listen to next to the printed segment times.
    from tests.audio_fixtures import artifact_dir

    clean, extents = compose([1.0, speak(DESCRIPTION), 2.0, speak("不对,是女孩", "zh"), 1.0])
    noisy = add_noise(clean, 10, seed=1)
    write_wav(artifact_dir("vad") / "two_turns_10db.wav", noisy, RATE)
    segments, _ = feed_all(noisy)
    check_matches(segments, extents)


def test_acoustics_tell_steady_hiss_from_a_voice():
    from assistant.audio.vad import acoustics
    from tests import noise_fixtures as nf
    from tests.audio_fixtures import have_espeak, speak, with_silence

    hiss = acoustics(nf.white(2.0, -20.0, seed=3))
    hum = acoustics(nf.hum(2.0, -20.0, 60.0, seed=3))
    assert hiss.modulation_db < 4.5 and hiss.noise_like > 0.74, hiss
    assert hum.modulation_db < 4.5, hum
    if have_espeak():
        voice = acoustics(with_silence(speak("a girl with blue hair on the beach"), 16000, 0.3, 0.2))
        assert voice.modulation_db > 9.0 and voice.noise_like < 0.3, voice
