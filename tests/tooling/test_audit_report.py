"""The supply-chain check's reading of pip-audit's JSON report."""

from __future__ import annotations

import json

from scripts.audit_report import main


def _write(tmp_path, dependencies):
    path = tmp_path / "report.json"
    path.write_text(json.dumps({"dependencies": dependencies, "fixes": []}), encoding="utf-8")
    return str(path)


def test_a_known_vulnerability_is_named_with_its_fix_and_fails(tmp_path, capsys):
    report = _write(tmp_path, [
        {"name": "jinja2", "version": "3.1.2", "vulns": [{"id": "GHSA-h5c8-rqwp-cp95", "fix_versions": ["3.1.3"]}]},
        {"name": "flask", "version": "3.1.3", "vulns": []},
    ])
    assert main(report) == 1
    printed = capsys.readouterr().out
    assert "jinja2 3.1.2: GHSA-h5c8-rqwp-cp95 (fixed in 3.1.3)" in printed
    assert "2 packages audited, 1 known vulnerabilities" in printed


def test_packages_that_could_not_be_audited_are_counted_and_never_pass_silently(tmp_path, capsys):
    report = _write(tmp_path, [
        {"name": "flask", "skip_reason": "Dependency not found on PyPI and could not be audited: flask (3.1.3)"},
        {"name": "celery", "version": "5.5.3", "vulns": []},
    ])
    assert main(report) == 1
    printed = capsys.readouterr().out
    assert "1 packages were NOT audited" in printed


def test_a_clean_report_passes(tmp_path, capsys):
    report = _write(tmp_path, [{"name": "flask", "version": "3.1.3", "vulns": []}])
    assert main(report) == 0
    assert "1 packages audited, 0 known vulnerabilities" in capsys.readouterr().out
