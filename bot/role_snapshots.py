"""Roles as interviews stored them (the `roles` table), parsed once per role version.

A stored role never changes: its version is a hash of its definition, so one parsed `Role`
serves every interview, session and thread that uses that version. Decoding and validating
the definition (about 30 KB of JSON) costs about half a millisecond and 180 KiB each time;
it used to be paid on every candidate message.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from bot.roles import Role

MAX_VERSIONS = 64  # roles in use at once are a handful; old versions drop out

_parsed: OrderedDict[tuple[str, str], Role] = OrderedDict()
_lock = threading.Lock()


def role_snapshot(name: str, version: str,
                  definition: Callable[[], dict[str, Any]]) -> Role:
    """The role `name` at `version`; `definition` is read (from the database) only the first
    time this process meets that version."""
    key = (name, version)
    with _lock:
        role = _parsed.get(key)
        if role is not None:
            _parsed.move_to_end(key)
            return role
    role = Role.model_validate(definition())  # outside the lock: two threads may both parse
    with _lock:
        _parsed[key] = role
        while len(_parsed) > MAX_VERSIONS:
            _parsed.popitem(last=False)
    return role
