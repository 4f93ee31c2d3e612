"""Find and load model checkpoints: safetensors weights + config.json (+ metrics.json).

Resolution order for `resolve(task, model)`:
1. an explicit `path` argument, or the environment variable ANIMATE_CKPT_<TASK>_<MODEL>
   (e.g. ANIMATE_CKPT_WATERFALL_MOTION=/data/my_run), pointing at a checkpoint folder;
2. `checkpoints/<task>/<model>/` in this repository (or under ANIMATE_CHECKPOINTS_DIR);
3. the Hugging Face Hub repo ANIMATE_HUB_REPO (default below), folder `<task>/<model>/`,
   through `hf_hub_download`, which reuses the local HF cache and honours HF_HUB_OFFLINE=1.

Weights are only ever read with safetensors (no pickle) and loaded with a strict
`load_state_dict`. torch is imported lazily so that the package imports fast.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, is_dataclass
from pathlib import Path
from typing import Any

import torch
from safetensors.torch import load_file, save_file

from animators.core.base import AnimatorError

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_HUB_REPO = "image-animation/animate-checkpoints"
WEIGHTS = "model.safetensors"
CONFIG = "config.json"
METRICS = "metrics.json"


class CheckpointNotFound(AnimatorError):
    """No checkpoint folder could be found for a task's model."""


def local_root() -> Path:
    return Path(os.environ.get("ANIMATE_CHECKPOINTS_DIR", REPO_ROOT / "checkpoints"))


def hub_repo() -> str:
    return os.environ.get("ANIMATE_HUB_REPO", DEFAULT_HUB_REPO)


def _is_checkpoint(folder: Path) -> bool:
    return (folder / WEIGHTS).is_file() and (folder / CONFIG).is_file()


def _from_hub(task: str, model: str, repo_id: str, revision: str | None) -> Path | None:
    from huggingface_hub import hf_hub_download
    from huggingface_hub.errors import HfHubHTTPError, LocalEntryNotFoundError

    try:
        weights = hf_hub_download(repo_id, f"{task}/{model}/{WEIGHTS}", revision=revision)
        hf_hub_download(repo_id, f"{task}/{model}/{CONFIG}", revision=revision)
    except (LocalEntryNotFoundError, HfHubHTTPError, OSError, ValueError):
        return None
    folder = Path(weights).parent
    try:  # metrics are optional
        hf_hub_download(repo_id, f"{task}/{model}/{METRICS}", revision=revision)
    except (LocalEntryNotFoundError, HfHubHTTPError, OSError, ValueError):
        pass
    return folder


def resolve(
    task: str,
    model: str,
    path: str | Path | None = None,
    repo_id: str | None = None,
    revision: str | None = None,
) -> Path:
    """Return the folder holding `model.safetensors` and `config.json` for task/model."""
    env_name = f"ANIMATE_CKPT_{task}_{model}".upper().replace("-", "_")
    explicit = path or os.environ.get(env_name)
    if explicit:
        folder = Path(explicit)
        if folder.is_file():
            folder = folder.parent
        if _is_checkpoint(folder):
            return folder
        raise CheckpointNotFound(
            f"The checkpoint folder {folder} (from {'the path given' if path else env_name}) "
            f"has no {WEIGHTS} and {CONFIG}."
        )
    local = local_root() / task / model
    if _is_checkpoint(local):
        return local
    repo_id = repo_id or hub_repo()
    found = _from_hub(task, model, repo_id, revision)
    if found is not None:
        return found
    offline = os.environ.get("HF_HUB_OFFLINE", "0") not in ("", "0", "false", "False")
    raise CheckpointNotFound(
        f"No checkpoint for {task}/{model}: none in {local} and none on the Hugging Face Hub repo "
        f"{repo_id}{' (offline mode: HF_HUB_OFFLINE=1)' if offline else ''}; train it with "
        f"the script in training/ or set {env_name} to a checkpoint folder."
    )


def pick_device(device: str | None = None):
    """`device` as a torch.device; None picks CUDA when available, else the CPU."""
    return torch.device(device or ("cuda" if torch.cuda.is_available() else "cpu"))


def read_json(folder: Path, name: str) -> dict[str, Any]:
    file = Path(folder) / name
    return json.loads(file.read_text()) if file.is_file() else {}


def load_state_dict(folder: str | Path, device: str = "cpu") -> dict:
    """Read `model.safetensors` from a checkpoint folder (never unpickles anything)."""
    return load_file(str(Path(folder) / WEIGHTS), device=device)


def load_module(module_class, config_class, folder: str | Path, device: str = "cpu"):
    """Build `module_class(config_class(**config.json))` and load its weights strictly.

    Returns the module in eval mode on `device`, in float32 whatever the stored precision.
    """
    config = config_class(**read_json(Path(folder), CONFIG))
    module = module_class(config)
    state = load_state_dict(folder)
    module.load_state_dict({k: v.float() for k, v in state.items()}, strict=True)
    return module.to(device).eval()


def save_checkpoint(
    folder: str | Path,
    module,
    config: Any,
    metrics: dict[str, Any] | None = None,
    half: bool = True,
) -> Path:
    """Write model.safetensors (fp16 if `half`), config.json and metrics.json to `folder`."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    state = {}
    for name, tensor in module.state_dict().items():
        tensor = tensor.detach().cpu().contiguous()
        state[name] = tensor.half() if half and tensor.is_floating_point() else tensor
    save_file(state, str(folder / WEIGHTS))
    config_dict = asdict(config) if is_dataclass(config) else dict(config)
    (folder / CONFIG).write_text(json.dumps(config_dict, indent=2) + "\n")
    if metrics is not None:
        (folder / METRICS).write_text(json.dumps(metrics, indent=2) + "\n")
    return folder
