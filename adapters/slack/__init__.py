"""The Slack adapter: `/interview` for recruiters, a DM thread per candidate, reports as
Block Kit in a private recruiter channel. See the Slack section of README.md.

Modules: `settings` (what the adapter needs from Settings), `translate` (events → core
messages), `commands` (slash-command parsing), `actions` (what each command does),
`listeners` (Bolt: ack, then work), `port` (ChatPort on the Web API), `blocks` (Block Kit),
`recruiters` (the allow-list), `mrkdwn` (text conversion), `app` (wiring and serving).
"""
