"""Exchange of data packages between county offices and the city bureau."""
