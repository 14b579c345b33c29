"""What each `interview-bot` command does.

`adapters/cli.py` only declares the commands (names, options, help) and imports the module
here that does a command's work when that command runs, so `--help`, `--version` and shell
completion load typer and nothing of the stack. One module per group of commands.
"""
