"""The caseworker's inbox ("Mijn werkvoorraad"): open tasks of the user's roles, and claiming them."""
