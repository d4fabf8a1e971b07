from socialops.cli.entry import main

main()
