"""Runs the named methods of PyMISP's live test suite, unchanged, and writes one result per method.

Usage: python run_methods.py PYMISP_ROOT OUTPUT.json METHOD...

PYMISP_ROOT is PyMISP's unpacked source distribution: tests/ holds testlive_comprehensive.py, the
data files it reads, and the keys.py it imports its server's url and key from. The suite is
imported as it is shipped; only the selection of methods is ours. Each method's outcome goes to
OUTPUT.json as {"method": {"outcome": "passed"|"failed"|"error"|"skipped"|"not run", "reason": str}}.
"""
from __future__ import annotations

import importlib
import json
import os
import sys
import traceback
import unittest


def last_lines(text: str, count: int = 6) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return "\n".join(lines[-count:])


class Recorder(unittest.TestResult):
    def __init__(self) -> None:
        super().__init__()
        self.outcomes: dict[str, dict[str, str]] = {}

    def _name(self, test: unittest.TestCase) -> str:
        method = getattr(test, "_testMethodName", None)
        # A failing setUpClass or tearDownClass comes as a holder named "setUpClass (module.Class)".
        return method if method else str(test).split(" ")[0]

    def _record(self, test: unittest.TestCase, outcome: str, reason: str = "") -> None:
        self.outcomes[self._name(test)] = {"outcome": outcome, "reason": reason}
        sys.stderr.write(f"{outcome:7} {self._name(test)}\n")
        sys.stderr.flush()

    def addSuccess(self, test):  # noqa: N802 (unittest's names)
        self._record(test, "passed")

    def addFailure(self, test, err):  # noqa: N802
        self._record(test, "failed", last_lines("".join(traceback.format_exception(*err))))

    def addError(self, test, err):  # noqa: N802
        self._record(test, "error", last_lines("".join(traceback.format_exception(*err))))

    def addSkip(self, test, reason):  # noqa: N802
        self._record(test, "skipped", reason)


def main() -> int:
    root, output, *methods = sys.argv[1:]
    # The suite imports keys.py from its import path and opens its data files as tests/…, relative
    # to the working directory, as it does when run from PyMISP's own checkout.
    os.chdir(root)
    sys.path.insert(0, os.path.join(root, "tests"))
    module = importlib.import_module("testlive_comprehensive")
    case = module.TestComprehensive
    suite = unittest.TestSuite(case(method) for method in methods)
    recorder = Recorder()
    suite.run(recorder)
    results = {}
    for method in methods:
        results[method] = recorder.outcomes.get(method, {"outcome": "not run", "reason": ""})
    # A failing setUpClass or tearDownClass is reported under its own name.
    for name, outcome in recorder.outcomes.items():
        if name not in results:
            results[name] = outcome
    with open(output, "w", encoding="utf-8") as handle:
        json.dump(results, handle, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
