"""Files kept for a while and shared by web processes and workers: see storage.py."""
