"""Measuring the bot against expert judgement: labelled gold interviews, agreement
statistics, and the calibration run `interview-bot calibrate` prints; and the gold set of
candidates' questions about the role (`role_questions`)."""
