"""Qt-free, database-free signing primitives: canonical JSON, Ed25519 keys and signatures."""
