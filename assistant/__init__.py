"""anime-assistant: a voice assistant that draws anime-style pictures."""
