from socialops.cli.main import main

main()
