"""Drawing one social card with Pillow: the title, wrapped and shrunk to fit, and the site name.

No Pelican here: `render_card(title, site_name, colours)` returns a 1200x630 RGB image, the
same for the same arguments and fonts. Each character is drawn with the first font of a chain
that has a glyph for it (the bold title font, then the regular one, then Noto Emoji for the
emoji DejaVu lacks); a character no bundled font has (CJK, for one) is left out rather than
drawn as a missing-glyph box.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL import Image, ImageFont

# Pillow is imported by the functions that draw, not here: a build whose cards all come from
# the cache never draws, and Pillow costs 1.4 MB of memory once imported.

SIZE = (1200, 630)
FONT_DIR = Path(__file__).resolve().parent / "fonts"
BOLD = FONT_DIR / "DejaVuSans-Bold.ttf"
REGULAR = FONT_DIR / "DejaVuSans.ttf"
# Noto Emoji (monochrome, SIL OFL 1.1), the emoji subset of @fontsource/noto-emoji 5.3.2.
EMOJI = FONT_DIR / "NotoEmoji-Regular.woff"
FONT_FILES = (BOLD, REGULAR, EMOJI)
TITLE_CHAIN = (BOLD, REGULAR, EMOJI)
NAME_CHAIN = (REGULAR, EMOJI)
# A code point no font has: what a font draws for a character it lacks (its .notdef glyph).
MISSING = "\U0010ffff"

MARGIN = 80  # left, right and bottom
ACCENT_BAR = 16  # height of the accent stripe along the top
SITE_NAME_SIZE = 40
SITE_NAME_TOP = 84
TITLE_TOP = 190
TITLE_SIZES = range(76, 39, -4)  # largest first; the last one wraps with an ellipsis
LINE_SPACING = 1.22
ELLIPSIS = "…"


@lru_cache(maxsize=64)
def font(path: Path, size: int) -> ImageFont.FreeTypeFont:
    from PIL import ImageFont

    return ImageFont.truetype(str(path), size)


@lru_cache(maxsize=4096)
def has_glyph(path: Path, char: str) -> bool:
    """Whether the font at `path` draws `char` with a glyph of its own, not its .notdef box.
    Pillow has no cmap lookup; a glyph that renders exactly like .notdef counts as missing."""
    if char.isspace():
        return True
    if unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp"):
        return False
    probe = font(path, 48)
    mask, notdef = probe.getmask(char), probe.getmask(MISSING)
    return (mask.size, bytes(mask)) != (notdef.size, bytes(notdef))


def runs(text: str, chain: tuple[Path, ...]) -> list[tuple[Path, str]]:
    """`text` cut into (font file, text) runs: each character goes to the first font in
    `chain` that has it; characters none has are dropped."""
    out: list[tuple[Path, str]] = []
    for char in text:
        path = next((p for p in chain if has_glyph(p, char)), None)
        if path is None:
            continue
        if out and out[-1][0] == path:
            out[-1] = (path, out[-1][1] + char)
        else:
            out.append((path, char))
    return out


def clean(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def width(text: str, chain: tuple[Path, ...], size: int) -> float:
    return sum(font(path, size).getlength(part) for path, part in runs(text, chain))


def _split_long_word(word: str, chain, size: int, room: float) -> list[str]:
    pieces, current = [], ""
    for char in word:
        if current and width(current + char, chain, size) > room:
            pieces.append(current)
            current = char
        else:
            current += char
    return [*pieces, current] if current else pieces


def wrap(text: str, chain, size: int, room: float) -> list[str]:
    """Greedy word wrap to `room` pixels; a word wider than a line is cut between letters."""
    lines: list[str] = []
    current = ""
    for word in text.split(" "):
        candidate = f"{current} {word}" if current else word
        if width(candidate, chain, size) <= room:
            current = candidate
            continue
        if current:
            lines.append(current)
        pieces = (_split_long_word(word, chain, size, room)
                  if width(word, chain, size) > room else [word])
        lines += pieces[:-1]
        current = pieces[-1] if pieces else ""
    if current:
        lines.append(current)
    return lines


def with_ellipsis(line: str, chain, size: int, room: float) -> str:
    line = line.rstrip()
    while line and width(line + ELLIPSIS, chain, size) > room:
        line = line[:-1].rstrip()
    return line + ELLIPSIS


def fit_title(text: str, chain, room_width: float, room_height: float) -> tuple[int, list[str]]:
    """The largest size whose wrapped lines fit the box; at the smallest size, the lines that
    fit, the last one ending with an ellipsis."""
    for size in TITLE_SIZES:
        lines = wrap(text, chain, size, room_width)
        if len(lines) * size * LINE_SPACING <= room_height:
            return size, lines
    size = TITLE_SIZES[-1]
    lines = wrap(text, chain, size, room_width)
    keep = max(1, int(room_height // (size * LINE_SPACING)))
    if len(lines) > keep:
        lines = [*lines[:keep - 1], with_ellipsis(lines[keep - 1], chain, size, room_width)]
    return size, lines


def draw_runs(draw, xy, text: str, chain, size: int, fill) -> None:
    """Draw text on a baseline starting at xy, switching fonts per run."""
    x, y = xy
    for path, part in runs(text, chain):
        face = font(path, size)
        draw.text((x, y), part, font=face, fill=fill, anchor="ls")
        x += face.getlength(part)


def render_card(title: str, site_name: str, colours: dict) -> Image.Image:
    """colours: "background", "text", "accent" as '#rrggbb'."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", SIZE, colours["background"])
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, SIZE[0], ACCENT_BAR), fill=colours["accent"])
    regular_chain, bold_chain = NAME_CHAIN, TITLE_CHAIN
    room = SIZE[0] - 2 * MARGIN
    name = clean(site_name)
    if width(name, regular_chain, SITE_NAME_SIZE) > room:
        name = with_ellipsis(name, regular_chain, SITE_NAME_SIZE, room)
    draw_runs(draw, (MARGIN, SITE_NAME_TOP), name, regular_chain, SITE_NAME_SIZE,
              colours["accent"])
    size, lines = fit_title(clean(title), bold_chain, room, SIZE[1] - TITLE_TOP - MARGIN)
    step = size * LINE_SPACING
    for index, line in enumerate(lines):
        baseline = TITLE_TOP + size + index * step
        draw_runs(draw, (MARGIN, baseline), line, bold_chain, size, colours["text"])
    return image
