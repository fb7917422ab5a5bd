"""Every write to a table that a process keeps a copy of tells that copy to go, whichever way it is made.

`post_save` and `post_delete` are not sent by a queryset's `update()`, `bulk_create()` or `bulk_update()`, so a
copy dropped only on those signals outlived such a write (`balai demo` marks the Pemda as a demo with `update()`;
`balai wilayah import` writes in bulk). A model whose rows are kept in a process memo uses `NoticedQuerySet` (its
bulk writes send `rows_changed`), and its copies connect with `on_change`, which listens to all three signals.
Raw SQL is the one way around it: Balai writes these tables only through the ORM (and `loaddata`, which saves).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.db import models, transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal

M = TypeVar("M", bound=models.Model)

# Sent with sender=the model class after a bulk write to its table (no per-row signal was sent).
rows_changed = Signal()


def _notice(model: type[models.Model], using: str) -> None:
    rows_changed.send(sender=model)
    # Another read in this transaction may have put the old rows back into a copy: drop it again on commit.
    transaction.on_commit(lambda: rows_changed.send(sender=model), using=using, robust=True)


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
