"""Every write to a table that a process keeps a copy of tells that copy to go, whichever way it is made.

`post_save` and `post_delete` are not sent by a queryset's `update()`, `bulk_create()` or `bulk_update()`, so a
copy dropped only on those signals outlived such a write (`balai demo` marks the Pemda as a demo with `update()`;
`balai wilayah import` writes in bulk). A model whose rows are kept in a process memo uses `NoticedQuerySet` (its
bulk writes send `rows_changed`), and its copies connect with `on_change`, which listens to all three signals.
Raw SQL is the one way around it: Balai writes these tables only through the ORM (and `loaddata`, which saves).

Other server processes learn of the write through the database: every noticed write also adds one to its table's
shared version (`SharedVersion`, in the writer's transaction), and each request first compares those numbers with
the ones its process saw last (`memos_follow_shared_version`, one query); for a table whose number moved, the
process sends itself the notice a write made here would have sent, so the same copies go.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.apps import apps
from django.db import IntegrityError, models, transaction
from django.db.models import F
from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal

from balai.lib import memo

M = TypeVar("M", bound=models.Model)

# Sent with sender=the model class after a bulk write to its table (no per-row signal was sent).
rows_changed = Signal()


def shared_version_bump(model: type[models.Model], using: str = "default") -> None:
    """Add one to the model's shared version, inside the caller's transaction (a rollback takes it back too)."""
    from .models import SharedVersion

    rows = SharedVersion.objects.using(using).filter(name=model._meta.label_lower)
    if rows.update(version=F("version") + 1):
        return
    try:
        with transaction.atomic(using=using):
            SharedVersion.objects.using(using).create(name=model._meta.label_lower, version=1)
    except IntegrityError:  # made meanwhile by another process
        rows.update(version=F("version") + 1)


def shared_versions() -> dict[str, int]:
    from .models import SharedVersion

    return dict(SharedVersion.objects.values_list("name", "version"))


def memos_follow_shared_version(**_kwargs: Any) -> None:
    """Drop this process's copies of what another process changed (called once per request or task): the same
    notice as a write made here, so the same copies go."""
    for label in memo.follow(shared_versions()):
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        rows_changed.send(sender=model, replayed=True)


def _bump_on_write(sender: type[models.Model], **kwargs: Any) -> None:
    # Not again after the commit (counted inside the transaction), nor for another process's write replayed here.
    if not kwargs.get("after_commit") and not kwargs.get("replayed"):
        shared_version_bump(sender, kwargs.get("using") or "default")


def _notice(model: type[models.Model], using: str) -> None:
    rows_changed.send(sender=model, using=using)
    # Another read in this transaction may have put the old rows back into a copy: drop it again on commit.
    transaction.on_commit(
        lambda: rows_changed.send(sender=model, using=using, after_commit=True), using=using, robust=True
    )


class NoticedQuerySet(models.QuerySet[M]):
    """A queryset whose bulk writes are noticed by the process memos of its model (`rows_changed`)."""

    def update(self, **kwargs: Any) -> int:
        count = super().update(**kwargs)
        _notice(self.model, self.db)
        return count

    def bulk_create(self, objs: Iterable[M], *args: Any, **kwargs: Any) -> list[M]:
        created = super().bulk_create(objs, *args, **kwargs)
        _notice(self.model, self.db)
        return created

    def bulk_update(self, objs: Iterable[M], fields: Any, *args: Any, **kwargs: Any) -> int:
        count = super().bulk_update(objs, fields, *args, **kwargs)
        _notice(self.model, self.db)
        return count

    def delete(self) -> tuple[int, dict[str, int]]:
        # Deleting sends post_delete per row, unless Django takes its fast path (no receivers): notice it anyway.
        deleted = super().delete()
        _notice(self.model, self.db)
        return deleted


def on_change(receiver: Callable[..., None], *senders: type[models.Model], uid: str) -> None:
    """Call `receiver` after every write to the tables of `senders`: a save, a delete, or a bulk write."""
    for model in senders:
        if not isinstance(model._default_manager.all(), NoticedQuerySet):
            raise TypeError(f"{model.__name__}'s manager must be built on NoticedQuerySet for {uid}")
        for signal in (post_save, post_delete, rows_changed):
            signal.connect(receiver, sender=model, weak=False, dispatch_uid=f"{uid}.{model.__name__}")
            signal.connect(_bump_on_write, sender=model, weak=False, dispatch_uid=f"shared_version.{model.__name__}")
