"""Plain-Python services: the rules of Steunpunt. No `telegram` imports here."""
