"""Logs, correlation ids and metrics shared by the API and the workers (no web framework here)."""
