"""The audit trail export for administrators."""

from __future__ import annotations

import csv
import io

from flask import Blueprint, Response

from app import clock
from app.audit import queries
from app.policy import Permission, requires

bp = Blueprint("audit", __name__)


@bp.route("/admin/audit.csv")
@requires(Permission.EXPORT_AUDIT)
def export_csv():
    # Built whole before sending: the rows are read in batches, and the
    # request's database session must not outlive the request.
    buffer = io.StringIO()
    csv.writer(buffer).writerows(queries.export_rows())
    filename = f"pillar-audit-{clock.today().isoformat()}.csv"
    return Response(
        buffer.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
