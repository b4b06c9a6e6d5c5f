"""A social card per article: a 1200x630 PNG with its title and the site name, for og:image.

Every article and translation gets `article.social_card`, a dict the theme reads:
`path` (site-relative, e.g. "images/cards/my-post.png") or `url` (an absolute https address,
from the `Image:` header), and `width`/`height` when known. Cards are rendered into a cache
folder under a name that is the hash of everything that shapes them, then copied into the
output: an unchanged article costs a file copy, not a rendering. See docs/social-cards.md.
"""

import contextlib
import difflib
import hashlib
import io
import json
import logging
import os
import re
import shutil
import stat
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

from pelican import signals

from . import render

logger = logging.getLogger(__name__)

# Bump when the drawing changes: every cached card is then rendered again.
VERSION = "2"
PREFIX = "SOCIAL_CARDS_"
# Brand colours from theme/static/css/style.css: --bg, --text, --accent.
DEFAULTS = {
    "SOCIAL_CARDS_BACKGROUND": "#fdfcf9",
    "SOCIAL_CARDS_TEXT": "#1d1f24",
    "SOCIAL_CARDS_ACCENT": "#0b5d6b",
    "SOCIAL_CARDS_CACHE_PATH": None,  # None: <CACHE_PATH>/social-cards
    "SOCIAL_CARDS_OUTPUT_DIR": "images/cards",
}
SETTINGS = tuple(DEFAULTS)
COLOUR_KEYS = {"SOCIAL_CARDS_BACKGROUND": "background", "SOCIAL_CARDS_TEXT": "text",
               "SOCIAL_CARDS_ACCENT": "accent"}
COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg", ".gif", ".webp")
# How many cards this process rendered and reused in the last build (tests, bench, the log).
STATS = {"rendered": 0, "reused": 0}
# Cards waiting to be copied into the output at the end of the run, by id of its settings.
_PENDING: dict[int, list[tuple[str, str]]] = {}


class SocialCardsFailed(SystemExit):
    """Content or settings mistakes: exit status 1 and one line, no traceback."""

    def __init__(self, problems: list[str]):
        count = len(problems)
        super().__init__(f"social_cards: {count} problem{'s' if count != 1 else ''} found "
                         "(listed above); the build stopped before writing the site")
        self.problems = list(problems)


def fail_on(problems: list[str]) -> None:
    if not problems:
        return
    for problem in problems:
        # `pelican --fatal errors` raises after the first error record; log them all.
        with contextlib.suppress(RuntimeError):
            logger.error("%s", problem)
    raise SocialCardsFailed(problems)


def setting_problems(settings: dict) -> list[str]:
    """Every problem with the SOCIAL_CARDS_* settings, as "SETTING: reason"."""
    problems = []
    for name in sorted(k for k in settings if isinstance(k, str) and k.startswith(PREFIX)):
        if name not in SETTINGS:
            hint = difflib.get_close_matches(name, SETTINGS, n=1, cutoff=0.6)
            problems.append(f"{name}: unknown setting" + (
                f" (did you mean {hint[0]}?)" if hint else f" (known: {', '.join(SETTINGS)})"))
    for name in COLOUR_KEYS:
        value = settings.get(name, DEFAULTS[name])
        if not isinstance(value, str) or not COLOUR.fullmatch(value):
            problems.append(f"{name}: must be a colour as '#rrggbb' (got {value!r})")
    cache = settings.get("SOCIAL_CARDS_CACHE_PATH")
    if cache is not None and (not isinstance(cache, str) or not cache.strip()):
        problems.append(f"SOCIAL_CARDS_CACHE_PATH: must be a folder path or None (got {cache!r})")
    out = settings.get("SOCIAL_CARDS_OUTPUT_DIR", DEFAULTS["SOCIAL_CARDS_OUTPUT_DIR"])
    if (not isinstance(out, str) or not out.strip("/") or out.startswith("/") or "\\" in out
            or any(part in ("", ".", "..") for part in out.split("/"))):
        problems.append("SOCIAL_CARDS_OUTPUT_DIR: must be a relative folder inside the output, "
                        f"like 'images/cards' (got {out!r})")
    return problems


def active(settings: dict) -> bool:
    """Whether this build lists the plugin. Pelican never disconnects a plugin's signals, so
    in a process that builds more than once (tests, the dev server) a build without it in
    PLUGINS must not get cards."""
    names = [getattr(p, "__name__", p) for p in settings.get("PLUGINS") or ()]
    return any(str(n).rsplit(".", 1)[-1] == "social_cards" for n in names)


