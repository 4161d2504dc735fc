from vaultfu.cli import run

run()
