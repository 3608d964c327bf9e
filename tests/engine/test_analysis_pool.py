"""The worker pool: spawned processes, a timeout per file, crashed and hung workers replaced."""

from __future__ import annotations

from pathlib import Path

from engine.analysis.pool import AnalysisPool, Job, Outcome

ANALYSER = "tests.engine.analysers:by_name"


def _files(tmp_path: Path, names: list[str]) -> list[Job]:
    jobs = []
    for i, name in enumerate(names):
        p = tmp_path / name
        p.write_bytes(b"x" * (i + 10))
        jobs.append(Job(i, str(p)))
    return jobs


def _run(jobs: list[Job], **kwargs: object) -> dict[int, Outcome]:
    outcomes: dict[int, Outcome] = {}

    def collect(o: Outcome) -> None:
        assert o.track_id not in outcomes, "one outcome per job"
        outcomes[o.track_id] = o

    AnalysisPool(**kwargs).run(jobs, collect)  # type: ignore[arg-type]
    return outcomes


def test_crashed_hung_and_failing_files_are_reported_and_the_rest_analysed(tmp_path: Path) -> None:
    names = ["a.ogg", "crash.ogg", "b.ogg", "hang.ogg", "bad.ogg", "exit.ogg", "c.ogg", "d.ogg"]
    outcomes = _run(_files(tmp_path, names), workers=2, timeout_s=2.0, analyser=ANALYSER)
    assert len(outcomes) == len(names)
    by_name = {Path(o.path).name: o for o in outcomes.values()}
    for good in ("a.ogg", "b.ogg", "c.ogg", "d.ogg"):
        assert by_name[good].error is None and by_name[good].values is not None
    assert by_name["crash.ogg"].error == "analysis worker crashed (killed by SIGKILL)"
    assert by_name["exit.ogg"].error == "analysis worker crashed (exit code 3)"
    assert by_name["hang.ogg"].error == "analysis timed out after 2 s"
    assert by_name["bad.ogg"].error == "analysis failed: ValueError: this file is bad on purpose"
    retried = {name for name, o in by_name.items() if o.retry}
    assert retried == {"crash.ogg"}, "only a kill from outside is not the file's fault"


def test_workers_are_separate_spawned_processes(tmp_path: Path) -> None:
    import os

    jobs = _files(tmp_path, [f"{i}.ogg" for i in range(12)])
    outcomes = _run(jobs, workers=2, analyser="tests.engine.analysers:record_pid")
    assert all(o.error is None for o in outcomes.values())
    pids = set((tmp_path / "pids.txt").read_text().split())
    assert len(pids) == 2 and str(os.getpid()) not in pids


def test_an_empty_job_list_starts_nothing() -> None:
    assert _run([], workers=2, analyser=ANALYSER) == {}
