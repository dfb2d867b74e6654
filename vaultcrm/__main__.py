"""`python -m vaultcrm`."""
from vaultcrm.cli import main

main()
