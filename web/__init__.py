"""The web front end and the `kgqa` command that assembles every package's subcommands."""
