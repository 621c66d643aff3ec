"""Reads pip-audit's JSON report: prints each known vulnerability, and how many
packages were audited and how many could not be. Exits 1 when any package was
not audited or any vulnerability was found, so the caller decides how loud to be."""

from __future__ import annotations

import json
import sys


def summarise(report: dict) -> tuple[list[str], int, int]:
    findings: list[str] = []
    audited = skipped = 0
    for dependency in report.get("dependencies", []):
        if "skip_reason" in dependency:
            skipped += 1
            continue
        audited += 1
        for vulnerability in dependency.get("vulns", []):
            fixed = ", ".join(vulnerability.get("fix_versions", [])) or "no fixed release yet"
            findings.append(f"{dependency['name']} {dependency['version']}: {vulnerability['id']} (fixed in {fixed})")
    return findings, audited, skipped


def main(path: str) -> int:
    with open(path, encoding="utf-8") as handle:
        findings, audited, skipped = summarise(json.load(handle))
    for finding in findings:
        print(f"pip-audit: {finding}")
    print(f"pip-audit: {audited} packages audited, {len(findings)} known vulnerabilities")
    if skipped:
        print(
            f"pip-audit: WARNING: {skipped} packages were NOT audited: PyPI's vulnerability data could not be "
            "reached from here. Run scripts/supply-chain where pypi.org answers before a release."
        )
    return 1 if findings or skipped else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
