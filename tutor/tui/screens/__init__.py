"""The app's screens: home, review, summary, help."""
