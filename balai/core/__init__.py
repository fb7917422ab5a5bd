"""The Pemda, its organisation, wilayah, roles, the working-day calendar and the audit trail."""
