"""Telegram handlers: translate updates into service calls and results into replies."""
