"""Decode any audio file into a fixed-length, peak-normalised mono drum sample, and write WAVs."""

from __future__ import annotations

import io
import os
from pathlib import Path

import numpy as np
import soundfile as sf

from ..atomic import writable_folder, write_atomically
from ..config import FeatureConfig
from ..errors import OutputError

DECODE_SECONDS = 30.0  # what is read of a file: drum samples are shorter (the Hydrogen kits' longest: 12 s)
PLAYER_MIME = "audio/ogg"
PLAYER_COMPRESSION = 0.5
"""libsndfile's compression level of the players' Ogg Vorbis (0 best, 1 smallest): the smallest level whose decoded
audio keeps every held-out clip's onset within 1 ms and the median top-octave energy and decay of the WAV
(``benchmarks/player_codec.py``)."""


class SampleError(ValueError):
    """A file that cannot be used as a drum sample; the message is the reason."""


def _decode_fallback(path: str, max_seconds: float) -> tuple[np.ndarray, int]:
    """Decode with librosa/audioread, for containers libsndfile does not read."""
    import warnings

    import librosa

    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        data, rate = librosa.load(path, sr=None, mono=False, duration=max_seconds)
    data = np.atleast_2d(data).T  # (frames, channels)
    return data.astype(np.float32), int(rate)


def _chunks(f, big_endian: bool):
    """Yield (id, size, offset of the chunk's data) for the RIFF/IFF chunks that follow."""
    order = "big" if big_endian else "little"
    while True:
        header = f.read(8)
        if len(header) < 8:
            return
        size = int.from_bytes(header[4:8], order)
        offset = f.tell()
        yield header[:4], size, offset
        f.seek(offset + size + (size & 1))


def _declared_frames(path: str) -> int | None:
    """Frames that a WAV or AIFF header promises, or None for other files (or no promise)."""
    with open(path, "rb") as f:
        head = f.read(12)
        if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
            block_align = None
            for chunk_id, size, _ in _chunks(f, big_endian=False):
                if chunk_id == b"fmt ":
                    fmt = f.read(min(size, 16))
                    block_align = int.from_bytes(fmt[12:14], "little") if len(fmt) >= 14 else None
                elif chunk_id == b"data":
                    if block_align and 0 < size < 0xFFFFFFFF:
                        return size // block_align  # frames for PCM; blocks (fewer) for ADPCM
                    return None
        elif head[:4] == b"FORM" and head[8:12] in (b"AIFF", b"AIFC"):
            for chunk_id, _, _ in _chunks(f, big_endian=True):
                if chunk_id == b"COMM":
                    return int.from_bytes(f.read(6)[2:6], "big")
    return None


def decode(path: str, max_seconds: float = DECODE_SECONDS) -> tuple[np.ndarray, int, int]:
    """Read the first ``max_seconds`` of an audio file at its own rate, bit depth and channel count: a drum clip
    needs its start, and a long file costs no more than that.

    Returns:
        ``(data, rate, frames)`` with ``data`` float32 of shape ``(frames read, channels)`` and ``frames`` the
        file's whole length.

    Raises:
        SampleError: the file is empty, truncated or not audio.
    """
    size = os.path.getsize(path)
    if size == 0:
        raise SampleError("empty file (0 bytes)")
    try:
        with sf.SoundFile(path) as f:
            length, rate = f.frames, f.samplerate
            data = f.read(frames=min(length, int(max_seconds * rate)), dtype="float32", always_2d=True)
    except Exception as error:  # libsndfile could not read it: try audioread, else report libsndfile's reason
        try:
            data, rate = _decode_fallback(path, max_seconds)
        except Exception:
            raise SampleError(f"not a readable audio file ({_reason(error)})") from None
        length = len(data)
    limit = int(max_seconds * rate)  # what was asked for: past it nothing is looked at
    promised = _declared_frames(path)
    if promised is not None and len(data) < min(promised, limit):
        raise SampleError(f"truncated: the header promises {promised} frames, the file holds {len(data)}")
    if len(data) < min(length, limit):
        raise SampleError(f"truncated: {length} frames declared, {len(data)} decoded")
    if len(data) == 0:
        raise SampleError("no audio frames")
    return data, int(rate), max(len(data), length)


def _reason(error: Exception) -> str:
    text = str(error).strip().splitlines()[-1] if str(error).strip() else type(error).__name__
    return text.split(": ", 1)[-1] if text.startswith("Error opening") else text


