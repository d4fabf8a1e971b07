"""Training commands for the models shipped in the package (run by ``socialops train``)."""
