"""Upload a checkpoint folder to the Hugging Face Hub, where `animators.core.checkpoints.resolve`
finds it when the repository has no local copy.

    python -m training.publish checkpoints/waterfall/flow --repo ORG/NAME

It lands under `<task>/<model>/` in the Hub repo (the same layout as `checkpoints/`).
Needs a token with write access (`huggingface-cli login` or HF_TOKEN) and internet.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from animators.core.checkpoints import CONFIG, WEIGHTS, hub_repo


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("folder", type=Path, help="checkpoints/<task>/<model>")
    parser.add_argument("--repo", default=hub_repo(), help="Hub model repo, ORG/NAME")
    parser.add_argument("--revision", default=None)
    args = parser.parse_args(argv)
    folder = args.folder.resolve()
    if not (folder / WEIGHTS).is_file() or not (folder / CONFIG).is_file():
        parser.error(f"{folder} has no {WEIGHTS} and {CONFIG}")
    task, model = folder.parent.name, folder.name

    from huggingface_hub import HfApi

    api = HfApi()
    api.create_repo(args.repo, repo_type="model", exist_ok=True)
    api.upload_folder(
        repo_id=args.repo,
        folder_path=str(folder),
        path_in_repo=f"{task}/{model}",
        revision=args.revision,
        commit_message=f"Upload {task}/{model}",
    )
    print(f"uploaded {folder} to {args.repo}/{task}/{model}")


if __name__ == "__main__":
    main()
