"""The JobQueue contract: every backend (see conftest.QUEUE_FACTORIES) must pass all of these."""

from __future__ import annotations

import threading
import time

from aiworks.jobs import JobOutcome, JobQueue

LEASE = 0.3  # seconds; short so expiry tests stay fast, long enough for a loaded 2-core machine's calls


def _enqueue(q: JobQueue, ws: str = "acme", n: int = 1, prefix: str = "f") -> list:
    return [q.enqueue(ws, f"{prefix}{i}.pdf", f"{prefix}{i:063d}", f"/staged/{prefix}{i}.pdf") for i in range(n)]


def test_is_a_job_queue(queue):
    assert isinstance(queue, JobQueue)


def test_enqueue_records_a_queued_job_visible_to_another_handle(queue, queue_factory):
    job = queue.enqueue("acme", "a.pdf", "a" * 64, "/staged/a.pdf", ingest_name="a.pdf")
    assert len(job.id) == 16 and all(c in "0123456789abcdef" for c in job.id)
    assert (job.status, job.progress, job.attempts, job.workspace) == ("queued", 0.0, 0, "acme")
    assert job.staged_path == "/staged/a.pdf" and job.ingest_name == "a.pdf" and job.created_at > 0
    other = queue_factory()  # a restarted server / another process
    assert other.get(job.id) == job
    assert other.get("0" * 16) is None


def test_claim_is_fifo_and_leased(queue):
    jobs = _enqueue(queue, n=3)
    first = queue.claim("w1", LEASE)
    assert first.id == jobs[0].id and first.status == "running" and first.worker == "w1" and first.attempts == 1
    assert first.lease_until > time.time()
    assert queue.claim("w2", LEASE).id == jobs[1].id
    assert queue.claim("w2", LEASE).id == jobs[2].id
    assert queue.claim("w2", LEASE) is None


def test_claim_filters_by_workspace(queue):
    _enqueue(queue, "acme", prefix="a")
    b = _enqueue(queue, "beta", prefix="b")[0]
    assert queue.claim("w", LEASE, workspaces=["beta"]).id == b.id
    assert queue.claim("w", LEASE, workspaces=["beta"]) is None
    assert queue.claim("w", LEASE, workspaces=[]) is None
    assert queue.claim("w", LEASE).workspace == "acme"


def test_heartbeat_records_progress_and_only_for_the_holder(queue):
    job = _enqueue(queue)[0]
    queue.claim("w1", LEASE)
    assert queue.heartbeat(job.id, "w1", LEASE, progress=0.4, stage="embedding")
    assert not queue.heartbeat(job.id, "intruder", LEASE, progress=0.9)
    got = queue.get(job.id)
    assert (got.progress, got.stage) == (0.4, "embedding")
    assert queue.heartbeat(job.id, "w1", LEASE, progress=0.2)  # progress never goes backwards
    assert queue.get(job.id).progress == 0.4


def test_finish_and_fail_keep_results_and_reasons(queue):
    a, b = _enqueue(queue, n=2)
    queue.claim("w", LEASE), queue.claim("w", LEASE)
    assert not queue.finish(a.id, "other", JobOutcome("ingested"))
    assert queue.finish(a.id, "w", JobOutcome("ingested", document_id="d1", pages=3, chunks=7))
    assert queue.fail(b.id, "w", "corrupt: not a readable PDF")
    done, failed = queue.get(a.id), queue.get(b.id)
    assert (done.status, done.result, done.document_id, done.pages, done.chunks, done.progress) == (
        "done",
        "ingested",
        "d1",
        3,
        7,
        1.0,
    )
    assert done.finished_at is not None
    assert (failed.status, failed.error) == ("error", "corrupt: not a readable PDF")
    # a finished job is final: no second finish, no heartbeat
    assert not queue.finish(a.id, "w", JobOutcome("replaced"))
    assert not queue.heartbeat(b.id, "w", LEASE)


def test_expired_lease_is_requeued_and_the_old_worker_loses_it(queue):
    job = _enqueue(queue)[0]
    queue.claim("dead", LEASE)
    assert queue.requeue_expired() == []  # lease still valid
    time.sleep(LEASE + 0.2)
    changed = queue.requeue_expired()
    assert [j.id for j in changed] == [job.id] and changed[0].status == "queued"
    again = queue.claim("alive", LEASE)
    assert again.id == job.id and again.attempts == 2 and again.worker == "alive"
    assert not queue.heartbeat(job.id, "dead", LEASE)  # the dead worker's late writes are refused
    assert not queue.finish(job.id, "dead", JobOutcome("ingested"))
    assert queue.finish(job.id, "alive", JobOutcome("unchanged"))


def test_heartbeat_keeps_the_lease(queue):
    job = _enqueue(queue)[0]
    queue.claim("w", LEASE)
    for _ in range(3):
        time.sleep(LEASE / 2)
        assert queue.heartbeat(job.id, "w", LEASE)
    assert queue.requeue_expired() == []
    assert queue.get(job.id).status == "running"


def test_a_job_that_keeps_killing_workers_fails_with_a_reason(queue):
    job = _enqueue(queue)[0]
    for attempt in range(1, 3):
        assert queue.claim(f"w{attempt}", 0.01).attempts == attempt
        time.sleep(0.05)
        assert queue.requeue_expired(max_attempts=2)[0].status == ("queued" if attempt < 2 else "error")
    failed = queue.get(job.id)
    assert failed.status == "error" and "2 times" in failed.error and failed.finished_at is not None
    assert queue.claim("w3", LEASE) is None


def test_list_is_per_workspace_oldest_first_and_bounded(queue):
    a = _enqueue(queue, "acme", n=3, prefix="a")
    _enqueue(queue, "beta", n=2, prefix="b")
    assert [j.id for j in queue.list("acme")] == [j.id for j in a]
    assert [j.id for j in queue.list("acme", limit=2)] == [j.id for j in a[1:]]
    assert queue.list("nobody") == []


def test_pending_hash_sees_queued_and_running_only(queue):
    a, b = _enqueue(queue, n=2)
    assert queue.pending_hash("acme", a.sha256).id == a.id
    assert queue.pending_hash("beta", a.sha256) is None
    queue.claim("w", LEASE)
    assert queue.pending_hash("acme", a.sha256).id == a.id
    queue.finish(a.id, "w", JobOutcome("ingested"))
    assert queue.pending_hash("acme", a.sha256) is None
    assert queue.pending_hash("acme", b.sha256).id == b.id


def test_concurrent_claimers_never_share_a_job(queue_factory):
    q = queue_factory()
    jobs = _enqueue(q, n=40)
    claimed: list[tuple[str, str]] = []
    lock = threading.Lock()

    def worker(name: str) -> None:
        mine = queue_factory()  # own handle, as a separate process would have
        while (job := mine.claim(name, 30)) is not None:
            with lock:
                claimed.append((job.id, name))
            assert mine.finish(job.id, name, JobOutcome("ingested"))

    threads = [threading.Thread(target=worker, args=(f"w{i}",)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    ids = [c[0] for c in claimed]
    assert sorted(ids) == sorted(j.id for j in jobs)  # each job exactly once
    assert all(q.get(j.id).status == "done" for j in jobs)
