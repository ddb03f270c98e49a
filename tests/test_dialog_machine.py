"""The dialog state machine driven directly: timeouts, drawing in the background, cancelling and
correcting while a picture is being drawn, and errors that never end the dialog."""

import threading
import time


from assistant.config import Config
from assistant.events import EventBus, Recorder
from assistant.image.artist import Artist, Cancelled
from assistant.speech.text_speaker import TextSpeaker
from dialog import phrasing
from dialog.machine import Dialog


class FakeClock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


class SlowArtist(Artist):
    """The real artist, with drawing spread over steps so a turn can arrive mid-way."""

    def __init__(self, config, steps=50, step_s=0.02, fail=False):
        super().__init__(config)
        self.steps, self.step_s, self.fail = steps, step_s, fail
        self.started = threading.Event()

    def render(self, plan, attributes, out_dir, progress=None, cancel=None):
        self.started.set()
        for i in range(self.steps):
            if cancel.is_set():
                raise Cancelled()
            if self.fail and i == 3:
                raise RuntimeError("out of memory")
            progress(i + 1, self.steps)
            time.sleep(self.step_s)
        return super().render(plan, attributes, out_dir, progress, cancel)


def make(tmp_path, artist=None, background=False, clock=None, **cfg):
    config = Config()
    for key, value in cfg.items():
        section, name = key.split("__")
        setattr(getattr(config, section), name, value)
    bus = EventBus()
    rec = Recorder()
    bus.subscribe(rec)
    dialog = Dialog(bus.emit, config, artist or Artist(config), TextSpeaker(bus), tmp_path, background=background,
                    clock=clock or time.monotonic)
    return dialog, rec


def test_confirmation_times_out_back_to_idle(tmp_path):
    clock = FakeClock()
    dialog, rec = make(tmp_path, clock=clock, dialog__confirm_timeout_s=30.0)
    dialog.hear("a girl with blue hair")
    assert dialog.state == "confirming"
    clock.now += 29
    dialog.tick()
    assert dialog.state == "confirming"
    clock.now += 2
    dialog.tick()
    assert dialog.state == "idle"
    assert rec.of_type("state")[-1]["trigger"] == "timeout"
    assert rec.of_type("say")[-1]["text"].startswith("I'll wait here")


def test_showing_times_out_silently(tmp_path):
    clock = FakeClock()
    dialog, rec = make(tmp_path, clock=clock, dialog__showing_timeout_s=10.0)
    dialog.hear("a dog")
    dialog.hear("yes")
    assert dialog.state == "showing"
    says = len(rec.of_type("say"))
    clock.now += 11
    dialog.tick()
    assert dialog.state == "idle" and len(rec.of_type("say")) == says


def test_low_confidence_reply_is_asked_again_not_guessed(tmp_path):
    dialog, rec = make(tmp_path)
    dialog.hear("a girl with blue hair", lang="en", confidence=0.9)
    dialog.hear("yes", lang="en", confidence=0.05)
    assert dialog.state == "confirming"
    assert rec.of_type("understood")[-1]["intent"] == "unknown"
    assert "say it again" in rec.of_type("say")[-1]["text"]
    dialog.hear("yes, but at night", lang="en", confidence=0.05)  # a doubtful approval is not acted on
    assert dialog.state == "confirming" and dialog.record["time_of_day"] == "night"
    assert "right?" in rec.of_type("say")[-1]["text"]


def test_low_confidence_description_is_only_confirmed(tmp_path):
    dialog, rec = make(tmp_path)
    dialog.hear("a cat on the beach", lang="en", confidence=0.1)
    assert dialog.state == "confirming"
    assert rec.of_type("say")[-1]["text"] == "A cat on the beach, is that right?"
    assert not rec.of_type("image")


def test_background_drawing_reports_progress_and_finishes(tmp_path):
    artist = SlowArtist(Config(), steps=5, step_s=0.01)
    dialog, rec = make(tmp_path, artist=artist, background=True)
    dialog.hear("a cat on a rooftop")
    dialog.hear("yes")
    assert dialog.wait(30)
    assert dialog.state == "showing" and dialog.idle
    steps = [e["step"] for e in rec.of_type("progress")]
    assert steps[:5] == [1, 2, 3, 4, 5]
    assert rec.of_type("image")[-1]["attributes"] == {"subject": "cat", "setting": "rooftop"}


