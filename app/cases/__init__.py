"""Cases: the melding, every step of the route, and what the dossier shows of it."""
