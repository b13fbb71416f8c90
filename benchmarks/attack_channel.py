"""What each audio path keeps of a clip's attack: the hardness of training clips against that of their round trip
(benchmarks/README.md, The attack channel).

    python benchmarks/attack_channel.py [--n N]

N training clips (as ``bench --timbre-sweep``'s round-trip ceiling draws them) through the default log-mel and
Griffin-Lim at 6 to 100 iterations, and through the default path with an attack channel of 8, 16 or 32 ms
(``drumgan.features.attack``): for each, the seconds per 64 clips (of the inverse, or of the attack channel's
step alone), the rank correlation and mean distance of the clips' hardness
percentiles before and after, the same for depth (what the attack channel may cost the body), and the rank
correlation of the 1 ms rise time (``features.envelope.onset_ms``), a reading of the attack the hardness does not
make. Then whether the features alone hold the hardness at all: extra trees trained on the training kits' first
1 to 8 frames of log-mel predict the held-out kits' hardness percentiles.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import scipy.stats

from drumgan.config import FeatureConfig
from drumgan.data.preparation import prepare
from drumgan.features.attack import attack_envelope, with_attack
from drumgan.features.envelope import onset_ms
from drumgan.features.inverse import to_audio
from drumgan.features.timbre import CONTROLS, measure

HARDNESS, DEPTH = CONTROLS.index("hardness"), CONTROLS.index("depth")


def kept(before: np.ndarray, after: np.ndarray) -> str:
    """Rank correlation / mean distance of percentiles before and after."""
    return f"{scipy.stats.spearmanr(before, after)[0]:.3f} / {np.mean(np.abs(before - after)):.3f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=256)
    args = parser.parse_args()
    dataset = prepare(config=FeatureConfig(), progress=False)
    config, scale = dataset.config, dataset.timbre_scale()
    train = dataset.train_index
    chosen = np.sort(np.random.default_rng(0).choice(train, min(args.n, len(train)), replace=False))
    waves, before = dataset.waves[chosen], dataset.timbre_percentiles()[chosen]
    rate = config.sample_rate
    print(f"{len(chosen)} training clips; hardness and depth: rank correlation / mean error of the percentile")
    print(f"{'path':<44} {'hardness':>15} {'depth':>15} {'1 ms rise rank':>15} {'s per 64':>9}")
    gl = config.griffin_lim_iters
    paths = {f"log-mel, Griffin-Lim {n}": n for n in (gl, 12, 32, 100)}
    paths.update({f"log-mel, Griffin-Lim {gl}, attack channel {ms} ms": ms for ms in (8, 16, 32)})
    default = to_audio(dataset.log_mels[chosen], config)  # the default path, which each attack channel follows
    for name, value in paths.items():
        if "attack" in name:  # the rise of the clips' own attack channel, timed alone
            envelope = attack_envelope(waves, rate, value)
            began = time.perf_counter()
            audio = with_attack(default, envelope, rate)
        else:
            began = time.perf_counter()
            audio = to_audio(dataset.log_mels[chosen], config, n_iter=value)
        seconds = (time.perf_counter() - began) * 64 / len(chosen)
        after = scale.of(measure(audio, rate))
        rise = scipy.stats.spearmanr(onset_ms(waves, rate), onset_ms(audio, rate))[0]
        line = f"{name:<44} {kept(before[:, HARDNESS], after[:, HARDNESS]):>15} "
        print(line + f"{kept(before[:, DEPTH], after[:, DEPTH]):>15} {rise:>15.3f} {seconds:>9.3f}")

    from sklearn.ensemble import ExtraTreesRegressor

    percentiles, test = dataset.timbre_percentiles()[:, HARDNESS], dataset.test_index
    print(f"hardness of {len(test)} held-out clips predicted from the log-mel's first frames (extra trees)")
    for frames in (1, 2, 4, 8):
        features = dataset.log_mels[:, :, :frames].reshape(len(dataset), -1)
        model = ExtraTreesRegressor(300, min_samples_leaf=3, n_jobs=-1, random_state=0)
        predicted = model.fit(features[train], percentiles[train]).predict(features[test])
        print(f"  first {frames} frames: {kept(percentiles[test], predicted)}")


if __name__ == "__main__":
    main()
