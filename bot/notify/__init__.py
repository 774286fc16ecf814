"""Notifiers: one small module per channel behind the interface in `bot.notify.base`."""
