#!/usr/bin/env python3
"""Generate the bad-input corpus: odd, broken and hostile audio and expert files.

    .venv/bin/python tests/data/bad/make_corpus.py            # rewrite audio/ and experts/ here
    .venv/bin/python tests/data/bad/make_corpus.py --out DIR  # somewhere else

Every file is synthetic (tones, noise, random bytes, hand-built headers) and
byte-for-byte reproducible, except ``truncated.ogg`` (the Vorbis encoder picks a
random stream serial): weights come from a seeded numpy generator, not torch's
initialiser, and float WAVs are written by hand (libsndfile stamps the time).
``AUDIO_CASES``, ``EXPERT_CASES`` and ``RELNET_CASES`` say what the app must do
with each file; ``tests/reliability`` checks core, CLI and GUI against them.
Big or folder-shaped cases (the hour-long file, datasets) are not committed:
``write_hour_long`` and ``write_datasets`` make them at test time.

The two pickles carry a payload whose ``__reduce__`` opens the file
``MARKER`` (relative to the working directory) for writing: if anything ever
unpickles them, the marker appears. Tests assert that it does not.
"""

from __future__ import annotations

import argparse
import json
import pickle
import struct
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
MARKER = "RELSTUDIO_UNPICKLED_MARKER"
NON_ASCII_NAME = "name with spaces – ünïcödé 音.wav"
TINY_NET = {"filters": (4, 4, 2), "hidden": 8}


@dataclass(frozen=True)
class Case:
    """One corpus file and what the app must do with it.

    ``outcome``: ``"analysed"`` (a result, maybe with warnings matching
    ``reason``), ``"refused"`` (an error whose message matches ``reason``), or
    for experts ``"incompatible"`` (a valid file, refused for this front end).
    """

    name: str
    what: str
    outcome: str
    reason: str = ""


AUDIO_CASES = (
    Case("zero_bytes.wav", "zero-byte file", "refused", r"file is empty \(0 bytes\)"),
    Case("header_only.wav", "WAV header, no sample data", "refused", r"no audio samples"),
    Case("truncated.wav", "WAV cut in half (header promises 1 s)", "analysed", r"truncated"),
    Case("truncated.ogg", "Ogg Vorbis cut in half", "refused", r"file is malformed"),
    Case("text_renamed.wav", "a text file named .wav", "refused", r"not a readable audio file \(it is a text file\)"),
    Case("random_bytes.flac", "random bytes named .flac", "refused", r"not a readable audio file"),
    Case("silence.wav", "digital silence", "analysed", ""),
    Case("nan_inf_float.wav", "32-bit float WAV with NaN and ±Inf samples", "analysed", r"non-finite"),
    Case("loud_float.wav", "32-bit float WAV with samples up to ±1000", "analysed", r"clipped"),
    Case("eight_channels.wav", "8 channels", "analysed", ""),
    Case("rate_8k.wav", "8 kHz", "analysed", ""),
    Case("rate_192k_24bit.wav", "192 kHz, 24-bit", "analysed", ""),
    Case("shorter_than_frame.wav", "100 samples (shorter than one analysis frame)", "analysed",
         r"shorter than one segment"),
    Case("single_sample.wav", "one sample", "analysed", r"shorter than one segment"),
    Case("tone.mp3", "MP3", "analysed", ""),
    Case(NON_ASCII_NAME, "a name with spaces and non-ASCII characters", "analysed", ""),
    Case("bogus_sizes_ffffffff.wav", "RIFF and data sizes 0xFFFFFFFF (streamed WAV)", "analysed", ""),
    Case("bogus_data_size_zero.wav", "data chunk size 0 with samples after it", "refused",
         r"declares no audio samples"),
    Case("bogus_fmt_size.wav", "fmt chunk claims 2 GB", "refused", r"not a readable audio file"),
)