def test_cancel_during_drawing_stops_it(tmp_path):
    artist = SlowArtist(Config(), steps=200, step_s=0.02)
    dialog, rec = make(tmp_path, artist=artist, background=True)
    dialog.hear("a cat on a rooftop")
    dialog.hear("yes")
    assert artist.started.wait(10)
    t0 = time.monotonic()
    dialog.hear("stop")
    assert dialog.wait(5)
    assert time.monotonic() - t0 < 1.0
    assert dialog.state == "idle"
    assert not rec.of_type("image")
    assert len(rec.of_type("progress")) < 200


def test_correction_during_drawing_redraws_with_the_change(tmp_path):
    artist = SlowArtist(Config(), steps=30, step_s=0.02)
    dialog, rec = make(tmp_path, artist=artist, background=True)
    dialog.hear("a girl with red hair in a forest")
    dialog.hear("yes")
    assert artist.started.wait(10)
    dialog.hear("make her hair pink")
    for _ in range(100):
        if dialog.wait(5) and dialog.state == "showing":
            break
    images = rec.of_type("image")
    assert len(images) == 1
    assert images[0]["attributes"] == {"subject": "girl", "hair_color": "pink", "setting": "forest"}
    triggers = [e["trigger"] for e in rec.of_type("state")]
    assert triggers == ["describe", "confirm", "correct", "done"]


def test_drawing_error_is_reported_and_dialog_goes_on(tmp_path):
    artist = SlowArtist(Config(), steps=10, step_s=0.0, fail=True)
    dialog, rec = make(tmp_path, artist=artist, background=True)
    dialog.hear("a boy with glasses")
    dialog.hear("yes")
    dialog.wait(10)
    assert dialog.state == "idle"
    err = rec.of_type("error")[-1]
    assert err["stage"] == "generate" and "out of memory" in err["message"]
    assert "something went wrong" in rec.of_type("say")[-1]["text"]
    artist.fail = False
    dialog.hear("a boy with glasses")
    dialog.hear("yes")
    dialog.wait(10)
    assert rec.of_type("image")


def test_every_transition_is_a_state_event_in_order(tmp_path):
    dialog, rec = make(tmp_path)
    for turn in ("a woman in a blue dress", "no", "green dress", "yes", "add a hat", "start over"):
        dialog.hear(turn)
    chain = [(e["from"], e["to"]) for e in rec.of_type("state")]
    for (a, b), (c, _) in zip(chain, chain[1:]):
        assert b == c
    assert chain[0][0] == "idle" and dialog.state == "idle"


def test_greeting_is_spoken_in_the_configured_language(tmp_path):
    dialog, rec = make(tmp_path, general__language="zh")
    dialog.greet()
    say = rec.of_type("say")[-1]
    assert say["lang"] == "zh" and "你好" in say["text"]


def test_image_models_are_freed_after_a_long_idle(tmp_path):
    class Tracking(Artist):
        released = 0

        def release(self):
            Tracking.released += 1
            super().release()

    clock = FakeClock()
    dialog, _ = make(tmp_path, artist=Tracking(Config()), clock=clock, image__release_after_s=600.0)
    dialog.hear("a dog")
    dialog.hear("yes")
    clock.now += 300
    dialog.tick()
    assert Tracking.released == 0
    clock.now += 400
    dialog.tick()
    dialog.tick()
    assert Tracking.released == 1  # once per quiet spell, not on every tick
    dialog.hear("a cat")
    clock.now += 700
    dialog.tick()
    assert Tracking.released == 1  # not while a confirmation is pending


# -- the table is the behaviour ------------------------------------------------------------------
def test_the_table_answers_every_intent_in_every_state(tmp_path):
    from dialog.machine import TRANSITIONS
    from dialog.states import DialogState, Intent

    make(tmp_path)  # binding the table to a dialog resolves every callback it names
    handled = set()
    for t in TRANSITIONS:
        sources = t["source"] if isinstance(t["source"], list) else [t["source"]]
        handled |= {(t["trigger"], s) for s in sources}
    # In idle a correction is read as a description before the machine sees it.
    missing = [(i.value, s.value) for s in DialogState for i in Intent
               if (i, s) not in handled and (i, s) != (Intent.CORRECT, DialogState.IDLE)]
    assert not missing


