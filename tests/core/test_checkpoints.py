"""animators.core.checkpoints: safetensors round trips, strict loading, and where checkpoints
are found.

The Hugging Face Hub path is exercised for real (no mocks) against a local HF cache laid out the
way `hf_hub_download` writes it, in offline mode.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import torch
from safetensors.torch import load_file, save_file
from torch import nn

from animators import CheckpointNotFound
from animators.core import checkpoints as ckpt

TASK, MODEL = "waterfall", "motion-net"
ENV_NAME = "ANIMATE_CKPT_WATERFALL_MOTION_NET"


@dataclass(frozen=True)
class TinyConfig:
    in_features: int = 5
    out_features: int = 3


class TinyNet(nn.Module):
    def __init__(self, config: TinyConfig) -> None:
        super().__init__()
        self.config = config
        self.linear = nn.Linear(config.in_features, config.out_features)
        self.register_buffer("steps", torch.tensor([7, 11], dtype=torch.int64))


def make_net(seed: int = 0, config: TinyConfig | None = None) -> TinyNet:
    torch.manual_seed(seed)
    net = TinyNet(config or TinyConfig())
    with torch.no_grad():  # values that fp16 cannot hold exactly
        net.linear.weight.mul_(1.2345678)
    return net


@pytest.fixture
def isolated(monkeypatch, tmp_path):
    """No repo checkpoints, no ANIMATE_CKPT_* variables, an empty offline HF cache."""
    for name in list(os.environ):
        if name.startswith("ANIMATE_CKPT_") or name == "ANIMATE_HUB_REPO":
            monkeypatch.delenv(name)
    empty = tmp_path / "empty-checkpoints"
    empty.mkdir()
    monkeypatch.setenv("ANIMATE_CHECKPOINTS_DIR", str(empty))
    use_hf_cache(monkeypatch, tmp_path / "hf-home")
    return tmp_path


def use_hf_cache(monkeypatch, hf_home: Path) -> Path:
    """Point huggingface_hub at `hf_home`/hub, offline. It copies these variables into module
    constants at import time, so the constants are patched as well as the environment."""
    import huggingface_hub.constants as constants

    cache = hf_home / "hub"
    cache.mkdir(parents=True, exist_ok=True)
    monkeypatch.setenv("HF_HOME", str(hf_home))
    monkeypatch.setenv("HF_HUB_CACHE", str(cache))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setattr(constants, "HF_HOME", str(hf_home))
    monkeypatch.setattr(constants, "HF_HUB_CACHE", str(cache))
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", True)
    return cache


# --- save / load round trips --------------------------------------------------------------


def test_fp16_round_trip_is_strict_and_bit_exact_to_the_rounded_weights(tmp_path):
    net = make_net()
    folder = ckpt.save_checkpoint(tmp_path / "run", net, net.config, metrics={"psnr": 31.5})

    stored = load_file(str(folder / ckpt.WEIGHTS))
    assert stored["linear.weight"].dtype == torch.float16
    assert stored["steps"].dtype == torch.int64  # integers are not halved
    assert json.loads((folder / ckpt.CONFIG).read_text()) == {"in_features": 5, "out_features": 3}
    assert ckpt.read_json(folder, ckpt.METRICS) == {"psnr": 31.5}

    loaded = ckpt.load_module(TinyNet, TinyConfig, folder)

    assert loaded.config == net.config
    assert not loaded.training
    for name, original in net.state_dict().items():
        value = loaded.state_dict()[name]
        if original.is_floating_point():
            assert value.dtype == torch.float32
            assert torch.equal(value, original.half().float())
        else:
            assert torch.equal(value, original)
    # fp16 really rounded something: the test would not notice a silent fp32 save otherwise.
    assert not torch.equal(loaded.linear.weight, net.linear.weight)


def test_full_precision_round_trip_is_bit_exact(tmp_path):
    net = make_net(seed=1, config=TinyConfig(in_features=4, out_features=6))
    folder = ckpt.save_checkpoint(tmp_path / "run", net, net.config, half=False)
    assert not (folder / ckpt.METRICS).exists()

    loaded = ckpt.load_module(TinyNet, TinyConfig, folder)

    assert loaded.config == TinyConfig(in_features=4, out_features=6)
    for name, original in net.state_dict().items():
        assert torch.equal(loaded.state_dict()[name], original), name
    x = torch.randn(2, 4)
    assert torch.equal(loaded.linear(x), net.linear(x))


def test_config_can_be_a_plain_dict(tmp_path):
    net = make_net()
    folder = ckpt.save_checkpoint(tmp_path / "run", net, {"in_features": 5, "out_features": 3})
    assert ckpt.load_module(TinyNet, TinyConfig, folder).config == TinyConfig()


def test_extra_key_fails_strict_load(tmp_path):
    net = make_net()
    folder = ckpt.save_checkpoint(tmp_path / "run", net, net.config)
    state = load_file(str(folder / ckpt.WEIGHTS))
    state["linear.extra"] = torch.zeros(2, dtype=torch.float16)
    save_file(state, str(folder / ckpt.WEIGHTS))
    with pytest.raises(RuntimeError, match="linear.extra"):
        ckpt.load_module(TinyNet, TinyConfig, folder)


def test_missing_key_fails_strict_load(tmp_path):
    net = make_net()
    folder = ckpt.save_checkpoint(tmp_path / "run", net, net.config)
    state = load_file(str(folder / ckpt.WEIGHTS))
    del state["linear.bias"]
    save_file(state, str(folder / ckpt.WEIGHTS))
    with pytest.raises(RuntimeError, match="linear.bias"):
        ckpt.load_module(TinyNet, TinyConfig, folder)


def test_config_mismatch_fails(tmp_path):
    net = make_net()
    folder = ckpt.save_checkpoint(tmp_path / "run", net, net.config)
    (folder / ckpt.CONFIG).write_text(json.dumps({"in_features": 9, "out_features": 3}))
    with pytest.raises(RuntimeError, match="size mismatch"):
        ckpt.load_module(TinyNet, TinyConfig, folder)


# --- resolve ------------------------------------------------------------------------------


def write_checkpoint(folder: Path, seed: int = 0) -> Path:
    net = make_net(seed=seed)
    return ckpt.save_checkpoint(folder, net, net.config)


def test_explicit_path_wins(isolated, monkeypatch):
    explicit = write_checkpoint(isolated / "explicit")
    from_env = write_checkpoint(isolated / "from-env")
    write_checkpoint(Path(ckpt.local_root()) / TASK / MODEL)
    monkeypatch.setenv(ENV_NAME, str(from_env))

    assert ckpt.resolve(TASK, MODEL, path=explicit) == explicit
    # A path to the weights file means its folder.
    assert ckpt.resolve(TASK, MODEL, path=explicit / ckpt.WEIGHTS) == explicit


def test_env_var_wins_over_the_local_folder(isolated, monkeypatch):
    from_env = write_checkpoint(isolated / "from-env")
    write_checkpoint(Path(ckpt.local_root()) / TASK / MODEL)
    monkeypatch.setenv(ENV_NAME, str(from_env))
    assert ckpt.resolve(TASK, MODEL) == from_env


def test_explicit_folder_without_weights_is_an_error(isolated, monkeypatch):
    empty = isolated / "not-a-checkpoint"
    empty.mkdir()
    with pytest.raises(CheckpointNotFound, match="model.safetensors"):
        ckpt.resolve(TASK, MODEL, path=empty)
    monkeypatch.setenv(ENV_NAME, str(empty))
    with pytest.raises(CheckpointNotFound, match=ENV_NAME):
        ckpt.resolve(TASK, MODEL)


def test_checkpoints_dir_env_is_searched(isolated, monkeypatch):
    root = isolated / "my-checkpoints"
    local = write_checkpoint(root / TASK / MODEL)
    monkeypatch.setenv("ANIMATE_CHECKPOINTS_DIR", str(root))
    assert ckpt.local_root() == root
    assert ckpt.resolve(TASK, MODEL) == local
    assert isinstance(ckpt.load_module(TinyNet, TinyConfig, local), TinyNet)


def test_folder_without_config_is_not_a_checkpoint(isolated, monkeypatch):
    root = isolated / "my-checkpoints"
    local = write_checkpoint(root / TASK / MODEL)
    (local / ckpt.CONFIG).unlink()
    monkeypatch.setenv("ANIMATE_CHECKPOINTS_DIR", str(root))
    with pytest.raises(CheckpointNotFound):
        ckpt.resolve(TASK, MODEL)


def make_hub_cache(cache: Path, repo_id: str, commit: str) -> Path:
    """Lay out `cache` as hf_hub_download does; return the snapshot's <task>/<model> folder."""
    org, name = repo_id.split("/")
    repo_cache = cache / f"models--{org}--{name}"
    folder = write_checkpoint(repo_cache / "snapshots" / commit / TASK / MODEL, seed=3)
    (repo_cache / "refs").mkdir(parents=True)
    (repo_cache / "refs" / "main").write_text(commit)
    return folder


