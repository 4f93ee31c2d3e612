"""Text-conditioned sequence benchmark (`rollouts`)."""
