"""The batch job on a Dask LocalCluster: two worker processes on loopback."""

import distributed
import pytest

from relstudio.core.cache import ProbabilityCache, cache_key
from relstudio.core.collection.batch import analyze_collection
from relstudio.core.progress import run_task
from tests.collection.conftest import make_collection


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                       dashboard_address=None, death_timeout="30s")
    with distributed.Client(cluster, timeout="60s") as c:
        c.wait_for_workers(2, timeout=120)
        yield c
    cluster.close()


def test_dask_cluster_fills_the_same_table_and_the_client_cache(tmp_path, tone_noise, client):
    folder = make_collection(tmp_path / "music", n_tone=2, n_noise=2)
    local = run_task(analyze_collection(folder, tone_noise, cache=None, workers=1))
    cache = ProbabilityCache(tmp_path / "cache")
    seen = []
    remote = run_task(analyze_collection(folder, tone_noise, output=tmp_path / "out", cache=cache,
                                         scheduler=client), seen.append)
    assert remote.rows == local.rows
    assert [f["path"].endswith("broken.wav") for f in remote.failures] == [True]
    assert sum("row" in p.metrics for p in seen) == 4
    # the probabilities came back into the client's cache …
    fe = tone_noise[0].frontend.fingerprint()
    for r in remote.rows:
        for info in tone_noise:
            assert cache.get(cache_key(r["content_hash"], fe, info.fingerprint)) is not None
    # … and the rows too: a local rerun analyses nothing
    again = run_task(analyze_collection(folder, tone_noise, cache=ProbabilityCache(tmp_path / "cache"), workers=1))
    assert (again.stats["reused"], again.stats["analysed"]) == (4, 0)


def test_both_workers_take_tracks(tmp_path, tone_noise, client):
    from relstudio.core.collection.dask import analyse_on_worker
    from relstudio.core.collection.worker import JobSpec

    folder = make_collection(tmp_path / "music", n_tone=3, n_noise=3, bad=False)
    spec = JobSpec(tuple(str(i.path) for i in tone_noise))
    paths = [str(p) for p in sorted(folder.rglob("*.wav"))]
    futures = [client.submit(analyse_on_worker, p, spec, pure=False) for p in paths]
    outs = client.gather(futures)
    assert all(o["ok"] for o in outs) and len({o["pid"] for o in outs}) == 2
    assert all(o["probs"].shape[0] == 2 for o in outs)
