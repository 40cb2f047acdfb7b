"""Adapters: vendor SDKs behind the ports. Vendor errors become ours here and nowhere else."""
