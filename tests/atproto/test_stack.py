"""tests/atproto/stack.py when the servers do not come up: a clear StackError with the logs'
tails, within the bounded wait, and nothing left running."""

from __future__ import annotations

import socket

import pytest

from tests.atproto import stack


def launcher(tmp_path, source: str):
    script = tmp_path / "launcher.mjs"
    script.write_text(source)
    return script


def assert_closed(url: str) -> None:
    """Nothing listens at the PostgreSQL URL's port any more."""
    port = int(url.rsplit(":", 1)[1].split("/")[0])
    with socket.socket() as probe, pytest.raises(OSError):
        probe.connect(("127.0.0.1", port))


def seen_database(monkeypatch) -> list[str]:
    urls: list[str] = []
    postgres = stack.postgres

    def recording(logs):
        context = postgres(logs)

        class Recorder:
            def __enter__(self):
                urls.append(context.__enter__())
                return urls[-1]

            def __exit__(self, *exc):
                return context.__exit__(*exc)
        return Recorder()
    monkeypatch.setattr(stack, "postgres", recording)
    return urls


@pytest.mark.slow
def test_a_launcher_that_exits_is_reported_with_its_log(tmp_path, monkeypatch,
                                                        bluesky_installed):
    urls = seen_database(monkeypatch)
    monkeypatch.setattr(stack, "LAUNCHER", launcher(tmp_path, (
        "console.error('stack.mjs: cannot reach ' + process.env.DB_POSTGRES_URL)\n"
        "process.exit(3)\n")))
    with pytest.raises(stack.StackError) as failed, stack.running_stack(tmp_path):
        pass
    message = str(failed.value)
    assert message.startswith("the Bluesky stack did not start: the process exited\n")
    assert f"--- stack.err (last 4000 characters) ---\nstack.mjs: cannot reach {urls[0]}" \
        in message
    assert "--- postgres.log" in message
    assert_closed(urls[0])


@pytest.mark.slow
def test_a_launcher_that_never_answers_is_stopped_after_the_wait(tmp_path, monkeypatch,
                                                                 bluesky_installed):
    urls = seen_database(monkeypatch)
    monkeypatch.setattr(stack, "LAUNCHER", launcher(tmp_path, (
        "console.log('starting')\nsetInterval(() => {}, 1000)\n")))
    with pytest.raises(stack.StackError) as failed, stack.running_stack(tmp_path, timeout=2):
        pass
    message = str(failed.value)
    assert message.startswith("the Bluesky stack did not start: not within 2 s\n")
    assert "--- stack.out (last 4000 characters) ---\nstarting" in message
    assert_closed(urls[0])
