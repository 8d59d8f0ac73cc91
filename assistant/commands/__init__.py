"""CLI commands beyond the walking skeleton's, one module each. Importing a module registers
its commands on :data:`assistant.cli.app`; every heavy import stays inside the command."""
