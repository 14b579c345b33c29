"""The Discord adapter: `/interview` for recruiters, a private thread per candidate, reports
as an embed (plus the full report as a Markdown file) in a private recruiter channel. See
the Discord section of README.md.

Modules: `config` (what the adapter needs from Settings), `translate` (messages → core
messages), `split` (2,000-character pieces), `checks` (who can read what), `port` (ChatPort
over discord.py), `report` (the embed and file), `actions` (what each command does),
`commands` (the `/interview` group and its guarded tree), `bot_client` (the discord.Client),
`runner` (`run_discord`, for the CLI).
"""
