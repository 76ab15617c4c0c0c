"""The retention service's Lambda handlers: the dossier stream's erasures, and the sweeper."""
