"""The one progress-callback type every long job reports through, and a terminal bar for it.

``Progress(stage, fraction)``: a short description of what is running now ("training mlp", "trial 3/20",
"embedding") and how much of the whole job is done, 0.0 to 1.0. Library code only calls it; the CLI draws a bar
on stderr (so ``--json`` and result lines on stdout stay clean), the API stores it on a job.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

Progress = Callable[[str, float], None]


def counter(progress: Progress | None, total: int, stage: str) -> Callable[[], None]:
    """A ``tick()`` for code that counts equal steps: each call reports one more of ``total`` done."""
    done = 0

    def tick() -> None:
        nonlocal done
        done += 1
        if progress is not None:
            progress(stage, min(done / max(total, 1), 1.0))

    return tick


@contextmanager
def progress_bar(label: str, quiet: bool = False) -> Iterator[Progress]:
    """A transient rich bar on **stderr**; yields the ``Progress`` to hand to the job (a no-op when ``quiet``)."""
    if quiet:
        yield lambda stage, fraction: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, Progress as Bar, TaskProgressColumn, TextColumn, TimeElapsedColumn

    columns = (TextColumn("{task.description}"), BarColumn(), TaskProgressColumn(), TimeElapsedColumn())
    with Bar(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(label, total=1.0)

        def report(stage: str, fraction: float) -> None:
            bar.update(task, description=stage or label, completed=fraction)

        yield report
