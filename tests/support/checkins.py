"""The check-in every check-in test plays: Monday 09:30 and a member's five answers."""

from __future__ import annotations

from datetime import UTC, datetime

MONDAY_0930 = datetime(2026, 11, 30, 8, 30, tzinfo=UTC)  # 09:30 in Amsterdam (CET)
ANSWERS = [
    "Met de buurt de rattenkaart gemaakt",
    "Veel mensen deden mee",
    "De vergunning voor de containers duurt lang",
    "Bel de gebiedsmakelaar vóór je een vergunning aanvraagt",
    "Afspraak maken met de gebiedsmakelaar",
]
