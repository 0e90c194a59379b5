"""Domain model of VetDesk: enumerations, units, identifiers and text normalisation."""
