"""`animators.cached`: one animator per (task, method, device) and process, built once even when
many requests ask at once; `animators.load` still builds a new one every time."""

from __future__ import annotations

import threading
import time

import pytest

import animators
from animators import InputError


class Counted:
    """A factory(device) that counts its calls and takes a while, as loading checkpoints does."""

    def __init__(self, delay: float = 0.0) -> None:
        self.calls = 0
        self.delay = delay
        self.lock = threading.Lock()

    def __call__(self, device):
        with self.lock:
            self.calls += 1
        time.sleep(self.delay)
        return object()


@pytest.fixture
def task(monkeypatch):
    """A made-up task "fake" with two methods, "slow" (the default) and "other"."""
    factories = {"slow": Counted(delay=0.2), "other": Counted()}
    monkeypatch.setitem(animators.REGISTRY, "fake", factories)
    monkeypatch.setattr(animators, "_CACHE", {})
    monkeypatch.setattr(animators, "_BUILDING", {})
    return factories


def test_the_same_animator_comes_back(task):
    first = animators.cached("fake")
    assert animators.cached("fake") is first
    assert animators.cached("fake", "slow") is first  # the default method, by name
    assert animators.cached("fake", "other") is not first
    assert animators.cached("fake", "slow", device="cpu") is not first  # another device
    assert task["slow"].calls == 2 and task["other"].calls == 1


def test_load_still_builds_a_new_one(task):
    assert animators.load("fake") is not animators.load("fake")
    assert animators.cached("fake") is not animators.load("fake")
    assert task["slow"].calls == 4  # load, load, cached, load


def test_threads_asking_at_once_build_it_once(task):
    count = 16
    start = threading.Barrier(count)
    got = [None] * count

    def ask(index: int) -> None:
        start.wait()
        got[index] = animators.cached("fake")

    threads = [threading.Thread(target=ask, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert task["slow"].calls == 1
    assert all(animator is got[0] for animator in got) and got[0] is not None


def test_a_failed_build_is_not_kept(monkeypatch, task):
    attempts = []

    def broken(device):
        attempts.append(device)
        raise animators.CheckpointNotFound("No checkpoint for fake/broken.")

    task["broken"] = broken
    for _ in range(2):
        with pytest.raises(animators.CheckpointNotFound):
            animators.cached("fake", "broken")
    assert len(attempts) == 2


def test_unknown_task_or_method_is_an_input_error(task):
    with pytest.raises(InputError, match="Unknown task 'nope'"):
        animators.cached("nope")
    with pytest.raises(InputError, match="Unknown method 'magic' for fake"):
        animators.cached("fake", "magic")
    with pytest.raises(InputError, match="Unknown method 'magic' for inbetween"):
        animators.cached("inbetween", "magic")


def test_registry_comes_from_the_task_packages():
    from animators import birds, inbetween, text, waterfall

    assert list(animators.REGISTRY) == ["waterfall", "inbetween", "text", "birds"]
    for package in (waterfall, inbetween, text, birds):
        task = package.__name__.rsplit(".", 1)[1]
        assert animators.REGISTRY[task] is package.METHODS
    assert animators.methods("waterfall") == ["flow", "brush", "pix2gif", "recursive", "recurrent"]
    assert animators.methods("inbetween") == ["learned", "flow", "blend", "cvae", "cgan", "mipal"]
    assert animators.methods("text") == ["next_frame"] and animators.methods("birds") == [
        "stylegan"
    ]


def test_real_animators_are_cached_once(monkeypatch):
    monkeypatch.setattr(animators, "_CACHE", {})
    monkeypatch.setattr(animators, "_BUILDING", {})
    blend = animators.cached("inbetween", "blend")
    assert blend is animators.cached("inbetween", "blend") and blend.method == "blend"