EXPERT_CASES = (
    Case("good.expert.safetensors", "a valid expert (control)", "ok"),
    Case("pickle_renamed.expert.safetensors", "a Python pickle renamed .safetensors", "refused",
         r"Python pickle"),
    Case("torch_checkpoint.pt", "a torch.save() .pt checkpoint", "refused", r"\.pt checkpoint"),
    Case("torch_checkpoint_renamed.expert.safetensors", "a .pt checkpoint renamed .safetensors", "refused",
         r"\.pt checkpoint"),
    Case("zero_bytes.expert.safetensors", "zero-byte file", "refused", r"too short"),
    Case("truncated.expert.safetensors", "a valid expert cut in half", "refused", r"truncated"),
    Case("header_gigabytes.expert.safetensors", "header length claims 5 GB", "refused",
         r"header claims 5000000000 bytes"),
    Case("header_not_json.expert.safetensors", "header bytes are not JSON", "refused", r"header is not JSON"),
    Case("malformed_metadata.expert.safetensors", "metadata JSON is malformed", "refused",
         r"metadata JSON is malformed"),
    Case("no_metadata.expert.safetensors", "plain safetensors without relstudio metadata", "refused",
         r"no relstudio metadata"),
    Case("unknown_architecture.expert.safetensors", "architecture 'transformer/9'", "refused",
         r"unknown architecture 'transformer/9'"),
    Case("wrong_shapes.expert.safetensors", "tensor shapes do not match the network config", "refused",
         r"has shape"),
    Case("unsupported_dtype.expert.safetensors", "float64 tensors", "refused", r"unsupported dtype"),
    Case("tampered_weights.expert.safetensors", "one weight byte changed after saving", "refused",
         r"checksum"),
    Case("differing_frontend.expert.safetensors", "valid expert for a 64-mel front end", "incompatible",
         r"front end differs.*n_mels: 128 ≠ 64"),
)


RELNET_CASES = (  # RELNET files over the control expert (experts/good.expert.safetensors)
    Case("good.relnet.safetensors", "a valid RELNET over the control expert (control)", "ok"),
    Case("pickle_renamed.relnet.safetensors", "a Python pickle renamed .relnet.safetensors", "refused",
         r"Python pickle"),
    Case("expert_renamed.relnet.safetensors", "an expert file renamed .relnet.safetensors", "refused",
         r"not a RELNET/classifier file"),
    Case("unknown_kind.relnet.safetensors", "kind 'transformer'", "refused", r"unknown classifier kind 'transformer'"),
    Case("wrong_shapes.relnet.safetensors", "tensor shapes do not match the network config", "refused",
         r"has shape"),
    Case("other_experts.relnet.safetensors", "a RELNET trained over an expert that is not the control",
         "incompatible", r"(trained with other experts: missing|its experts are not in the library:) other \("),
)


class Payload:
    """Unpickling this opens ``MARKER`` for writing: proof that something executed."""

    def __reduce__(self):
        import builtins

        return (builtins.open, (MARKER, "w"))


# -- audio ---------------------------------------------------------------------
def _tone(seconds: float, rate: int, freq: float = 440.0, amp: float = 0.4) -> np.ndarray:
    t = np.arange(int(round(seconds * rate))) / rate
    x = amp * (np.sin(2 * np.pi * freq * t) + 0.3 * np.sin(2 * np.pi * 3 * freq * t))
    return x.astype(np.float32)


def _wav(path: Path, x: np.ndarray, rate: int, subtype: str = "PCM_16") -> bytes:
    import soundfile as sf

    sf.write(str(path), x, rate, subtype=subtype, format="WAV")
    return path.read_bytes()


def _float_wav(path: Path, x: np.ndarray, rate: int) -> None:
    """32-bit float mono WAV written by hand (NaN and Inf kept as they are)."""
    data = np.asarray(x, "<f4").tobytes()
    fmt = struct.pack("<HHIIHH", 3, 1, rate, rate * 4, 4, 32)
    path.write_bytes(b"RIFF" + struct.pack("<I", 4 + 8 + len(fmt) + 8 + len(data)) + b"WAVE"
                     + b"fmt " + struct.pack("<I", len(fmt)) + fmt + b"data" + struct.pack("<I", len(data)) + data)