def _drawing(tmp_path, **kw):
    artist = SlowArtist(Config(), **kw)
    dialog, rec = make(tmp_path, artist=artist, background=True)
    dialog.hear("a cat on a rooftop")
    dialog.hear("yes")
    assert artist.started.wait(10)
    assert dialog.state == "generating"
    return dialog, rec


def test_no_while_drawing_stops_it_and_is_told_as_a_cancel(tmp_path):
    dialog, rec = _drawing(tmp_path, steps=200, step_s=0.02)
    dialog.hear("no")
    assert dialog.wait(5)
    assert dialog.state == "idle" and not rec.of_type("image")
    last = rec.of_type("state")[-1]
    assert (last["from"], last["to"], last["trigger"]) == ("generating", "idle", "cancel")
    assert rec.of_type("understood")[-1]["intent"] == "deny"
    assert rec.of_type("say")[-1]["text"] == phrasing.phrase("cancelled", "en")


def test_turns_that_change_nothing_while_drawing_are_no_transition(tmp_path):
    dialog, rec = _drawing(tmp_path, steps=40, step_s=0.02)
    states = len(rec.of_type("state"))
    for turn in ("no hat", "yes", "blorp fizz"):  # nothing to change, an approval, noise
        dialog.hear(turn)
        assert rec.of_type("say")[-1]["text"] == phrasing.phrase("still_drawing", "en")
    assert len(rec.of_type("state")) == states and dialog.state == "generating"
    assert dialog.wait(30) and dialog.state == "showing"
    assert [e["trigger"] for e in rec.of_type("state")] == ["describe", "confirm", "done"]


def test_replies_not_understood_run_out_into_a_timeout(tmp_path):
    dialog, rec = make(tmp_path, dialog__max_reprompts=2)
    for turn in ("a cat", "blorp", "no", "blorp", "blorp"):
        dialog.hear(turn)
    assert dialog.state == "confirming"
    dialog.hear("wibble")
    assert dialog.state == "idle"
    assert [e["trigger"] for e in rec.of_type("state")] == [
        "describe", "reprompt", "deny", "reprompt", "reprompt", "timeout"]  # "no" starts the count again
    assert rec.of_type("say")[-1]["text"] == phrasing.phrase("gave_up", "en")


def test_a_refused_picture_is_said_plainly_not_as_a_fault(tmp_path):
    from assistant.image.safety import PictureWithheld
    from dialog.ports import Refused

    class Withholding(Artist):
        def render(self, plan, attributes, out_dir, progress=None, cancel=None):
            raise PictureWithheld()

    assert issubclass(PictureWithheld, Refused)
    dialog, rec = make(tmp_path, artist=Withholding(Config()))
    dialog.hear("a dog")
    dialog.hear("yes")
    assert dialog.state == "idle" and rec.of_type("state")[-1]["trigger"] == "error"
    assert rec.of_type("error")[-1]["stage"] == "generate"
    assert rec.of_type("say")[-1]["text"] == phrasing.phrase("blocked", "en")


def test_a_doubtful_change_to_a_picture_on_show_is_asked_again(tmp_path):
    dialog, rec = make(tmp_path)
    dialog.hear("a dog")
    dialog.hear("yes")
    states = len(rec.of_type("state"))
    dialog.hear("make it a cat", lang="en", confidence=0.05)
    assert dialog.state == "showing" and len(rec.of_type("state")) == states
    understood = rec.of_type("understood")[-1]
    assert understood["intent"] == "unknown" and understood["reason"] == "low confidence"
    assert understood["attributes"] == {"subject": "dog"}
    assert rec.of_type("say")[-1]["text"] == phrasing.phrase("low_confidence", "en")


def test_the_artist_is_told_to_stop_with_the_dialog_s_own_exception():
    from assistant.image import cancel
    from dialog import ports

    assert Cancelled is cancel.Cancelled is ports.Cancelled
