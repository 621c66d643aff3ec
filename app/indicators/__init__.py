"""Performance indicators: values, stepped targets, status, trend and charts."""
