"""The summary tables of the command center (filled by `balai.dasbor.summary`)."""
