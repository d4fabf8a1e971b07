"""Publish: social profiles, the publish queue (an exactly-once state machine) and its worker."""
