"""Redirect pages at the addresses a shared article had before it moved (identity.py
decides which). Written straight into the output folder, not through Pelican's writer, so
pelican-sitemap (which lists what the writer writes) leaves them out."""

import logging
import os
from pathlib import Path

from jinja2 import Environment, FileSystemLoader
from pelican.generators import Generator
from pelican.utils import sanitised_join

from ..header.identity import Redirect, relative_target
from ..posts.links import article_url, site_path

logger = logging.getLogger(__name__)

TEMPLATES = str(Path(__file__).parent / "templates")
TEMPLATE = "campaign_redirect.html"


def render(environment: Environment, redirect: Redirect, site_url: str) -> str:
    return environment.get_template(TEMPLATE).render(
        lang=redirect.lang,
        title=redirect.title,
        canonical=article_url(site_url, redirect.target),
        target=site_path(relative_target(redirect)),
    )


class RedirectsGenerator(Generator):
    """Writes `self.redirects` (set by the campaign plugin once every article is read)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.redirects: list[Redirect] = []
        self.site_url = ""
        self.templates = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True,
                                 keep_trailing_newline=True)

    def generate_output(self, writer) -> None:
        for redirect in self.redirects:
            path = sanitised_join(self.output_path, redirect.save_as)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w", encoding="utf-8") as stream:
                stream.write(render(self.templates, redirect, self.site_url))
            logger.info("campaign: %s: redirect page at %s → %s", redirect.source,
                        redirect.path, redirect.target)
