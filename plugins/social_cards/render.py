"""Drawing one social card with Pillow: the title, wrapped and shrunk to fit, and the site name.

No Pelican here: `render_card(title, site_name, colours)` returns a 1200x630 RGB image, the
same for the same arguments and fonts. Each character is drawn with the first font of a chain
that has a glyph for it (the bold title font, then the regular one, then Noto Emoji for the
emoji DejaVu lacks); a character no bundled font has (CJK, for one) is left out rather than
drawn as a missing-glyph box, its place kept as a gap of MISSING_WIDTH.

The work is bounded by the card, not by the title: the text is cut to what the box could
hold at the smallest size before it is wrapped (`cut_to_fit`), wrapping stops at the first
line that does not fit, and every character takes some width (none would let a line of
them grow without end, and each measure of it cost more).
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
# Less than the narrowest advance a drawn character has, as a share of the size (DejaVu's
# narrowest is the fraction slash, 0.17 em; marks joined to a letter take none, and are cut
# like any character): how many characters a line can hold, at most.
NARROWEST = 0.15
# The gap a character no font has leaves, as a share of the size: never zero.
MISSING_WIDTH = 0.5


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


def runs(text: str, chain: tuple[Path, ...]) -> list[tuple[Path | None, str]]:
    """`text` cut into (font file, text) runs: each character goes to the first font in
    `chain` that has it; characters none has make runs of their own under None (not drawn,
    MISSING_WIDTH each); invisible controls (Cc, Cf) are dropped."""
    out: list[tuple[Path | None, str]] = []
    for char in text:
        path = next((p for p in chain if has_glyph(p, char)), None)
        if path is None and unicodedata.category(char) in ("Cc", "Cf"):
            continue
        if out and out[-1][0] == path:
            out[-1] = (path, out[-1][1] + char)
        else:
            out.append((path, char))
    return out


def clean(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def run_width(path: Path | None, part: str, size: int) -> float:
    if path is None:
        return len(part) * size * MISSING_WIDTH
    return font(path, size).getlength(part)


def width(text: str, chain: tuple[Path, ...], size: int) -> float:
    return sum(run_width(path, part, size) for path, part in runs(text, chain))


def most_chars(lines: int, size: int, room: float) -> int:
    """The most characters `lines` lines of `room` pixels can hold at `size`."""
    return lines * (int(room // (size * NARROWEST)) + 1)


def cut_to_fit(text: str, lines: int, size: int, room: float) -> tuple[str, bool]:
    """`text` cut to what `lines` lines could hold at `size` (most_chars), and whether it
    was cut: what is wrapped and measured is bounded by the card, whatever the text."""
    limit = most_chars(lines, size, room)
    return (text[:limit], True) if len(text) > limit else (text, False)


def _split_long_word(word: str, chain, size: int, room: float,
                     max_pieces: int | None = None) -> list[str]:
    """`word` cut between letters into pieces of at most `room` pixels; it stops after
    `max_pieces + 1` pieces (the rest would not be drawn)."""
    pieces, current = [], ""
    for char in word:
        if current and width(current + char, chain, size) > room:
            pieces.append(current)
            current = char
            if max_pieces is not None and len(pieces) > max_pieces:
                return pieces
        else:
            current += char
    return [*pieces, current] if current else pieces


def wrap(text: str, chain, size: int, room: float,
         max_lines: int | None = None) -> list[str]:
    """Greedy word wrap to `room` pixels; a word wider than a line is cut between letters.
    With `max_lines`, it stops once it has more lines than that (they do not fit)."""
    lines: list[str] = []
    current = ""
    for word in text.split(" "):
        if max_lines is not None and len(lines) > max_lines:
            return lines
        candidate = f"{current} {word}" if current else word
        if width(candidate, chain, size) <= room:
            current = candidate
            continue
        if current:
            lines.append(current)
        pieces = (_split_long_word(word, chain, size, room, max_lines)
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


def lines_that_fit(size: int, room_height: float) -> int:
    return int(room_height // (size * LINE_SPACING))


def fit_title(text: str, chain, room_width: float, room_height: float) -> tuple[int, list[str]]:
    """The largest size whose wrapped lines fit the box; at the smallest size, the lines that
    fit, the last one ending with an ellipsis. A text longer than the box could hold at the
    smallest size is cut first (cut_to_fit) and goes to the smallest size at once."""
    size = TITLE_SIZES[-1]
    keep = max(1, lines_that_fit(size, room_height))
    text, cut = cut_to_fit(text, keep, size, room_width)
    for size in TITLE_SIZES if not cut else ():
        lines = wrap(text, chain, size, room_width, lines_that_fit(size, room_height))
        if len(lines) * size * LINE_SPACING <= room_height:
            return size, lines
    size = TITLE_SIZES[-1]
    lines = wrap(text, chain, size, room_width, keep)
    if len(lines) > keep or cut:
        last = min(keep, len(lines)) - 1
        lines = [*lines[:last], with_ellipsis(lines[last], chain, size, room_width)]
    return size, lines


def draw_runs(draw, xy, text: str, chain, size: int, fill) -> None:
    """Draw text on a baseline starting at xy, switching fonts per run."""
    x, y = xy
    for path, part in runs(text, chain):
        if path is not None:
            draw.text((x, y), part, font=font(path, size), fill=fill, anchor="ls")
        x += run_width(path, part, size)


def render_card(title: str, site_name: str, colours: dict) -> Image.Image:
    """colours: "background", "text", "accent" as '#rrggbb'."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", SIZE, colours["background"])
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, SIZE[0], ACCENT_BAR), fill=colours["accent"])
    regular_chain, bold_chain = NAME_CHAIN, TITLE_CHAIN
    room = SIZE[0] - 2 * MARGIN
    name, cut = cut_to_fit(clean(site_name), 1, SITE_NAME_SIZE, room)
    if cut or width(name, regular_chain, SITE_NAME_SIZE) > room:
        name = with_ellipsis(name, regular_chain, SITE_NAME_SIZE, room)
    draw_runs(draw, (MARGIN, SITE_NAME_TOP), name, regular_chain, SITE_NAME_SIZE,
              colours["accent"])
    size, lines = fit_title(clean(title), bold_chain, room, SIZE[1] - TITLE_TOP - MARGIN)
    step = size * LINE_SPACING
    for index, line in enumerate(lines):
        baseline = TITLE_TOP + size + index * step
        draw_runs(draw, (MARGIN, baseline), line, bold_chain, size, colours["text"])
    return image
