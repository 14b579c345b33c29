"""Measuring the scorer against expert judgement: labelled gold interviews, agreement
statistics, and the calibration run `interview-bot calibrate` prints."""