def test_hub_cache_is_found_offline(isolated, monkeypatch):
    repo_id = "test-org/test-checkpoints"
    commit = "0123456789abcdef0123456789abcdef01234567"
    cache = use_hf_cache(monkeypatch, isolated / "hub-home")
    snapshot = make_hub_cache(cache, repo_id, commit)
    monkeypatch.setenv("ANIMATE_HUB_REPO", repo_id)

    found = ckpt.resolve(TASK, MODEL)

    assert found == snapshot
    loaded = ckpt.load_module(TinyNet, TinyConfig, found)
    for name, original in make_net(seed=3).state_dict().items():
        expected = original.half().float() if original.is_floating_point() else original
        assert torch.equal(loaded.state_dict()[name], expected)
    # The same through explicit arguments, with the revision pinned to the commit.
    assert ckpt.resolve(TASK, MODEL, repo_id=repo_id, revision=commit) == snapshot


def test_hub_cache_of_another_repo_is_not_used(isolated, monkeypatch):
    cache = use_hf_cache(monkeypatch, isolated / "hub-home")
    make_hub_cache(cache, "test-org/other", "f" * 40)
    monkeypatch.setenv("ANIMATE_HUB_REPO", "test-org/test-checkpoints")
    with pytest.raises(CheckpointNotFound, match="test-org/test-checkpoints"):
        ckpt.resolve(TASK, MODEL)


def test_missing_checkpoint_says_what_to_do_and_is_fast(isolated):
    began = time.perf_counter()
    with pytest.raises(CheckpointNotFound) as caught:
        ckpt.resolve(TASK, MODEL)
    elapsed = time.perf_counter() - began

    message = str(caught.value)
    assert f"{TASK}/{MODEL}" in message
    assert "training/" in message and ENV_NAME in message  # how to get one
    assert "HF_HUB_OFFLINE" in message
    assert "\n" not in message
    assert elapsed < 3.0
