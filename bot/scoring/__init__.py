"""Scoring answers: what gets scored (items), how an answer is read (language, matching),
the rubrics, the offline scorer, its confidence, and whole-conversation signals."""
