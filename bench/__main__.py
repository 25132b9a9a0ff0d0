"""`make bench`: run every benchmark, each beside its baseline measured in the same run.

`python -m bench` runs them all; `python -m bench transitions` (or `smtp`) runs one.
"""

from __future__ import annotations

import sys

from bench import smtp_throughput, transitions


def main(names: list[str]) -> int:
    """Run the named benchmarks (all by default) and print their figures."""
    wanted = set(names) or {"transitions", "smtp"}
    failed = False
    if "transitions" in wanted:
        rates = transitions.run()
        print(transitions.report(rates))
        failed |= rates["ratio_vs_naive"] < 2 or rates["ratio_vs_floor"] < 0.4
        print()
    if "smtp" in wanted:
        figures = smtp_throughput.run(count=2000, batch=100)
        print(smtp_throughput.report(figures))
        failed |= figures["convflow_per_s"] < smtp_throughput.TARGET
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
