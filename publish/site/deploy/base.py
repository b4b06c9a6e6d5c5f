"""What every deploy target shares: the report, the errors, the site's file list."""

from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from publish.errors import ConfigError


class DeployConfigError(ConfigError):
    """Bad or missing configuration, found before anything was changed (exit 2)."""

    def __init__(self, problems: list[str] | str):
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("\n".join(self.problems))

    def lines(self, command: str = "") -> list[str]:
        if command != "deploy":
            return super().lines(command)
        return [*(f"deploy: {problem}" for problem in self.problems),
                "deploy: nothing was deployed"]

    def step_line(self) -> str:
        return "; ".join(self.problems) + ": nothing deployed"


@dataclass
class DeployReport:
    """What a deploy did. `error` is set when it stopped early; what it lists was done."""

    target: str
    uploaded: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    unchanged: int = 0
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    def summary(self) -> str:
        counts = (f"{len(self.uploaded)} uploaded, {len(self.deleted)} deleted, "
                  f"{self.unchanged} unchanged")
        if self.ok:
            return f"deploy {self.target}: {counts}"
        return f"deploy {self.target} FAILED: {self.error} (done before that: {counts})"


def site_files(site: Path) -> list[tuple[str, Path]]:
    """Every file of the built site as (relative path with `/`, path), sorted."""
    found = []
    for folder, _, names in os.walk(site):
        for name in names:
            path = Path(folder) / name
            found.append((path.relative_to(site).as_posix(), path))
    return sorted(found)


def check_site(site: Path) -> None:
    """Refuse to deploy something that is not a built site: an empty or missing folder
    would delete the live site."""
    if not Path(site).is_dir():
        raise DeployConfigError(f"no built site at {site}/: run `make deploy` (a production "
                                "build, then this) or `python -m publish build` first")
    if not (Path(site) / "index.html").is_file():
        raise DeployConfigError(f"{site}/ has no index.html, so it is not a built site: "
                                "nothing deployed")
    check_manifest(Path(site))


def check_manifest(site: Path) -> None:
    """Refuse a site that is not what its build wrote: a file listed in the manifest beside
    it (`output.manifest.json`, publish/site/buildmanifest.py) is missing or changed. A folder
    without a manifest was not made by `publish build`; index.html is all that is checked."""
    from publish.site import buildmanifest

    try:
        manifest = buildmanifest.read(site)
    except buildmanifest.ManifestError as exc:
        raise DeployConfigError(f"{exc}: rebuild the site (`make deploy`) before deploying "
                                "it; nothing deployed") from None
    if manifest is None:
        return
    problems = buildmanifest.difference(site, manifest["files"])
    if problems:
        shown = "; ".join(problems[:5]) + (f"; and {len(problems) - 5} more"
                                           if len(problems) > 5 else "")
        raise DeployConfigError(
            f"{site}/ is not the site its build wrote ({shown}; see "
            f"{buildmanifest.manifest_path(site).name}): something changed it after the "
            "build; rebuild it (`make deploy`) and deploy that; nothing deployed")


def require_tool(name: str, why: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise DeployConfigError(f"`{name}` is not installed; {why} (see docs/deploy.md)")
    return path


_USERINFO = re.compile(r"(?<=://)[^/@\s]+@")


def redact_url(text: str) -> str:
    """Drop `user:token@` from any URL in `text` (a git remote may carry a token)."""
    return _USERINFO.sub("", text)
