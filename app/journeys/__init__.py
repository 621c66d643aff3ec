"""Each role's first page, the plan dashboard and search across the plan."""
