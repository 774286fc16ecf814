"""Notifiers: one small module per way of reaching people (`log`, `email`, `slack`, `teams`),
all behind the `Notifier` interface in `bot.notify.base`, built by `bot.notify.registry`."""
