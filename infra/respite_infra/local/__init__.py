"""The local stack: moto in server mode as the embedded AWS, the catalogue provisioned in it, and the
pumps, scheduler and TTL emulator that play Lambda's event sources on this machine."""
