"""How the benchmarks time a call and print a figure beside its floor: one way for every bench/*.py."""

import statistics
import time


def timings(fn, runs: int, warm: int = 1) -> list[float]:
    """Milliseconds per call over `runs` calls, after `warm` warm-up calls."""
    for _ in range(warm):
        fn()
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def best(fn, repeat: int = 7, number: int = 20) -> float:
    """Best mean seconds per call over `repeat` rounds of `number` calls (for calls of a millisecond or less)."""
    rounds = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(number):
            fn()
        rounds.append((time.perf_counter() - start) / number)
    return min(rounds)


def report(name: str, measured: list[float], floor: list[float] | None = None, width: int = 58) -> None:
    """One line: mean and median milliseconds, and the ratio of the medians to the floor's, if there is one."""
    ratio = f"  ratio {statistics.median(measured) / statistics.median(floor):7.1f}" if floor else ""
    print(
        f"{name:<{width}} mean {statistics.mean(measured):9.2f} ms  median {statistics.median(measured):9.2f} ms{ratio}",
        flush=True,
    )
