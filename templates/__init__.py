"""Templates shipped inside the wheel as the package data of `vaultcrm.templates`."""
