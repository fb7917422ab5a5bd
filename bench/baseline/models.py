"""A table with one column, its primary key: the least a Django insert can do. No migrations (migrate --run-syncdb)."""

from __future__ import annotations

from django.db import models


class Hit(models.Model):
    id = models.BigAutoField(primary_key=True)

    def __str__(self) -> str:
        return str(self.pk)
