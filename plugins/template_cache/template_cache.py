"""The `generator_init` hook: the generator's Jinja environment gets the bytecode cache."""

from __future__ import annotations

import os

from jinja2 import FileSystemBytecodeCache
from pelican import signals

SETTING = "TEMPLATE_BYTECODE_CACHE_PATH"


def use_bytecode_cache(generator) -> None:
    folder = generator.settings.get(SETTING)
    if not folder:
        return
    if not isinstance(folder, str):
        raise ValueError(f"{SETTING}: want a folder's path (a string), not "
                         f"{type(folder).__name__}")
    os.makedirs(folder, exist_ok=True)
    generator.env.bytecode_cache = FileSystemBytecodeCache(folder)


def register() -> None:
    signals.generator_init.connect(use_bytecode_cache)
