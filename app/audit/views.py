"""The audit trail export for administrators."""

from __future__ import annotations

import csv
import io

from flask import Blueprint, Response, stream_with_context

from app import clock
from app.audit import queries
from app.policy import Permission, requires

bp = Blueprint("audit", __name__)


@bp.route("/admin/audit.csv")
@requires(Permission.EXPORT_AUDIT)
def export_csv():
    def lines():
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        for row in queries.export_rows():
            writer.writerow(row)
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()

    filename = f"pillar-audit-{clock.today().isoformat()}.csv"
    return Response(
        stream_with_context(lines()),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
