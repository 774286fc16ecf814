"""`secbot teams package`: a sideloadable zip with a valid manifest and icons."""

from __future__ import annotations

import json
import struct
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.settings import get_settings
from handlers.cli.app import app
from handlers.teams.package import PLACEHOLDER_BOT_ID
from tests.handlers.teams.conftest import CLIENT_ID

runner = CliRunner()


def read_png(data: bytes) -> tuple[int, int, list[list[tuple[int, ...]]]]:
    """Width, height and RGBA rows of an 8-bit RGBA, unfiltered PNG (what we write)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, header = 8, b"", b""
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length : pos + 12 + length])
        assert zlib.crc32(kind + body) == crc
        if kind == b"IHDR":
            header = body
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    width, height, depth, colour_type = struct.unpack(">IIBB", header[:10])
    assert (depth, colour_type) == (8, 6)
    raw = zlib.decompress(idat)
    stride = 1 + 4 * width
    rows = []
    for y in range(height):
        line = raw[y * stride : (y + 1) * stride]
        assert line[0] == 0
        rows.append([tuple(line[1 + 4 * x : 5 + 4 * x]) for x in range(width)])
    return width, height, rows


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CONNECTIONS__SERVICE_CONNECTION__SETTINGS__CLIENTID", raising=False)
    monkeypatch.setenv("SECBOT_PUBLIC_URL", "https://secbot.example.org")
    get_settings.cache_clear()
    yield tmp_path
    get_settings.cache_clear()


def test_package_with_the_configured_bot_id(env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONNECTIONS__SERVICE_CONNECTION__SETTINGS__CLIENTID", CLIENT_ID)
    result = runner.invoke(app, ["teams", "package", "--output", "out/secbot.zip"])
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(env / "out" / "secbot.zip") as z:
        assert sorted(z.namelist()) == ["color.png", "manifest.json", "outline.png"]
        manifest = json.loads(z.read("manifest.json"))
        color, outline = z.read("color.png"), z.read("outline.png")

    assert manifest["manifestVersion"] == "1.19"
    assert manifest["$schema"].endswith("/v1.19/MicrosoftTeams.schema.json")
    assert manifest["id"] == CLIENT_ID
    assert manifest["icons"] == {"color": "color.png", "outline": "outline.png"}
    assert manifest["validDomains"] == ["secbot.example.org"]
    assert all(u.startswith("https://") for u in manifest["developer"].values() if "://" in u)
    assert len(manifest["name"]["short"]) <= 30 and len(manifest["description"]["short"]) <= 80
    [bot] = manifest["bots"]
    assert bot["botId"] == CLIENT_ID
    assert sorted(bot["scopes"]) == ["groupChat", "personal", "team"]
    [commands] = bot["commandLists"]
    assert 0 < len(commands["commands"]) <= 10
    for command in commands["commands"]:
        assert len(command["title"]) <= 32 and len(command["description"]) <= 128

    width, height, pixels = read_png(color)
    assert (width, height) == (192, 192)
    assert all(p[3] == 255 for row in pixels for p in row)  # a full-colour, opaque icon
    width, height, pixels = read_png(outline)
    assert (width, height) == (32, 32)
    flat = [p for row in pixels for p in row]
    assert all(p[3] == 0 or p[:3] == (255, 255, 255) for p in flat)  # white on transparent
    assert any(p[3] == 0 for p in flat) and any(p[3] == 255 for p in flat)


def test_without_a_bot_id_it_asks_for_one(env: Path) -> None:
    result = runner.invoke(app, ["teams", "package"])
    assert result.exit_code == 2
    assert "CLIENTID" in result.output
    assert not (env / "secbot-teams.zip").exists()


def test_placeholder_package(env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SECBOT_PUBLIC_URL", "http://127.0.0.1:3000")
    result = runner.invoke(app, ["teams", "package", "--placeholder"])
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(env / "secbot-teams.zip") as z:
        manifest = json.loads(z.read("manifest.json"))
    assert manifest["id"] == manifest["bots"][0]["botId"] == PLACEHOLDER_BOT_ID
    assert manifest["developer"]["websiteUrl"].startswith("https://")


def test_bad_bot_id_or_plain_http_is_refused(env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert runner.invoke(app, ["teams", "package", "--bot-id", "my-bot"]).exit_code == 2
    monkeypatch.setenv("SECBOT_PUBLIC_URL", "http://127.0.0.1:3000")
    get_settings.cache_clear()
    result = runner.invoke(app, ["teams", "package", "--bot-id", CLIENT_ID])
    assert result.exit_code == 2 and "https" in result.output
