"""Variations of a user's own sample: the inversion reconstructs a held-out clip closer than any training
clip is to it, and its variations stay nearest to it; generate --class/--mix/--like on the command line."""

import numpy as np
import pytest
import soundfile as sf

from drumgan.evaluation.neighbours import nearest_neighbours
from drumgan.generation.projection import invert, variations
from drumgan.paths import runs_dir
from drumgan.training.run import Run

from conftest import requires_hydrogen
from helpers import run_cli

pytestmark = pytest.mark.slow  # trains models or runs the command line: make test, not make test-fast


@requires_hydrogen
def test_variations_of_a_held_out_clip_are_nearest_to_it(hydrogen):
    run = Run.load(runs_dir() / "conv_gan")
    clip = hydrogen.test_index[40]
    inversion = invert(run, hydrogen.log_mels[clip])
    _, heldout_to_train = nearest_neighbours(hydrogen.normalized([clip]), hydrogen.normalized(hydrogen.train_index))
    assert inversion.distance < heldout_to_train[0]  # nearer the clip than the nearest training clip is
    made = run.codec.decode(variations(run, inversion, 8, seed=0))
    nearest, _ = nearest_neighbours(hydrogen.normalizer.transform(made), hydrogen.normalized())
    assert np.mean(nearest == clip) > 0.5
    assert len({m.tobytes() for m in made}) == 8  # variations, not copies of one reconstruction


def test_spread_zero_gives_the_reconstruction_every_time(conditional_run, synthetic_dataset):
    run = Run.load(conditional_run)
    inversion = invert(run, synthetic_dataset.log_mels[0], starts=2)
    assert inversion.classes.shape == (7,) and inversion.classes.sum() == pytest.approx(1, abs=1e-5)
    same = variations(run, inversion, 3, spread=0.0)
    assert np.allclose(same, same[:1]) and not np.allclose(variations(run, inversion, 3, spread=0.5), same)


def test_generate_class_mix_and_like_on_the_command_line(conditional_run, tiny_runs, synthetic_kit, tmp_path):
    kicks = run_cli("generate", "--run", str(conditional_run), "--class", "kick", "-n", "2", "--out", str(tmp_path))
    assert kicks.returncode == 0, kicks.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cond_kick_000.wav", "cond_kick_001.wav"]
    mixed = run_cli(
        "generate",
        "--run",
        str(conditional_run),
        "--mix",
        "kick=0.5,snare=0.5",
        "-n",
        "1",
        "--out",
        str(tmp_path / "mix"),
    )
    assert mixed.returncode == 0 and (tmp_path / "mix" / "cond_mix_000.wav").is_file()
    source = next(synthetic_kit.rglob("*.wav"))
    liked = run_cli(
        "generate",
        "--run",
        str(tiny_runs / "conv-gan"),
        "--like",
        str(source),
        "-n",
        "2",
        "--out",
        str(tmp_path / "like"),
        "--json",
    )
    assert liked.returncode == 0, liked.stderr
    files = sorted((tmp_path / "like").iterdir())
    assert len(files) == 2 and sf.info(files[0]).samplerate == 44100 and files[0].name.startswith("conv-gan_like_")
    assert '"reconstruction_distance"' in liked.stdout.splitlines()[-1]


@pytest.mark.parametrize(
    "args, message",
    [
        (["--class", "kick"], "not class-conditional"),
        (["--like", "/no/such/file.wav"], "no such file"),
        (["--like", "x.wav", "--class", "kick"], "leave out --class"),
    ],
)
def test_generate_refuses_what_it_cannot_do_in_one_line(tiny_runs, tmp_path, args, message):
    done = run_cli("generate", "--run", str(tiny_runs / "conv-gan"), "--out", str(tmp_path), *args)
    assert done.returncode == 2 and message in done.stderr and done.stderr.count("\n") == 1
