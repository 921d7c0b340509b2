"""Neural-network operations in NumPy (NCHW): forward and backward beside each other, naive twins."""
