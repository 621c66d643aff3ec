"""The audit trail export for administrators."""

from __future__ import annotations

import csv
import io

from flask import Blueprint, Response
from flask_login import current_user

from app import clock
from app.audit import queries
from app.audit.exports import record_export
from app.extensions import db
from app.policy import Permission, requires

bp = Blueprint("audit", __name__)


@bp.route("/admin/audit.csv")
@requires(Permission.EXPORT_AUDIT)
def export_csv():
    # Built whole before sending: the rows are read in batches, and the
    # request's database session must not outlive the request.
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    rows = -1  # the heading row is not an event
    for row in queries.export_rows():
        writer.writerow(row)
        rows += 1
    record_export(current_user, "audit_trail", fmt="csv", row_count=rows)
    db.session.commit()
    filename = f"pillar-audit-{clock.today().isoformat()}.csv"
    return Response(
        buffer.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
