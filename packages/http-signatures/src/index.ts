// Public API of this package. Nothing is exported yet.
export {};
