"""The human side: the review queue, decisions and structured root-cause feedback."""
