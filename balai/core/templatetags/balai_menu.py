"""The staff and public menus, as every registered module declares them (balai.core.registry)."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse

from balai.core.access import StaffScope, staff_scope
from balai.core.registry import MenuEntry, registry

register = template.Library()


def _items(entries: list[MenuEntry], path: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = [{"label": e.label, "url": reverse(e.url_name)} for e in entries]
    # The page itself is "current"; otherwise the entry with the longest address that the page lies under.
    under = [i for i in items if path.startswith(i["url"]) and i["url"] != path]
    section = max(under, key=lambda i: len(i["url"]), default=None)
    for item in items:
        item["state"] = "current" if item["url"] == path else "section" if item is section else ""
    return items


@register.simple_tag(takes_context=True)
def staff_menu(context: template.Context) -> dict[str, list[dict[str, Any]]]:
    request = context.get("request")
    scope: StaffScope | None = context.get("scope") if isinstance(context.get("scope"), StaffScope) else None
    if scope is None:
        scope = (getattr(request, "scope", None) or staff_scope(request.user)) if request is not None else StaffScope()
    path = request.path if request is not None else ""
    entries = registry.staff_menu(scope)
    return {
        "main": _items([e for e in entries if e.place == "main"], path),
        "account": _items([e for e in entries if e.place == "account"], path),
    }


@register.simple_tag(takes_context=True)
def public_menu(context: template.Context) -> list[dict[str, Any]]:
    request = context.get("request")
    items = _items(registry.public_menu(), request.path if request is not None else "")
    for item in items:  # the public menu marks only the page itself
        if item["state"] == "section":
            item["state"] = ""
    return items
