from bookgen.cli import main

main()
