"""``skipwise simulate --plot``: a real PNG of the expected size, drawing exactly the JSON's numbers."""

from __future__ import annotations

import json
import struct
import subprocess
import sys
from pathlib import Path

import numpy as np
from matplotlib.image import imread

from engine.sim.plot import (
    DPI,
    HEIGHT_PX,
    WIDTH_PX,
    draw_skip_rates,
    skip_rate_series,
    window_middles,
    write_plot,
)

ROOT = Path(__file__).parents[2]
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def skipwise(
    *args: str, code: str = "from app.launcher import main; import sys; sys.exit(main())"
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=ROOT, timeout=600
    )


def png_size(path: Path) -> tuple[int, int]:
    """Width and height from the PNG's IHDR chunk, which must come first."""
    head = path.read_bytes()[:24]
    assert head[:8] == PNG_SIGNATURE and head[12:16] == b"IHDR"
    width, height = struct.unpack(">II", head[16:24])
    return width, height


def test_window_middles_follow_the_50_event_windows_of_the_json() -> None:
    assert window_middles(1000, 20)[0] == 25.5 and window_middles(1000, 20)[-1] == 975.5
    assert window_middles(160, 4) == (25.5, 75.5, 125.5, 155.5)  # the last window holds events 151-160


def test_simulate_plot_writes_a_png_of_the_json_numbers(tmp_path: Path) -> None:
    png = tmp_path / "curves.png"
    result = skipwise(
        "simulate", "--synthetic", "200", "--listener", "steady", "--events", "160", "--seeds", "2",
        "--strategies", "shuffle,learner,oracle", "--plot", str(png), "--json",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    assert png_size(png) == (WIDTH_PX, HEIGHT_PX)
    pixels = imread(png)
    assert pixels.shape[:2] == (HEIGHT_PX, WIDTH_PX) and float(pixels[..., :3].std()) > 0.05

    series = {s.name: s for s in skip_rate_series(doc)}
    assert list(series) == ["shuffle", "learner", "oracle"]
    for name, summary in doc["strategies"].items():
        assert series[name].y == tuple(summary["skip_rate_by_window"])
        assert series[name].x == (25.5, 75.5, 125.5, 155.5)
    assert series["shuffle"].reference and series["oracle"].reference and not series["learner"].reference

    # What the figure draws is those series, line by line, labelled with what the learner captured.
    ax = draw_skip_rates(doc).axes[0]
    drawn = {line.get_label(): (tuple(line.get_xdata()), tuple(line.get_ydata())) for line in ax.get_lines()}
    learner = f"learner (captured {doc['strategies']['learner']['captured']:.0%})"
    assert set(drawn) == {"shuffle", learner, "oracle"}
    assert drawn[learner] == (series["learner"].x, series["learner"].y)
    assert drawn["oracle"] == (series["oracle"].x, series["oracle"].y)

    # And the command's PNG is that figure: drawn again from the printed JSON, pixel for pixel.
    again = tmp_path / "again.png"
    write_plot(doc, again)
    assert np.array_equal(imread(again), pixels)


def test_a_different_run_draws_a_different_picture(tmp_path: Path) -> None:
    doc = {
        "listener": "hand-made", "tracks": 10, "events": 200, "seeds": 1,
        "strategies": {
            "shuffle": {"skip_rate_by_window": [0.5, 0.5, 0.5, 0.5], "captured": 0.0},
            "learner": {"skip_rate_by_window": [0.5, 0.4, 0.3, 0.2], "captured": 0.75},
            "oracle": {"skip_rate_by_window": [0.1, 0.1, 0.1, 0.1], "captured": 1.0},
        },
    }  # fmt: skip
    write_plot(doc, tmp_path / "a.png")
    doc["strategies"]["learner"]["skip_rate_by_window"] = [0.5, 0.45, 0.45, 0.4]
    write_plot(doc, tmp_path / "b.png")
    assert png_size(tmp_path / "a.png") == (WIDTH_PX, HEIGHT_PX) == (12 * DPI, 7 * DPI)
    assert not np.array_equal(imread(tmp_path / "a.png"), imread(tmp_path / "b.png"))


def test_without_matplotlib_plot_is_refused_before_simulating(tmp_path: Path) -> None:
    # A child process where matplotlib cannot be imported: an install without the bench extra.
    code = "import sys; sys.modules['matplotlib'] = None; from app.launcher import main; sys.exit(main())"
    png = tmp_path / "curves.png"
    args = ("simulate", "--synthetic", "60", "--listener", "steady", "--events", "120", "--seeds", "1")
    refused = skipwise(*args, "--plot", str(png), code=code)
    assert refused.returncode == 2 and "Traceback" not in refused.stderr
    assert "--plot needs matplotlib, which is not installed (pip install 'skipwise[bench]')" in refused.stderr
    assert refused.stdout == "" and not png.exists()
    plain = skipwise(*args, "--strategies", "shuffle,learner", "--json", code=code)
    assert plain.returncode == 0, plain.stderr
    assert set(json.loads(plain.stdout)["strategies"]) == {"shuffle", "learner"}


def test_plot_into_a_missing_folder_is_refused_clearly(tmp_path: Path) -> None:
    args = ("simulate", "--synthetic", "60", "--listener", "steady", "--events", "120", "--seeds", "1")
    result = skipwise(*args, "--plot", str(tmp_path / "nowhere" / "curves.png"))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert f"--plot: {tmp_path / 'nowhere'} is not a folder" in result.stderr
