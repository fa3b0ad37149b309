"""The thread-sizing rule (core/threads.py): a pure function of cores and load; no timing asserted."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from relstudio.core import threads
from relstudio.core.errors import ParameterError
from relstudio.core.threads import CpuSample, free_cores, others_load_between, plan_threads


@pytest.mark.parametrize("cores, load, expected", [
    (2, 0.0, 2),    # quiet
    (2, 0.2, 2),    # a desktop's background noise does not cost a core
    (2, 1.0, 1),    # one busy program holds one core
    (2, 0.7, 1),    # ... or most of it
    (2, 5.0, 1),    # overloaded: still one thread
    (1, 0.0, 1),
    (16, 3.0, 13),
    (16, 3.5, 12),
])
def test_free_cores(cores, load, expected):
    assert free_cores(cores=cores, others_load=load) == expected


@settings(max_examples=200, deadline=None)
@given(cores=st.integers(1, 512), load=st.floats(0, 1000, allow_nan=False))
def test_never_more_threads_than_free_cores_and_at_least_one(cores, load):
    n = free_cores(cores=cores, others_load=load)
    assert 1 <= n <= cores
    if n > 1:
        assert n <= cores - load + threads.IDLE_ENOUGH
    assert free_cores(cores=cores, others_load=load + 1) <= n  # more load never means more threads


@settings(max_examples=100, deadline=None)
@given(cores=st.integers(1, 64), load=st.floats(0, 100, allow_nan=False), workers=st.integers(1, 16),
       limit=st.integers(0, 8))
def test_workers_share_the_free_cores(cores, load, workers, limit):
    plan = plan_threads(cores=cores, others_load=load, workers=workers, limit=limit)
    free = free_cores(cores=cores, others_load=load)
    assert plan.decode == free
    assert 1 <= plan.torch <= max(1, free // workers)
    if limit:
        assert plan.torch <= limit


@pytest.mark.parametrize("cores, load, named", [(0, 0.0, "cores.* 0"), (2.5, 0.0, "cores.* 2.5"),
                                               (2, -1.0, "others_load.* -1.0"), (2, float("nan"), "others_load.* nan")])
def test_bad_values_are_named(cores, load, named):
    with pytest.raises(ParameterError, match=named):
        free_cores(cores=cores, others_load=load)


def test_bad_plan_values_are_named():
    with pytest.raises(ParameterError, match="workers.*0"):
        plan_threads(cores=2, others_load=0.0, workers=0)
    with pytest.raises(ParameterError, match="limit.*-1"):
        plan_threads(cores=2, others_load=0.0, limit=-1)


def test_others_load_leaves_out_this_process():
    a = CpuSample(t=10.0, busy=100.0, own=5.0)
    # 1 s later: 2 cores fully busy, 1.2 CPU-s of them this process's own
    assert others_load_between(a, CpuSample(t=11.0, busy=102.0, own=6.2)) == pytest.approx(0.8)
    # this process alone busy: no load from others (never below 0, whatever the tick rounding)
    assert others_load_between(a, CpuSample(t=10.5, busy=100.9, own=6.0)) == 0.0
    with pytest.raises(ParameterError, match="later"):
        others_load_between(a, a)


def test_ceiling_caps_and_restores():
    previous = threads.set_ceiling(1)
    try:
        assert threads.current_plan().torch == 1
        assert threads.current_plan(limit=3).torch == 1
    finally:
        assert threads.set_ceiling(previous) == 1
    with pytest.raises(ParameterError, match="-2"):
        threads.set_ceiling(-2)


@pytest.mark.skipif(not os.path.exists("/proc/stat"), reason="samples /proc/stat")
def test_sampled_load_is_a_finite_number_of_cores():
    load = threads.others_load()
    assert 0.0 <= load <= 4 * threads.machine_cores() + 4


def test_import_relstudio_asks_for_passive_waiting_before_torch_loads():
    env = {k: v for k, v in os.environ.items() if k != "OMP_WAIT_POLICY"}
    code = ("import sys, relstudio, os; assert 'torch' not in sys.modules; "
            "from relstudio.core.threads import passive_waiting; print(passive_waiting())")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "True"
    env["OMP_WAIT_POLICY"] = "ACTIVE"  # the user's own choice is kept
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_analyze_sizes_torch_threads_in_the_thread_that_runs_it(tmp_path):
    """On the CPU, analyze goes through core/threads.py (within a ceiling), in its own worker thread."""
    import threading

    import torch

    from relstudio.core.analysis import analyze
    from relstudio.core.audio import clip_from_array
    from relstudio.core.experts.expert_file import load_expert
    from relstudio.core.frontend import FrontendConfig
    from relstudio.core.progress import run_task
    from tests.expert_factory import random_expert
    from tests.synth import tone

    expert = load_expert(random_expert(tmp_path, "a").path)
    clip = clip_from_array(tone(440, 3.0, rate=FrontendConfig.small().sample_rate), rate=FrontendConfig.small().sample_rate)
    seen = {}

    def work():
        torch.set_num_threads(3)  # something the sizing must replace
        run_task(analyze(clip, [expert], device="cpu", keep_mel=False))
        seen["threads"] = torch.get_num_threads()

    previous = threads.set_ceiling(1)
    try:
        worker = threading.Thread(target=work)
        worker.start()
        worker.join()
    finally:
        threads.set_ceiling(previous)
    assert seen["threads"] == 1


def test_pinned_threads_are_not_resized_by_the_load(monkeypatch):
    import torch

    from relstudio.core import threads

    before = torch.get_num_threads()
    monkeypatch.setattr(threads, "others_load", lambda: 1000.0)  # every core busy: sizing would pick 1
    try:
        threads.pin_threads(2)
        assert threads.fit_torch_threads() == 2 and torch.get_num_threads() == 2
        threads.pin_threads(0)
        assert threads.fit_torch_threads() == 1
    finally:
        threads.pin_threads(0)
        torch.set_num_threads(before)
