"""training.common: seeding, resumable run folders, checkpoint export."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from animators.core.checkpoints import load_module, resolve
from training.common import RunFolder, export_checkpoint, pick_device, seed_everything


@dataclass(frozen=True)
class TinyConfig:
    width: int = 4


class Tiny(torch.nn.Module):
    def __init__(self, config: TinyConfig) -> None:
        super().__init__()
        self.layer = torch.nn.Linear(config.width, config.width)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.layer(x)


def test_seeding_repeats():
    seed_everything(3)
    first = (torch.rand(3), np.random.rand(3))
    seed_everything(3)
    second = (torch.rand(3), np.random.rand(3))
    assert torch.equal(first[0], second[0]) and np.array_equal(first[1], second[1])


def test_pick_device_defaults_to_available():
    expected = "cuda" if torch.cuda.is_available() else "cpu"
    assert pick_device().type == expected
    assert pick_device("cpu").type == "cpu"


def test_resume_restores_modules_optimiser_and_rng(tmp_path):
    seed_everything(0)
    model = Tiny(TinyConfig())
    optimiser = torch.optim.Adam(model.parameters(), lr=1e-2)
    model(torch.rand(2, 4)).sum().backward()
    optimiser.step()
    np.random.rand(5)  # move numpy's RNG to a position other than a fresh seed's
    run = RunFolder(tmp_path / "run")
    run.save_state(7, {"model": model, "optimiser": optimiser}, extra={"best": 1.5})
    after_save = torch.rand(2), np.random.rand(2)

    restored = Tiny(TinyConfig())
    restored_optimiser = torch.optim.Adam(restored.parameters(), lr=1e-2)
    step, extra = run.load_state({"model": restored, "optimiser": restored_optimiser})
    assert step == 7 and extra == {"best": 1.5}
    assert torch.equal(restored.layer.weight, model.layer.weight)
    assert restored_optimiser.state_dict()["state"][0]["step"] == 1
    assert torch.equal(torch.rand(2), after_save[0])
    assert np.array_equal(np.random.rand(2), after_save[1])


def test_export_checkpoint_is_resolvable(tmp_path, monkeypatch):
    model = Tiny(TinyConfig(width=3))
    folder = export_checkpoint(
        model, TinyConfig(width=3), tmp_path / "demo" / "tiny", {"psnr": 30.0}
    )
    monkeypatch.setenv("ANIMATE_CHECKPOINTS_DIR", str(tmp_path))
    assert resolve("demo", "tiny") == folder
    loaded = load_module(Tiny, TinyConfig, folder)
    assert torch.equal(loaded.layer.weight, model.layer.weight.half().float())
