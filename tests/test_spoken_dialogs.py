"""The project's own spoken dialog sets, spoken by the natural voices, through the real `listen`.

Eight dialogs a language, spread over the kinds (fillers, self-repairs, corrections, chained
corrections, refusals, cancels, two figures...), each spoken turn by turn and run through
`listen` with whisper base. The bound is over the set, never one machine's transcript: English
(Piper) must get at least 6 of 8 pictures exactly right, Chinese (the Mandarin voice) at least
5 of 8, with a wider margin because CI's CPU has heard it worse than any ISA here: a dialog whose right picture is understood and still waits for its yes counts, and a wrong
picture drawn counts against the set (the person's scripted yes to a wrong confirmation draws it).
espeak-ng English stays as the hard case, with a looser bound. The full sets and their figures
are bench/bench_spoken_dialogs.py's job.
"""

from __future__ import annotations

import pytest

from tests import spoken_sets
from tests.audio_fixtures import have_espeak, natural_available

N = 8
# Bounds sit below the measured rates by the sampling margin of 8 dialogs, because whisper's words
# differ between CPUs and Piper's VITS draws new noise on every call: English measured 43/46 over
# the whole set (8/8 here natively, 6/8 under CT2_FORCE_CPU_ISA=AVX2: "a force", "add a scar"),
# so 6 of 8 fails about one run in 80 by chance. Chinese: 8/8 natively and under AVX2 and GENERIC
# once 颜色长发, 宗似/宗饰头发, 渣马以 and 围金 were read by sound (CI's CPU had given 2/8 before,
# on three of these slips: the bound keeps a margin of three for the slips not yet seen).
BOUND = {("en", "natural"): 6, ("zh", "natural"): 5, ("en", "espeak"): 6}


def _score(lang: str, voice: str, tmp_path, waiting_counts: bool = False) -> tuple[int, list[str]]:
    """Dialogs right, and what went wrong in the others. `waiting_counts`: a dialog whose right
    picture was understood and is still waiting for its yes counts too, while a wrong picture
    drawn counts as a failure twice over (it is the worse mistake)."""
    from assistant.audio.wav import write_wav

    config = spoken_sets.write_config(tmp_path / "config.toml", "base", sized=True, threads=2)
    right, failures = 0, []
    for d in spoken_sets.subset(lang, N):
        work = tmp_path / d.id
        work.mkdir()
        wav = write_wav(work / "dialog.wav", spoken_sets.dialog_audio(d, voice), spoken_sets.RATE)
        result = spoken_sets.run_listen(wav, config, work, timeout=40 + 15 * len(d.turns))
        assert result["code"] == 0, f"{d.id}: listen failed: {result['stderr']}"
        if spoken_sets.matches(d.expect, result["drawn"]):
            right += 1
        elif waiting_counts and result["drawn"] is None and spoken_sets.matches(d.expect, result["understood"]):
            right += 1
            failures.append(f"{d.id}: understood right, its yes unheard; heard {result['heard']}")
        else:
            if waiting_counts and result["drawn"] is not None:
                right -= 1  # a wrong picture drawn
            failures.append(f"{d.id}: {spoken_sets.differences(d.expect, result['drawn'])}; "
                            f"heard {result['heard']}")
    return right, failures


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_natural_voice_dialogs_end_in_the_expected_picture(lang, tmp_path):
    why = natural_available(lang)
    if why:
        # Only until the Mandarin port lands (assistant.speech.mandarin); English must always load.
        assert lang == "zh", why
        pytest.skip(f"the natural {lang} voice is unavailable: {why}")
    right, failures = _score(lang, "natural", tmp_path, waiting_counts=lang == "zh")
    assert right >= BOUND[(lang, "natural")], f"{right}/{N} right:\n" + "\n".join(failures)


@pytest.mark.slow
@pytest.mark.skipif(not have_espeak(), reason="espeak-ng is not installed")
def test_espeak_english_dialogs_mostly_end_in_the_expected_picture(tmp_path):
    right, failures = _score("en", "espeak", tmp_path)
    assert right >= BOUND[("en", "espeak")], f"{right}/{N} right:\n" + "\n".join(failures)


def test_every_dialog_is_well_formed():
    """Each expectation is a record the schema accepts, and each set is big enough to mean something."""
    from dialog.attributes import validate

    for lang in spoken_sets.LANGS:
        dialogs = spoken_sets.load(lang)
        assert len(dialogs) >= 45
        assert len({d.id for d in dialogs}) == len(dialogs)
        for d in dialogs:
            assert d.turns and all(t.strip() for t in d.turns), d.id
            if d.expect is not None:
                assert spoken_sets.matches(d.expect, validate(d.expect)), d.id


def test_typed_dialogs_reach_their_picture_except_the_known_gaps():
    """Typed through the Dialog as `chat` runs it, every dialog not marked as a parser gap ends in
    exactly its expected picture; a marked gap that now passes should lose its mark."""
    config = spoken_sets.sketch_config()
    wrong = []
    for lang in spoken_sets.LANGS:
        for d in spoken_sets.load(lang):
            drawn, _ = spoken_sets.typed_final(d.turns, config)
            if spoken_sets.matches(d.expect, drawn) == bool(d.gap):
                wrong.append(f"{d.id} ({'gap now passes' if d.gap else spoken_sets.differences(d.expect, drawn)})")
    assert not wrong, wrong
