from vaultfu.cli import main

main()
