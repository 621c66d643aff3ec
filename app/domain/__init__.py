"""Pure rules: plain values in, plain values out, ``today`` always passed in.

Nothing here imports Flask or SQLAlchemy or reads the clock. Import from the
modules themselves (``app.domain.rag``, ``app.domain.rollup``,
``app.domain.working_days``, ``app.domain.escalation``, ...).
"""
