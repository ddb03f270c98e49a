"""fetch-weights against a real HTTP server on 127.0.0.1 started here (never a public host).

The server honours Range requests and can misbehave on purpose: drop the connection half-way
through the first transfer of a file, or answer 404. The command runs through the real CLI.
"""

from __future__ import annotations

import hashlib
import http.server
import socket
import threading
from pathlib import Path

import pytest

from assistant import cli
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

    def log_message(self, *args):  # keep test output quiet
        pass

    def do_GET(self):
        self.log.append((self.path, self.headers.get("Range")))
        body = self.files.get(self.path)
        if body is None:
            self.send_error(404, "Not Found")
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
        self.wfile.write(body[start:])


@pytest.fixture
def server():
    handler = type("Handler", (_Handler,), {"files": {}, "drop_once": set(), "ignore_range": set(), "log": []})
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


def _entry(name, url, sha="", commercial=True, target="animegan", path=None, kind="animegan"):
    path = path or f"{name}.pt"
    return (f'[[model]]\nname = "{name}"\nkind = "{kind}"\ntitle = "test {name}"\nlicence = "Test licence {name}"\n'
            f'commercial = {str(commercial).lower()}\ntarget = "{target}"\nsize_mb = 0.3\nrecommended = true\n'
            f'file = [ {{ path = "{path}", url = "{url}", sha256 = "{sha}" }} ]\n\n')


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
    cfg, weights = _setup(tmp_path, _entry("gone", f"{server.base}/w/gone.pt"))
    code, _, err = _run(capsys, "fetch-weights", "gone", "--yes", "--config", str(cfg))
    assert code == 2 and err.count("\n") == 1
    assert "404" in err and "--from" in err
    assert not (weights / "animegan" / "gone.pt").exists()


def test_offline_is_one_clear_error(tmp_path, capsys):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again below: nothing listens there
    cfg, _ = _setup(tmp_path, _entry("far", f"http://127.0.0.1:{port}/far.pt"))
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
