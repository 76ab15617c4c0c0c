"""Data access of the kernel: the only kernel modules that touch boto3."""
