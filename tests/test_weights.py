"""fetch-weights against a real HTTP server on 127.0.0.1 started here (never a public host).

The server honours Range requests and can misbehave on purpose: drop the connection half-way
through the first transfer of a file, answer 404, stop after a few bytes without a Content-Length,
or trickle bytes slowly. The command runs through the real CLI.
"""

from __future__ import annotations

import hashlib
import http.server
import socket
import subprocess
import threading
import time
from pathlib import Path

import pytest

from assistant import cli
from assistant.commands import doctor
from assistant.config import Config, ConfigError, from_dict
from weights import registry

GOOD = bytes(range(256)) * 1200          # 300 KiB: several read chunks
OTHER = b"a different file" * 5000
SHA_GOOD = hashlib.sha256(GOOD).hexdigest()
SHA_OTHER = hashlib.sha256(OTHER).hexdigest()


class _Handler(http.server.BaseHTTPRequestHandler):
    files: dict[str, bytes] = {}
    drop_once: set[str] = set()
    ignore_range: set[str] = set()
    log: list[tuple[str, str | None]] = []
    cut_unsized: dict[str, int] = {}      # path -> bytes sent, with no Content-Length, before closing
    trickle: dict[str, tuple[int, float]] = {}  # path -> (bytes per write, seconds between writes)

    def log_message(self, *args):  # keep test output quiet
        pass

    def do_GET(self):
        self.log.append((self.path, self.headers.get("Range")))
        body = self.files.get(self.path)
        if body is None:
            self.send_error(404, "Not Found")
            return
        if self.path in self.cut_unsized:
            # A plain server that neither says how long the file is nor serves ranges, cut short.
            self.send_response(200)
            self.end_headers()
            self.wfile.write(body[:self.cut_unsized[self.path]])
            self.wfile.flush()
            self.close_connection = True
            return
        start = 0
        rng = None if self.path in self.ignore_range else self.headers.get("Range")
        if rng and rng.startswith("bytes="):
            start = int(rng[len("bytes="):].split("-")[0])
            if start >= len(body):
                self.send_response(416)
                self.send_header("Content-Range", f"bytes */{len(body)}")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.send_response(206)
            self.send_header("Content-Range", f"bytes {start}-{len(body) - 1}/{len(body)}")
        else:
            self.send_response(200)
        self.send_header("Content-Length", str(len(body) - start))
        self.send_header("Accept-Ranges", "bytes")
        self.end_headers()
        if self.path in self.drop_once:
            # Half the promised bytes, then the connection dies (a flaky mobile link, a reboot).
            self.drop_once.discard(self.path)
            self.wfile.write(body[start:start + (len(body) - start) // 2])
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_RDWR)
            self.close_connection = True
            return
        if self.path in self.trickle:
            step, pause = self.trickle[self.path]
            try:
                for i in range(start, len(body), step):
                    self.wfile.write(body[i:i + step])
                    self.wfile.flush()
                    time.sleep(pause)
            except OSError:  # the client gave up: that is the point of the test
                pass
            return
        self.wfile.write(body[start:])


@pytest.fixture
def server():
    handler = type("Handler", (_Handler,), {"files": {}, "drop_once": set(), "ignore_range": set(), "log": [],
                                            "cut_unsized": {}, "trickle": {}})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    handler.base = f"http://127.0.0.1:{httpd.server_address[1]}"
    yield handler
    httpd.shutdown()
    httpd.server_close()


def _setup(tmp_path: Path, entries: str, mirror: str = "") -> tuple[Path, Path]:
    reg = tmp_path / "registry.toml"
    reg.write_text(entries, encoding="utf-8")
    weights = tmp_path / "weights"
    cfg = tmp_path / "config.toml"
    cfg.write_text(f'[weights]\ndir = "{weights}"\nregistry = "{reg}"\nmirror = "{mirror}"\n', encoding="utf-8")
    return cfg, weights


def _entry(name, url, sha="", commercial=True, target="animegan", path=None, kind="animegan", size=0):
    path = path or f"{name}.pt"
    return (f'[[model]]\nname = "{name}"\nkind = "{kind}"\ntitle = "test {name}"\nlicence = "Test licence {name}"\n'
            f'commercial = {str(commercial).lower()}\ntarget = "{target}"\nsize_mb = 0.3\nrecommended = true\n'
            f'file = [ {{ path = "{path}", url = "{url}", sha256 = "{sha}", size = {size} }} ]\n\n')


def _run(capsys, *argv) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_download_with_checksum_and_licence_notice(server, tmp_path, capsys):
    server.files["/w/good.pt"] = GOOD
    cfg, weights = _setup(tmp_path, _entry("good", f"{server.base}/w/good.pt", SHA_GOOD, commercial=False))
    code, out, err = _run(capsys, "fetch-weights", "good", "--yes", "--config", str(cfg))
    assert code == 0, err
    assert (weights / "animegan" / "good.pt").read_bytes() == GOOD
    assert not list(weights.rglob("*.part"))
    assert "Test licence good" in out and "NON-COMMERCIAL" in out
    # Installed now: --list says so, and a second run downloads nothing.
    code, out, _ = _run(capsys, "fetch-weights", "--list", "--config", str(cfg))
    row = next(line for line in out.splitlines() if line.startswith("good"))
    assert code == 0 and "installed" in row and "NON-COMMERCIAL: Test licence good" in row and "0.3 MB" in row
    server.log.clear()
    code, out, _ = _run(capsys, "fetch-weights", "good", "--config", str(cfg))
    assert code == 0 and "already installed" in out and server.log == []


def test_checksum_mismatch_removes_the_file(server, tmp_path, capsys):
    server.files["/w/bad.pt"] = OTHER
    cfg, weights = _setup(tmp_path, _entry("bad", f"{server.base}/w/bad.pt", SHA_GOOD))
    code, _, err = _run(capsys, "fetch-weights", "bad", "--yes", "--config", str(cfg))
    assert code == 2
    assert err.count("\n") == 1 and "checksum mismatch" in err and "fix:" in err
    assert not (weights / "animegan" / "bad.pt").exists()
    assert not list(weights.rglob("*.part"))


def test_interrupted_download_resumes_with_range(server, tmp_path, capsys):
    server.files["/w/flaky.pt"] = GOOD
    server.drop_once.add("/w/flaky.pt")
    cfg, weights = _setup(tmp_path, _entry("flaky", f"{server.base}/w/flaky.pt", SHA_GOOD))
    code, _, err = _run(capsys, "fetch-weights", "flaky", "--yes", "--config", str(cfg))
    assert code == 0, err
    assert (weights / "animegan" / "flaky.pt").read_bytes() == GOOD
    # First a whole-file request that broke off half-way, then one asking only for the rest.
    assert server.log == [("/w/flaky.pt", None), ("/w/flaky.pt", f"bytes={len(GOOD) // 2}-")]


def test_leftover_part_file_is_resumed_by_the_next_run(server, tmp_path, capsys):
    server.files["/w/left.pt"] = GOOD
    cfg, weights = _setup(tmp_path, _entry("left", f"{server.base}/w/left.pt", SHA_GOOD))
    part = weights / "animegan" / "left.pt.part"
    part.parent.mkdir(parents=True)
    part.write_bytes(GOOD[:1000])
    code, _, err = _run(capsys, "fetch-weights", "left", "--yes", "--config", str(cfg))
    assert code == 0, err
    assert server.log == [("/w/left.pt", "bytes=1000-")]
    assert (weights / "animegan" / "left.pt").read_bytes() == GOOD


def test_server_without_range_support_restarts_cleanly(server, tmp_path, capsys):
    server.files["/w/plain.pt"] = GOOD
    server.ignore_range.add("/w/plain.pt")
    cfg, weights = _setup(tmp_path, _entry("plain", f"{server.base}/w/plain.pt", SHA_GOOD))
    part = weights / "animegan" / "plain.pt.part"
    part.parent.mkdir(parents=True)
    part.write_bytes(GOOD[:1000])
    code, _, err = _run(capsys, "fetch-weights", "plain", "--yes", "--config", str(cfg))
    assert code == 0, err
    # The server answered 200 with the whole file: it replaced the .part instead of being appended.
    assert (weights / "animegan" / "plain.pt").read_bytes() == GOOD


def test_not_found_is_one_clear_error(server, tmp_path, capsys):
    cfg, weights = _setup(tmp_path, _entry("gone", f"{server.base}/w/gone.pt", SHA_GOOD))
    code, _, err = _run(capsys, "fetch-weights", "gone", "--yes", "--config", str(cfg))
    assert code == 2 and err.count("\n") == 1
    assert "404" in err and "--from" in err
    assert not (weights / "animegan" / "gone.pt").exists()


def test_offline_is_one_clear_error(tmp_path, capsys):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again below: nothing listens there
    cfg, _ = _setup(tmp_path, _entry("far", f"http://127.0.0.1:{port}/far.pt", SHA_GOOD))
    code, _, err = _run(capsys, "fetch-weights", "far", "--yes", "--config", str(cfg))
    assert code == 2 and err.count("\n") == 1
    assert "cannot reach 127.0.0.1" in err and "--from DIR" in err


def test_mirror_serves_a_folder_model(server, tmp_path, capsys):
    files = {"model_index.json": b"{}", "unet/config.json": b'{"a": 1}', "unet/weights.bin": OTHER}
    for path, body in files.items():
        server.files[f"/mirror/tiny-folder/{path}"] = body
    listing = ", ".join(f'{{ path = "{p}", sha256 = "{hashlib.sha256(b).hexdigest()}" }}' for p, b in files.items())
    entry = (f'[[model]]\nname = "tiny-folder"\nkind = "sd"\nlicence = "test"\ntarget = "sd/tiny"\n'
             f'base_url = "https://example.invalid/repo/"\nfile = [ {listing} ]\n')
    cfg, weights = _setup(tmp_path, entry, mirror=f"{server.base}/mirror/")
    code, _, err = _run(capsys, "fetch-weights", "tiny-folder", "--config", str(cfg))
    assert code == 0, err
    for path, body in files.items():
        assert (weights / "sd" / "tiny" / path).read_bytes() == body


def test_install_from_a_local_folder_checks_checksums(tmp_path, capsys):
    stick = tmp_path / "usb"
    (stick / "animegan").mkdir(parents=True)
    (stick / "animegan" / "local.pt").write_bytes(GOOD)
    (stick / "corrupt").mkdir()
    (stick / "corrupt" / "corrupt.pt").write_bytes(OTHER)
    entries = _entry("local", "http://127.0.0.1:9/x", SHA_GOOD) + _entry("corrupt", "http://127.0.0.1:9/y", SHA_GOOD)
    cfg, weights = _setup(tmp_path, entries)
    code, out, err = _run(capsys, "fetch-weights", "local", "--from", str(stick), "--config", str(cfg))
    assert code == 0, err
    assert (weights / "animegan" / "local.pt").read_bytes() == GOOD
    code, _, err = _run(capsys, "fetch-weights", "corrupt", "--from", str(stick), "--config", str(cfg))
    assert code == 2 and "checksum mismatch" in err
    assert not (weights / "animegan" / "corrupt.pt").exists()
    code, _, err = _run(capsys, "fetch-weights", "local", "--from", str(tmp_path / "nowhere"), "--config", str(cfg))
    assert code == 2 and "is not a folder" in err


def test_unknown_name_and_the_shipped_registry(tmp_path, capsys):
    code, _, err = _run(capsys, "fetch-weights", "no-such-model", "--list")
    assert code == 0  # --list ignores names
    code, _, err = _run(capsys, "fetch-weights", "no-such-model")
    assert code == 2 and "fetch-weights --list" in err
    models = registry.load()
    kinds = {m.kind for m in models}
    assert {"speech", "sd", "animegan"} <= kinds
    animegan = {m.name: m for m in models if m.kind == "animegan"}
    assert set(animegan) == {"face_paint_512_v2", "face_paint_512_v1", "celeba_distill", "paprika"}
    for m in animegan.values():
        assert not m.commercial and m.files[0].path == f"{m.name}.pt" and m.target == "animegan"
        assert m.files[0].url.startswith("https://github.com/bryandlee/animegan2-pytorch/raw/main/weights/")
    for m in models:
        assert m.licence and all(f.url.startswith("https://") for f in m.files)
        assert all(f.sha256 == "" or len(f.sha256) == 64 for f in m.files)


# ---- paths from a registry or a mirror stay inside the weights folder -------------------------

def _files_under(root: Path) -> set[Path]:
    return {p for p in root.rglob("*")}


@pytest.mark.parametrize("target,path", [("../../x", "x.pt"), ("animegan", "../../x"), ("/etc/x", "x.pt"),
                                         ("animegan", "/etc/x"), ("animegan", "sub\\\\..\\\\..\\\\x"),
                                         ("C:/x", "x.pt")])
def test_registry_paths_that_leave_the_folder_are_refused(server, tmp_path, capsys, target, path):
    server.files["/w/x.pt"] = GOOD
    home = tmp_path / "a" / "b"
    home.mkdir(parents=True)
    cfg, weights = _setup(home, _entry("evil", f"{server.base}/w/x.pt", SHA_GOOD, target=target, path=path),
                          mirror=f"{server.base}/w/")
    before = _files_under(tmp_path)
    code, _, err = _run(capsys, "fetch-weights", "evil", "--yes", "--config", str(cfg))
    assert code == 2 and err.count("\n") == 1 and "fix:" in err
    assert "absolute" in err or "leaves its folder" in err
    assert server.log == [] and _files_under(tmp_path) == before
    assert not Path("/etc/x").exists()


def test_a_symlink_out_of_the_weights_folder_is_refused(server, tmp_path, capsys):
    server.files["/w/linked.pt"] = GOOD
    outside = tmp_path / "outside"
    outside.mkdir()
    cfg, weights = _setup(tmp_path, _entry("linked", f"{server.base}/w/linked.pt", SHA_GOOD))
    weights.mkdir()
    (weights / "animegan").symlink_to(outside, target_is_directory=True)
    code, _, err = _run(capsys, "fetch-weights", "linked", "--yes", "--config", str(cfg))
    assert code == 2 and err.count("\n") == 1 and "outside" in err
    assert list(outside.iterdir()) == [] and server.log == []
    # A .part planted as a link to a file elsewhere is refused the same way, not written through.
    (weights / "animegan").unlink()
    (weights / "animegan").mkdir()
    victim = outside / "victim"
    victim.write_bytes(b"keep me")
    (weights / "animegan" / "linked.pt.part").symlink_to(victim)
    code, _, err = _run(capsys, "fetch-weights", "linked", "--yes", "--config", str(cfg))
    assert code == 2 and "outside" in err and victim.read_bytes() == b"keep me"


def test_unsafe_paths_are_refused_when_the_registry_is_read(tmp_path):
    for bad in ("../x", "/abs", "a/../../b", "C:\\x", "a\\b", ""):
        with pytest.raises(registry.UnsafePathError):
            registry.relative_path(bad, "test path")
    assert registry.relative_path("unet/config.json", "test path") == "unet/config.json"


# ---- a short or unchecked file is never installed ---------------------------------------------

def test_unsized_server_closing_after_25_bytes_is_not_installed(server, tmp_path, capsys):
    server.files["/w/cut.pt"] = GOOD
    server.cut_unsized["/w/cut.pt"] = 25
    cfg, weights = _setup(tmp_path, _entry("cut", f"{server.base}/w/cut.pt", SHA_GOOD))
    code, out, err = _run(capsys, "fetch-weights", "cut", "--yes", "--config", str(cfg))
    assert code == 2 and err.count("\n") == 1 and "checksum mismatch" in err
    assert "cut: installed" not in out and not (weights / "animegan" / "cut.pt").exists()
    code, out, _ = _run(capsys, "fetch-weights", "--list", "--config", str(cfg))
    assert "installed" not in next(line for line in out.splitlines() if line.startswith("cut"))


def test_known_size_makes_a_cut_transfer_a_break_not_a_file(server, tmp_path, capsys):
    server.files["/w/sized.pt"] = GOOD
    server.cut_unsized["/w/sized.pt"] = 25
    cfg, weights = _setup(tmp_path, _entry("sized", f"{server.base}/w/sized.pt", size=len(GOOD)))
    code, _, err = _run(capsys, "fetch-weights", "sized", "--yes", "--allow-unverified", "--config", str(cfg))
    assert code == 2 and "broke off" in err and err.strip().splitlines()[-1].startswith("error:")
    # The server cannot resume (no ranges), so the 25 bytes are no use: nothing is left behind.
    assert "nothing is kept" in err and not list(weights.rglob("sized.pt*"))
    assert len(server.log) == 4  # the first try and three retries, each from the start


def test_doctor_does_not_pass_a_truncated_speech_model(tmp_path):
    weights = tmp_path / "weights"
    folder = weights / "whisper" / "base"
    folder.mkdir(parents=True)
    for name in ("config.json", "tokenizer.json", "vocabulary.txt"):
        (folder / name).write_bytes(b"{}")
    (folder / "model.bin").write_bytes(b"x" * 25)
    cfg = Config()
    cfg.weights.dir = str(weights)
    cfg.asr.model = "base"
    (check,) = [c for c in doctor.check_speech_model(cfg) if c.name == "speech model"]
    assert check.status == "MISSING" and check.critical
    assert "model.bin is 25 bytes, expected 145217532" in check.detail and "fetch-weights whisper-base" in check.fix


def test_entry_without_sha256_needs_allow_unverified(server, tmp_path, capsys):
    server.files["/w/loose.pt"] = GOOD
    cfg, weights = _setup(tmp_path, _entry("loose", f"{server.base}/w/loose.pt"))
    code, _, err = _run(capsys, "fetch-weights", "loose", "--yes", "--config", str(cfg))
    assert code == 2 and err.count("\n") == 1 and "no sha256" in err and "--allow-unverified" in err
    assert server.log == [] and not weights.exists()
    code, out, err = _run(capsys, "fetch-weights", "loose", "--yes", "--allow-unverified", "--config", str(cfg))
    assert code == 0, err
    assert err.count("\n") == 1 and err.startswith("warning: loose") and "WITHOUT a checksum" in err
    assert f"sha256 {SHA_GOOD}" in out
    assert (weights / "animegan" / "loose.pt").read_bytes() == GOOD


# ---- slow servers end, a full disk is one line -------------------------------------------------

def test_trickling_server_trips_the_stall_detector(server, tmp_path, capsys):
    server.files["/w/slow.pt"] = GOOD
    server.trickle["/w/slow.pt"] = (1, 0.5)  # 2 bytes a second
    cfg, weights = _setup(tmp_path, _entry("slow", f"{server.base}/w/slow.pt", SHA_GOOD, size=len(GOOD)))
    started = time.monotonic()
    code, _, err = _run(capsys, "fetch-weights", "slow", "--yes", "--stall-window", "1", "--stall-bytes", "100",
                        "--config", str(cfg))
    elapsed = time.monotonic() - started
    assert code == 2 and err.count("\n") == 1 and "stalled (under 100 bytes in 1 s)" in err
    assert elapsed < 5, elapsed
    # The server serves ranges, so the bytes that did arrive are kept for the next run.
    assert "kept to resume" in err and (weights / "animegan" / "slow.pt.part").stat().st_size > 0
    assert not (weights / "animegan" / "slow.pt").exists()


def test_deadline_ends_a_steady_but_endless_download(server, tmp_path, capsys):
    server.files["/w/long.pt"] = GOOD
    server.trickle["/w/long.pt"] = (200, 0.1)  # 2 KB/s: no stall at these limits, but 150 s for the file
    cfg, weights = _setup(tmp_path, _entry("long", f"{server.base}/w/long.pt", SHA_GOOD))
    cfg.write_text(cfg.read_text() + "stall_window_s = 1\nstall_min_bytes = 10\ndeadline_s = 2\n")
    started = time.monotonic()
    code, _, err = _run(capsys, "fetch-weights", "long", "--yes", "--config", str(cfg))
    elapsed = time.monotonic() - started
    assert code == 2 and err.count("\n") == 1 and "passed its 2 s deadline" in err
    assert elapsed < 6, elapsed
    assert not (weights / "animegan" / "long.pt").exists()


def test_download_limits_are_range_checked():
    for key, value in (("stall_window_s", 0), ("stall_min_bytes", 0), ("deadline_s", -1)):
        with pytest.raises(ConfigError, match="out of range"):
            from_dict({"weights": {key: value}})


def test_full_disk_is_one_line(server, tmp_path, capsys):
    small = tmp_path / "small"
    small.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(small)],
                             capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"needs a 64 KiB tmpfs to fill, and mounting one failed here: {mounted.stderr.strip()}")
    try:
        server.files["/w/big.pt"] = GOOD  # 300 KiB into 64 KiB
        reg = tmp_path / "registry.toml"
        reg.write_text(_entry("big", f"{server.base}/w/big.pt", SHA_GOOD, size=len(GOOD)), encoding="utf-8")
        cfg = tmp_path / "config.toml"
        cfg.write_text(f'[weights]\ndir = "{small / "weights"}"\nregistry = "{reg}"\n', encoding="utf-8")
        code, _, err = _run(capsys, "fetch-weights", "big", "--yes", "--config", str(cfg))
        assert code == 2 and err.count("\n") == 1, err
        assert "is full" in err and "Errno" not in err and "free some space" in err
        assert not (small / "weights" / "animegan" / "big.pt").exists()
    finally:
        subprocess.run(["umount", str(small)], check=False)
