"""How much audio the feature path loses: real -> features -> Griffin-Lim -> audio, measured by what a listener
hears (the attack's rise, the tail's decay, the top octaves, descriptors from the audio) beside the spectral
distances."""

from __future__ import annotations

import dataclasses
import time

import numpy as np
import scipy.stats

from ..config import FeatureConfig
from ..features import inverse, spectral
from ..features.attack import ATTACK_MS, SUBFRAME_MS, attack_envelope, with_attack
from ..features.timbre import hardness_of

TARGETS = {"onset_ms": 3.0, "decay_ratio": 0.1, "high_db": 3.0}
"""What the default audio path is held to on real held-out drums: an attack that rises in at most ``onset_ms``, a
median decay within ``decay_ratio`` of the real clips' and a share above 8 kHz within ``high_db`` of theirs.
Spectral convergence is reported, not held to: it scores one noise realisation, which no envelope keeps and no
listener hears."""


def spectral_convergence(reference: np.ndarray, estimate: np.ndarray) -> np.ndarray:
    """``||S - S_hat||_F / ||S||_F`` of magnitude spectrograms, per example (0 is perfect)."""
    diff = np.linalg.norm(reference - estimate, axis=(-2, -1))
    return diff / np.maximum(np.linalg.norm(reference, axis=(-2, -1)), 1e-12)


def log_spectral_distance(reference: np.ndarray, estimate: np.ndarray, range_db: float = 80.0) -> np.ndarray:
    """Log-spectral distance in dB per example: RMS over bins of the dB difference, averaged over frames.

    Both spectrograms are floored ``range_db`` below the reference's peak (the range the log-mel
    features keep), so near-silent bins do not dominate with arbitrary ratios.
    """
    peak = np.max(reference, axis=(-2, -1), keepdims=True)
    floor = np.maximum(peak, 1e-12) * 10 ** (-range_db / 20)
    db = 20 * np.log10(np.maximum(reference, floor) / np.maximum(estimate, floor))
    return np.sqrt((db**2).mean(axis=-2)).mean(axis=-1)


def onset_rise_ms(waves: np.ndarray, config: FeatureConfig) -> float:
    """The median onset rise time of ``waves`` in ms (:func:`drumgan.evaluation.hearing.onset_ms`)."""
    from ..evaluation.hearing import to_audio_rate
    from ..features.envelope import onset_ms

    return float(np.median(onset_ms(to_audio_rate(waves, config.sample_rate))))


def reconstructions(
    waves: np.ndarray, config: FeatureConfig, n_mfccs=(40, 20, 13), n_iter=None
) -> dict[str, np.ndarray]:
    """Each inversion path applied to ``waves``: {path name: reconstructed waves}.

    ``stft magnitude`` inverts the full linear spectrogram (it loses only the phase), so it
    separates Griffin-Lim's own error from what the mel and MFCC compressions lose.
    """
    logmel = spectral.log_mel(waves, config)
    out = {
        "stft magnitude": inverse.griffin_lim(spectral.stft_magnitude(waves, config), config, n_iter=n_iter),
        f"log-mel ({config.n_mels} bins)": inverse.log_mel_to_audio(logmel, config, n_iter=n_iter),
    }
    for n in n_mfccs:
        out[f"mfcc ({n} coefficients)"] = inverse.mfcc_to_audio(spectral.mfcc(logmel, n), config, n_iter=n_iter)
    return out


def measure(waves: np.ndarray, config: FeatureConfig, n_mfccs=(40, 20, 13), n_iter=None) -> list[dict]:
    """The round-trip table: one row per inversion path, with mean spectral convergence and LSD.

    Returns:
        Rows ``{"path", "spectral_convergence", "lsd_db", "onset_ms", "real_onset_ms", "n", "length",
        "sample_rate"}``; ``length`` is the reconstructed length in samples (always ``config.n_samples``),
        ``onset_ms`` the median rise time of the reconstructions (:func:`onset_rise_ms`), ``real_onset_ms``
        that of ``waves``.
    """
    reference, real_rise = spectral.stft_magnitude(waves, config), onset_rise_ms(waves, config)
    rows = []
    for name, audio in reconstructions(waves, config, n_mfccs, n_iter).items():
        estimate = spectral.stft_magnitude(audio, config)
        rows.append(
            {
                "path": name,
                "spectral_convergence": float(spectral_convergence(reference, estimate).mean()),
                "lsd_db": float(log_spectral_distance(reference, estimate).mean()),
                "onset_ms": onset_rise_ms(audio, config),
                "real_onset_ms": real_rise,
                "n": int(len(waves)),
                "length": int(audio.shape[-1]),
                "sample_rate": config.sample_rate,
            }
        )
    return rows


