"""An offline stand-in for Telegram's Bot API, used by the test suite and `steunpunt demo`."""
