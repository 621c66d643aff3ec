"""The board secretary's work: meetings, frozen snapshots, the action log and the board pack."""
