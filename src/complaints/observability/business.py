"""What the business watches, counted where it happens (whichever process that is)."""

from prometheus_client import Counter

INTAKE = Counter("complaints_intake_total", "Complaints taken in (cases opened), by channel", ["channel"])
