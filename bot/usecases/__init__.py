"""What the service does, one use case per module; `bot.service.InterviewService` is the
front door adapters call, and each of its methods hands over to one of these.

- `core`: what every use case shares (database transactions in worker threads, the
  per-interview locks, the brain, the role snapshots).
- `starting`: a recruiter starts an interview.
- `messages`: a candidate's message (the turn path) and edits of earlier messages.
- `wording`: the reply text, guarded, with its fallbacks.
- `delivery`: posting stored bot messages and recording that they were posted.
- `finishing`: evaluation and the HR report of an ended interview.
- `controls`: recruiter and candidate controls (cancel, pause, resume, withdraw, remind,
  extend) and erasure.
- `reading`: status, lists and export.
"""