def _patch_chunk_size(raw: bytes, chunk: bytes, size: int) -> bytes:
    out = bytearray(raw)
    i = out.find(chunk, 12)
    out[i + 4:i + 8] = struct.pack("<I", size)
    return bytes(out)


def write_audio(out: Path) -> None:
    import soundfile as sf

    out.mkdir(parents=True, exist_ok=True)
    r = 16000
    (out / "zero_bytes.wav").write_bytes(b"")
    good = _wav(out / "header_only.wav", _tone(1.0, r), r)
    (out / "header_only.wav").write_bytes(good[:44])
    (out / "truncated.wav").write_bytes(good[: len(good) // 2])
    sf.write(str(out / "truncated.ogg"), _tone(2.0, r), r, format="OGG", subtype="VORBIS")
    ogg = (out / "truncated.ogg").read_bytes()
    (out / "truncated.ogg").write_bytes(ogg[: len(ogg) // 2])
    (out / "text_renamed.wav").write_text("This is a text file, not audio.\n" * 20, encoding="utf-8")
    (out / "random_bytes.flac").write_bytes(np.random.default_rng(8).bytes(4096))
    _wav(out / "silence.wav", np.zeros(r, np.float32), r)
    x = _tone(0.5, r)
    x[1000:1100] = np.nan
    x[3000] = np.inf
    x[3001] = -np.inf
    _float_wav(out / "nan_inf_float.wav", x, r)
    _float_wav(out / "loud_float.wav", _tone(0.5, r) * 2500.0, r)
    eight = np.stack([_tone(0.5, 8000, 220.0 * (k + 1)) for k in range(8)], axis=1)
    _wav(out / "eight_channels.wav", eight, 8000)
    _wav(out / "rate_8k.wav", _tone(1.0, 8000), 8000)
    _wav(out / "rate_192k_24bit.wav", _tone(0.5, 192000, 1000.0), 192000, "PCM_24")
    _wav(out / "shorter_than_frame.wav", _tone(100 / r, r), r)
    _wav(out / "single_sample.wav", np.array([0.25], np.float32), r)
    sf.write(str(out / "tone.mp3"), _tone(1.0, r), r, format="MP3", subtype="MPEG_LAYER_III")
    _wav(out / NON_ASCII_NAME, _tone(1.0, r, 660.0), r)
    ff = _patch_chunk_size(good, b"data", 0xFFFFFFFF)
    (out / "bogus_sizes_ffffffff.wav").write_bytes(ff[:4] + struct.pack("<I", 0xFFFFFFFF) + ff[8:])
    (out / "bogus_data_size_zero.wav").write_bytes(_patch_chunk_size(good, b"data", 0))
    (out / "bogus_fmt_size.wav").write_bytes(_patch_chunk_size(good, b"fmt ", 0x7FFFFFF0))


def write_hour_long(path: Path, *, seconds: int = 3600, rate: int = 8000) -> Path:
    """An hour of 8 kHz 16-bit tone bursts and silence (57.6 MB) — made at test time, not committed."""
    import soundfile as sf

    minute = np.zeros(60 * rate, np.float32)
    minute[: 20 * rate] = _tone(20.0, rate, 330.0)
    with sf.SoundFile(str(path), "w", rate, 1, "PCM_16", format="WAV") as f:
        for _ in range(seconds // 60):
            f.write(minute)
    return path


# -- experts -------------------------------------------------------------------
def _module(frontend, seed: int):
    import torch

    from relstudio.core.nets.expert_cnn import ExpertCNN, ExpertCNNConfig

    module = ExpertCNN(frontend, ExpertCNNConfig(**TINY_NET))
    rng = np.random.default_rng(seed)
    state = {k: torch.from_numpy((0.3 * rng.standard_normal(tuple(v.shape))).astype(np.float32))
             for k, v in module.state_dict().items()}
    module.load_state_dict(state)
    return module.eval()


def _split(raw: bytes) -> tuple[dict, bytes]:
    (n,) = struct.unpack("<Q", raw[:8])
    return json.loads(raw[8:8 + n]), raw[8 + n:]


def _join(header: dict, body: bytes) -> bytes:
    text = json.dumps(header).encode()
    text += b" " * ((8 - len(text) % 8) % 8)
    return struct.pack("<Q", len(text)) + text + body


def _with_meta(raw: bytes, change) -> bytes:
    from relstudio.core.experts.model_file import META_KEY

    header, body = _split(raw)
    meta = json.loads(header["__metadata__"][META_KEY])
    change(meta)
    header["__metadata__"][META_KEY] = json.dumps(meta, sort_keys=True)
    return _join(header, body)


def write_experts(out: Path) -> None:
    import torch
    from safetensors.numpy import save

    from relstudio.core.experts.expert_file import save_expert
    from relstudio.core.experts.model_file import META_KEY
    from relstudio.core.frontend import FrontendConfig

    out.mkdir(parents=True, exist_ok=True)
    fe = FrontendConfig()
    good = out / "good.expert.safetensors"
    module = _module(fe, 1)
    save_expert(good, module, label="good", description="corpus control expert (random weights)")
    raw = good.read_bytes()
    state = {k: v.numpy() for k, v in module.state_dict().items()}

    (out / "pickle_renamed.expert.safetensors").write_bytes(
        pickle.dumps({"state_dict": state, "payload": Payload()}, protocol=4))
    torch.save({"state_dict": module.state_dict(), "payload": Payload()}, out / "torch_checkpoint.pt")
    (out / "torch_checkpoint_renamed.expert.safetensors").write_bytes((out / "torch_checkpoint.pt").read_bytes())
    (out / "zero_bytes.expert.safetensors").write_bytes(b"")
    (out / "truncated.expert.safetensors").write_bytes(raw[: len(raw) // 2])
    (out / "header_gigabytes.expert.safetensors").write_bytes(struct.pack("<Q", 5_000_000_000) + raw[8:200])
    (out / "header_not_json.expert.safetensors").write_bytes(struct.pack("<Q", 64) + bytes(range(64)) + raw[-64:])
    header, body = _split(raw)
    header["__metadata__"][META_KEY] = "{not json"
    (out / "malformed_metadata.expert.safetensors").write_bytes(_join(header, body))
    (out / "no_metadata.expert.safetensors").write_bytes(save(state))
    (out / "unknown_architecture.expert.safetensors").write_bytes(
        _with_meta(raw, lambda m: m.update(architecture="transformer/9")))
    (out / "wrong_shapes.expert.safetensors").write_bytes(
        _with_meta(raw, lambda m: m["net"].update(hidden=9)))
    header, body = _split(raw)
    meta = header.pop("__metadata__")
    f64 = {k: v.astype(np.float64) for k, v in state.items()}
    (out / "unsupported_dtype.expert.safetensors").write_bytes(save(f64, metadata=meta))
    tampered = bytearray(raw)
    tampered[-5] ^= 0x40
    (out / "tampered_weights.expert.safetensors").write_bytes(bytes(tampered))
    _write_relnets(out, module, raw)
    mels64 = FrontendConfig(n_mels=64, bands=((0, 13), (13, 38), (38, 64)))
    save_expert(out / "differing_frontend.expert.safetensors", _module(mels64, 2),
                label="differing", description="valid expert with 64 mel bands")


def _write_relnets(out: Path, good, good_raw: bytes) -> None:
    import torch

    from relstudio.core.experts.expert_file import load_expert
    from relstudio.core.experts.relnet_file import save_classifier
    from relstudio.core.nets.expert_cnn import ExpertCNNConfig
    from relstudio.core.nets.relnet import RelNet

    def relnet(path: Path, experts, seed: int) -> bytes:
        model = RelNet(experts[0].module.frontend, [e.module for e in experts], 2, ExpertCNNConfig(**TINY_NET))
        rng = np.random.default_rng(seed)
        model.classifier.load_state_dict({k: torch.from_numpy((0.3 * rng.standard_normal(tuple(v.shape)))
                                                              .astype(np.float32))
                                          for k, v in model.classifier.state_dict().items()})
        save_classifier(path, model, classes=["tone", "other"], experts=experts, description="corpus RELNET")
        return path.read_bytes()

    good_expert = load_expert(out / "good.expert.safetensors")
    raw = relnet(out / "good.relnet.safetensors", [good_expert], 3)
    (out / "pickle_renamed.relnet.safetensors").write_bytes(pickle.dumps({"payload": Payload()}, protocol=4))
    (out / "expert_renamed.relnet.safetensors").write_bytes(good_raw)
    (out / "unknown_kind.relnet.safetensors").write_bytes(_with_meta(raw, lambda m: m.update(kind="transformer")))
    (out / "wrong_shapes.relnet.safetensors").write_bytes(_with_meta(raw, lambda m: m["net"].update(hidden=9)))
    other = out / "other.expert.safetensors"
    from relstudio.core.experts.expert_file import save_expert

    save_expert(other, _module(good.frontend, 4), label="other")
    try:
        relnet(out / "other_experts.relnet.safetensors", [load_expert(other)], 5)
    finally:
        other.unlink()


# -- datasets (made at test time: git keeps no empty folders) -------------------
def write_datasets(out: Path) -> dict[str, Path]:
    """Small labelled folders: empty, one class, unreadable files mixed in, a class with one clip."""
    r = 16000
    made = {}
    empty = out / "empty"
    (empty / "speech").mkdir(parents=True, exist_ok=True)
    (empty / "music").mkdir(parents=True, exist_ok=True)
    made["empty"] = empty
    (out / "no_folders").mkdir(parents=True, exist_ok=True)
    made["no_folders"] = out / "no_folders"
    one = out / "one_class" / "tone"
    one.mkdir(parents=True, exist_ok=True)
    for k in range(4):
        _wav(one / f"t{k}.wav", _tone(1.0, r, 200.0 + 50 * k), r)
    made["one_class"] = one.parent
    mixed = out / "unreadable_mixed"
    for label, freq in (("low", 150.0), ("high", 1500.0)):
        (mixed / label).mkdir(parents=True, exist_ok=True)
        for k in range(4):
            _wav(mixed / label / f"{label}{k}.wav", _tone(1.0, r, freq * (1 + 0.1 * k)), r)
    (mixed / "low" / "broken.wav").write_text("not audio at all\n", encoding="utf-8")
    (mixed / "high" / "empty.wav").write_bytes(b"")
    (mixed / "high" / "noise.flac").write_bytes(np.random.default_rng(3).bytes(2048))
    made["unreadable_mixed"] = mixed
    lonely = out / "one_clip_class"
    for label, n in (("many", 5), ("lonely", 1)):
        (lonely / label).mkdir(parents=True, exist_ok=True)
        for k in range(n):
            _wav(lonely / label / f"{label}{k}.wav", _tone(1.0, r, 300.0 * (k + 1) if label == "many" else 2000.0), r)
    made["one_clip_class"] = lonely
    return made


def write_all(out: Path = HERE) -> None:
    write_audio(out / "audio")
    write_experts(out / "experts")


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", type=Path, default=HERE, help="folder to write audio/ and experts/ into")
    args = p.parse_args(argv)
    sys.path.insert(0, str(HERE.parents[2]))  # the repository root, for relstudio
    write_all(args.out)
    total = sum(f.stat().st_size for f in args.out.rglob("*") if f.is_file() and f.parent.name in ("audio", "experts"))
    print(f"wrote {len(AUDIO_CASES)} audio, {len(EXPERT_CASES)} expert and {len(RELNET_CASES)} RELNET cases "
          f"to {args.out} ({total / 1e6:.2f} MB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
