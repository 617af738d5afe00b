"""The static web edition of the city log (`steunpunt publish`): rendering, search data and
writing the files. No Telegram here."""
