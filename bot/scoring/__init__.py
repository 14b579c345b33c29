"""Scoring answers: what gets scored (items), how an answer is read (language; the
keyword patterns, matching and term lists), the rubrics, the offline scorer, its
confidence, and whole-conversation signals."""
