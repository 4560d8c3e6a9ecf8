"""The access log: every look at a case's personal data, and every refusal (AVG)."""