def resample_clips(waves: np.ndarray, rate: int, to_rate: int, n_samples: int) -> np.ndarray:
    """Clips ``(n, samples)`` at ``rate`` resampled to ``to_rate`` (soxr) and cut or zero-padded to ``n_samples``."""
    waves = np.asarray(waves, np.float32)
    if rate != to_rate:
        import soxr

        waves = np.stack([soxr.resample(wave, rate, to_rate) for wave in waves]).astype(np.float32)
    return np.pad(waves[:, :n_samples], [(0, 0), (0, max(0, n_samples - waves.shape[1]))])


def to_fixed_length(data: np.ndarray, rate: int, config: FeatureConfig) -> np.ndarray:
    """Mono, resampled, onset-trimmed, cut or padded to ``n_samples``, peak-normalised.

    Raises:
        SampleError: the audio holds NaN or inf, or is silent.
    """
    if not np.isfinite(data).all():
        raise SampleError("contains NaN or infinite sample values")
    mono = data.mean(axis=1) if data.ndim == 2 else data
    peak = float(np.abs(mono).max()) if mono.size else 0.0
    if peak <= 10 ** (config.silence_db / 20):
        level = f"{20 * np.log10(peak):.1f} dBFS" if peak > 0 else "digital silence"
        raise SampleError(f"silent (peak {level}, below {config.silence_db:g} dBFS)")
    if rate != config.sample_rate:
        import soxr

        mono = soxr.resample(mono, rate, config.sample_rate, quality="HQ")
    mono = mono.astype(np.float32)
    onset = int(np.argmax(np.abs(mono) >= np.abs(mono).max() * 10 ** (config.onset_db / 20)))
    start = max(0, onset - int(config.preroll_ms * config.sample_rate / 1000))
    mono = mono[start:]
    n = config.n_samples
    if len(mono) > n:
        mono = mono[:n].copy()
        fade = min(n, int(config.fade_ms * config.sample_rate / 1000))
        mono[n - fade :] *= np.cos(np.linspace(0, np.pi / 2, fade)) ** 2
    else:
        mono = np.pad(mono, (0, n - len(mono)))
    return (mono / np.abs(mono).max()).astype(np.float32)


def load_sample(path: str, config: FeatureConfig) -> np.ndarray:
    """Decode and prepare one file: see :func:`decode` and :func:`to_fixed_length`."""
    data, rate, _ = decode(path)
    return to_fixed_length(data, rate, config)


def _pcm16(wave: np.ndarray) -> np.ndarray:
    wave = np.asarray(wave, dtype=np.float32)
    if wave.ndim != 1:
        raise ValueError(f"expected one mono waveform, got shape {wave.shape}")
    if not np.isfinite(wave).all():
        raise ValueError("the waveform holds NaN or inf values; nothing was written")
    return np.clip(wave, -1.0, 1.0)


def write_wav(path: str | os.PathLike, wave: np.ndarray, sample_rate: int) -> None:
    """Write one mono waveform as 16-bit PCM WAV, clipped to [-1, 1], atomically (whole or not at all)."""
    data = wav_bytes(wave, sample_rate)
    write_atomically(path, lambda f: f.write(data))


def write_flac(path: str | os.PathLike, wave: np.ndarray, sample_rate: int) -> None:
    """Write one mono waveform as 16-bit FLAC, clipped to [-1, 1] (as :func:`write_wav`)."""
    sf.write(path, _pcm16(wave), sample_rate, subtype="PCM_16", format="FLAC")


def wav_bytes(wave: np.ndarray, sample_rate: int) -> bytes:
    """The bytes of a 16-bit PCM WAV file holding ``wave``."""
    buffer = io.BytesIO()
    sf.write(buffer, _pcm16(wave), sample_rate, subtype="PCM_16", format="WAV")
    return buffer.getvalue()


def player_bytes(wave: np.ndarray, sample_rate: int) -> bytes:
    """The bytes of an Ogg Vorbis file holding ``wave`` at its own rate, for inline players (:data:`PLAYER_MIME`):
    about a seventh of the WAV's size, and played by current browsers without a script."""
    buffer = io.BytesIO()
    sf.write(buffer, _pcm16(wave), sample_rate, format="OGG", subtype="VORBIS", compression_level=PLAYER_COMPRESSION)
    return buffer.getvalue()


def write_wavs(waves: np.ndarray, out_dir, sample_rate: int, prefix: str = "drum", first: int = 0) -> list[Path]:
    """One 16-bit PCM WAV per wave, ``out_dir/prefix_000.wav`` ... (numbered from ``first``); returns the paths."""
    out_dir = writable_folder(out_dir, "the output folder")
    paths = [out_dir / f"{prefix}_{i:03d}.wav" for i in range(first, first + len(waves))]
    for path, wave in zip(paths, waves):
        try:
            write_wav(path, wave, sample_rate)
        except OSError as error:
            raise OutputError(f"{path} cannot be written ({error.strerror or error})") from None
    return paths