def check_settings(pelican) -> None:
    if not active(pelican.settings):
        return
    for name, value in DEFAULTS.items():
        pelican.settings.setdefault(name, value)
    problems = setting_problems(pelican.settings)
    if problems:
        raise SystemExit("\n".join(problems))


def cache_folder(settings: dict) -> Path:
    configured = settings.get("SOCIAL_CARDS_CACHE_PATH")
    if configured:
        return Path(configured)
    return Path(settings.get("CACHE_PATH") or "cache") / "social-cards"


def colours_of(settings: dict) -> dict[str, str]:
    """Each role's colour, lowercased (setting_problems has checked each is '#rrggbb')."""
    return {role: str(settings.get(key, DEFAULTS[key])).lower()
            for key, role in COLOUR_KEYS.items()}


_RENDERER_DIGEST: list[str] = []
# What draws a card: the drawing code and the fonts. A change to either is a new cache key,
# whether or not VERSION was bumped.
def renderer_files() -> tuple[Path, ...]:
    return (Path(render.__file__), *render.FONT_FILES)


def renderer_digest() -> str:
    """A hash of render.py and the bundled fonts (once per process)."""
    if not _RENDERER_DIGEST:
        digest = hashlib.sha256()
        for path in renderer_files():
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
        _RENDERER_DIGEST.append(digest.hexdigest())
    return _RENDERER_DIGEST[0]


def card_key(title: str, site_name: str, colours: dict) -> str:
    """The hash of everything that shapes a card: a cached card with this name is this card."""
    payload = json.dumps({"title": title, "site": site_name, "colours": colours,
                          "renderer": renderer_digest(), "version": VERSION,
                          "size": list(render.SIZE)}, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


# A cached card is `<card key>-<sha256 of its bytes>.png`: read back, its bytes must hash to
# the name, or it is rendered again (a truncated or replaced file is never deployed).
CACHED_NAME = re.compile(r"([0-9a-f]{64})-([0-9a-f]{64})\.png")
MAX_CARD_BYTES = 16 * 1024 * 1024


def cache_index(folder: Path) -> dict[str, Path]:
    """{card key: cached file} from one listing of the cache folder (regular files only)."""
    found: dict[str, Path] = {}
    with contextlib.suppress(OSError), os.scandir(folder) as entries:
        for entry in entries:
            match = CACHED_NAME.fullmatch(entry.name)
            if match and entry.is_file(follow_symlinks=False):
                found[match.group(1)] = Path(entry.path)
    return found


def verified(path: Path) -> bool:
    """The cached file is a regular file of sane size whose bytes hash to its name."""
    match = CACHED_NAME.fullmatch(path.name)
    try:
        info = path.lstat()
        if not match or not stat.S_ISREG(info.st_mode) or info.st_size > MAX_CARD_BYTES:
            return False
        return hashlib.sha256(path.read_bytes()).hexdigest() == match.group(2)
    except OSError:
        return False


def cached_card(folder: Path, title: str, site_name: str, colours: dict,
                index: dict[str, Path] | None = None) -> Path:
    """The cached PNG for this card, rendered first if it is not there yet or does not pass
    `verified` (one warning line: it is removed and rendered again)."""
    key = card_key(title, site_name, colours)
    found = (cache_index(folder) if index is None else index).get(key)
    if found is not None:
        if verified(found):
            STATS["reused"] += 1
            return found
        logger.warning("social_cards: the cached card %s does not match its digest "
                       "(truncated or changed): rendered again", found)
        found.unlink(missing_ok=True)
    folder.mkdir(parents=True, exist_ok=True)
    image = render.render_card(title, site_name, colours)
    data = io.BytesIO()
    image.save(data, format="PNG", optimize=True)
    target = folder / f"{key}-{hashlib.sha256(data.getvalue()).hexdigest()}.png"
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".card-", suffix=".png")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data.getvalue())
        os.replace(temporary, target)  # atomic: a parallel build sees all of it or nothing
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    STATS["rendered"] += 1
    return target


def source_of(article) -> str:
    return (article.relative_source_path or article.source_path or "?").replace(os.sep, "/")


