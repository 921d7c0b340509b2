"""NCHW neural-network ops as pure NumPy functions, each with its backward and a naive loop twin."""
