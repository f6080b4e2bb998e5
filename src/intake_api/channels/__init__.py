"""Channel adapters: each turns what its channel sends into the shared intake's terms."""