def options(config: FeatureConfig) -> dict[str, tuple[str, object]]:
    """The audio paths compared by :func:`compare`: name -> (what the model would learn, ``waves -> waves``).

    The first is the default: the log-mel of ``config`` through the mel inverse and Griffin-Lim from onset-aligned
    phases, as everything drumgan generates is heard. The others change one thing: Griffin-Lim from random
    phases (32 iterations), more iterations, an attack channel beside the features
    (:mod:`drumgan.features.attack`: the clip's first 16 ms as a fine envelope, whose rise the audio is given), mel
    bands alone (without the STFT's own bins below ``mel_linear_below_hz``), more mel bins or frames, the linear STFT
    magnitude (SpecGAN's own representation), which loses only the phase, or the log-STFT feature a
    ``--feature stft`` run learns (that magnitude in dB, floored, without the Nyquist bin).
    """

    def log_mel_path(chosen: FeatureConfig, n_iter: int, onset_aligned: bool = True):
        return lambda waves: inverse.log_mel_to_audio(
            spectral.log_mel(waves, chosen), chosen, n_iter=n_iter, onset_aligned=onset_aligned
        )

    def with_attack_channel(n_iter: int):
        def path(waves):
            envelope = attack_envelope(waves, config.sample_rate)
            return with_attack(log_mel_path(config, n_iter)(waves), envelope, config.sample_rate)

        return path

    def stft_path(n_iter: int):
        return lambda waves: inverse.griffin_lim(spectral.stft_magnitude(waves, config), config, n_iter=n_iter)

    def log_stft_path(n_iter: int):
        def path(waves):
            magnitude = inverse.log_stft_to_magnitude(spectral.log_stft(waves, config), config)
            return inverse.griffin_lim(magnitude, config, n_iter=n_iter)

        return path

    def log_mel_name(chosen: FeatureConfig, what: str) -> str:
        low = f", STFT bins below {chosen.mel_linear_below_hz:g} Hz" if chosen.n_linear_bins else ""
        return f"log-mel {chosen.n_mels}{low}, {what}"

    gl = config.griffin_lim_iters
    mel_only = dataclasses.replace(config, mel_linear_below_hz=0.0)
    more_bins = dataclasses.replace(config, n_mels=2 * config.n_mels)
    finer = dataclasses.replace(config, n_mels=4 * config.n_mels, hop_length=config.hop_length // 2)
    bins, frames = config.n_fft // 2 + 1, config.n_frames
    attack_values = round(ATTACK_MS / SUBFRAME_MS)
    return {
        log_mel_name(config, f"Griffin-Lim {gl}"): (f"{config.n_mels} x {frames}", log_mel_path(config, gl)),
        log_mel_name(config, "Griffin-Lim 32 from random phases"): (
            f"{config.n_mels} x {frames}",
            log_mel_path(config, 32, onset_aligned=False),
        ),
        log_mel_name(config, "Griffin-Lim 100"): (f"{config.n_mels} x {frames}", log_mel_path(config, 100)),
        log_mel_name(config, f"Griffin-Lim {gl}, attack channel"): (
            f"{config.n_mels} x {frames} + {attack_values}",
            with_attack_channel(gl),
        ),
        f"log-mel {config.n_mels}, mel bands only, Griffin-Lim {gl}": (
            f"{config.n_mels} x {frames}",
            log_mel_path(mel_only, gl),
        ),
        log_mel_name(more_bins, f"Griffin-Lim {gl}"): (
            f"{more_bins.n_mels} x {more_bins.n_frames}",
            log_mel_path(more_bins, gl),
        ),
        log_mel_name(finer, f"hop {finer.hop_length}, Griffin-Lim {gl}"): (
            f"{finer.n_mels} x {finer.n_frames}",
            log_mel_path(finer, gl),
        ),
        f"STFT magnitude, Griffin-Lim {gl}": (f"{bins} x {frames}", stft_path(gl)),
        f"log-STFT (--feature stft), Griffin-Lim {gl}": (f"{config.n_stft_bins} x {frames}", log_stft_path(gl)),
        "STFT magnitude, Griffin-Lim 100": (f"{bins} x {frames}", stft_path(100)),
    }


def body_paths(waves: np.ndarray, config: FeatureConfig) -> dict[str, np.ndarray]:
    """``waves`` beside their round trip through ``config``'s log-mel (with the STFT's own bins below
    ``mel_linear_below_hz``) and through mel bands alone, each peak-normalised: what the low rows keep of a body."""
    mel_only = dataclasses.replace(config, mel_linear_below_hz=0.0)
    return {
        "real": np.asarray(waves, np.float32),
        f"round trip, STFT bins < {config.mel_linear_below_hz:g} Hz": inverse.to_audio(
            spectral.log_mel(waves, config), config
        ),
        "round trip, mel bands only": inverse.to_audio(spectral.log_mel(waves, mel_only), mel_only),
    }


def heard(waves: np.ndarray, config: FeatureConfig, hearing=None) -> dict:
    """What a listener hears of ``waves`` at ``config``'s rate: medians of ``onset_ms`` and ``high_db`` (at
    :data:`~drumgan.evaluation.hearing.AUDIO_RATE`), ``decay_s`` (:func:`~drumgan.features.envelope.envelope_times`)
    and, given a :class:`~drumgan.evaluation.hearing.Hearing`, ``fd_audio``."""
    from ..evaluation.hearing import high_share_db, to_audio_rate
    from ..features.envelope import envelope_times, onset_ms

    audio = to_audio_rate(waves, config.sample_rate)
    measures = {
        "onset_ms": float(np.median(onset_ms(audio))),
        "decay_s": float(np.median(envelope_times(waves, config.sample_rate)[1])),
        "high_db": float(np.median(high_share_db(audio))),
    }
    if hearing is not None:
        measures["fd_audio"] = hearing.measure(audio)["fd_audio"]
    return measures


def meets(row: dict) -> dict[str, bool]:
    """Which of :data:`TARGETS` a row (:func:`compare`'s, with its ``real_`` measures) meets."""
    return {
        "onset_ms": row["onset_ms"] <= TARGETS["onset_ms"],
        "decay_s": abs(row["decay_s"] - row["real_decay_s"]) <= TARGETS["decay_ratio"] * row["real_decay_s"],
        "high_db": abs(row["high_db"] - row["real_high_db"]) <= TARGETS["high_db"],
    }


def compare(waves: np.ndarray, config: FeatureConfig, hearing=None) -> dict[str, dict]:
    """Each of :func:`options` on ``waves``: ``{"default": {...}, name: {...}, ...}``, each with its
    ``representation``, ``sample_rate``, ``spectral_convergence`` and ``log_spectral_distance_db`` (against the STFT
    magnitude at ``config``'s FFT and hop), ``seconds_per_64``, what :func:`heard` hears of it and, as
    ``real_onset_ms``, ``real_decay_s``, ``real_high_db`` (and ``real_fd_audio``), of ``waves`` themselves,
    ``hardness_rank`` (how well it keeps each clip's own attack: the rank correlation of its clips' hardness,
    :func:`~drumgan.features.timbre.hardness_of`, with the real ones') and ``n``; ``default`` also names its
    option and says which targets it meets (``meets``, ``meets_all``)."""
    reference = spectral.stft_magnitude(waves, config)
    real = {f"real_{key}": value for key, value in heard(waves, config, hearing).items()}
    real_hardness = hardness_of(waves, config.sample_rate)
    results = {}
    for name, (representation, path) in options(config).items():
        began = time.perf_counter()
        audio = path(waves)
        seconds = time.perf_counter() - began
        estimate = spectral.stft_magnitude(audio, config)
        results[name] = {
            "representation": representation,
            "sample_rate": config.sample_rate,
            "spectral_convergence": float(spectral_convergence(reference, estimate).mean()),
            "log_spectral_distance_db": float(log_spectral_distance(reference, estimate).mean()),
            "seconds_per_64": seconds * 64 / len(waves),
            **heard(audio, config, hearing),
            **real,
            "hardness_rank": float(scipy.stats.spearmanr(real_hardness, hardness_of(audio, config.sample_rate))[0]),
            "n": int(len(waves)),
        }
    name = next(iter(results))
    met = meets(results[name])
    return {"default": {"option": name, **results[name], "meets": met, "meets_all": all(met.values())}, **results}


def default_path(config: FeatureConfig):
    """The default audio path of :func:`options` (``waves -> waves``): how everything drumgan generates is heard."""
    _, path = next(iter(options(config).values()))
    return path


def class_hearing(real: np.ndarray, round_trip: np.ndarray, labels: np.ndarray, class_names, judges: dict) -> list:
    """For each class in ``labels``: its clips' count and, for each of ``judges`` (name -> ``waves -> class
    indices``), the share of the ``real`` clips heard as their class beside that of their ``round_trip``."""
    heard = {name: (judge(real) == labels, judge(round_trip) == labels) for name, judge in judges.items()}
    rows = []
    for k in np.unique(labels):
        row = {"class": class_names[k], "n": int((labels == k).sum())}
        for name, (as_real, as_round_trip) in heard.items():
            row[f"{name} real"] = float(as_real[labels == k].mean())
            row[f"{name} round trip"] = float(as_round_trip[labels == k].mean())
        rows.append(row)
    return rows


def write_round_trip(dataset, rows: np.ndarray, out_dir) -> dict[str, list]:
    """The clips ``rows`` of ``dataset`` and their round trip through the default audio path (the first of
    :func:`options`) as 16-bit WAVs, ``out_dir/real/CLASS/NAME.wav`` and ``out_dir/round_trip/CLASS/NAME.wav`` under
    the same names (the row, the kit and the file's own name), so that a person can listen to what the path keeps.
    Returns ``{"real": paths, "round_trip": paths}``."""
    import re
    from pathlib import Path

    from ..data.audio import write_wav

    config = dataset.config
    made = {"real": dataset.waves[rows], "round_trip": default_path(config)(dataset.waves[rows])}
    written = {part: [] for part in made}
    for k, row in enumerate(rows):
        label = dataset.class_names[dataset.labels[row]]
        name = re.sub(r"[^\w.-]+", "_", f"{row:04d}_{dataset.kits[row]}_{Path(str(dataset.paths[row])).stem}")[:200]
        for part, waves in made.items():
            target = Path(out_dir) / part / label / f"{name}.wav"
            target.parent.mkdir(parents=True, exist_ok=True)
            write_wav(target, waves[k], config.sample_rate)
            written[part].append(str(target))
    return written