def image_override(value, content_root: Path) -> tuple[dict | None, str | None]:
    """The card an `Image:` header asks for, or the reason it is refused. A path is relative
    to the content folder (a leading "/" or "{static}/" is allowed); an URL must be https."""
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        return None, "must be an image path inside the content folder or an https:// URL"
    if re.match(r"[a-zA-Z][a-zA-Z0-9+.-]*:", text):
        parts = urlsplit(text)
        if parts.scheme.lower() != "https" or not parts.hostname or any(
                c.isspace() or c in "\"'<>`" for c in text):
            return None, f"{text!r} is not an absolute https:// URL"
        return {"url": text}, None
    relative = text.removeprefix("{static}").lstrip("/")
    root = content_root.resolve()
    path = (root / relative).resolve()
    if not path.is_relative_to(root):
        return None, f"{text!r} is outside the content folder"
    if path.suffix.lower() not in IMAGE_EXTENSIONS:
        return None, f"{text!r} is not an image ({', '.join(IMAGE_EXTENSIONS)})"
    if not path.is_file():
        return None, f"{text!r} does not exist in the content folder"
    card = {"path": path.relative_to(root).as_posix(), "source": path}
    try:
        from PIL import Image

        with Image.open(path) as image:
            card["width"], card["height"] = image.size
    except OSError:
        return None, f"{text!r} is not a readable image"
    return card, None


def card_name(article, default_lang: str) -> str:
    slug = article.slug
    return slug if article.lang == default_lang else f"{article.lang}-{slug}"


def make_cards(generator) -> None:
    """Give every article and translation its card (rendered into the cache when new)."""
    settings = generator.settings
    if not active(settings):
        return
    folder = cache_folder(settings)
    colours = colours_of(settings)
    site_name = str(settings.get("SITENAME") or "")
    out_dir = settings.get("SOCIAL_CARDS_OUTPUT_DIR", DEFAULTS["SOCIAL_CARDS_OUTPUT_DIR"])
    content_root = Path(generator.path)
    default_lang = settings.get("DEFAULT_LANG", "en")
    problems: list[str] = []
    # (the image an Image: names or the cached card, its path in the output), as strings:
    # kept until the end of the build, 1000 pairs of Path objects were about 1 MB.
    copies: list[tuple[str, str]] = []
    names: dict[str, str] = {}                # card name → the source that has it
    index = cache_index(folder)
    STATS.update(rendered=0, reused=0)  # per build: the dev server builds many in one process
    for article in list(generator.articles) + list(generator.translations):
        source = source_of(article)
        override = article.metadata.get("image")
        if override is not None:
            card, reason = image_override(override, content_root)
            if card is None:
                problems.append(f"{source}: Image: {reason}")
                continue
            if "source" in card:
                copies.append((str(card.pop("source")), card["path"]))
            article.social_card = card
            continue
        name = card_name(article, default_lang)
        if name in names:
            problems.append(f"{source}: its card {out_dir}/{name}.png would overwrite the card "
                            f"of {names[name]} (give one of them another Slug)")
            continue
        names[name] = source
        relative = f"{out_dir}/{name}.png"
        copies.append((str(cached_card(folder, str(article.title), site_name, colours, index)),
                       relative))
        article.social_card = {"path": relative, "width": render.SIZE[0],
                               "height": render.SIZE[1]}
    fail_on(problems)
    _PENDING[id(settings)] = copies
    logger.info("social cards: %d rendered, %d from the cache (%s)",
                STATS["rendered"], STATS["reused"], folder)


def check_pages(generator) -> None:
    """Pages share the site card: an `Image:` on one would be ignored silently, so it is an
    error instead."""
    if not active(generator.settings):
        return
    pages = [*generator.pages, *generator.translations, *generator.hidden_pages,
             *generator.hidden_translations, *generator.draft_pages,
             *generator.draft_translations]
    fail_on([f"{source_of(page)}: Image: only articles have a social card of their own; "
             "pages share the site card" for page in pages if "image" in page.metadata])


def write_cards(pelican) -> None:
    """At the end of a successful run: copy the cards (and override images) into the output.
    Paths as strings and each folder made once: a thousand cards cost a thousand copies,
    not also a thousand Path objects and mkdir calls."""
    output = str(pelican.output_path)
    folders: set[str] = set()
    for source, relative in _PENDING.pop(id(pelican.settings), []):
        target = os.path.join(output, relative)
        if os.path.isfile(target) and os.path.getsize(target) == os.path.getsize(source) \
                and Path(target).read_bytes() == Path(source).read_bytes():
            continue  # a static file Pelican copied already
        folder = os.path.dirname(target)
        if folder not in folders:
            os.makedirs(folder, exist_ok=True)
            folders.add(folder)
        shutil.copyfile(source, target)


def register() -> None:
    signals.initialized.connect(check_settings)
    signals.article_generator_finalized.connect(make_cards)
    signals.page_generator_finalized.connect(check_pages)
    signals.finalized.connect(write_cards)
