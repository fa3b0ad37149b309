"""The one place a torch device is chosen."""

from __future__ import annotations

from relstudio.core.errors import ParameterError

DEVICE_CHOICES = ("auto", "cpu", "cuda")


def choose_device(prefer: str = "auto"):
    """Return a ``torch.device``: CUDA when available (or asked), the CPU otherwise."""
    import torch

    if prefer not in DEVICE_CHOICES:
        raise ParameterError(f"device must be one of {DEVICE_CHOICES}, got {prefer!r}")
    if prefer == "cpu":
        return torch.device("cpu")
    if prefer == "cuda":
        if not torch.cuda.is_available():
            raise ParameterError("device 'cuda' was asked for but no CUDA device is available")
        return torch.device("cuda")
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


def resolve_device(device=None):
    """The one rule for a ``device`` argument: ``None`` or ``"auto"`` chooses (CUDA when available),
    ``"cpu"``/``"cuda"`` as :func:`choose_device`, anything else (``"cuda:1"``, a ``torch.device``) as given."""
    import torch

    if device is None or (isinstance(device, str) and device in DEVICE_CHOICES):
        return choose_device(device or "auto")
    try:
        return torch.device(device)
    except (RuntimeError, TypeError) as exc:
        raise ParameterError(f"device must be one of {DEVICE_CHOICES} or a torch device, got {device!r}") from exc


def describe(device) -> str:
    import torch

    if device.type == "cuda":
        return f"CUDA ({torch.cuda.get_device_name(device)})"
    return "CPU"
