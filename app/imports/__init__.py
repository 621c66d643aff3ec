"""Importing an existing action plan from Excel, CSV or a pasted table."""
