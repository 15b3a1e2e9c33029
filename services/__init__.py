"""Quiz lifecycle with Telegram and the model: what handlers call."""
