"""manifest.yml asks for exactly the scopes and events the adapter uses.

The Web API methods are read from the adapter's source (every `client.<method>(` call) and
checked against a method → scope table taken from Slack's method reference; a new call
fails here until its scope is added to both the table and the manifest.
"""

from __future__ import annotations

import ast
from pathlib import Path

import yaml

from adapters.slack.app import COMMAND, HANDLED_EVENTS
from tests.slack.fake_slack import SEEN_METHODS

ROOT = Path(__file__).resolve().parents[2]
ADAPTER = ROOT / "adapters" / "slack"

# client method → (Web API method, bot scopes it needs), from docs.slack.dev/reference/methods
METHOD_SCOPES: dict[str, tuple[str, frozenset[str]]] = {
    "auth_test": ("auth.test", frozenset()),
    "chat_postMessage": ("chat.postMessage", frozenset({"chat:write"})),
    "chat_getPermalink": ("chat.getPermalink", frozenset()),
    "chat_update": ("chat.update", frozenset({"chat:write"})),
    "chat_delete": ("chat.delete", frozenset({"chat:write"})),  # a failed start's header
    "conversations_open": ("conversations.open", frozenset({"im:write"})),
    # public channels need channels:read, private ones groups:read; we must tell them apart
    "conversations_info": ("conversations.info", frozenset({"channels:read", "groups:read"})),
    # who is in the recruiter channel (the candidate must not be): the same two scopes
    "conversations_members": ("conversations.members",
                              frozenset({"channels:read", "groups:read"})),
    # after a restart, whether a message already went out (adapters/slack/posted.py): the
    # candidate's DM thread (im:history) and the private recruiter channel (groups:history)
    "conversations_replies": ("conversations.replies",
                              frozenset({"im:history", "groups:history"})),
    "conversations_history": ("conversations.history", frozenset({"groups:history"})),
    "users_info": ("users.info", frozenset({"users:read"})),
    "usergroups_users_list": ("usergroups.users.list", frozenset({"usergroups:read"})),
    "views_open": ("views.open", frozenset()),
}
# Called with the app-level token (scope connections:write), not the bot token: Socket Mode.
APP_TOKEN_METHODS = {"apps.connections.open"}
# Events API type a listener handles → the subscriptions (and their scopes) it needs here.
EVENT_SUBSCRIPTIONS: dict[str, dict[str, frozenset[str]]] = {
    # DMs reach the interview; the private recruiter channel's threads reach a candidate
    # taken over by a person (issue 12).
    "message": {"message.im": frozenset({"im:history"}),
                "message.groups": frozenset({"groups:history"})},
}


def manifest() -> dict:
    return yaml.safe_load((ROOT / "manifest.yml").read_text(encoding="utf-8"))


def called_client_methods() -> set[str]:
    found: set[str] = set()
    for path in ADAPTER.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            owner = node.func.value
            if (isinstance(owner, ast.Name) and owner.id == "client") or (
                    isinstance(owner, ast.Attribute) and owner.attr == "client"):
                found.add(node.func.attr)
    return found


def test_every_called_method_has_a_known_scope() -> None:
    called = called_client_methods()
    assert called, "found no Web API calls: the scan is broken"
    unknown = called - METHOD_SCOPES.keys()
    assert not unknown, f"add these methods and their scopes to METHOD_SCOPES: {unknown}"
    # Methods the fake Slack saw during this run (Bolt's own included) are known too.
    known_api = {api for api, _ in METHOD_SCOPES.values()} | APP_TOKEN_METHODS
    assert SEEN_METHODS <= known_api, SEEN_METHODS - known_api


def test_manifest_scopes_are_exactly_the_ones_used() -> None:
    called = called_client_methods()
    needed = {"commands"}  # the slash command
    needed |= {scope for m in called for scope in METHOD_SCOPES[m][1]}
    needed |= {scope for e in HANDLED_EVENTS for scopes in EVENT_SUBSCRIPTIONS[e].values()
               for scope in scopes}
    assert set(manifest()["oauth_config"]["scopes"]["bot"]) == needed


def test_manifest_subscribes_to_every_handled_event_and_nothing_else() -> None:
    wanted = {sub for e in HANDLED_EVENTS for sub in EVENT_SUBSCRIPTIONS[e]}
    assert set(manifest()["settings"]["event_subscriptions"]["bot_events"]) == wanted


def test_manifest_declares_the_command_interactivity_and_socket_mode() -> None:
    data = manifest()
    [command] = data["features"]["slash_commands"]
    assert command["command"] == COMMAND and command["should_escape"] is True
    assert "@candidate" in command["usage_hint"]
    assert data["features"]["app_home"]["messages_tab_enabled"] is True
    assert data["features"]["app_home"]["messages_tab_read_only_enabled"] is False
    assert data["settings"]["interactivity"]["is_enabled"] is True
    assert data["settings"]["socket_mode_enabled"] is True
    assert data["display_information"]["name"] and data["features"]["bot_user"]["display_name"]
