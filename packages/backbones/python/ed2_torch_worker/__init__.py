"""Python worker of the ED² `torch` backbone (spawned by @ed2/backbones; see worker.py)."""
