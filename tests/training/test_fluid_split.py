"""The real fluid clips' split by source scene (training.splits, training.videos.fluid_clips)."""

from __future__ import annotations

import csv

import pytest

from training.splits import HELD_OUT_FLUID_SOURCES
from training.videos import DEFAULT_FLUID, fluid_clips

FIELDS = ("file", "kind", "source_repo")


def write_manifest(folder, rows) -> None:
    with (folder / "MANIFEST.csv").open("w", newline="") as file:
        writer = csv.DictWriter(file, FIELDS)
        writer.writeheader()
        writer.writerows(dict(zip(FIELDS, row, strict=True)) for row in rows)


def test_split_follows_the_source_and_keeps_the_kind(tmp_path):
    held_out = HELD_OUT_FLUID_SOURCES[0]
    write_manifest(
        tmp_path,
        [
            ("sea_2.mp4", "sea", "someone/else"),
            ("waterfall_1.mp4", "waterfall", held_out),
            ("river_1.mp4", "river", held_out),
            ("sea_1.mp4", "sea", "someone/else"),
        ],
    )
    test = fluid_clips(tmp_path, "test")
    train = fluid_clips(tmp_path, "train")
    assert [(p.name, kind) for p, kind in test] == [
        ("river_1.mp4", "river"),
        ("waterfall_1.mp4", "waterfall"),
    ]
    assert [p.name for p, _ in train] == ["sea_1.mp4", "sea_2.mp4"]
    assert sorted(fluid_clips(tmp_path, "all")) == sorted(test + train)
    assert all(path.parent == tmp_path for path, _ in test + train)


def test_bad_split_and_missing_manifest_say_so(tmp_path):
    with pytest.raises(ValueError, match="split must be one of"):
        fluid_clips(tmp_path, "validation")
    with pytest.raises(FileNotFoundError, match="No fluid clip manifest"):
        fluid_clips(tmp_path / "nowhere", "test")


@pytest.mark.skipif(
    not (DEFAULT_FLUID / "MANIFEST.csv").is_file(), reason="needs ../shared/data/video/fluid"
)
def test_shared_split_holds_out_every_kind_and_names_real_sources():
    with (DEFAULT_FLUID / "MANIFEST.csv").open(newline="") as file:
        rows = list(csv.DictReader(file))
    assert set(HELD_OUT_FLUID_SOURCES) <= {row["source_repo"] for row in rows}
    test, train = fluid_clips(split="test"), fluid_clips(split="train")
    assert not {p for p, _ in test} & {p for p, _ in train}
    assert len(test) + len(train) == len(rows)
    assert {kind for _, kind in test} == {row["kind"] for row in rows}
    assert all(path.is_file() for path, _ in test + train)
