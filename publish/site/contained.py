"""What a folder holds that lives outside it: a symlink under `content/` (or the theme's
static folder) whose target is elsewhere would be published as if it were the site's own
(`content/images/x.txt -> ../../.git/config` ships the CI checkout's token). The build
refuses it before Pelican runs (publish/site/build.py).

Pure but for reading the folder tree: `paths_outside(root)` lists, as paths under `root`,
every file or folder that resolves outside `root`, walking symlinked folders that stay
inside as Pelican does (each real folder once, so a symlink loop ends).
"""

from __future__ import annotations

import os
from pathlib import Path


def paths_outside(root: Path, within: Path | None = None) -> list[Path]:
    """Every file or folder under `root` that resolves outside `within` (default: `root`),
    sorted; a folder listed is not walked further. A missing `root`: nothing."""
    root = Path(root)
    if not root.is_dir():
        return []
    limit = Path(within if within is not None else root).resolve()
    found: list[Path] = []
    seen: set[Path] = set()
    for folder, folders, files in os.walk(root, followlinks=True):
        real = Path(folder).resolve()
        if real in seen:                   # a symlink loop, or a folder linked twice
            folders.clear()
            continue
        seen.add(real)
        for name in sorted([*folders, *files]):
            path = Path(folder) / name
            if not path.resolve().is_relative_to(limit):
                found.append(path)
                if name in folders:
                    folders.remove(name)
    return sorted(found)


def outside_problems(root: Path, within: Path | None = None, shown: str = "") -> list[str]:
    """One message per path `paths_outside` finds, naming it and where it leads."""
    limit = Path(within if within is not None else root)
    where = shown or str(limit)
    return [f"{path}: a symlink to {path.resolve()}, outside {where}: it would be "
            f"published; copy the file into {where} or remove the link"
            for path in paths_outside(root, within)]
