"""The Teams app package for sideloading: manifest.json (schema 1.19) and two PNG icons.

The icons are drawn here with a tiny PNG writer (zlib + struct, no imaging library): a white
calendar on the accent colour (192×192, "color") and the same calendar in white on transparent
(32×32, "outline"), as Teams requires.
"""

from __future__ import annotations

import json
import struct
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

MANIFEST_VERSION = "1.19"
PLACEHOLDER_BOT_ID = "00000000-0000-0000-0000-000000000000"
SCHEMA_URL = (
    "https://developer.microsoft.com/en-us/json-schemas/teams/"
    f"v{MANIFEST_VERSION}/MicrosoftTeams.schema.json"
)
ACCENT = "#2E6B8F"
SCOPES = ["personal", "team", "groupChat"]
COMMANDS = [
    ("what's coming up?", "The next meetings, with dates, place and status"),
    ("when is INC7?", "When and where a meeting is, and whether it is confirmed"),
    ("meetings in Africa", "Meetings in a region, country or city"),
    ("meetings in February 2016", "What's on in a month, a week or between two dates"),
    ("who funds ICCM4?", "Who hosts or funds a meeting"),
    ("what's due this week?", "Deadlines: a meeting's, the next one, or those in a week or month"),
    ("send me a daily agenda", "The day's meetings and deadlines every morning"),
    ("remind me at 9 to book flights", "A personal reminder at the time you say"),
    ("help", "What I can answer, with examples"),
]

RGBA = tuple[int, int, int, int]


def png(width: int, height: int, pixel: Callable[[int, int], RGBA]) -> bytes:
    """An 8-bit RGBA PNG (no filtering) from a pixel function."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(
        b"\x00" + b"".join(bytes(pixel(x, y)) for x in range(width)) for y in range(height)
    )
    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows, 9))
        + chunk(b"IEND", b"")
    )


def calendar_glyph(u: float, v: float) -> bool:
    """Whether (u, v) in the unit square is ink: a calendar page with rings and day cells."""

    def inside(u0: float, v0: float, u1: float, v1: float) -> bool:
        return u0 <= u < u1 and v0 <= v < v1

    frame = (0.18, 0.24, 0.82, 0.84)
    t = 0.07
    if inside(*frame) and not inside(frame[0] + t, frame[1] + t, frame[2] - t, frame[3] - t):
        return True
    if inside(frame[0], frame[1], frame[2], 0.40):  # the header band
        return True
    if inside(0.32, 0.14, 0.40, 0.32) or inside(0.60, 0.14, 0.68, 0.32):  # binder rings
        return True
    cells = [(c, r) for c in (0.30, 0.45, 0.60) for r in (0.48, 0.64)]
    return any(inside(c, r, c + 0.10, r + 0.10) for c, r in cells)


def _hex(colour: str) -> tuple[int, int, int]:
    value = colour.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def color_icon(size: int = 192) -> bytes:
    r, g, b = _hex(ACCENT)

    def pixel(x: int, y: int) -> RGBA:
        ink = calendar_glyph((x + 0.5) / size, (y + 0.5) / size)
        return (255, 255, 255, 255) if ink else (r, g, b, 255)

    return png(size, size, pixel)


def outline_icon(size: int = 32) -> bytes:
    def pixel(x: int, y: int) -> RGBA:
        ink = calendar_glyph((x + 0.5) / size, (y + 0.5) / size)
        return (255, 255, 255, 255) if ink else (0, 0, 0, 0)

    return png(size, size, pixel)


def manifest(*, bot_id: str, website_url: str, version: str = "1.0.0") -> dict[str, Any]:
    host = urlsplit(website_url).hostname
    return {
        "$schema": SCHEMA_URL,
        "manifestVersion": MANIFEST_VERSION,
        "version": version,
        "id": bot_id,
        "developer": {
            "name": "Convention secretariat",
            "websiteUrl": website_url,
            "privacyUrl": website_url,
            "termsOfUseUrl": website_url,
        },
        "name": {"short": "secbot", "full": "secbot, the secretariat's meeting assistant"},
        "description": {
            "short": "Meetings, deadlines, reminders and calendar feeds for the secretariat",
            "full": (
                "Ask secbot about the secretariat's meetings as you would ask a colleague: "
                "when and where they are, what's on in a region or a month, who hosts or funds "
                "them. Each answer comes with buttons to add a meeting to your calendar, be "
                "reminded before it starts, or subscribe to meetings like it."
            ),
        },
        "icons": {"color": "color.png", "outline": "outline.png"},
        "accentColor": ACCENT,
        "bots": [
            {
                "botId": bot_id,
                "scopes": SCOPES,
                "supportsFiles": False,
                "isNotificationOnly": False,
                "commandLists": [
                    {
                        "scopes": SCOPES,
                        "commands": [{"title": t, "description": d} for t, d in COMMANDS],
                    }
                ],
            }
        ],
        "permissions": ["identity", "messageTeamMembers"],
        "validDomains": [host] if host else [],
    }


def write_package(path: Path, *, bot_id: str, website_url: str) -> Path:
    """Write the zip Teams accepts for "Upload a custom app": the three files at its root."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr(
            "manifest.json", json.dumps(manifest(bot_id=bot_id, website_url=website_url), indent=2)
        )
        z.writestr("color.png", color_icon())
        z.writestr("outline.png", outline_icon())
    return path
