"""`python -m vaultcrm`."""
from .cli import main

main()
