#!/usr/bin/env python3
"""One line from a schemathesis JSON run report (`st run --report json`): operations tested, test cases, failures.

Used by deploy/contract-test.sh; prints "no report" when schemathesis stopped before writing one.
"""
import json
import sys


def main(path: str) -> int:
    try:
        with open(path, encoding="utf-8") as handle:
            report = json.load(handle)
    except (OSError, ValueError):
        print("no report (schemathesis stopped early; see its log)")
        return 0
    operations = report.get("operations") or {}
    cases = report.get("test_cases") or {}
    errors = sum(group.get("count", 0) for group in report.get("errors") or [])
    failures = ", ".join(f"{group['code']} {group['title']} ×{group['count']}" for group in report.get("failures") or [])
    print(
        f"operations {operations.get('tested', 0)}/{operations.get('selected', 0)} tested, "
        f"test cases {cases.get('generated', 0)}, unique failures {cases.get('unique_failures', 0)}, "
        f"errors {errors}" + (f" [{failures}]" if failures else "")
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
